"""Authentication, errors and input parsing shared by the API routes."""

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, NoReturn

from flask import abort, g, jsonify, request

from inspection.extensions import db
from inspection.models import Role, User
from inspection.services import Actor
from inspection.services.audit import record_event
from inspection.services.tokens import user_for_token


def api_error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> NoReturn:
    """Abort with the API's JSON error body; refusals (403/404) are also written to the audit log."""
    if status in (403, 404):
        user = getattr(g, "api_user", None)
        record_event(
            Actor(user, request.remote_addr or ""),
            "security.refused",
            object_type="api",
            object_id=request.path[:50],
            detail=f"{status} {message}"[:500],
        )
        db.session.commit()
    response = jsonify(error={"code": code, "message": message, "fields": fields or {}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="careinspect"'
    abort(response)


def token_required(*roles: Role) -> Callable[..., Any]:
    """Require a valid bearer token (and one of `roles`, when given); sets `g.api_user`."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            user = user_for_token(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
            if user is None:
                api_error(401, "unauthorized", "缺少或无效的令牌，请重新登录")
            g.api_user = user
            if roles and user.role not in roles:
                api_error(403, "forbidden", "您的角色无权执行此操作")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def api_user() -> User:
    """Return the user of the current API request."""
    return g.api_user


def api_actor() -> Actor:
    """Return the acting user and address of the current API request."""
    return Actor(g.api_user, request.remote_addr or "")


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or abort with 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        api_error(400, "bad_request", "请求体必须是 JSON 对象")
    return data


class Fields:
    """Collect field errors while reading input, then abort once with all of them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, required: bool = True, max_length: int = 200, default: str = "") -> str:
        value = self.data.get(name, None)
        if value is None:
            if required:
                self.errors[name] = "必填"
            return default
        if not isinstance(value, str) or len(value) > max_length:
            self.errors[name] = f"应为不超过 {max_length} 字的文本"
            return default
        return value

    def uuid(self, name: str) -> str:
        value = self.text(name, max_length=36)
        try:
            return str(uuid.UUID(value)) if value else value
        except ValueError:
            self.errors[name] = "应为 UUID"
            return ""

    def integer(self, name: str, *, required: bool = True, minimum: int = 0, maximum: int = 2**31 - 1) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.errors[name] = "必填"
            return None
        if type(value) is not int or not minimum <= value <= maximum:
            self.errors[name] = f"应为 {minimum}–{maximum} 的整数"
            return None
        return value

    def decimal(self, name: str) -> Decimal | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.errors[name] = "应为数字"
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.errors[name] = "应为数字"
            return None
        if not number.is_finite() or number < 0 or number > 10000 or number != number.quantize(Decimal("0.01")):
            self.errors[name] = "应为 0–10000 之间、最多两位小数的数字"
            return None
        return number

    def date(self, name: str) -> date | None:
        value = self.text(name, max_length=10)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            self.errors[name] = "日期格式应为 YYYY-MM-DD"
            return None

    def choice(self, name: str, choices: set[str], *, required: bool = True, default: str = "") -> str:
        value = self.text(name, required=required, max_length=50, default=default)
        if value and value not in choices:
            self.errors[name] = f"应为 {'、'.join(sorted(choices))} 之一"
        return value

    def done(self) -> None:
        """Abort with 400 listing every field error found."""
        if self.errors:
            api_error(400, "bad_request", "请求内容有误", self.errors)
