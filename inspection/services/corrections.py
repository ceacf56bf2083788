"""Corrections of submitted findings (更正): by the department that made the finding, with a reason, never behind
an issued notice or a countersignature.

A finding is its department's statement: another department (the lead included) may not change it. A finding
already served on a facility in a current 整改通知书 is not changed underneath that document. A correction of a
countersigned grading result voids the countersignature, so the changed result waits for a reviewer again.
"""

from sqlalchemy import select

from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    Answer,
    AnswerChange,
    AnswerResult,
    ChecklistStatus,
    Hazard,
    Inspection,
    InspectionChecklist,
    Notice,
    NoticeHazard,
)
from inspection.permissions import is_assigned
from inspection.services import Actor, Conflict, OtherDepartment, ServiceError
from inspection.services.answers import AnswerInput, applied_changes, checked_change, next_revision, same_change
from inspection.services.audit import record_event
from inspection.services.planning import item_index, submitted_departments
from inspection.services.submission import score_checklist, store_result
from inspection.transactions import locked


def correct_answer(inspection: Inspection, change: AnswerInput, reason: str, actor: Actor) -> Answer:
    """Change an answer of a submitted section, with a reason; re-scores and records before and after.

    :raises Conflict: the change's UUID was already used for other content.
    :raises OtherDepartment: the item belongs to another department's section.
    :raises ServiceError: no reason, not an inspector of the inspection, the section is not submitted yet, or the
        finding is listed on a current rectification notice.
    """
    if not reason.strip():
        raise ServiceError(N_("更正须填写理由"))
    user = actor.user
    if user is None or not is_assigned(user, inspection):
        raise ServiceError(N_("只有本次检查的检查员可以更正已提交的结果"))
    ref = item_index(inspection).get(change.item_code)
    if ref is None:
        raise ServiceError(N_("检查中没有条目 %(code)s"), code=change.item_code)
    if ref.department_code != actor.department_code:
        raise OtherDepartment([change.item_code])
    if ref.department_code not in submitted_departments(inspection):
        raise ServiceError(N_("该部分尚未提交，请直接修改"))
    change = checked_change(change, ref)
    ic = ref.inspection_checklist(inspection)
    # Corrections of one checklist take turns: a copy of this request sent at the same moment then finds the
    # change the first stored, instead of running into its client_id.
    locked(InspectionChecklist, ic.id)
    previous = applied_changes([change.client_id]).get(change.client_id)
    if previous is not None:  # a retried correction: the same content is a no-op, other content a conflict
        if same_change(previous, change, inspection):
            return previous.answer
        raise Conflict(
            N_("该 client_id 已用于另一项修改"), [{"item_code": change.item_code, "reason": "client_id_reused"}]
        )
    _refuse_if_served(ic, change.item_code)
    answers = {a.item_code: a for a in ic.answers}
    old = answers.get(change.item_code)
    before = _audited(old) if old else None
    answer = _apply(change, ic, answers, actor, reason=reason.strip())
    if ic.status == ChecklistStatus.SUBMITTED:
        store_result(ic, score_checklist(ic), actor)
        _void_countersignature(ic, reason.strip(), actor)
    db.session.flush()
    record_event(
        actor,
        "inspection.correct",
        object_type="inspection",
        object_id=inspection.id,
        region_path=inspection.facility.region.path,
        before=before,
        after={"item_code": change.item_code, **_audited(answer)},
        detail=reason.strip(),
    )
    next_revision(inspection)
    return answer


def _audited(answer: Answer) -> dict[str, object]:
    """What the audit log keeps of an answer before and after a correction."""
    return {
        "result": AnswerResult(answer.result).value,
        "deduction": str(answer.deduction),
        "note": answer.note,
        "location": answer.location,
        "affects_food_safety": answer.affects_food_safety,
    }


def _refuse_if_served(ic: InspectionChecklist, item_code: str) -> None:
    """A finding on a current rectification notice was served on the facility: that document stands."""
    number = db.session.scalar(
        select(Notice.number)
        .join(NoticeHazard, NoticeHazard.notice_id == Notice.id)
        .join(Hazard, Hazard.id == NoticeHazard.hazard_id)
        .where(
            Hazard.inspection_checklist_id == ic.id,
            Hazard.item_code == item_code,
            NoticeHazard.current_rectification.is_(True),
        )
    )
    if number is not None:
        raise ServiceError(
            N_(
                "%(code)s 已列入现行整改通知书 %(number)s，不能直接更正；"
                "如该项认定有误，请由签发部门依法撤销或变更该通知书后再更正"
            ),
            code=item_code,
            number=number,
        )


def _void_countersignature(ic: InspectionChecklist, reason: str, actor: Actor) -> None:
    """A countersigned result that changed is no longer the result the reviewer signed: back to 待审核."""
    if ic.reviewed_at is None:
        return
    before = {
        "reviewed_by_id": ic.reviewed_by_id,
        "reviewed_at": ic.reviewed_at.isoformat(),
        "comment": ic.review_comment,
    }
    ic.reviewed_at, ic.reviewed_by_id = None, None
    ic.review_comment = f"原审核因更正作废（{reason}），待重新审核"[:500]
    record_event(
        actor,
        "grading.countersign_void",
        object_type="inspection_checklist",
        object_id=ic.id,
        region_path=ic.inspection.facility.region.path,
        before=before,
        after={"grade": ic.grade, "verdict": ic.verdict},
        detail=reason,
    )


def _apply(
    change: AnswerInput, ic: InspectionChecklist, answers: dict[str, Answer], actor: Actor, reason: str = ""
) -> Answer:
    answer = answers.get(change.item_code)
    if answer is None:
        answer = Answer(inspection_checklist=ic, item_code=change.item_code, revision=0, note="")
        db.session.add(answer)
        answers[change.item_code] = answer
    answer.result, answer.deduction, answer.note = AnswerResult(change.result), change.deduction, change.note
    answer.location, answer.affects_food_safety = change.location, change.affects_food_safety
    answer.answered_by_id = actor.user_id
    answer.revision += 1
    answer.changes.append(
        AnswerChange(
            client_id=change.client_id,
            revision=answer.revision,
            result=answer.result,
            deduction=answer.deduction,
            note=answer.note,
            location=answer.location,
            affects_food_safety=answer.affects_food_safety,
            reason=reason,
            user_id=answer.answered_by_id,
        )
    )
    return answer
