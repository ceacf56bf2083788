"""The grading campaign (等级评定, issue 14): a facility's application with its self-assessment, and the eligibility
review (资格审查). Each step records who acted and when."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.campaign.stages import Stage, stage_of
from inspection.checklists.schema import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.i18n import N_, Message, labelled
from inspection.models.facilities import Facility
from inspection.models.inspections import ChecklistStatus, Inspection, InspectionChecklist
from inspection.models.users import User
from inspection.orm import utcnow


class ApplicationStatus(StrEnum):
    """Where an application stands in the process (DOMAIN §14.3: 申请 → 审查 → …)."""

    SUBMITTED = "submitted"  # awaiting the eligibility review
    ACCEPTED = "accepted"  # eligible: awaits the on-site assessment
    REFUSED = "refused"  # not eligible; the refusal names the rules
    DECIDED = "decided"  # the 评定委员会 decided the level after the on-site assessment


APPLICATION_STATUS_LABELS = labelled(
    "application_status",
    {
        ApplicationStatus.SUBMITTED: N_("待资格审查"),
        ApplicationStatus.ACCEPTED: N_("资格审查通过"),
        ApplicationStatus.REFUSED: N_("资格审查未通过"),
        ApplicationStatus.DECIDED: N_("评定委员会已评定"),
    },
)
STAGE_LABELS = labelled(
    "grading_stage",
    {
        Stage.APPLIED: N_("待资格审查"),
        Stage.REFUSED: N_("资格审查未通过"),
        Stage.ACCEPTED: N_("待组织现场评审"),
        Stage.ASSESSMENT_SCHEDULED: N_("现场评审中"),
        Stage.ASSESSED: N_("待评定委员会评定"),
        Stage.DECIDED: N_("评定委员会已评定"),
    },
)
#: The statuses of an application still under way: a facility has at most one (a partial unique index).
OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)


class GradingApplication(db.Model):
    """A facility's application for a grade (申请), with its self-assessment (自评) on the grading checklist."""

    __tablename__ = "grading_applications"
    __table_args__ = (
        Index(
            "ux_grading_applications_open",
            "facility_id",
            unique=True,
            postgresql_where=text("status IN ('submitted', 'accepted')"),
            sqlite_where=text("status IN ('submitted', 'accepted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    #: The level applied for, 1 (一级) … 5 (五级).
    level: Mapped[int]
    status: Mapped[ApplicationStatus] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED, index=True)
    #: The grading checklist version the self-assessment was filled on.
    checklist_version: Mapped[int]
    #: The self-assessment, ``{item code: {"result", "deduction", "note"}}`` as the inspectors' answers.
    self_assessment: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Its score and the level it reaches (None: below 一级 or withheld), computed when submitted.
    self_score: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    self_level: Mapped[int | None]
    applied_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    #: The reviewer's reasons (required on a refusal).
    review_reason: Mapped[str] = mapped_column(Text, default="")
    #: The rules that refused it, ``[{"code", "message", "msgid", "params", "unverified"}]`` as the checker gave
    #: them at the review.
    refusals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The on-site assessment (现场评审): the grading inspection of the facility the reviewer planned for the team.
    assessment_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    assessment_scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessment_scheduled_at: Mapped[datetime | None]
    #: The 评定委员会's decision as a reviewer recorded it: when it met, who sat (names and roles as free text),
    #: the level decided (None: not graded) and why it differs from the level applied for or scored.
    committee_met_on: Mapped[date | None] = mapped_column(Date)
    committee_members: Mapped[str] = mapped_column(Text, default="")
    decided_level: Mapped[int | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    is_demo: Mapped[bool] = mapped_column(default=False)

    facility: Mapped[Facility] = relationship()
    assessment: Mapped[Inspection | None] = relationship()
    assessment_scheduled_by: Mapped[User | None] = relationship(foreign_keys=[assessment_scheduled_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    applied_by: Mapped[User] = relationship(foreign_keys=[applied_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def assessment_result(self) -> InspectionChecklist | None:
        """Return the submitted grading result of the on-site assessment, or None while there is none."""
        if self.assessment is None:
            return None
        for ic in self.assessment.checklists:
            if ic.status == ChecklistStatus.SUBMITTED and ic.checklist_code == GRADING_CHECKLIST:
                return ic
        return None

    @property
    def stage(self) -> Stage:
        """Return where the application stands (`inspection.campaign.stages`)."""
        return stage_of(
            self.status,
            assessment_scheduled=self.assessment_inspection_id is not None,
            assessment_scored=self.assessment_result is not None,
            decided=self.decided_at is not None,
        )

    @property
    def refusal_messages(self) -> list[tuple[Message, bool]]:
        """Return each refusing rule's message (translatable where shown) and whether its basis is unverified."""
        return [(Message(r["msgid"], **r["params"]), bool(r["unverified"])) for r in self.refusals]
