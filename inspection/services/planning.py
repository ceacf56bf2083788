"""Planning inspections (one facility, or a township's campaign) and what every later step asks of an
inspection's structure: its items by code, the departments owning its sections, who is assigned."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple

from sqlalchemy import select

from inspection.checklists import DEPARTMENT_NAMES, Checklist, Item
from inspection.dates import PLAN_DAYS_AHEAD, planning_problem
from inspection.extensions import db
from inspection.i18n import N_, Message, joined
from inspection.models import (
    ChecklistVersion,
    Department,
    Facility,
    Inspection,
    InspectionAssignment,
    InspectionChecklist,
    InspectionPurpose,
    Role,
    User,
)
from inspection.permissions import may_inspect
from inspection.services import Actor, Conflict, ServiceError
from inspection.services.audit import record_event
from inspection.services.checklists import checklist_of, latest_version, latest_versions
from inspection.transactions import insert_once

#: Inspectors per department (the food rules require at least two, 令第49号 第23条).
MIN_INSPECTORS_PER_DEPARTMENT = 2


class ItemRef(NamedTuple):
    """Where an item of an inspection lives: the position of its checklist in `Inspection.checklists`, that
    checklist, the item and the department owning its section."""

    position: int
    checklist: Checklist
    item: Item
    department_code: str

    def inspection_checklist(self, inspection: Inspection) -> InspectionChecklist:
        return inspection.checklists[self.position]


def item_index(inspection: Inspection) -> Mapping[str, ItemRef]:
    """Return every item of the inspection's checklists by item code (read-only: shared between requests)."""
    # Keyed by content too: a version's id may be given again after a rolled-back import (SQLite reuses row ids).
    key = tuple((ic.checklist_version_id, ic.version.content_hash) for ic in inspection.checklists)
    index = _INDEXES.get(key)
    if index is None:  # versions never change, so the index of a combination is computed once per process
        index = _INDEXES[key] = MappingProxyType(
            {
                item.code: ItemRef(position, checklist, item, section.department.value)
                for position, checklist in enumerate(checklist_of(ic.version) for ic in inspection.checklists)
                for section in checklist.sections
                for item in section.items
            }
        )
    return index


#: Item indexes by the checklist versions (id and content hash) of an inspection.
_INDEXES: dict[tuple[tuple[int, str], ...], Mapping[str, ItemRef]] = {}


def departments_of(inspection: Inspection) -> list[str]:
    """Return the codes of the departments owning sections of the inspection, in first-seen order."""
    codes = [s.department.value for ic in inspection.checklists for s in checklist_of(ic.version).sections]
    return list(dict.fromkeys(codes))


def department_name(code: str) -> str:
    """Return the display name of a department code (the code itself when unknown)."""
    return DEPARTMENT_NAMES.get(code, code)  # type: ignore[call-overload]


def submitted_departments(inspection: Inspection) -> set[str]:
    """Return the codes of the departments that have submitted their sections (whose answers and photos are
    locked)."""
    return {s.department_code for s in inspection.submissions}


def is_complete(inspection: Inspection) -> bool:
    """Return True once every department owning a section has submitted: the inspection is complete and nothing
    recorded on site (answers, photos, signatures) may change any more."""
    return set(departments_of(inspection)) <= submitted_departments(inspection)


class NotOwnDepartment(ServiceError):
    """A spot check may only use checklists whose every section the inspector's own department owns."""

    status = 403
    code = "forbidden"


def _owned_only_by(version: ChecklistVersion, department_code: str) -> bool:
    return checklist_of(version).section_departments() == {department_code}


def spot_check_checklists(department_code: str) -> list[ChecklistVersion]:
    """Return the newest checklists an inspector of `department_code` may use for a spot check of their own
    (joint checklists are planned by the lead department)."""
    return [version for version in latest_versions() if _owned_only_by(version, department_code)]


def check_spot_check_checklists(checklist_codes: Sequence[str], department_code: str) -> None:
    """Refuse checklists a spot check by `department_code` may not use.

    :raises ServiceError: a checklist was never imported.
    :raises NotOwnDepartment: a checklist has sections of another department.
    """
    for code in checklist_codes:
        version = latest_version(code)
        if version is None:
            raise ServiceError(N_("检查表 %(code)s 尚未导入"), code=code)
        if not _owned_only_by(version, department_code):
            raise NotOwnDepartment(N_("检查表 %(code)s 含有其他部门的检查部分，请由民政部门安排联合检查"), code=code)


def inspection_by_client_id(client_id: str) -> Inspection | None:
    """Return the inspection a client created with this UUID, if any."""
    return db.session.scalar(select(Inspection).where(Inspection.client_id == client_id)) if client_id else None


