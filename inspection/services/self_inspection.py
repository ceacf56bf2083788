"""Self-inspection and self-rectification (隐患自查自改, 民发〔2023〕37号, DOMAIN §4.3): a facility's operator runs the
fire, food and service checklists on their own facility with the inspectors' form; what it finds is followed up by
the facility itself. The officials then see, item by item, what the facility's latest self-inspection said, and
the gaps (`inspection.self_inspection_rules`).

A self-inspection sets no standing, grade or ranking position and never reaches a notice or the credit list: the
submission, the standings, the notices and the hazard rules ask `permissions.is_self_inspection` or
`Hazard.self_found`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, Subquery, func, select

from inspection.checklists import DepartmentCode
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    Answer,
    ChecklistVersion,
    Facility,
    FacilityStatus,
    Inspection,
    InspectionChecklist,
    InspectionPurpose,
    InspectionStatus,
    Role,
    User,
)
from inspection.permissions import in_township, is_self_inspection, visible_facilities
from inspection.self_inspection_rules import (
    SELF_CHECKED_KINDS,
    SKIPPED,
    SelfResult,
    counts_for,
    is_gap,
    quarter_start,
    window_start,
)
from inspection.services import Actor, RuleViolation, ServiceError
from inspection.services.audit import record_event
from inspection.services.checklists import latest_version, latest_versions
from inspection.services.notices.records import county_department
from inspection.services.planning import (
    PlanRefused,
    departments_of,
    inspection_by_client_id,
    item_index,
    plan_problems,
)
from inspection.services.standings import standing_of
from inspection.services.submission import submit_department
from inspection.transactions import insert_once

#: The one part of a self-inspection's form and submission (no department owns a part of it).
SELF_PART = "self"


class NotOwnFacility(ServiceError):
    """Only the facility's own operator inspects it themselves."""

    status = 403
    code = "forbidden"


def self_inspection_checklists() -> list[ChecklistVersion]:
    """Return the newest checklists a facility runs on itself: those setting a fire, food or service standing."""
    return [v for v in latest_versions() if (s := standing_of(v)) is not None and s.kind in SELF_CHECKED_KINDS]


def start_self_inspection(
    facility: Facility,
    checklist_codes: Sequence[str],
    inspected_on: date,
    actor: Actor,
    *,
    client_id: str | None = None,
    today: date | None = None,
) -> tuple[Inspection, bool]:
    """Start the facility's self-inspection as its operator, for today or a day already past (it records what the
    facility saw); a phone's `client_id` sent again returns the inspection it created.

    :return: the inspection and whether it was created now.
    :raises NotOwnFacility: the actor is not this facility's operator.
    :raises PlanRefused: as `start_inspection` (date, closed facility, unknown or overlapping checklists).
    :raises RuleViolation: a checklist that is not self-inspected (the grading, or another department's own list),
        or a day still to come.
    """
    user = actor.user
    if user is None or user.role != Role.OPERATOR or user.facility_id != facility.id:
        raise NotOwnFacility(N_("只有本机构负责人可以开展本机构的自查"))
    today = today or date.today()
    allowed = {v.code for v in self_inspection_checklists()}
    refused = [code for code in checklist_codes if code not in allowed]
    if refused:
        raise RuleViolation(
            N_("自查只能使用消防、食品、服务安全检查表：%(codes)s 不可用"),
            fields={"checklists": N_("不可用于自查")},
            codes="、".join(refused),
        )
    if inspected_on > today:
        raise RuleViolation(N_("自查日期不能晚于今天"), fields={"date": N_("不能晚于今天")})
    return insert_once(
        lambda: _create(facility, checklist_codes, inspected_on, actor, client_id, today),
        lambda: inspection_by_client_id(client_id or ""),
    )


def _create(
    facility: Facility,
    checklist_codes: Sequence[str],
    inspected_on: date,
    actor: Actor,
    client_id: str | None,
    today: date,
) -> Inspection:
    problems = plan_problems(facility, checklist_codes, inspected_on, {}, today, 0)
    problems.pop("inspectors", None)  # the facility's own staff inspect: no inspectors are assigned
    if problems:
        raise PlanRefused(problems)
    inspection = Inspection(
        facility=facility,
        inspected_on=inspected_on,
        purpose=InspectionPurpose.SELF_INSPECTION,
        lead_department=county_department(facility, DepartmentCode.CIVIL_AFFAIRS),
        created_by=actor.user,
        client_id=client_id,
    )
    for code in dict.fromkeys(checklist_codes):
        inspection.checklists.append(InspectionChecklist(version=latest_version(code), checklist_code=code))
    db.session.add(inspection)
    db.session.flush()
    record_event(
        actor,
        "inspection.self_start",
        object_type="inspection",
        object_id=inspection.id,
        region_path=facility.region.path,
        after={
            "facility_id": facility.id,
            "date": inspected_on.isoformat(),
            "checklists": [f"{c.checklist_code}@{c.version.version}" for c in inspection.checklists],
        },
    )
    return inspection


