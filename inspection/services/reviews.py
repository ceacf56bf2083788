"""Countersigning (审核) grading results (other than a campaign application's on-site assessment, which the 评定委员会
decides: `services.grading_assessment`): until a reviewer countersigns, a grade shows as 待审核 and does not count in
the league table. A reviewer may instead return (退回) a result with a reason: the inspection reopens for the
departments that graded, who correct and submit again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import exists, or_, select

from inspection import permissions
from inspection.checklists import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import (
    ChecklistStatus,
    Facility,
    FacilityStanding,
    GradingApplication,
    GradingObjection,
    Inspection,
    InspectionChecklist,
    InspectionStatus,
    Region,
    User,
)
from inspection.orm import utcnow
from inspection.scoring.explanations import explanation_of
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event
from inspection.services.checklists import checklist_of
from inspection.transactions import locked

MAX_COMMENT = 500


@dataclass(frozen=True)
class PendingReview:
    """A submitted grading result waiting for its countersignature."""

    checklist_id: int
    inspection_id: int
    facility_id: int
    facility_name: str
    township: str
    inspected_on: date
    submitted_at: datetime | None
    verdict: str
    points: Decimal | None
    #: Why, as the result explains it (its text the stored Chinese).
    decided_by: Message
    unverified: bool


def pending_reviews(user: User, limit: int = 200) -> list[PendingReview]:
    """Return the submitted grading results in `user`'s region that are not countersigned yet, oldest first."""
    stmt = (
        permissions.visible_inspections(user)
        .join(InspectionChecklist, InspectionChecklist.inspection_id == Inspection.id)
        .with_only_columns(InspectionChecklist, Inspection, Facility.name, Region.name)
        .where(
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
            InspectionChecklist.reviewed_at.is_(None),
            ~_is_campaign_assessment(Inspection.id),
        )
        .order_by(Inspection.inspected_on, InspectionChecklist.id)
        .limit(limit)
    )
    return [
        PendingReview(
            checklist_id=ic.id,
            inspection_id=inspection.id,
            facility_id=inspection.facility_id,
            facility_name=name,
            township=township,
            inspected_on=inspection.inspected_on,
            submitted_at=ic.submitted_at,
            verdict=ic.verdict or "",
            points=ic.points,
            decided_by=explanation_of(ic.result or {}),
            unverified=bool((ic.result or {}).get("unverified")),
        )
        for ic, inspection, name, township in db.session.execute(stmt)
    ]


def countersign_grading(ic: InspectionChecklist, comment: str, confirmed: bool, actor: Actor) -> InspectionChecklist:
    """Countersign a submitted grading result, recording who, when and the comment; audited.

    :param comment: the reviewer's opinion (required, at most MAX_COMMENT characters).
    :param confirmed: the reviewer ticked that the grading papers were checked.
    :raises ServiceError: not a reviewer of the facility's region, not a submitted grading result, already
        countersigned, no comment, or not confirmed.
    """
    user = actor.user
    facility = ic.inspection.facility
    _check_reviewable(ic, user)
    if db.session.scalar(select(_is_campaign_assessment(ic.inspection_id))):
        raise ServiceError(N_("该评定结果属于等级评定申请的现场评审，由评定委员会评定"))
    comment = comment.strip()
    if not comment:
        raise ServiceError(N_("请填写审核意见"))
    if len(comment) > MAX_COMMENT:
        raise ServiceError(N_("审核意见不能超过 %(count)s 字"), count=MAX_COMMENT)
    if not confirmed:
        raise ServiceError(N_("请确认已核对评定材料"))
    ic.reviewed_at, ic.reviewed_by_id, ic.review_comment = utcnow(), user.id, comment
    db.session.flush()
    record_event(
        actor,
        "grading.countersign",
        object_type="inspection_checklist",
        object_id=ic.id,
        region_path=facility.region.path,
        after={"facility_id": facility.id, "verdict": ic.verdict, "points": str(ic.points), "comment": comment},
    )
    return ic


