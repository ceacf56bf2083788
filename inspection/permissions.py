"""Who may see or change what, as plain rules and queries: no request, no Flask.

Every query that limits rows to a user's region goes through `in_region`, and every "may this user see this
object" question is one of the `can_*` functions here, so a rule changes in one place. The request-bound
side (decorators, 403/404 with an audit record) lives in `security.py` and calls these.
"""

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from inspection.models import (
    Department,
    Facility,
    Inspection,
    InspectionAssignment,
    InspectionStatus,
    Region,
    Role,
    User,
)


def in_region(region: Region, path: Any = Region.path) -> ColumnElement[bool]:
    """Return the condition "`path` lies within `region`" (the region itself or below it).

    :param path: a column holding a materialised region path; `Region.path` when the query joins `Region`.
    """
    return path.startswith(region.path, autoescape=True)


def is_assigned(user: User, inspection: Inspection) -> bool:
    """Return True if `user` is one of the inspection's inspectors."""
    return any(a.user_id == user.id for a in inspection.assignments)


def can_view_facility(user: User, facility: Facility) -> bool:
    """Return True if `user` may see `facility`: staff within their region, an operator only their own."""
    if user.role == Role.OPERATOR:
        return facility.id == user.facility_id
    return user.region.contains(facility.region)


def can_edit_facility(user: User, facility: Facility) -> bool:
    """Return True if `user` may change the register entry of `facility` (admins of its region)."""
    return user.role == Role.ADMIN and user.region.contains(facility.region)


def can_view_inspection(user: User, inspection: Inspection) -> bool:
    """Return True if `user` may see `inspection`.

    Admins and reviewers: every inspection in their region. Inspectors: those they are assigned to.
    Operators: their own facility's completed inspections.
    """
    if user.role in (Role.ADMIN, Role.REVIEWER):
        return user.region.contains(inspection.facility.region)
    if user.role == Role.INSPECTOR:
        return is_assigned(user, inspection)
    return inspection.facility_id == user.facility_id and inspection.status == InspectionStatus.COMPLETE


def can_see_rankings(user: User, *, inspectors_allowed: bool) -> bool:
    """Return True if `user` may see the league table (inspectors only when the county allows it)."""
    if user.role in (Role.ADMIN, Role.REVIEWER):
        return True
    return user.role == Role.INSPECTOR and inspectors_allowed


def visible_facilities(user: User) -> Select[tuple[Facility]]:
    """Return a select of the facilities `user` may see (joined with their region)."""
    stmt = select(Facility).join(Facility.region)
    if user.role == Role.OPERATOR:
        return stmt.where(Facility.id == user.facility_id)
    return stmt.where(in_region(user.region))


def visible_regions(user: User, level: str | None = None) -> Select[tuple[Region]]:
    """Return a select of the regions within the user's region (optionally of one level), in tree order."""
    stmt = select(Region).where(in_region(user.region)).order_by(Region.path)
    if level:
        stmt = stmt.where(Region.level == level)
    return stmt


def visible_inspections(user: User) -> Select[tuple[Inspection]]:
    """Return a select of the inspections `user` may see (joined with facility and region), by the rule of
    `can_view_inspection`."""
    stmt = select(Inspection).join(Inspection.facility).join(Facility.region)
    if user.role == Role.INSPECTOR:
        return stmt.join(InspectionAssignment).where(InspectionAssignment.user_id == user.id)
    if user.role == Role.OPERATOR:
        return stmt.where(Inspection.facility_id == user.facility_id, Inspection.status == InspectionStatus.COMPLETE)
    return stmt.where(in_region(user.region))


def visible_inspectors(user: User) -> Select[tuple[User]]:
    """Return a select of the active inspectors working within the user's region."""
    return select(User).join(User.region).where(User.role == Role.INSPECTOR, User.active, in_region(user.region))


def visible_departments(user: User) -> Select[tuple[Department]]:
    """Return a select of the departments of the regions within the user's region."""
    return select(Department).join(Department.region).where(in_region(user.region))
