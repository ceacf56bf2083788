"""Blueprints: one module per area; name = module = URL prefix = template folder."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, current_app, flash, request
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from wtforms import Field

from inspection.extensions import db
from inspection.i18n import Joined, Message
from inspection.media import MediaError
from inspection.models import StoredFile
from inspection.paging import PageNumbers
from inspection.record_ids import MAX_ID, parse_id
from inspection.request_limits import BadParameter
from inspection.scoring.explanations import explanation_of
from inspection.services import ServiceError
from inspection.wording import in_words


def file_response(file: StoredFile) -> Response:
    """Answer with a stored photo or signature; the browser may keep it a day (the bytes of an id never change)."""
    return Response(file.data, mimetype=file.content_type, headers={"Cache-Control": "private, max-age=86400"})


#: Longest search text a list takes: longer than any name it searches (SQLite refuses a LIKE pattern over 50,000
#: bytes with a 500).
SEARCH_LENGTH = 100


def query_number(name: str, default: int | None = None) -> int | None:
    """Return the whole number (an id, a page) in query parameter `name`, `default` when it is absent or empty.

    :raises BadParameter: when it is not a number from 0 to MAX_ID (a larger one would overflow the database driver).
    """
    raw = request.args.get(name, "")
    if not raw:
        return default
    number = parse_id(raw)
    if number is None:
        raise BadParameter(_("查询参数 %(name)s 应为 0–%(max)s 的整数。", name=name, max=MAX_ID))
    return number


def paginate(stmt: Select[Any], per_page: int | None = None) -> Pagination:
    """Return the page of `stmt` that query parameter `page` names, read as `query_number` reads (Flask-SQLAlchemy's
    own reading takes a page of any size, whose offset overflows the database driver); `per_page` defaults to the
    configured PAGE_SIZE."""
    return db.paginate(
        stmt, page=query_number("page", 1), per_page=per_page or current_app.config["PAGE_SIZE"], error_out=False
    )


@dataclass(frozen=True)
class ListPage(PageNumbers):
    """A page of a list computed in Python, with the attributes the `pagination` macro reads."""

    items: list[Any]
    page: int
    per_page: int
    total: int


def paginate_list(items: list[Any], per_page: int | None = None) -> ListPage:
    """Return the page of `items` that query parameter `page` names (a page past the end is empty), as `paginate`."""
    size = per_page or current_app.config["PAGE_SIZE"]
    page = max(1, query_number("page", 1) or 1)
    return ListPage(items[(page - 1) * size : page * size], page, size, len(items))


def query_text(name: str, max_length: int = SEARCH_LENGTH) -> str:
    """Return the text in query parameter `name`, stripped; "" when it is absent.

    :raises BadParameter: when it is longer than `max_length` characters.
    """
    text = request.args.get(name, "").strip()
    if len(text) > max_length:
        raise BadParameter(_("查询参数 %(name)s 最长 %(max)s 个字符。", name=name, max=max_length))
    return text


def query_date(name: str) -> date | None:
    """Return the date in query parameter `name`, None when it is absent or empty.

    :raises BadParameter: when it is not a date (YYYY-MM-DD).
    """
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise BadParameter(_("查询参数 %(name)s 应为日期，格式为 YYYY-MM-DD。", name=name)) from None


def translated(message: object) -> str:
    """Return a user-facing message (a `Message`, a msgid, or a refusal raised with one) in the request's
    language; text that is no msgid (a name, a code) comes back as it is."""
    if isinstance(message, ServiceError):
        message = message.message
    elif isinstance(message, Exception):
        message = message.args[0] if len(message.args) == 1 and isinstance(message.args[0], str) else str(message)
    if not message:
        return ""  # gettext("") is the catalogue's header
    if isinstance(message, Joined):
        return _(message.separator).join(translated(part) for part in message.parts)
    if isinstance(message, Message):
        params = {
            name: translated(value) if isinstance(value, Message) else value for name, value in message.params.items()
        }
        return _(message.msgid, **params)
    return _(message) if isinstance(message, str) else str(message)


def explanation_words(result: Mapping[str, object] | Message) -> str:
    """Return why a result was decided, in words and in the request's language: from a stored result (its
    explanation read as `scoring.explanations.explanation_of` reads it) or from the explanation itself."""
    message = result if isinstance(result, Message) else explanation_of(result)
    return in_words(translated(message), _)


def translated_fields(fields: dict[str, str]) -> dict[str, str]:
    """Return a refusal's per-field messages in the request's language."""
    return {name: translated(message) for name, message in fields.items()}


@dataclass
class Outcome:
    """How a unit of work ended: `ok` once it committed; `error` the refusal otherwise."""

    ok: bool = False
    error: ServiceError | MediaError | None = None

    @property
    def message(self) -> str:
        """The refusal's message in the request's language ("" when the work committed)."""
        return translated(self.error) if self.error else ""


@contextmanager
def unit_of_work(*, flash_error: bool = True, image_field: Field | None = None) -> Iterator[Outcome]:
    """Run the service calls of one form submission as one transaction, the web's only commit.

    On success the work is committed and `outcome.ok` is set; on a ServiceError it is rolled back (committed
    when the error says the work recorded the refusal itself), its message flashed unless the view shows it
    next to a field, and the view goes on (typically re-rendering the form with what was typed). An upload that
    is not an acceptable image is refused the same way, its message shown at `image_field` when given::

        with unit_of_work() as outcome:
            notice = supersede_notice(...)
        if outcome.ok:
            return redirect(...)
    """
    outcome = Outcome()
    try:
        yield outcome
    except (ServiceError, MediaError) as error:
        if isinstance(error, ServiceError) and error.keep_work:
            db.session.commit()
        else:
            db.session.rollback()
        if image_field is not None and isinstance(error, MediaError):
            image_field.errors = [*image_field.errors, translated(error)]
        elif flash_error:
            flash(translated(error), "error")
        outcome.error = error
        return
    db.session.commit()
    outcome.ok = True
