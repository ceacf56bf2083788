"""Submitting a department's sections: completeness checks, scoring, stored results, standings and hazards."""

from datetime import date

from sqlalchemy import func, select

from inspection.dates import recording_problem
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import (
    AnswerResult,
    ChecklistStatus,
    DepartmentSubmission,
    Facility,
    FacilityStanding,
    Hazard,
    HazardStatus,
    Inspection,
    InspectionChecklist,
    InspectionStatus,
    Photo,
)
from inspection.orm import utcnow
from inspection.permissions import is_self_inspection
from inspection.scoring import Answer as EngineAnswer
from inspection.scoring import FacilityFacts, ScoreResult, score
from inspection.services import Actor, Conflict, RuleViolation, ServiceError
from inspection.services.answers import next_revision
from inspection.services.audit import record_event
from inspection.services.checklists import checklist_of
from inspection.services.credit import is_blacklisted
from inspection.services.hazards import sync_hazards
from inspection.services.planning import (
    department_name,
    departments_of,
    is_complete,
    item_index,
    submitted_departments,
)
from inspection.services.standings import replace_standing, standing_of


def facility_facts(facility: Facility) -> FacilityFacts:
    """Return what the scoring engine needs to know about `facility`, including the vetoes: major hazards not yet
    closed by re-inspection, and an active credit listing."""
    open_major = (
        select(func.count())
        .select_from(Hazard)
        .where(
            Hazard.facility_id == facility.id,
            Hazard.item_class == "major",
            Hazard.status != HazardStatus.CLOSED,
            Hazard.self_found.is_(False),  # the facility's own findings withhold no grade
        )
    )
    return FacilityFacts(
        open_major_hazards=db.session.scalar(open_major) or 0,
        blacklisted=is_blacklisted(facility.id),
        has_canteen=facility.has_canteen,
        has_medical_unit=facility.has_medical_unit,
        has_special_equipment=facility.has_special_equipment,
        has_campus_roads=facility.has_campus_roads,
        is_key_fire_unit=facility.is_key_fire_unit,
        beds=facility.beds,
        residents=facility.residents,
        offers_ten_services=facility.offers_ten_services,
    )


def score_checklist(inspection_checklist: InspectionChecklist) -> ScoreResult:
    """Score the current answers against the checklist version the inspection pinned."""
    answers = {
        a.item_code: EngineAnswer(a.result, a.deduction, a.note, affects_food_safety=a.affects_food_safety)
        for a in inspection_checklist.answers
    }
    facility = inspection_checklist.inspection.facility
    return score(checklist_of(inspection_checklist.version), answers, facility_facts(facility))


def submit_department(
    inspection: Inspection,
    department_code: str,
    actor: Actor,
    *,
    today: date | None = None,
    client_id: str | None = None,
) -> list[ScoreResult]:
    """Lock a department's sections; score every checklist whose departments have all submitted.

    A phone queues a submission made offline under a `client_id` and may send it more than once (the reply lost on
    the way back): the submission stored under that UUID answers a resend, and nothing is submitted again.

    :param today: the day of the submission (default: the server's today); a result is recorded only once the
        inspection's day has come.
    :return: the results of the inspection's checklists (final for the fully submitted ones).
    :raises Conflict: the department has already submitted (a second tap, or a colleague first), or `client_id`
        names another department's or inspection's submission.
    :raises ServiceError: the department has no section here.
    :raises RuleViolation: the inspection's day is still to come (`fields["date"]`), items unanswered, or a failed
        item without its required photo.
    """
    today = today or date.today()
    earlier = _submission_by_client_id(client_id)
    if earlier is not None:
        if earlier.inspection_id != inspection.id or earlier.department_code != department_code:
            reused = [{"client_id": client_id, "reason": "client_id_reused"}]
            raise Conflict(N_("该 client_id 已用于另一次提交"), reused)
        return [score_checklist(ic) for ic in inspection.checklists]  # sent again: it is held already
    if department_code not in departments_of(inspection):
        raise ServiceError(N_("该部门在本次检查中没有检查部分"))
    if department_code in submitted_departments(inspection):
        raise Conflict(
            Message(N_("%(department)s的检查部分已提交"), department=department_name(department_code)),
            [{"department": department_code, "reason": "already_submitted"}],
        )
    problem = recording_problem(inspection.inspected_on, today)
    if problem:
        raise RuleViolation(problem, fields={"date": problem})
    _check_complete(inspection, department_code)
    inspection.submissions.append(
        DepartmentSubmission(department_code=department_code, submitted_by_id=actor.user_id, client_id=client_id)
    )
    db.session.flush()
    next_revision(inspection)
    done = submitted_departments(inspection)
    results = []
    for ic in inspection.checklists:
        result = score_checklist(ic)
        if ic.status == ChecklistStatus.OPEN and checklist_of(ic.version).section_departments() <= done:
            store_result(ic, result, actor, today=today)
        results.append(result)
    if is_complete(inspection):
        inspection.status, inspection.completed_at = InspectionStatus.COMPLETE, utcnow()
    db.session.flush()
    record_event(
        actor,
        "inspection.submit",
        object_type="inspection",
        object_id=inspection.id,
        region_path=inspection.facility.region.path,
        after={"department": department_code, "status": InspectionStatus(inspection.status).value},
    )
    return results