def submit_self_inspection(
    inspection: Inspection, actor: Actor, *, today: date | None = None, client_id: str | None = None
) -> None:
    """Submit every part of a self-inspection at once (no department owns a part of it). The first part carries
    the phone's `client_id`, so a resend of a queued submission is answered as the first time.

    :raises ServiceError: not a self-inspection; as `submit_department` otherwise (the first refusal leaves the
        caller to roll back, so no part is submitted alone).
    """
    if not is_self_inspection(inspection):
        raise ServiceError(N_("这不是机构自查"))
    codes = departments_of(inspection)
    submit_department(inspection, codes[0], actor, today=today, client_id=client_id)
    for code in codes[1:]:
        if inspection.status != InspectionStatus.COMPLETE:
            submit_department(inspection, code, actor, today=today)


# --- What the officials see of the facility's self-inspections -----------------------------------------------


@dataclass(frozen=True)
class Gap:
    """An item the officials failed that the facility's self-inspection passed or skipped."""

    item_code: str
    self_result: str
    self_inspection_id: int


@dataclass(frozen=True)
class _Official:
    inspection_id: int
    facility_id: int
    inspected_on: date


class _SelfCoverage:
    """The facility's latest self-inspected checklist of each code within an official inspection's window, and
    its answers."""

    def __init__(self) -> None:
        #: checklist code → (self inspection checklist id, its inspection's id, its day)
        self.checklists: dict[str, tuple[int, int, date]] = {}
        self.answers: dict[tuple[int, str], str] = {}

    def result(self, checklist_code: str, item_code: str) -> SelfResult | None:
        covered = self.checklists.get(checklist_code)
        if covered is None:
            return None
        ic_id, inspection_id, on = covered
        return SelfResult(item_code, self.answers.get((ic_id, item_code), SKIPPED), on, inspection_id)


