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


class ServiceError(Exception):
    """A business rule refused the action; the message is shown to the user."""