def start_inspection_once(client_id: str, facility: Facility, *args: Any, **kwargs: Any) -> tuple[Inspection, bool]:
    """`start_inspection` for a client's UUID: the same UUID again, or sent twice at the same moment, returns the
    inspection it created (compare `inspection_by_client_id`).

    :return: the inspection and whether it was created now.
    :raises Conflict: the UUID was used for an inspection of another facility.
    """
    inspection, created = insert_once(
        lambda: start_inspection(facility, *args, client_id=client_id, **kwargs),
        lambda: inspection_by_client_id(client_id),
    )
    if inspection.facility_id != facility.id:
        raise Conflict(
            N_("该 client_id 已用于另一家机构的检查"), [{"client_id": client_id, "reason": "client_id_reused"}]
        )
    return inspection, created


class PlanRefused(ServiceError):
    """Every problem of a plan at once, by the field it is about ("facility", "date", "checklists", "inspectors"),
    so that a form shows each at its field after one submit."""

    def __init__(self, problems: Mapping[str, Sequence[str]]) -> None:
        super().__init__(
            joined(message for messages in problems.values() for message in messages),
            fields={field: joined(messages) for field, messages in problems.items()},
        )
        self.problems = {field: list(messages) for field, messages in problems.items()}


def start_inspection(
    facility: Facility,
    checklist_codes: Sequence[str],
    inspected_on: date,
    purpose: InspectionPurpose,
    lead_department: Department,
    assignments: Mapping[str, Sequence[User]],
    actor: Actor,
    *,
    client_id: str | None = None,
    today: date | None = None,
    days_ahead: int = PLAN_DAYS_AHEAD,
    after_the_fact: bool | None = None,
    field_roles: Sequence[Role] = (Role.INSPECTOR,),
) -> Inspection:
    """Plan an inspection with the newest version of each checklist (kept for good) and its inspectors.

    :param assignments: inspectors per department code; every department owning a section needs
        MIN_INSPECTORS_PER_DEPARTMENT inspectors of that department, each of one of `field_roles` (inspectors; a
        grading assessment team also takes assessors).
    :param client_id: the client's UUID stored with it (`start_inspection_once` makes a resend return it).
    :param today: the day planned from (default: the server's today).
    :param days_ahead: how many days after `today` the inspection may be planned for (the app's PLAN_DAYS_AHEAD).
    :param after_the_fact: as `dates.planning_problem` takes it: False, a plan from today on; True, the record of an
        inspection already done (stored, and shown on its page); None, only the outer range holds.
    :raises PlanRefused: every problem at once: a date out of range, a closed facility, no or unknown checklists,
        overlapping item codes, missing or wrong inspectors.
    """
    problems = plan_problems(
        facility,
        checklist_codes,
        inspected_on,
        assignments,
        today or date.today(),
        days_ahead,
        after_the_fact,
        field_roles,
    )
    if problems:
        raise PlanRefused(problems)
    inspection = Inspection(
        facility=facility,
        inspected_on=inspected_on,
        purpose=purpose,
        lead_department=lead_department,
        created_by=actor.user,
        client_id=client_id,
        recorded_after_the_fact=bool(after_the_fact),
    )
    for code in dict.fromkeys(checklist_codes):
        inspection.checklists.append(InspectionChecklist(version=latest_version(code), checklist_code=code))
    for code in departments_of(inspection):
        for user in dict.fromkeys(assignments.get(code, ())):
            inspection.assignments.append(InspectionAssignment(department=user.department, user=user))
    db.session.add(inspection)
    db.session.flush()
    record_event(
        actor,
        "inspection.plan",
        object_type="inspection",
        object_id=inspection.id,
        region_path=facility.region.path,
        after={
            "facility_id": facility.id,
            "date": inspected_on.isoformat(),
            "recorded_after_the_fact": inspection.recorded_after_the_fact,
            "checklists": [f"{c.checklist_code}@{c.version.version}" for c in inspection.checklists],
            "inspectors": sorted(a.user.username for a in inspection.assignments),
        },
    )
    return inspection


