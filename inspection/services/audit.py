"""Recording audit events in their hash chain, reading the log, and verifying the chain."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from inspection import permissions
from inspection.audit_chain import GENESIS, HASHED_FIELDS, ChainState, ChainWalker, entry_hash, stored_json
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import AuditEvent, User
from inspection.models.audit import AuditChainHead
from inspection.orm import utcnow
from inspection.services import Actor
from inspection.transactions import locked

#: A refusal of a request nobody is known for (a CSRF failure, a missing or bad token) reaches the log at most once
#: per kind and client address in this interval: a flood of them cannot fill the log.
REFUSAL_LOG_INTERVAL = timedelta(minutes=1)
#: The id of the chain's one head row.
CHAIN_HEAD_ID = 1
#: Entries read per query when the chain is verified: memory stays flat however long the log.
VERIFY_BATCH = 2000


@dataclass(frozen=True)
class Event:
    """One event to record: what `record_event` takes after its actor, for `record_events`."""

    action: str
    object_type: str = ""
    object_id: object = ""
    region_path: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    detail: str = ""
    actor_name: str | None = None


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
    """Append one audit event to the hash chain and flush it.

    The chain's head row is locked until the transaction ends (PostgreSQL: SELECT … FOR UPDATE; SQLite holds the
    whole database already), so concurrent transactions append one after another, each linking to the entry the
    one before it committed.

    :param actor: who acted and from which address.
    :param action: dotted event name, e.g. ``facility.update``.
    :param region_path: the region the event concerns; defaults to the actor's region.
    :param actor_name: the name to record when there is no user (e.g. the username of a failed login).
    :return: the new event.
    """
    event = Event(action, object_type, object_id, region_path, before, after, detail, actor_name)
    return record_events(actor, [event])[0]


def record_events(actor: Actor, events: Sequence[Event]) -> list[AuditEvent]:
    """Append `events` to the hash chain in their order, as `record_event` appends one, with one lock of the head
    and one insert (an import of thousands of register entries records thousands of events).

    :return: the new events, in order.
    """
    head = _chain_head()
    default_path = actor.user.region.path if actor.user else "/"
    last_hash = head.last_hash
    rows = []
    for event in events:
        fields = {
            "created_at": utcnow(),
            "actor_id": actor.user_id,
            "actor_name": event.actor_name if event.actor_name is not None else actor.name,
            "ip": actor.ip,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": str(event.object_id),
            "region_path": event.region_path if event.region_path is not None else default_path,
            "before": stored_json(event.before),
            "after": stored_json(event.after),
            "detail": event.detail[:500],
        }
        row = AuditEvent(**fields, prev_hash=last_hash, entry_hash=entry_hash(fields, last_hash))
        last_hash = row.entry_hash
        rows.append(row)
    if not rows:
        return rows
    db.session.add_all(rows)
    db.session.flush()
    head.last_event_id, head.last_hash, head.length = rows[-1].id, last_hash, head.length + len(rows)
    db.session.flush()
    return rows


def _chain_head() -> AuditChainHead:
    """Return the chain's head row, locked; create it for an empty log (a database built without the migration)."""
    head = locked(AuditChainHead, CHAIN_HEAD_ID)
    if head:
        return head[0]
    start = AuditChainHead(id=CHAIN_HEAD_ID, last_event_id=None, last_hash=GENESIS, length=0)
    db.session.add(start)
    db.session.flush()
    return start


def verify_chain(batch: int = VERIFY_BATCH) -> ChainState:
    """Walk the audit log in id order, `batch` rows per query (columns only, no ORM objects kept), and return how
    far it matches: each entry must link to the one before and hash to its own hash, and the last must be the one
    the head names (an entry cut off the end is found too)."""
    hashed = [getattr(AuditEvent, name) for name in HASHED_FIELDS]
    query = select(AuditEvent.id, AuditEvent.prev_hash, AuditEvent.entry_hash, *hashed).order_by(AuditEvent.id)
    connection = db.session.connection()
    walker = ChainWalker()
    last_id = 0
    while True:
        rows = connection.execute(query.where(AuditEvent.id > last_id).limit(batch)).all()
        for entry_id, prev_hash, own_hash, *values in rows:
            reason = walker.check(entry_id, dict(zip(HASHED_FIELDS, values, strict=True)), prev_hash, own_hash)
            if reason:
                return walker.state(entry_id, reason)
        if len(rows) < batch:
            break
        last_id = rows[-1][0]
    head = db.session.get(AuditChainHead, CHAIN_HEAD_ID)
    last_hash, length = (head.last_hash, head.length) if head else (GENESIS, 0)
    if (last_hash, length) != (walker.previous_hash, walker.verified):
        missing = head.last_event_id if head else walker.last_id
        return walker.state(missing, N_("链尾记录缺失（最后的记录被删除）或链头被改动"))
    return walker.state()


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_log(user: User, action: str = "") -> Select[tuple[AuditEvent]]:
    """Return a select of the events `user` may read, newest first.

    :param action: when given, only events whose action starts with it (``user.`` finds every account event).
    """
    stmt = permissions.visible_audit_events(user).order_by(AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    return stmt


def iter_events(stmt: Select[tuple[AuditEvent]], *, chunk: int = 1000) -> Iterator[AuditEvent]:
    """Yield the events of `stmt` (newest first, as `audit_log` orders them) in keyset chunks of `chunk`.

    Each chunk is its own query and is dropped from the session once read, so memory stays flat and no cursor
    outlives the session, however long the log.
    """
    last_id = None
    while True:
        page = stmt if last_id is None else stmt.where(AuditEvent.id < last_id)
        events = db.session.scalars(page.limit(chunk)).all()
        if not events:
            return
        yield from events
        last_id = events[-1].id
        db.session.expunge_all()


def record_refusal(actor: Actor, action: str, path: str, detail: str, now: datetime | None = None) -> bool:
    """Record a refused request (`security.csrf_failed`, `security.unauthenticated`) unless one of the same kind
    from the same address was recorded within REFUSAL_LOG_INTERVAL; return whether it was recorded."""
    since = (now or utcnow()) - REFUSAL_LOG_INTERVAL
    recent = select(AuditEvent.id).where(
        AuditEvent.action == action, AuditEvent.ip == actor.ip, AuditEvent.created_at > since
    )
    if db.session.scalar(recent.limit(1)) is not None:
        return False
    record_event(actor, action, object_type="request", object_id=path[:50], detail=detail[:200])
    return True
