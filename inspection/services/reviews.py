"""Countersigning (审核) grading results: until a reviewer countersigns, a grade shows as 待审核 and does not count in
the league table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from inspection import permissions
from inspection.checklists import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.models import (
    ChecklistStatus,
    Facility,
    Inspection,
    InspectionChecklist,
    Region,
    User,
)
from inspection.orm import utcnow
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event

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
    decided_by: str
    unverified: bool


def pending_reviews(user: User, limit: int = 200) -> list[PendingReview]:
    """Return the submitted grading results in `user`'s region that are not countersigned yet, oldest first."""
    stmt = (
        select(InspectionChecklist, Inspection, Facility.name, Region.name)
        .join(Inspection, Inspection.id == InspectionChecklist.inspection_id)
        .join(Facility, Facility.id == Inspection.facility_id)
        .join(Region, Region.id == Facility.region_id)
        .where(
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
            InspectionChecklist.reviewed_at.is_(None),
            permissions.in_region(user.region),
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
            decided_by=str((ic.result or {}).get("decided_by", "")),
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
    if not permissions.is_reviewer_for(user, facility):
        raise ServiceError("只有机构所在区域的民政审核人员可以审核评定结果")
    if ic.checklist_code != GRADING_CHECKLIST or ic.status != ChecklistStatus.SUBMITTED:
        raise ServiceError("只能审核已提交的等级评定结果")
    if ic.reviewed_at is not None:
        raise ServiceError("该评定结果已审核")
    comment = comment.strip()
    if not comment:
        raise ServiceError("请填写审核意见")
    if len(comment) > MAX_COMMENT:
        raise ServiceError(f"审核意见不能超过 {MAX_COMMENT} 字")
    if not confirmed:
        raise ServiceError("请确认已核对评定材料")
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