def plan_problems(
    facility: Facility | None,
    checklist_codes: Sequence[str],
    inspected_on: date | None,
    assignments: Mapping[str, Sequence[User]],
    today: date,
    days_ahead: int = PLAN_DAYS_AHEAD,
    after_the_fact: bool | None = None,
    field_roles: Sequence[Role] = (Role.INSPECTOR,),
) -> dict[str, list[str]]:
    """Return every reason the plan may not be made, by field ("facility", "date", "checklists", "inspectors");
    empty when it may. `today`, `days_ahead` and `after_the_fact` as `start_inspection` takes them. A form whose
    facility (or date) is not chosen yet passes None: what depends on it is not checked, the rest is."""
    problems: dict[str, list[str]] = {}
    date_problem = inspected_on and planning_problem(inspected_on, today, days_ahead, after_the_fact=after_the_fact)
    if date_problem:
        problems["date"] = [date_problem]
    if facility is not None and not facility.is_active:
        problems["facility"] = [N_("机构已关闭，不能检查")]
    versions = []
    for code in dict.fromkeys(checklist_codes):
        version = latest_version(code)
        if version is None:
            problems.setdefault("checklists", []).append(Message(N_("检查表 %(code)s 尚未导入"), code=code))
        else:
            versions.append(version)
    if not checklist_codes:
        problems["checklists"] = [N_("请至少选择一张检查表")]
    elif overlap := _overlapping_item_code(versions):
        problems.setdefault("checklists", []).append(overlap)
    departments = dict.fromkeys(s.department.value for v in versions for s in checklist_of(v).sections)
    team_problems = [
        p for code in departments for p in _team_problems(code, assignments.get(code, ()), facility, field_roles)
    ]
    if team_problems:
        problems["inspectors"] = team_problems
    return problems


def check_planned_date(inspected_on: date, today: date, days_ahead: int, after_the_fact: bool | None = None) -> None:
    """Refuse a day an inspection may not be planned for (`dates.planning_problem`).

    :raises ServiceError: naming the field "date" and why.
    """
    problem = planning_problem(inspected_on, today, days_ahead, after_the_fact=after_the_fact)
    if problem:
        raise ServiceError(problem, fields={"date": problem})


def teams_by_department(people: Iterable[User]) -> dict[str, list[User]]:
    """Group inspectors by the code of their department (the shape `start_inspection` takes); others are left out."""
    teams: dict[str, list[User]] = {}
    for person in people:
        if person.department is not None:
            teams.setdefault(person.department.code, []).append(person)
    return teams


def _overlapping_item_code(versions: Sequence[ChecklistVersion]) -> str | None:
    """Return why the checklists cannot go together (two use the same item code), or None."""
    seen: dict[str, str] = {}
    for version in versions:
        for item in checklist_of(version).items():
            if item.code in seen:
                return Message(
                    N_("检查表 %(first)s 与 %(second)s 的条目编号 %(code)s 重复"),
                    first=seen[item.code],
                    second=version.code,
                    code=item.code,
                )
            seen[item.code] = version.code
    return None


def _team_problems(
    code: str, people: Sequence[User], facility: Facility | None, field_roles: Sequence[Role]
) -> list[str]:
    """Return what is wrong with the inspectors of department `code` for an inspection of `facility` (their region
    is not checked while no facility is chosen)."""
    people = list(dict.fromkeys(people))
    problems = []
    if len(people) < MIN_INSPECTORS_PER_DEPARTMENT:
        problems.append(
            Message(
                N_("%(department)s须指派至少 %(count)s 名检查员"),
                department=department_name(code),
                count=MIN_INSPECTORS_PER_DEPARTMENT,
            )
        )
    for user in people:
        if user.role not in field_roles or user.department is None or user.department.code != code:
            problems.append(
                Message(
                    N_("%(name)s 不是%(department)s的检查员"), name=user.display_name, department=department_name(code)
                )
            )
        elif facility is not None and not may_inspect(user, facility):
            problems.append(Message(N_("%(name)s 不负责该机构所在区域"), name=user.display_name))
    return problems


def plan_campaign(
    facilities: Sequence[Facility],
    checklist_codes: Sequence[str],
    inspected_on: date,
    lead_department: Department,
    assignments: Mapping[str, Sequence[User]],
    actor: Actor,
    *,
    today: date | None = None,
    days_ahead: int = PLAN_DAYS_AHEAD,
    after_the_fact: bool | None = None,
) -> list[Inspection]:
    """Plan one inspection per facility (专项行动), all or none; `today`, `days_ahead` and `after_the_fact` as for
    `start_inspection`.

    :raises ServiceError: a date out of range (`fields["date"]`), no facility, or any single plan is refused (the
        message names the facility, `fields` name what is wrong).
    """
    today = today or date.today()
    check_planned_date(inspected_on, today, days_ahead, after_the_fact)
    if not facilities:
        raise ServiceError(N_("范围内没有运营中的机构"))
    planned = []
    for facility in facilities:
        try:
            planned.append(
                start_inspection(
                    facility,
                    checklist_codes,
                    inspected_on,
                    InspectionPurpose.CAMPAIGN,
                    lead_department,
                    assignments,
                    actor,
                    today=today,
                    days_ahead=days_ahead,
                    after_the_fact=after_the_fact,
                )
            )
        except ServiceError as error:
            named = {
                field: Message(N_("%(facility)s：%(problem)s"), facility=facility.name, problem=message)
                for field, message in error.fields.items()
            }
            raise ServiceError(
                N_("%(facility)s：%(problem)s"), fields=named, facility=facility.name, problem=error.message
            ) from error
    return planned
