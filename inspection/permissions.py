"""Who may see or change what, as plain rules and queries: no request, no Flask.

Every query that limits rows to a user's region goes through `in_region`, and every "may this user see this
object" question is one of the `can_*` functions here, so a rule changes in one place. The request-bound
side (decorators, 403/404 with an audit record) lives in `security.py` and calls these.
"""

from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, false, or_, select
from sqlalchemy.orm import contains_eager, object_session

from inspection.checklists import DepartmentCode
from inspection.models import (
    FIELD_ROLES,
    AuditEvent,
    Briefing,
    CreditListing,
    Department,
    Facility,
    GradingApplication,
    GradingObjection,
    Hazard,
    Inspection,
    InspectionAssignment,
    InspectionPurpose,
    InspectionStatus,
    Notice,
    Region,
    Reinspection,
    Role,
    SpotCheckDraw,
    User,
)


def in_region(region: Region, path: Any = Region.path) -> ColumnElement[bool]:
    """Return the condition "`path` lies within `region`" (the region itself or below it).

    :param path: a column holding a materialised region path; `Region.path` when the query joins `Region`.
    """
    return path.startswith(region.path, autoescape=True)


def in_township(township_id: int, region_id: Any = Facility.region_id) -> ColumnElement[bool]:
    """Return the condition "the facility lies in township `township_id`": a facility's region is its township,
    so no path is needed. `region_id` is a column holding a facility's region (`Facility.region_id` by default)."""
    return region_id == township_id


def is_assigned(user: User, inspection: Inspection) -> bool:
    """Return True if `user` is one of the inspection's inspectors."""
    return any(a.user_id == user.id for a in inspection.assignments)


def is_self_inspection(inspection: Inspection) -> bool:
    """Return True if the facility inspects itself (自查): no department owns a part, nothing official follows."""
    return inspection.purpose == InspectionPurpose.SELF_INSPECTION


def is_own_self_inspection(user: User, inspection: Inspection) -> bool:
    """Return True if `inspection` is a self-inspection of the facility `user` runs."""
    return user.role == Role.OPERATOR and is_self_inspection(inspection) and inspection.facility_id == user.facility_id


def can_answer_inspection(user: User, inspection: Inspection) -> bool:
    """Return True if `user` records findings in `inspection`: its assigned inspectors, or the operator in their
    own facility's self-inspection (who answers every part of it)."""
    return is_own_self_inspection(user, inspection) or is_assigned(user, inspection)


#: The bound parameter of :func:`in_bound_region`.
_BOUND_REGION = "region_like"


def in_bound_region(path: Any = Region.path) -> ColumnElement[bool]:
    """Return the condition of `in_region` with the region left as a bound parameter, for a statement built once
    and run for many users (the league table's); execute it with :func:`bound_region` of the user."""
    return path.like(bindparam(_BOUND_REGION, type_=String))


def bound_region(user: User) -> dict[str, str]:
    """Return the parameter that makes `in_bound_region` mean "within the user's region". A path holds only ids
    and slashes, so it needs no escaping (and the league table's plan stays a plain prefix LIKE)."""
    return {_BOUND_REGION: f"{user.region.path}%"}


def regions_overlap(one: Region, other: Region) -> bool:
    """Return True if either region lies within the other (a county inspector works in its townships, a
    township's staff in their county's joint inspections)."""
    return one.contains(other) or other.contains(one)


def can_view_region(user: User, region: Region) -> bool:
    """Return True if `region` lies within the user's region."""
    return user.region.contains(region)


def can_view_user(user: User, other: User) -> bool:
    """Return True if `user` may see the account `other` (one of their region)."""
    return user.region.contains(other.region)


def is_reviewer_for(user: User | None, facility: Facility) -> bool:
    """Return True if `user` is a 民政 reviewer of the facility's region: who countersigns grades, decides the
    credit list and issues notices for any inspection there."""
    return user is not None and user.role == Role.REVIEWER and user.region.contains(facility.region)


def may_inspect(user: User, facility: Facility) -> bool:
    """Return True if `user` may be assigned to inspect `facility` (their area and the facility's overlap)."""
    return regions_overlap(user.region, facility.region)


def may_assess(person: User, facility: Facility) -> bool:
    """Return True if `person` may sit on the on-site assessment team (现场评审) of `facility`: a 民政 inspector or
    assessor (the grading checklist is 民政's) whose area overlaps the facility's."""
    department = person.department
    return department is not None and department.code == DepartmentCode.CIVIL_AFFAIRS and may_inspect(person, facility)


def can_view_facility(user: User, facility: Facility) -> bool:
    """Return True if `user` may see `facility`: staff within their region, an operator only their own, an
    assessor only the facilities of the assessments assigned to them."""
    if user.role == Role.OPERATOR:
        return facility.id == user.facility_id
    if user.role == Role.ASSESSOR:
        session = object_session(facility)
        return session is not None and facility.id in session.scalars(assigned_facility_ids(user))
    return user.region.contains(facility.region)


