"""Authentication, errors and input parsing shared by the API routes."""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, NoReturn

from flask import Response, abort, g, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from inspection.blueprints import translated, translated_fields
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.media import MediaError, MediaTooLarge
from inspection.models import ApiToken, Role, User
from inspection.record_ids import MAX_ID
from inspection.security import log_refusal
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event
from inspection.services.tokens import active_token, record_use

CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: The error `code` sent for an HTTP error raised outside the routes' own checks.
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "rule_violation",
    429: "throttled",
}
#: Their messages (werkzeug's descriptions are English), translated when sent.
HTTP_ERROR_MESSAGES = {
    400: N_("请求无效"),
    401: N_("请先登录"),
    403: N_("无权执行此操作"),
    404: N_("地址不存在"),
    405: N_("不支持此请求方法"),
    413: N_("请求内容过大"),
    415: N_("不支持的请求内容类型"),
    429: N_("请求过于频繁，请稍后再试"),
}


def api_error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> NoReturn:
    """Abort with the API's JSON error body; refusals (403/404) are also written to the audit log."""
    if status in (403, 404):
        _record_refusal(status, message)
    abort(error_response(status, code, message, fields))


def _record_refusal(status: int, message: str) -> None:
    user = getattr(g, "api_user", None)
    record_event(
        Actor(user, request.remote_addr or ""),
        "security.refused",
        object_type="api",
        object_id=request.path[:50],
        detail=f"{status} {message}"[:500],
    )
    db.session.commit()


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    conflicts: list[dict[str, object]] | None = None,
) -> Response:
    """Return the API's JSON error body with `status` (and `conflicts` when a change clashed); the message and the
    field messages in the request's language."""
    body: dict[str, object] = {"code": code, "message": translated(message), "fields": translated_fields(fields or {})}
    if conflicts is not None:
        body["conflicts"] = conflicts
    response = jsonify(error=body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="careinspect"'
    return response


def http_error(error: HTTPException) -> Response:
    """Render an HTTP error raised inside an API route (e.g. 413 from the request size limit) as API JSON."""
    status = error.code or 500
    message = HTTP_ERROR_MESSAGES.get(status) or error.description or N_("请求无法处理")
    response = error_response(status, HTTP_ERROR_CODES.get(status, "error"), message)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def service_error(error: ServiceError) -> Response:
    """Answer a service's refusal: roll back the request's work, then the uniform error body with the
    exception's status and code (refusals are audited like `api_error`'s)."""
    if error.keep_work:
        db.session.commit()
    else:
        db.session.rollback()
    if error.status in (403, 404):
        _record_refusal(error.status, str(error))
    return error_response(error.status, error.code, error.message, error.fields, getattr(error, "conflicts", None))


def concurrent_write(_error: IntegrityError) -> Response:
    """Answer a unique key taken by another request at the same moment (a client UUID, a new answer): the
    client retries, and the retry finds what the other request stored."""
    db.session.rollback()
    return error_response(409, "conflict", N_("数据正由另一个请求保存，请重试"), conflicts=[])


def media_error(error: MediaError) -> Response:
    """Answer an upload that is not an acceptable image, naming the field it came in (a photo's multipart
    `file`, a signature's JSON `image`)."""
    db.session.rollback()
    field = "file" if request.files else "image"
    status, code = (413, "too_large") if isinstance(error, MediaTooLarge) else (400, "bad_image")
    message = translated(error)
    return error_response(status, code, message, {field: message})


def routing_error() -> Response | None:
    """Answer unknown URLs and methods below /api/v1/ with API JSON (the app-wide handler renders HTML or a
    numeric code); runs before the route would be dispatched."""
    error = request.routing_exception
    if isinstance(error, NotFound | MethodNotAllowed) and request.path.startswith("/api/v1/"):
        return http_error(error)
    return None


def token_required(*roles: Role) -> Callable[..., Any]:
    """Require a valid bearer token (and one of `roles`, when given); sets `g.api_user` and `g.api_token`."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            token = active_token(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
            if token is None:
                log_refusal("security.unauthenticated", "missing or invalid bearer token")
                api_error(401, "unauthorized", N_("缺少或无效的令牌，请重新登录"))
            if record_use(token, request.remote_addr or ""):
                _commit_token_use()
            g.api_token = token
            g.api_user = user = token.user
            if roles and user.role not in roles:
                api_error(403, "forbidden", N_("您的角色无权执行此操作"))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _commit_token_use() -> None:
    """Write the token's last use in a transaction of its own, before the request's work. Bookkeeping must not fail
    the request: a GET reads SQLite in a deferred transaction, where a write after another request's commit is
    refused, and the work's retries (run_in_transaction) would roll the use back with it."""
    try:
        db.session.commit()
    except OperationalError:  # the database is busy: bookkeeping only, the next request records the use
        db.session.rollback()


def api_user() -> User:
    """Return the user of the current API request."""
    return g.api_user


def api_token() -> ApiToken:
    """Return the token the current API request carries."""
    return g.api_token


def api_actor() -> Actor:
    """Return the acting user and address of the current API request."""
    return Actor(g.api_user, request.remote_addr or "")


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or abort with 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        api_error(400, "bad_request", N_("请求体必须是 JSON 对象"))
    return data


def storable(value: str) -> bool:
    """Return True if every database accepts `value` as text (no NUL, no lone surrogate)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def query_int(name: str, default: int, minimum: int, maximum: int) -> int:
    """Return the integer query parameter `name`, or abort with 400."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not minimum <= int(raw) <= maximum:
        api_error(
            400,
            "bad_request",
            N_("请求参数有误"),
            {name: Message(N_("应为 %(minimum)s–%(maximum)s 的整数"), minimum=minimum, maximum=maximum)},
        )
    return int(raw)


class Fields:
    """Collect field errors while reading input, then abort once with all of them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, required: bool = True, max_length: int = 200, default: str = "") -> str:
        value = self.data.get(name, None)
        if value is None:
            if required:
                self.errors[name] = N_("必填")
            return default
        if not isinstance(value, str) or len(value) > max_length:
            self.errors[name] = Message(N_("应为不超过 %(max_length)s 字的文本"), max_length=max_length)
            return default
        if not storable(value):
            self.errors[name] = N_("含有不允许的字符")
            return default
        return value

    def uuid(self, name: str, *, required: bool = True) -> str:
        value = self.text(name, required=required, max_length=36)
        if CANONICAL_UUID.fullmatch(value):  # what crypto.randomUUID() sends: no need to parse
            return value
        try:
            return str(uuid.UUID(value)) if value else value
        except ValueError:
            self.errors[name] = N_("应为 UUID")
            return ""

    def integer(self, name: str, *, required: bool = True, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.errors[name] = N_("必填")
            return None
        if type(value) is not int or not minimum <= value <= maximum:
            self.errors[name] = Message(N_("应为 %(minimum)s–%(maximum)s 的整数"), minimum=minimum, maximum=maximum)
            return None
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.errors[name] = N_("应为 true 或 false")
            return default
        return value

    def decimal(self, name: str) -> Decimal | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str) or len(str(value)) > 30:
            self.errors[name] = N_("应为数字")
            return None
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            self.errors[name] = N_("应为数字")
            return None
        if not number.is_finite() or number < 0 or number > 10000 or number != number.quantize(Decimal("0.01")):
            self.errors[name] = N_("应为 0–10000 之间、最多两位小数的数字")
            return None
        return number

    def date(self, name: str) -> date | None:
        value = self.text(name, max_length=10)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            self.errors[name] = N_("日期格式应为 YYYY-MM-DD")
            return None

    def moment(self, name: str) -> datetime | None:
        """An ISO 8601 time as naive UTC (how times are stored); one without a zone is taken as UTC."""
        value = self.text(name, required=False, max_length=40)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        except (ValueError, OverflowError):
            self.errors[name] = N_("应为 ISO 8601 时间")
            return None

    def choice(self, name: str, choices: set[str], *, required: bool = True, default: str = "") -> str:
        value = self.text(name, required=required, max_length=50, default=default)
        if value and value not in choices:
            self.errors[name] = Message(N_("应为 %(choices)s 之一"), choices="、".join(sorted(choices)))
        return value

    def done(self) -> None:
        """Abort with 400 listing every field error found."""
        if self.errors:
            api_error(400, "bad_request", N_("请求内容有误"), self.errors)
