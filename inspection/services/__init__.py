"""Services: the only code that changes state. They flush and never commit; the caller commits once."""

from collections.abc import Iterable
from dataclasses import dataclass

from inspection.i18n import N_, Message
from inspection.models import User


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where, passed explicitly so services never read the request."""

    user: User | None
    ip: str = ""

    @property
    def name(self) -> str:
        """Return the acting username, or "" for an anonymous actor."""
        return self.user.username if self.user else ""

    @property
    def user_id(self) -> int | None:
        """Return the acting user's id, or None for an anonymous actor (e.g. a CLI import)."""
        return self.user.id if self.user else None

    @property
    def department_code(self) -> str | None:
        """Return the code of the acting user's department, or None."""
        return self.user.department.code if self.user and self.user.department else None


class ServiceError(Exception):
    """A business rule refused the action; the message is shown to the user.

    Each subclass names the HTTP status and API error code it is answered with, so that one handler
    (blueprints/api/common.py `service_error`) and one web helper (blueprints/__init__.py `unit_of_work`)
    turn any of them into a response.
    """

    status = 422
    code = "rule_violation"
    #: Whether the work done before the refusal is still committed (it recorded the refusal itself).
    keep_work = False

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **params: object) -> None:
        """`message` is Chinese, marked with `N_` where it is raised, with named placeholders filled from `params`
        (``ServiceError(N_("检查中没有条目 %(code)s"), code=code)``); `str(error)` is the Chinese text, and the web
        and the API translate `error.message` into the reader's language."""
        #: The message, remembering its msgid and values for translation.
        self.message = message if isinstance(message, Message) and not params else Message(message, **params)
        super().__init__(self.message)
        #: Input fields the refusal is about, by name, for forms and the API's `fields` (a Message or a code).
        self.fields = {
            name: text if isinstance(text, Message) else Message(text) for name, text in (fields or {}).items()
        }


class RuleViolation(ServiceError):
    """The request is well-formed but breaks a rule (e.g. a required photo is missing)."""


class Conflict(ServiceError):
    """The change clashes with what the server holds (stale revision, reused UUID)."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, conflicts: list[dict[str, object]]) -> None:
        super().__init__(message)
        #: What clashed, one entry per item or UUID (sent to API clients as `conflicts`).
        self.conflicts = conflicts


class OtherDepartment(ServiceError):
    """Items of sections another department owns: the caller may only read them."""

    status = 403
    code = "forbidden"

    def __init__(self, item_codes: Iterable[str]) -> None:
        self.item_codes = list(dict.fromkeys(item_codes))
        codes = "、".join(self.item_codes)
        super().__init__(N_("%(codes)s 属于其他部门的检查部分，您只能查看"), fields={"item_code": codes}, codes=codes)