def _submission_by_client_id(client_id: str | None) -> DepartmentSubmission | None:
    if client_id is None:
        return None
    return db.session.scalar(select(DepartmentSubmission).where(DepartmentSubmission.client_id == client_id))


def _check_complete(inspection: Inspection, department_code: str) -> None:
    refs = [r for r in item_index(inspection).values() if r.department_code == department_code]
    facts = facility_facts(inspection.facility).true_facts()
    answers = {a.item_code: a for ic in inspection.checklists for a in ic.answers}
    unanswered = [r.item.code for r in refs if r.item.code not in answers and r.item.applies_to(facts)]
    if unanswered:
        raise RuleViolation(
            N_("还有 %(count)s 项未检查：%(codes)s"), count=len(unanswered), codes="、".join(unanswered[:10])
        )
    photographed = set(
        db.session.scalars(
            select(Photo.item_code).where(Photo.inspection_id == inspection.id).group_by(Photo.item_code)
        )
    )
    failed = {code for code, answer in answers.items() if answer.result == AnswerResult.FAIL}
    # Items N/A by the facility's facts have no answer at all, so they can neither fail nor need a photo.
    missing = [
        r.item.code for r in refs if r.item.photo_on_fail and r.item.code in failed and r.item.code not in photographed
    ]
    if missing:
        raise RuleViolation(N_("以下不合格项须拍照后才能提交：%(codes)s"), codes="、".join(missing))


def store_result(ic: InspectionChecklist, result: ScoreResult, actor: Actor, *, today: date | None = None) -> None:
    """Record a checklist's final result, then the facility's standing (as of `today`, default the server's) and the
    hazards it found."""
    ic.status, ic.submitted_at, ic.submitted_by_id = (
        ChecklistStatus.SUBMITTED,
        utcnow(),
        actor.user_id,
    )
    ic.points, ic.max_points, ic.percent = result.points, result.max_points, result.percent
    ic.verdict, ic.verdict_code, ic.grade, ic.result = (
        result.verdict,
        result.verdict_code,
        result.grade,
        result.to_dict(),
    )
    if not is_self_inspection(ic.inspection):  # a self-inspection never changes the official standing
        _update_standing(ic, result, today or date.today())
    sync_hazards(ic)


def _update_standing(ic: InspectionChecklist, result: ScoreResult, today: date) -> None:
    """Make the result the facility's standing of the kind its checklist declares, unless a later one decided
    (`dates.replaces_standing`: never a result dated after today, and a standing dated after today gives way)."""
    declared = standing_of(ic.version)
    if declared is None:
        return

    def fill(standing: FacilityStanding) -> None:
        standing.inspection_checklist = ic
        standing.verdict, standing.verdict_code, standing.grade = result.verdict, result.verdict_code, result.grade
        standing.points, standing.unverified = result.points, result.unverified

    replace_standing(ic.inspection.facility_id, declared.kind, ic.inspection.inspected_on, today, fill)