def assigned_facility_ids(user: User) -> Select[tuple[int]]:
    """Return a select of the ids of the facilities of the inspections `user` is assigned to."""
    return (
        select(Inspection.facility_id)
        .join(InspectionAssignment)
        .where(InspectionAssignment.user_id == user.id)
        .distinct()
    )


def sees_register(user: User) -> bool:
    """Return True if the rules by region apply to `user` for the register (hazards, notices, credit list,
    departments, accounts): everyone but an assessor, who sees only their assessments."""
    return user.role != Role.ASSESSOR


def can_edit_facility(user: User, facility: Facility) -> bool:
    """Return True if `user` may change the register entry of `facility` (admins of its region)."""
    return user.role == Role.ADMIN and user.region.contains(facility.region)


def can_import_register(user: User) -> bool:
    """Return True if `user` may import a register file: who may register and edit facilities (admins); each row
    must still lie within their region (`can_edit_facility` for the entries it changes)."""
    return user.role == Role.ADMIN


def can_export(user: User) -> bool:
    """Return True if `user` may export the register and its inspections for the provincial system (民政's
    reporting duty): admins and 民政 reviewers, each for their region."""
    return user.role in (Role.ADMIN, Role.REVIEWER)


def can_view_inspection(user: User, inspection: Inspection) -> bool:
    """Return True if `user` may see `inspection`.

    Admins and reviewers: every inspection in their region. Inspectors and assessors: those they are assigned to.
    Operators: their own facility's completed inspections, and its self-inspections in progress too.
    """
    if user.role in (Role.ADMIN, Role.REVIEWER):
        return user.region.contains(inspection.facility.region)
    if user.role in FIELD_ROLES:
        return is_assigned(user, inspection)
    return inspection.facility_id == user.facility_id and (
        inspection.status == InspectionStatus.COMPLETE or is_self_inspection(inspection)
    )


def can_issue_notices(user: User | None, inspection: Inspection) -> bool:
    """Return True if `user` may issue notices for `inspection`: a reviewer of its region, or an inspector of the
    lead department assigned to it; nobody for a self-inspection."""
    if is_self_inspection(inspection):
        return False
    if is_reviewer_for(user, inspection.facility):
        return True
    if user is None or not user.region.contains(inspection.facility.region):
        return False
    lead = user.department_id == inspection.lead_department_id
    return user.role == Role.INSPECTOR and lead and is_assigned(user, inspection)


def can_issue_food_result(user: User | None, inspection: Inspection, department_code: str) -> bool:
    """Return True if `user` may issue the food result record (结果记录表) of `inspection`: an inspector assigned to
    it for the department that owns its food checklist (市场监管). Whether that department submitted is the
    service's rule."""
    if user is None or user.role != Role.INSPECTOR:
        return False
    return any(a.user_id == user.id and a.department.code == department_code for a in inspection.assignments)


def can_see_rankings(user: User, *, inspectors_allowed: bool) -> bool:
    """Return True if `user` may see the league table (inspectors only when the county allows it)."""
    if user.role in (Role.ADMIN, Role.REVIEWER):
        return True
    return user.role == Role.INSPECTOR and inspectors_allowed


def facilities_within(region: Region) -> Select[tuple[Facility]]:
    """Return a select of the facilities in `region` and below (joined with their region): what staff of the
    region see, and a campaign's scope."""
    return select(Facility).join(Facility.region).where(in_region(region))


def visible_facilities(user: User) -> Select[tuple[Facility]]:
    """Return a select of the facilities `user` may see (joined with their region)."""
    if user.role == Role.OPERATOR:
        return select(Facility).join(Facility.region).where(Facility.id == user.facility_id)
    if user.role == Role.ASSESSOR:
        return select(Facility).join(Facility.region).where(Facility.id.in_(assigned_facility_ids(user)))
    return facilities_within(user.region)


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
    if user.role in FIELD_ROLES:
        return stmt.join(InspectionAssignment).where(InspectionAssignment.user_id == user.id)
    if user.role == Role.OPERATOR:
        return stmt.where(
            Inspection.facility_id == user.facility_id,
            or_(
                Inspection.status == InspectionStatus.COMPLETE,
                Inspection.purpose == InspectionPurpose.SELF_INSPECTION,
            ),
        )
    return stmt.where(in_region(user.region))


def visible_inspectors(user: User) -> Select[tuple[User]]:
    """Return a select of the active inspectors working within the user's region."""
    return select(User).join(User.region).where(User.role == Role.INSPECTOR, User.active, in_region(user.region))


def visible_field_staff(user: User) -> Select[tuple[User]]:
    """Return a select of the active inspectors and assessors working within the user's region (those a grading
    assessment team is made of)."""
    return select(User).join(User.region).where(User.role.in_(FIELD_ROLES), User.active, in_region(user.region))


def visible_departments(user: User) -> Select[tuple[Department]]:
    """Return a select of the departments of the regions within the user's region."""
    stmt = select(Department).join(Department.region).where(in_region(user.region))
    return stmt if sees_register(user) else stmt.where(false())


