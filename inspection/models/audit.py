"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from inspection.extensions import db
from inspection.orm import utcnow


class AuditEvent(db.Model):
    """One recorded action: who, when, from where, what, before → after. Never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The acting user; None for anonymous actions such as a failed login.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Username as typed or as it was then (kept even if the account changes).
    actor_name: Mapped[str] = mapped_column(String(50), default="", index=True)
    ip: Mapped[str] = mapped_column(String(45), default="", index=True)
    #: Dotted event name, e.g. auth.login_failed, facility.update.
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str] = mapped_column(String(30), default="")
    object_id: Mapped[str] = mapped_column(String(50), default="")
    #: The region the event belongs to, so county admins see their county's events only.
    region_path: Mapped[str] = mapped_column(String(255), default="/", index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(String(500), default="")
    #: The hash chain (`inspection.audit_chain`): the previous entry's hash, and this entry's over its fields and that.
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AuditChainHead(db.Model):
    """The one row naming the chain's last entry. Appending locks it, so two transactions never link to the same
    predecessor; and an entry cut off the end of the chain is found, since the head still names it."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_event_id: Mapped[int | None]
    last_hash: Mapped[str] = mapped_column(String(64))
    length: Mapped[int] = mapped_column(default=0)


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be changed")
