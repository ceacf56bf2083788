"""Recording audit events."""

from typing import Any

from inspection.extensions import db
from inspection.models import AuditEvent
from inspection.services import Actor


def record_event(
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    region_path: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
    actor_name: str | None = None,
) -> AuditEvent:
    """Append one audit event and flush it.

    :param actor: who acted and from which address.
    :param action: dotted event name, e.g. ``facility.update``.
    :param region_path: the region the event concerns; defaults to the actor's region.
    :param actor_name: the name to record when there is no user (e.g. the username of a failed login).
    :return: the new event.
    """
    if region_path is None:
        region_path = actor.user.region.path if actor.user else "/"
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_name=actor_name if actor_name is not None else actor.name,
        ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region_path=region_path,
        before=before,
        after=after,
        detail=detail[:500],
    )
    db.session.add(event)
    db.session.flush()
    return event


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
