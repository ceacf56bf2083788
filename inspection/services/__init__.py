"""Services: the only code that changes state. They flush and never commit; the caller commits once."""

from dataclasses import dataclass

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
    """A business rule refused the action; the message is shown to the user."""