def _coverage(officials: Iterable[_Official], window_days: int) -> dict[int, _SelfCoverage]:
    """Return, per official inspection id, the self-inspections that count for it (two queries in all)."""
    officials = list(officials)
    if not officials:
        return {}
    by_facility: dict[int, list[_Official]] = {}
    for official in officials:
        by_facility.setdefault(official.facility_id, []).append(official)
    earliest = min(window_start(o.inspected_on, window_days) for o in officials)
    latest = max(o.inspected_on for o in officials)
    rows = db.session.execute(
        select(InspectionChecklist.id, InspectionChecklist.checklist_code, Inspection.id, Inspection.facility_id)
        .add_columns(Inspection.inspected_on)
        .join(Inspection, InspectionChecklist.inspection_id == Inspection.id)
        .where(
            Inspection.facility_id.in_(by_facility),
            Inspection.purpose == InspectionPurpose.SELF_INSPECTION,
            Inspection.status == InspectionStatus.COMPLETE,
            Inspection.inspected_on.between(earliest, latest),
        )
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    coverage = {o.inspection_id: _SelfCoverage() for o in officials}
    chosen: set[int] = set()
    for ic_id, code, self_id, facility_id, self_on in rows:
        for official in by_facility[facility_id]:
            held = coverage[official.inspection_id].checklists
            if code not in held and counts_for(self_on, official.inspected_on, window_days):
                held[code] = (ic_id, self_id, self_on)
                chosen.add(ic_id)
    if chosen:
        answers = db.session.execute(
            select(Answer.inspection_checklist_id, Answer.item_code, Answer.result).where(
                Answer.inspection_checklist_id.in_(chosen)
            )
        )
        by_checklist: dict[tuple[int, str], str] = {(ic, item): str(result) for ic, item, result in answers}
        for held in coverage.values():
            held.answers = by_checklist
    return coverage


def latest_self_results(inspection: Inspection, window_days: int) -> dict[str, SelfResult]:
    """Return what the facility's latest self-inspection within the window said about each item of an official
    inspection, by item code (items no self-inspection covered are left out); empty for a self-inspection."""
    if is_self_inspection(inspection):
        return {}
    official = _Official(inspection.id, inspection.facility_id, inspection.inspected_on)
    held = _coverage([official], window_days)[inspection.id]
    results = {}
    for code, ref in item_index(inspection).items():
        found = held.result(ref.checklist.code, code)
        if found is not None:
            results[code] = found
    return results


def self_inspection_gaps(inspection: Inspection, window_days: int) -> list[Gap]:
    """Return the gaps of an official inspection: its failed items the facility's self-inspection (within the
    window before it) passed or skipped, in the checklists' order."""
    results = latest_self_results(inspection, window_days)
    answers = {a.item_code: str(a.result) for ic in inspection.checklists for a in ic.answers}
    return [
        Gap(code, found.result, found.inspection_id)
        for code, found in results.items()
        if is_gap(answers.get(code, ""), found)
    ]


def gap_counts(facility_ids: Sequence[int], window_days: int, today: date) -> dict[int, int]:
    """Return, per facility, the gaps of its latest complete official inspection on or before `today` (0 when it
    has none, or no self-inspection counted for it)."""
    if not facility_ids:
        return {}
    newest = func.row_number().over(
        partition_by=Inspection.facility_id, order_by=(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    ranked = (
        select(Inspection.id, Inspection.facility_id, Inspection.inspected_on, newest.label("n"))
        .where(
            Inspection.facility_id.in_(facility_ids),
            Inspection.purpose != InspectionPurpose.SELF_INSPECTION,
            Inspection.status == InspectionStatus.COMPLETE,
            Inspection.inspected_on <= today,
        )
        .subquery()
    )
    newest_only = select(ranked.c.id, ranked.c.facility_id, ranked.c.inspected_on).where(ranked.c.n == 1)
    officials = [_Official(*row) for row in db.session.execute(newest_only)]
    coverage = _coverage(officials, window_days)
    counts = dict.fromkeys(facility_ids, 0)
    if not officials:
        return counts
    failed = db.session.execute(
        select(InspectionChecklist.inspection_id, InspectionChecklist.checklist_code, Answer.item_code)
        .join(Answer, Answer.inspection_checklist_id == InspectionChecklist.id)
        .where(InspectionChecklist.inspection_id.in_([o.inspection_id for o in officials]), Answer.result == "fail")
    )
    facility_of = {o.inspection_id: o.facility_id for o in officials}
    for inspection_id, code, item_code in failed:
        if is_gap("fail", coverage[inspection_id].result(code, item_code)):
            counts[facility_of[inspection_id]] += 1
    return counts


def last_self_inspection(facility_id: int) -> date | None:
    """Return the day of the facility's latest submitted self-inspection, or None."""
    return db.session.scalar(
        select(func.max(Inspection.inspected_on)).where(
            Inspection.facility_id == facility_id,
            Inspection.purpose == InspectionPurpose.SELF_INSPECTION,
            Inspection.status == InspectionStatus.COMPLETE,
        )
    )


# --- The reviewer's quarter ---------------------------------------------------------------------------------


def _self_inspected(today: date) -> Subquery:
    """Per facility, the day of its latest self-inspection submitted this quarter (`last_on`) and how many (`count`)."""
    return (
        select(
            Inspection.facility_id,
            func.max(Inspection.inspected_on).label("last_on"),
            func.count(Inspection.id).label("count"),
        )
        .where(
            Inspection.purpose == InspectionPurpose.SELF_INSPECTION,
            Inspection.status == InspectionStatus.COMPLETE,
            Inspection.inspected_on.between(quarter_start(today), today),
        )
        .group_by(Inspection.facility_id)
        .subquery()
    )


def quarter_coverage(user: User, today: date, township_id: int | None = None, status: str = "") -> Select[Any]:
    """Return a select of the operating facilities `user` sees (of one township, when given) that have ("done") or
    have not ("missing") self-inspected this quarter, or all of them (any other `status`): those not self-inspected
    first, then by name (a select to paginate; `quarter_of` gives each one's days)."""
    done = _self_inspected(today)
    stmt = (
        visible_facilities(user)
        .outerjoin(done, done.c.facility_id == Facility.id)
        .where(Facility.status == FacilityStatus.ACTIVE)
        .order_by(done.c.last_on.is_not(None), Facility.name, Facility.id)
    )
    if township_id is not None:
        stmt = stmt.where(in_township(township_id))
    if status == "done":
        stmt = stmt.where(done.c.last_on.is_not(None))
    elif status == "missing":
        stmt = stmt.where(done.c.last_on.is_(None))
    return stmt


def quarter_of(facility_ids: Sequence[int], today: date) -> dict[int, tuple[date, int]]:
    """Return the latest self-inspection day this quarter and the count, of those facilities that have any."""
    done = _self_inspected(today)
    rows = db.session.execute(select(done).where(done.c.facility_id.in_(facility_ids)))
    return {facility_id: (last_on, count) for facility_id, last_on, count in rows}


def quarter_counts(user: User, today: date, township_id: int | None = None) -> tuple[int, int]:
    """Return how many operating facilities `user` sees (of one township, when given) have self-inspected this
    quarter, and how many have not."""
    every = quarter_coverage(user, today, township_id).order_by(None).subquery()
    done = quarter_coverage(user, today, township_id, "done").order_by(None).subquery()
    total = db.session.scalar(select(func.count()).select_from(every)) or 0
    inspected = db.session.scalar(select(func.count()).select_from(done)) or 0
    return inspected, total - inspected
