"""What the hazard pages show: the reviewer's dashboard list and tallies, an inspector's re-inspection work
list, and a hazard's photos, history and notices. Reads only."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from inspection import permissions
from inspection.checklists import DEPARTMENT_NAMES, ITEM_CLASS_LABELS
from inspection.extensions import db
from inspection.followup_rules import is_overdue
from inspection.models import (
    LISTED_STATUSES,
    CreditListing,
    Facility,
    Hazard,
    HazardStatus,
    HazardUpdate,
    HazardUpdateKind,
    Notice,
    Photo,
    Region,
    User,
)
from inspection.record_ids import parse_id

WEEK = timedelta(days=6)
#: Query-string filters of the dashboard's hazard list.
FILTERS = ("status", "item_class", "department", "township", "facility", "overdue", "due")
#: Not closed, written as the partial index ``ix_hazards_open_facility`` is, so that the planner reads the few open
#: hazards from it instead of scanning a province's years of closed ones.
UNRESOLVED = Hazard.status.in_((HazardStatus.OPEN, HazardStatus.EVIDENCE_SUBMITTED))


@dataclass
class WorkItem:
    """A facility on an inspector's re-inspection list."""

    facility: Facility
    nearest: date
    open: int = 0
    overdue: int = 0
    evidence: int = 0


@dataclass
class Tally:
    """Counts of unresolved hazards for one township, facility or department."""

    key: object
    name: str
    open: int = 0
    due_week: int = 0
    overdue: int = 0


#: Rows of the by-township and by-facility tallies shown: the worst first (a province has thousands of each).
TALLY_ROWS = 30


@dataclass
class Tallies:
    """The dashboard's counts: in all, and by township, facility and department (the worst `TALLY_ROWS` of each,
    with how many there are in all)."""

    total: Tally = field(default_factory=lambda: Tally("", ""))
    townships: list[Tally] = field(default_factory=list)
    facilities: list[Tally] = field(default_factory=list)
    departments: list[Tally] = field(default_factory=list)
    township_count: int = 0
    facility_count: int = 0


def hazard_tallies(user: User, today: date) -> Tallies:
    """Count open, due-this-week and overdue hazards in the database (GROUP BY), with the rules of followup_rules:
    overdue is a deadline before today, due this week a deadline from today to today + 6 days."""
    open_count = func.count(Hazard.id).label("open")
    due_week = func.count(Hazard.id).filter(Hazard.deadline.between(today, today + WEEK)).label("due_week")
    overdue = func.count(Hazard.id).filter(Hazard.deadline < today).label("overdue")
    unresolved = permissions.visible_hazards(user).where(UNRESOLVED)

    def grouped(key, name, limit: int | None = None) -> list[Tally]:
        stmt = (
            unresolved.with_only_columns(key, name, open_count, due_week, overdue)
            .group_by(key, name)
            .order_by(overdue.desc(), due_week.desc(), open_count.desc(), name)
            .limit(limit)
        )
        return [Tally(k, n, o, d, late) for k, n, o, d, late in db.session.execute(stmt)]

    result = Tallies()
    totals = unresolved.with_only_columns(
        open_count, due_week, overdue, func.count(Region.id.distinct()), func.count(Facility.id.distinct())
    )
    (result.total.open, result.total.due_week, result.total.overdue, result.township_count, result.facility_count) = (
        db.session.execute(totals).one()
    )
    result.townships = grouped(Region.id, Region.name, TALLY_ROWS)
    result.facilities = grouped(Facility.id, Facility.name, TALLY_ROWS)
    result.departments = [
        Tally(t.key, DEPARTMENT_NAMES.get(t.key, t.key), t.open, t.due_week, t.overdue)
        for t in grouped(Hazard.department_code, Hazard.department_code)
    ]
    return result


def dashboard_hazards(user: User, filters: Mapping[str, str], today: date) -> Select[tuple[Hazard]]:
    """Return the hazards of the user's region that match the dashboard's `filters` (a select to paginate)."""
    stmt = _region_hazards(user)
    status = filters["status"]
    if status in set(HazardStatus):
        stmt = stmt.where(Hazard.status == status)
    elif status != "all":
        stmt = stmt.where(UNRESOLVED)
    if filters["item_class"] in ITEM_CLASS_LABELS:
        stmt = stmt.where(Hazard.item_class == filters["item_class"])
    if filters["department"] in DEPARTMENT_NAMES:
        stmt = stmt.where(Hazard.department_code == filters["department"])
    township, facility = parse_id(filters["township"]), parse_id(filters["facility"])
    if township is not None:
        stmt = stmt.where(permissions.in_township(township))
    if facility is not None:
        stmt = stmt.where(Hazard.facility_id == facility)
    if filters["overdue"]:
        # the SQL form of followup_rules.is_overdue: not closed, deadline before today
        stmt = stmt.where(UNRESOLVED, Hazard.deadline < today)
    if filters["due"]:  # the SQL form of followup_rules.is_due_this_week
        stmt = stmt.where(UNRESOLVED, Hazard.deadline.between(today, today + WEEK))
    return stmt.order_by(Hazard.deadline, Hazard.id)