def visible_notices(user: User) -> Select[tuple[Notice]]:
    """Return a select of the notices `user` may see (those of visible facilities), facility loaded."""
    stmt = select(Notice).join(Notice.facility).join(Facility.region).options(contains_eager(Notice.facility))
    if user.role == Role.OPERATOR:
        return stmt.where(Notice.facility_id == user.facility_id)
    if not sees_register(user):
        return stmt.where(false())
    return stmt.where(in_region(user.region))


def visible_hazards(user: User) -> Select[tuple[Hazard]]:
    """Return a select of the hazards `user` may see (those of visible facilities)."""
    stmt = select(Hazard).join(Hazard.facility).join(Facility.region)
    if user.role == Role.OPERATOR:
        return stmt.where(Facility.id == user.facility_id)
    if not sees_register(user):
        return stmt.where(false())
    return stmt.where(in_region(user.region))


def visible_reinspections(user: User) -> Select[tuple[Reinspection]]:
    """Return a select of the re-inspections of facilities within the user's region (joined with facility and
    region)."""
    return select(Reinspection).join(Reinspection.facility).join(Facility.region).where(in_region(user.region))


def can_view_briefing(user: User, briefing: Briefing) -> bool:
    """Return True if `user` may read an issued joint-meeting briefing: a reviewer or admin whose region holds the
    region it was issued for."""
    return user.role in (Role.ADMIN, Role.REVIEWER) and user.region.contains(briefing.region)


def visible_briefings(user: User) -> Select[tuple[Briefing]]:
    """Return a select of the briefings issued for regions within the user's region."""
    return select(Briefing).join(Briefing.region).where(in_region(user.region))


def can_view_listing(user: User, listing: CreditListing) -> bool:
    """Return True if `user` may see the credit listing `listing` (staff of the facility's region)."""
    return sees_register(user) and user.region.contains(listing.facility.region)


def visible_listings(user: User) -> Select[tuple[CreditListing]]:
    """Return a select of the credit listings of facilities within the user's region (joined with facility and
    region)."""
    stmt = select(CreditListing).join(CreditListing.facility).join(Facility.region).where(in_region(user.region))
    return stmt if sees_register(user) else stmt.where(false())


def can_apply_for_grading(user: User, facility: Facility) -> bool:
    """Return True if `user` may apply for a grade for `facility`: its operator (申请 is the facility's act)."""
    return user.role == Role.OPERATOR and user.facility_id == facility.id


def can_view_application(user: User, application: GradingApplication) -> bool:
    """Return True if `user` may see a grading application: the facility's operator, or civil-affairs reviewers
    and administrators of its region."""
    if user.role == Role.OPERATOR:
        return application.facility_id == user.facility_id
    return user.role in (Role.REVIEWER, Role.ADMIN) and user.region.contains(application.facility.region)


def visible_applications(user: User) -> Select[tuple[GradingApplication]]:
    """Return a select of the grading applications `user` may see (joined with facility and region), by the rule
    of `can_view_application`."""
    stmt = select(GradingApplication).join(GradingApplication.facility).join(Facility.region)
    if user.role == Role.OPERATOR:
        return stmt.where(GradingApplication.facility_id == user.facility_id)
    if user.role in (Role.REVIEWER, Role.ADMIN):
        return stmt.where(in_region(user.region))
    return stmt.where(false())


def can_see_objectors(user: User, application: GradingApplication) -> bool:
    """Return True if `user` may see who objected to a decision in 公示 and how to reach them, and decide the
    objections: the 民政 reviewers of the facility's region. The operator sees only that objections exist and their
    outcome."""
    return is_reviewer_for(user, application.facility)


def visible_objections(user: User) -> Select[tuple[GradingObjection]]:
    """Return a select of the objections `user` decides (joined with application, facility and region): those to
    applications of facilities in a reviewer's region."""
    stmt = (
        select(GradingObjection)
        .join(GradingObjection.application)
        .join(GradingApplication.facility)
        .join(Facility.region)
    )
    return stmt.where(in_region(user.region)) if user.role == Role.REVIEWER else stmt.where(false())


def visible_users(user: User) -> Select[tuple[User]]:
    """Return a select of the accounts within the user's region (joined with their region)."""
    stmt = select(User).join(User.region).where(in_region(user.region))
    return stmt if sees_register(user) else stmt.where(false())


def visible_audit_events(user: User) -> Select[tuple[AuditEvent]]:
    """Return a select of the audit events of the user's region, and those of no region (e.g. failed logins with
    unknown usernames), which concern every admin."""
    return select(AuditEvent).where(or_(in_region(user.region, AuditEvent.region_path), AuditEvent.region_path == "/"))


def can_view_draw(user: User, draw: SpotCheckDraw) -> bool:
    """Return True if `user` may see the spot-check draw `draw` in full, with the inspectors drawn: admins and
    reviewers of its region (the public page shows it without people)."""
    return user.role in (Role.ADMIN, Role.REVIEWER) and user.region.contains(draw.region)


def visible_draws(user: User) -> Select[tuple[SpotCheckDraw]]:
    """Return a select of the spot-check draws of the regions within the user's region (joined with their region),
    by the rule of `can_view_draw` for admins and reviewers."""
    return select(SpotCheckDraw).join(SpotCheckDraw.region).where(in_region(user.region))
