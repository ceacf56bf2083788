"""The league table's keys stored per facility (``FacilityRankKey``), kept current in the transaction that changes
what they derive from, and checked against a full recomputation.

A page of a province's table would otherwise join and sort the results of every facility in it (20,000 and more);
with the keys stored, it reads one narrow table. The keys are what :func:`.query._keys` computes,
with two differences that make them independent of the day: the standings are the stored ones (a standing dated
after the day a page is asked for makes the page compute its keys, see :func:`usable_on`), and instead of the
count of overdue hazards the earliest open deadline is kept (a facility has overdue hazards after it).

Kept current: whenever a flush adds, changes or deletes a row that the keys derive from (a facility, a standing,
an open hazard, a listing, a grading result's countersignature or status, an inspection's date), the facility is
noted, and before the transaction commits its keys are computed again from the database and replaced, after
locking the facility's row: of two transactions changing one facility, the second computes after the first
committed and so sees both changes. Bulk inserts that bypass the ORM (the synthetic data generator) call
:func:`rebuild`; ``flask rankings check`` compares every stored row with a recomputation and names the drift.
Each transaction that changed keys counts ``RankKeysVersion`` up as it commits (``.positions`` keeps rank numbers
while the count stands).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, delete, event, func, insert, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, aliased

from inspection.checklists import GRADE_STANDING
from inspection.extensions import db
from inspection.models import (
    LISTED_STATUSES,
    CreditListing,
    Facility,
    FacilityRankKey,
    FacilityStanding,
    FacilityStatus,
    Hazard,
    Inspection,
    InspectionChecklist,
    RankKeysVersion,
)
from inspection.services.rankings.filters import OPEN_HAZARD
from inspection.services.rankings.query import (
    _group_expr,
    _level_sql,
    _pending_gradings,
    _previous_levels,
    _rank_keys,
    dialect_name,
    safety_kinds,
)

#: Facilities recomputed per statement.
BATCH = 500

#: The columns of the stored keys, in the order :func:`computed_keys` selects them.
COLUMNS = tuple(c.name for c in FacilityRankKey.__table__.columns)

#: A date after any inspection: the stored keys take every stored result as holding.
_ANY_DAY = date(9999, 12, 31)

#: The attributes, by model, whose change can change a facility's keys (None: any change, an insert or a delete).
_TRACKED: dict[type, tuple[str, ...] | None] = {
    Facility: ("name", "type", "ownership", "region_id", "status", "is_residential"),
    FacilityStanding: None,
    Hazard: ("facility_id", "status", "item_class", "deadline", "self_found"),
    CreditListing: ("facility_id", "status"),
    InspectionChecklist: ("status", "reviewed_at", "verdict_code", "grade", "points", "checklist_code"),
    Inspection: ("facility_id", "inspected_on", "purpose"),
}

_PENDING_FACILITIES = "rank_keys_facilities"
_PENDING_INSPECTIONS = "rank_keys_inspections"
_PENDING_ALL = "rank_keys_all"
#: The session's transaction changed stored keys: it counts ``RankKeysVersion`` up as it commits.
_CHANGED = "rank_keys_changed"
_TRACKED_TABLES = {model.__tablename__: model for model in _TRACKED}


def computed_keys(dialect: str, kinds: tuple[str, ...], facility_ids: bool = False) -> Select[Any]:
    """Return the query computing the keys of every active facility (in the order of :data:`COLUMNS`) on the
    database `dialect`, the latest date from the grade and the safety verdicts of `kinds` (``query.safety_kinds``);
    with `facility_ids`, of those bound as the expanding parameter ``ids`` only. Execute with
    ``{"today": _ANY_DAY}``."""

    def only(column: Any) -> Any:
        return column.in_(bindparam("ids", expanding=True)) if facility_ids else column.is_not(None)

    grade = aliased(FacilityStanding, name="sg")
    hazards = (
        select(
            Hazard.facility_id,
            func.count().label("open_hazards"),
            func.sum(case((Hazard.item_class == "major", 1), else_=0)).label("open_major"),
            func.min(Hazard.deadline).label("first_deadline"),
        )
        .where(Hazard.status.in_(OPEN_HAZARD), Hazard.self_found.is_(False), only(Hazard.facility_id))
        .group_by(Hazard.facility_id)
        .subquery("hz")
    )
    pending = _pending_gradings()
    listings = (
        select(CreditListing.facility_id)
        .where(CreditListing.status.in_(LISTED_STATUSES), only(CreditListing.facility_id))
        .group_by(CreditListing.facility_id)
        .subquery("bl")
    )
    previous = _previous_levels(only(Inspection.facility_id))
    dates = (  # the newest of the standings the table shows (as ``query._with_dates`` takes the latest)
        select(FacilityStanding.facility_id, func.max(FacilityStanding.decided_on).label("last_inspected"))
        .where(FacilityStanding.kind.in_((GRADE_STANDING, *kinds)), only(FacilityStanding.facility_id))
        .group_by(FacilityStanding.facility_id)
        .subquery("dates")
    )
    group = _group_expr(grade, pending, listings)
    open_major = func.coalesce(hazards.c.open_major, 0)
    keys = {c.name: c for c in _rank_keys(group, grade, open_major, dialect)}
    values = {
        **keys,
        "region_id": Facility.region_id,
        "type": Facility.type,
        "ownership": Facility.ownership,
        "grade_code": grade.verdict_code,
        "grade": grade.grade,
        "grade_score": grade.points,
        "reviewed": pending.c.id.is_(None),
        "open_hazards": func.coalesce(hazards.c.open_hazards, 0),
        "first_deadline": hazards.c.first_deadline,
        "blacklisted": listings.c.facility_id.is_not(None),
        "level_change": _level_sql(grade.verdict_code, grade.grade) - previous.c.level,
        "last_inspected": dates.c.last_inspected,
    }
    return (
        select(*(values[name].label(name) for name in COLUMNS))
        .select_from(Facility)
        .outerjoin(grade, and_(grade.facility_id == Facility.id, grade.kind == GRADE_STANDING))
        .outerjoin(pending, pending.c.id == grade.inspection_checklist_id)
        .outerjoin(hazards, hazards.c.facility_id == Facility.id)
        .outerjoin(listings, listings.c.facility_id == Facility.id)
        .outerjoin(previous, previous.c.facility_id == Facility.id)
        .outerjoin(dates, dates.c.facility_id == Facility.id)
        .where(Facility.status == FacilityStatus.ACTIVE, only(Facility.id))
    )


def refresh(facility_ids: Iterable[int], session: Session | None = None) -> None:
    """Compute the keys of the facilities again and store them, in the current transaction of `session` (default:
    the app's); on PostgreSQL after locking the facilities' rows (in id order), so that concurrent transactions
    changing one facility take turns."""
    session = session or db.session
    ids = sorted(set(facility_ids))
    dialect = session.get_bind().dialect.name
    locking = dialect == "postgresql"
    computed = computed_keys(dialect, safety_kinds(session), facility_ids=True) if ids else None
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        if locking:  # NO KEY UPDATE: rows referencing the facility (answers, hazards) can still be inserted meanwhile
            lock = select(Facility.id).where(Facility.id.in_(part)).order_by(Facility.id)
            session.execute(lock.with_for_update(key_share=True))
        session.execute(delete(FacilityRankKey.__table__).where(FacilityRankKey.facility_id.in_(part)))
        stmt = insert(FacilityRankKey.__table__).from_select(COLUMNS, computed)
        session.execute(stmt, {"ids": part, "today": _ANY_DAY})
    if ids:
        session.info[_CHANGED] = True


def rebuild(connection: Connection | None = None, kinds: tuple[str, ...] | None = None) -> int:
    """Replace every stored key by a recomputation (after bulk inserts, or on a migration's `connection`, then with
    the safety verdicts' `kinds` read on it); return how many facilities have keys."""
    kinds = safety_kinds() if kinds is None else kinds
    connection = connection or db.session.connection()
    dialect = connection.dialect.name
    table = FacilityRankKey.__table__
    if dialect == "postgresql":  # a concurrent refresh waits, then sees the rebuilt rows
        connection.exec_driver_sql(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE")
    connection.execute(delete(table))
    connection.execute(insert(table).from_select(COLUMNS, computed_keys(dialect, kinds)), {"today": _ANY_DAY})
    connection.execute(_COUNT_UP)
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


#: Count a change of the stored keys (``RankKeysVersion``); the row's lock is held from here to the commit, so this
#: comes last in a transaction (after every facility's lock, or two transactions could wait for each other).
_COUNT_UP = update(RankKeysVersion.__table__).values(version=RankKeysVersion.__table__.c.version + 1)


def changed_uncommitted(session: Session | Any) -> bool:
    """Whether the session's transaction changed stored keys that it has not committed yet (its pages must not
    use rank numbers kept from before)."""
    return bool(session.info.get(_CHANGED))


def _count_change(session: Session) -> None:
    """Before a commit, after :func:`store_noted`: count the change if the transaction changed stored keys."""
    if session.info.pop(_CHANGED, False):
        session.execute(_COUNT_UP)


@dataclass(frozen=True)
class Drift:
    """A facility whose stored keys differ from a recomputation."""

    facility_id: int
    #: The differing columns, each with the stored and the computed value (None where a row is missing).
    differences: dict[str, tuple[Any, Any]]


def drift() -> list[Drift]:
    """Compare every stored key with a recomputation; return the facilities where they differ, by id."""
    keys = computed_keys(dialect_name(), safety_kinds())
    computed = {r.facility_id: r._asdict() for r in db.session.execute(keys, {"today": _ANY_DAY})}
    stored = {r.facility_id: r._asdict() for r in db.session.execute(select(FacilityRankKey.__table__))}
    found = []
    for facility_id in sorted(computed.keys() | stored.keys()):
        have, want = stored.get(facility_id), computed.get(facility_id)
        if have is None or want is None:
            differences = {"row": ("present" if have else None, "present" if want else None)}
        else:
            differences = {c: (have[c], want[c]) for c in COLUMNS if have[c] != want[c]}
        if differences:
            found.append(Drift(facility_id, differences))
    return found


def usable_on(today: date) -> bool:
    """Whether the stored keys are the table's on `today`: no stored standing is dated after it (then the standing
    that holds is an earlier result, which a page computes, ``standings.standings_on``). Stores the keys of what
    this session changed so far first, so that a page read after a change in the same transaction shows it."""
    store_noted(db.session)
    latest = db.session.scalar(select(func.max(FacilityStanding.decided_on)))
    return latest is None or latest <= today


def store_noted(session: Session | Any) -> None:
    """Compute the keys of the facilities this session changed again and store them, in its transaction (before
    it commits, and before a page is read); after a bulk statement on a table the keys derive from, all of them."""
    info = session.info
    if not (info.get(_PENDING_FACILITIES) or info.get(_PENDING_INSPECTIONS) or info.get(_PENDING_ALL)):
        return
    session.flush()  # the last changes may note more facilities
    facilities, inspections = info.pop(_PENDING_FACILITIES, set()), info.pop(_PENDING_INSPECTIONS, set())
    if info.pop(_PENDING_ALL, False):
        rebuild(session.connection(), safety_kinds(session))
        return
    ids = sorted(inspections)
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        facilities.update(session.scalars(select(Inspection.facility_id).where(Inspection.id.in_(part))))
    if facilities:
        refresh(facilities, session)


def _changed(instance: Any, attributes: tuple[str, ...] | None) -> bool:
    if attributes is None:
        return True
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _note_changes(session: Session, _context: Any) -> None:
    """After a flush: note the facilities whose keys the flushed rows may change."""
    facilities: set[int] = session.info.setdefault(_PENDING_FACILITIES, set())
    inspections: set[int] = session.info.setdefault(_PENDING_INSPECTIONS, set())
    for instances, whole in ((session.new, True), (session.deleted, True), (session.dirty, False)):
        for instance in instances:
            model = type(instance)
            if model not in _TRACKED or not (whole or _changed(instance, _TRACKED[model])):
                continue
            if model is Facility:
                facilities.add(instance.id)
            elif model is InspectionChecklist:
                inspections.add(instance.inspection_id)
            else:  # and the facility the row belonged to before, if the flush moved it
                facilities.add(instance.facility_id)
                facilities.update(f for f in inspect(instance).attrs.facility_id.history.deleted if f is not None)


def _note_bulk_statement(state: ORMExecuteState) -> None:
    """A bulk INSERT or DELETE on a table the keys derive from, or a bulk UPDATE of a column they derive from, may
    change any facility's keys (an UPDATE of other columns, such as an inspection's revision, changes none)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    model = _TRACKED_TABLES.get(getattr(getattr(state.statement, "table", None), "name", ""))
    if model is None:
        return
    if state.is_update and _TRACKED[model] is not None:
        names = {getattr(column, "key", column) for column in (state.statement._values or {})}
        for row in state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]:
            names.update(row)
        if not names & set(_TRACKED[model]):
            return
    state.session.info[_PENDING_ALL] = True


def _forget_noted(session: Session, *_: Any) -> None:
    for key in (_PENDING_FACILITIES, _PENDING_INSPECTIONS, _PENDING_ALL, _CHANGED):
        session.info.pop(key, None)


# Every session, not only the app's: a script's or a test's own session changes results too.
event.listen(Session, "after_flush", _note_changes)
event.listen(Session, "do_orm_execute", _note_bulk_statement)
event.listen(Session, "before_commit", store_noted)
event.listen(Session, "before_commit", _count_change)  # after store_noted: listeners run in this order
event.listen(Session, "after_rollback", _forget_noted)