def reinspection_worklist(user: User, today: date) -> list[WorkItem]:
    """Return the facilities with open hazards of the inspector's department, overdue first, then by the
    nearest deadline."""
    code = user.department.code if user.department else ""
    rows = (
        _region_hazards(user)
        .where(Hazard.department_code == code, Hazard.status != HazardStatus.CLOSED, Hazard.self_found.is_(False))
        .order_by(Hazard.deadline, Hazard.id)
    )
    facilities: dict[int, WorkItem] = {}
    for hazard in db.session.scalars(rows):
        item = facilities.setdefault(hazard.facility_id, WorkItem(hazard.facility, hazard.deadline))
        item.open += 1
        item.overdue += is_overdue(False, hazard.deadline, today)
        item.evidence += hazard.status == HazardStatus.EVIDENCE_SUBMITTED
    return sorted(facilities.values(), key=lambda i: (not i.overdue, i.nearest, i.facility.name))


def _region_hazards(user: User) -> Select[tuple[Hazard]]:
    """The hazards `user` may see, with facility and region loaded."""
    return permissions.visible_hazards(user).options(contains_eager(Hazard.facility).contains_eager(Facility.region))


def hazard_list(user: User, facility_id: int | None, status: str, today: date, limit: int) -> list[Hazard]:
    """Return up to `limit` hazards `user` may see, by deadline: of one facility when given, and of one status
    ("overdue": not closed and past the deadline)."""
    stmt = permissions.visible_hazards(user)
    if facility_id is not None:
        stmt = stmt.where(Hazard.facility_id == facility_id)
    if status == "overdue":
        stmt = stmt.where(Hazard.status != HazardStatus.CLOSED, Hazard.deadline < today)
    elif status:
        stmt = stmt.where(Hazard.status == status)
    return list(db.session.scalars(stmt.order_by(Hazard.deadline, Hazard.id).limit(limit)))


def active_listings_of(facility: Facility) -> list[CreditListing]:
    """Return the facility's credit listings in force."""
    stmt = select(CreditListing).where(
        CreditListing.facility_id == facility.id, CreditListing.status.in_(LISTED_STATUSES)
    )
    return list(db.session.scalars(stmt))


def hazard_history(hazard: Hazard) -> tuple[list[HazardUpdate], list[Notice]]:
    """Return the hazard's updates (with photos and who made them) and the notices listing it, oldest first."""
    updates = db.session.scalars(
        select(HazardUpdate)
        .where(HazardUpdate.hazard_id == hazard.id)
        .options(selectinload(HazardUpdate.photos), joinedload(HazardUpdate.user))
        .order_by(HazardUpdate.id)
    )
    notices = db.session.scalars(
        select(Notice).where(Notice.hazards.any(Hazard.id == hazard.id)).order_by(Notice.issued_at)
    )
    return list(updates), list(notices)


def before_photos(hazards: list[Hazard]) -> dict[int, list[Photo]]:
    """Return the finding photos (before) of each hazard, by hazard id."""
    keys = {(h.inspection_id, h.item_code): h.id for h in hazards}
    if not keys:
        return {}
    stmt = select(Photo).where(Photo.inspection_id.in_({h.inspection_id for h in hazards})).order_by(Photo.id)
    photos: dict[int, list[Photo]] = defaultdict(list)
    for photo in db.session.scalars(stmt):
        hazard_id = keys.get((photo.inspection_id, photo.item_code))
        if hazard_id is not None:
            photos[hazard_id].append(photo)
    return photos


def latest_evidence(hazards: list[Hazard]) -> dict[int, HazardUpdate]:
    """Return each hazard's latest rectification report (the 'after' the operator sent), by hazard id."""
    if not hazards:
        return {}
    stmt = (
        select(HazardUpdate)
        .where(HazardUpdate.hazard_id.in_([h.id for h in hazards]), HazardUpdate.kind == HazardUpdateKind.EVIDENCE)
        .options(selectinload(HazardUpdate.photos))
        .order_by(HazardUpdate.id)
    )
    return {update.hazard_id: update for update in db.session.scalars(stmt)}  # later ones win