def return_grading(ic: InspectionChecklist, reason: str, actor: Actor, *, today: date | None = None) -> None:
    """Return (退回) a submitted grading result, not yet countersigned, with the reviewer's reason; audited.

    The departments owning its sections have their submission withdrawn, so their sections open again; the
    inspection is in progress again, the stored result is cleared (the audit entry keeps it) and the facility's
    grade standing goes back to its previous result (none when there is none). The reason stays on the result
    for the lead to read until it is submitted again.

    :param reason: why it is returned (required, at most MAX_COMMENT characters).
    :param today: the day of the return (default: the server's), for the standing that holds after it.
    :raises ServiceError: not a reviewer of the facility's region, not a submitted grading result, already
        countersigned, or no reason.
    """
    _check_reviewable(ic, actor.user)
    reason = reason.strip()
    if not reason:
        raise ServiceError(N_("请填写退回原因"), fields={"reason": N_("请填写退回原因")})
    if len(reason) > MAX_COMMENT:
        raise ServiceError(
            N_("退回原因不能超过 %(count)s 字"), fields={"reason": N_("不能超过 %(count)s 字")}, count=MAX_COMMENT
        )
    inspection, facility = ic.inspection, ic.inspection.facility
    before = {"verdict": ic.verdict, "points": str(ic.points), "grade": ic.grade}
    departments = checklist_of(ic.version).section_departments()
    for submission in [s for s in inspection.submissions if s.department_code in departments]:
        inspection.submissions.remove(submission)
    inspection.status, inspection.completed_at = InspectionStatus.IN_PROGRESS, None
    ic.status, ic.submitted_at, ic.submitted_by_id = ChecklistStatus.OPEN, None, None
    ic.points = ic.max_points = ic.percent = None
    ic.verdict = ic.verdict_code = ic.grade = ic.result = None
    ic.returned_at, ic.returned_by_id, ic.return_reason = utcnow(), actor.user_id, reason
    db.session.flush()
    _withdraw_standing(ic, today or date.today())
    record_event(
        actor,
        "grading.return",
        object_type="inspection_checklist",
        object_id=ic.id,
        region_path=facility.region.path,
        before=before,
        after={"facility_id": facility.id, "reason": reason, "reopened": sorted(departments)},
    )


def _is_campaign_assessment(inspection_id):
    """Return the condition "the inspection is a grading application's on-site assessment", current or set aside by
    an upheld objection (`services.grading_publicity`): its result is decided by the 评定委员会
    (`services.grading_assessment.record_decision`), not countersigned."""
    return or_(
        exists().where(GradingApplication.assessment_inspection_id == inspection_id),
        exists().where(GradingObjection.superseded_assessment_id == inspection_id),
    )


def _check_reviewable(ic: InspectionChecklist, user: User | None) -> None:
    """Refuse a countersignature or return of `ic` by `user` unless both may happen. The result's row is locked
    first, so that of two reviewers deciding at once (or a double tap) the second sees the first's decision."""
    locked(InspectionChecklist, ic.id)
    if user is None or not permissions.is_reviewer_for(user, ic.inspection.facility):
        raise ServiceError(N_("只有机构所在区域的民政审核人员可以审核评定结果"))
    if ic.checklist_code != GRADING_CHECKLIST or ic.status != ChecklistStatus.SUBMITTED:
        raise ServiceError(N_("只能审核已提交的等级评定结果"))
    if ic.reviewed_at is not None:
        raise ServiceError(N_("该评定结果已审核"))


def _withdraw_standing(ic: InspectionChecklist, today: date) -> None:
    """Give the standing that `ic`'s result set (if it did) to the facility's previous submitted result of the same
    checklist on or before `today`, or remove it when there is none."""
    standing = db.session.scalar(select(FacilityStanding).where(FacilityStanding.inspection_checklist_id == ic.id))
    if standing is None:
        return
    previous = db.session.execute(
        select(InspectionChecklist, Inspection.inspected_on)
        .join(Inspection, Inspection.id == InspectionChecklist.inspection_id)
        .where(
            Inspection.facility_id == standing.facility_id,
            Inspection.inspected_on <= today,
            InspectionChecklist.checklist_code == ic.checklist_code,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
            InspectionChecklist.id != ic.id,
        )
        .order_by(Inspection.inspected_on.desc(), InspectionChecklist.id.desc())
        .limit(1)
    ).first()
    if previous is None:
        db.session.delete(standing)
        return
    earlier, decided_on = previous
    standing.inspection_checklist, standing.decided_on = earlier, decided_on
    standing.verdict, standing.verdict_code, standing.grade = earlier.verdict, earlier.verdict_code, earlier.grade
    standing.points, standing.unverified = earlier.points, bool((earlier.result or {}).get("unverified"))
