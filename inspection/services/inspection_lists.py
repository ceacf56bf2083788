"""What the inspection pages list: a user's inspections, their day's work, the people, places and facilities a
plan may name, and an inspection's evidence (photos, signatures, notices). Reads only."""

from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from inspection import permissions
from inspection.extensions import db
from inspection.models import (
    FIELD_ROLES,
    Facility,
    FacilityStatus,
    Inspection,
    InspectionAssignment,
    InspectionStatus,
    Notice,
    Photo,
    Region,
    Signature,
    User,
)


def inspection_list(user: User, status: str = "") -> Select[tuple[Inspection]]:
    """Return the inspections `user` may see, newest first, optionally of one status (a select to paginate)."""
    stmt = (
        permissions.visible_inspections(user)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        # the cards show each inspection's facility and checklist titles: load them with the page, not per card
        .options(contains_eager(Inspection.facility), selectinload(Inspection.checklists))
    )
    if status in set(InspectionStatus):
        stmt = stmt.where(Inspection.status == status)
    return stmt


def inspections_to_sync(user: User, today: date, limit: int) -> list[Inspection]:
    """Return what an API client lists, oldest first: an inspector's assignments of the last 30 days, everyone
    else all they may see; at most `limit` (counted in SQL over visible rows only)."""
    stmt = permissions.visible_inspections(user).order_by(Inspection.inspected_on, Inspection.id)
    if user.role in FIELD_ROLES:
        stmt = stmt.where(Inspection.inspected_on >= today - timedelta(days=30))
    return list(db.session.scalars(stmt.limit(limit)))


def upcoming_for(user: User, today: date) -> dict[str, list[Inspection]]:
    """Return the user's open assigned inspections: overdue, today, and the next 30 days."""
    stmt = (
        select(Inspection)
        .join(InspectionAssignment)
        .where(
            InspectionAssignment.user_id == user.id,
            Inspection.status == InspectionStatus.IN_PROGRESS,
            Inspection.inspected_on <= today + timedelta(days=30),
        )
        .order_by(Inspection.inspected_on, Inspection.id)
    )
    groups: dict[str, list[Inspection]] = {"overdue": [], "today": [], "upcoming": []}
    for inspection in db.session.scalars(stmt):
        if inspection.inspected_on == today:
            groups["today"].append(inspection)
        elif inspection.inspected_on < today:
            groups["overdue"].append(inspection)
        else:
            groups["upcoming"].append(inspection)
    return groups


def active_facilities_of(user: User) -> list[Facility]:
    """Return the operating facilities `user` may see, by name."""
    stmt = permissions.visible_facilities(user).where(Facility.status == FacilityStatus.ACTIVE)
    return list(db.session.scalars(stmt.order_by(Facility.name)))


def active_facilities_in(region: Region) -> list[Facility]:
    """Return the operating facilities in `region` and below, by name (a campaign's scope)."""
    stmt = permissions.facilities_within(region).where(Facility.status == FacilityStatus.ACTIVE)
    return list(db.session.scalars(stmt.order_by(Facility.name)))


def active_facilities_by_township(user: User) -> list[tuple[int, str, int]]:
    """Return (region id, name, count) of the operating facilities `user` may see, largest first."""
    active = permissions.visible_facilities(user).where(Facility.status == FacilityStatus.ACTIVE).subquery()
    stmt = (
        select(Region.id, Region.name, func.count(active.c.id))
        .join(active, active.c.region_id == Region.id)
        .group_by(Region.id, Region.name)
        .order_by(func.count(active.c.id).desc(), Region.name)
    )
    return [(region_id, name, count) for region_id, name, count in db.session.execute(stmt)]


def inspectors_within(user: User) -> list[User]:
    """Return the active inspectors within the user's region, by department and username."""
    stmt = permissions.visible_inspectors(user).order_by(User.department_id, User.username)
    return list(db.session.scalars(stmt))


def users_by_id(user_ids: list[int]) -> list[User]:
    """Return the users with these ids (unknown ids are left out)."""
    return list(db.session.scalars(select(User).where(User.id.in_(user_ids or [-1]))))


def evidence_of(inspection: Inspection) -> tuple[list[Photo], list[Signature], list[Notice]]:
    """Return the inspection's photos, signatures and notices, in the order they were made."""
    notices = db.session.scalars(select(Notice).where(Notice.inspection_id == inspection.id).order_by(Notice.id))
    return photos_of(inspection), signatures_of(inspection), list(notices)


def photos_of(inspection: Inspection) -> list[Photo]:
    """Return the inspection's photos, in the order they were uploaded."""
    return list(db.session.scalars(select(Photo).where(Photo.inspection_id == inspection.id).order_by(Photo.id)))


def photo_counts(inspection: Inspection) -> dict[str, int]:
    """Return how many photos each item of the inspection has, by item code (items without photos left out)."""
    stmt = select(Photo.item_code, func.count()).where(Photo.inspection_id == inspection.id).group_by(Photo.item_code)
    return {item_code: count for item_code, count in db.session.execute(stmt)}


def signatures_of(inspection: Inspection) -> list[Signature]:
    """Return the inspection's signatures (and refusals to sign), in the order they were recorded."""
    stmt = select(Signature).where(Signature.inspection_id == inspection.id).order_by(Signature.id)
    return list(db.session.scalars(stmt))
