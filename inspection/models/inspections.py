"""Inspections, the checklists they use (pinned to a version), answers, and each facility's stored standing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.extensions import db
from inspection.i18n import N_, labelled
from inspection.models.checklists import ChecklistVersion
from inspection.models.facilities import Facility
from inspection.models.regions import Department
from inspection.models.users import User
from inspection.orm import utcnow

if TYPE_CHECKING:
    from inspection.models.fieldwork import DepartmentSubmission, InspectionAssignment
from inspection.scoring import AnswerResult


class InspectionPurpose(StrEnum):
    """Why an inspection takes place."""

    ROUTINE = "routine"  # 日常检查
    CAMPAIGN = "campaign"  # 专项行动
    COMPLAINT = "complaint"  # 投诉
    REINSPECTION = "reinspection"  # 复查
    GRADING = "grading"  # 等级评定
    #: The facility inspecting itself (隐患自查自改, 民发〔2023〕37号): sets no standing, issues no notice.
    SELF_INSPECTION = "self_inspection"  # 自查


PURPOSE_LABELS = labelled(
    "inspection_purpose",
    {
        InspectionPurpose.ROUTINE: N_("日常检查"),
        InspectionPurpose.CAMPAIGN: N_("专项行动"),
        InspectionPurpose.COMPLAINT: N_("投诉核查"),
        InspectionPurpose.REINSPECTION: N_("复查"),
        InspectionPurpose.GRADING: N_("等级评定"),
        InspectionPurpose.SELF_INSPECTION: N_("机构自查"),
    },
)


class InspectionStatus(StrEnum):
    """An inspection is complete when every checklist in it is submitted."""

    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


class ChecklistStatus(StrEnum):
    """State of one checklist within an inspection; submitted ones are locked and scored."""

    OPEN = "open"
    SUBMITTED = "submitted"


class Inspection(db.Model):
    """One visit to one facility, possibly by several departments together (联合检查)."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(index=True)
    purpose: Mapped[InspectionPurpose] = mapped_column(String(20))
    status: Mapped[InspectionStatus] = mapped_column(String(20), default=InspectionStatus.IN_PROGRESS, index=True)
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    #: UUID chosen by an offline client, so creating the same inspection twice yields one row.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    #: Increases with every accepted batch of answers.
    revision: Mapped[int] = mapped_column(default=0)
    #: Planned for a day already past: the record of an inspection done before it was entered (补录), shown as such.
    recorded_after_the_fact: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: When the inspection, its checklists' results or its hazards last changed (inspection.change_times).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    facility: Mapped[Facility] = relationship()
    lead_department: Mapped[Department] = relationship()
    created_by: Mapped[User | None] = relationship()
    checklists: Mapped[list[InspectionChecklist]] = relationship(
        back_populates="inspection", order_by="InspectionChecklist.id", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[InspectionAssignment]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )
    submissions: Mapped[list[DepartmentSubmission]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )


class InspectionChecklist(db.Model):
    """A checklist used by an inspection, pinned to the version it started with, and its stored result."""

    __tablename__ = "inspection_checklists"
    __table_args__ = (
        UniqueConstraint("inspection_id", "checklist_code"),
        # Grading results still waiting for a countersignature (the reviewer's queue and the rankings).
        Index(
            "ix_inspection_checklists_grading_unreviewed",
            "id",
            postgresql_where=text("checklist_code = 'grading_gbt37276' AND reviewed_at IS NULL"),
            sqlite_where=text("checklist_code = 'grading_gbt37276' AND reviewed_at IS NULL"),
        ),
        # Submitted grading results with what a trend compares, read without the table (the exports' trends).
        Index(
            "ix_inspection_checklists_grading_submitted",
            "inspection_id",
            postgresql_include=["id", "verdict_code", "grade", "points"],
            postgresql_where=text("checklist_code = 'grading_gbt37276' AND status = 'submitted'"),
            sqlite_where=text("checklist_code = 'grading_gbt37276' AND status = 'submitted'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    #: Copy of the version's code, for queries by kind of checklist.
    checklist_code: Mapped[str] = mapped_column(String(50), index=True)
    status: Mapped[ChecklistStatus] = mapped_column(String(20), default=ChecklistStatus.OPEN)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The stored result, computed once at submission (never per page view).
    points: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    max_points: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    verdict: Mapped[str | None] = mapped_column(String(20))
    verdict_code: Mapped[str | None] = mapped_column(String(30), index=True)
    grade: Mapped[int | None]
    #: The engine's full result (ScoreResult.to_dict()), with the rule version that produced it.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: A reviewer's countersignature (审核) of a grading result; until then the grade shows as 待审核.
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: The last return (退回) of a submitted grading result by a reviewer, and why; the lead corrects and resubmits.
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    inspection: Mapped[Inspection] = relationship(back_populates="checklists")
    version: Mapped[ChecklistVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="inspection_checklist", order_by="Answer.id", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    """The current answer to one item of one inspection checklist."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("inspection_checklist_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_checklist_id: Mapped[int] = mapped_column(ForeignKey("inspection_checklists.id"))
    item_code: Mapped[str] = mapped_column(String(30))
    result: Mapped[AnswerResult] = mapped_column(String(10))
    #: Points lost on a failure; None means the item's full points.
    deduction: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    #: Where the inspector saw the failure (二楼东侧安全出口); empty unless the item failed.
    location: Mapped[str] = mapped_column(String(200), default="")
    #: The inspector judged this failure to affect food safety (总局令第49号: a general item failed so decides
    #: 不符合); only ever true on a failed item of a food checklist.
    affects_food_safety: Mapped[bool] = mapped_column(default=False)
    #: Increases on every change; a save based on an older revision is a conflict.
    revision: Mapped[int] = mapped_column(default=1)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    inspection_checklist: Mapped[InspectionChecklist] = relationship(back_populates="answers")
    changes: Mapped[list[AnswerChange]] = relationship(back_populates="answer", order_by="AnswerChange.id")


class AnswerChange(db.Model):
    """Every accepted change of an answer, keyed by the client's UUID: makes sync idempotent and keeps history."""

    __tablename__ = "answer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: UUID the client generated for this change; the same UUID twice is the same change.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    #: The answer's revision this change produced.
    revision: Mapped[int]
    result: Mapped[AnswerResult] = mapped_column(String(10))
    deduction: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    affects_food_safety: Mapped[bool] = mapped_column(default=False)
    #: Why a submitted section was corrected (the lead's reason); empty for ordinary edits.
    reason: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the person made the change on their device (UTC), if the client said: orders one person's edits that
    #: reach the server out of order, so that an older edit never replaces a newer one.
    edited_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[Answer] = relationship(back_populates="changes")


class StandingKind(StrEnum):
    """Names of the standing kinds the shipped checklists set.

    The kinds come from the checklist files (``[standing] kind``, see ``inspection.checklists.Standing``): a new
    checklist may set a kind not listed here, and no code needs to know it. Only GRADE is special in code (rankings,
    countersigning, the public page); the others are named here for tests and scripts.
    """

    GRADE = "grade"
    FIRE = "fire"
    FOOD = "food"
    SERVICE = "service"


class FacilityStanding(db.Model):
    """A facility's current grade or safety verdict, stored when an inspection is submitted."""

    __tablename__ = "facility_standings"
    __table_args__ = (
        UniqueConstraint("facility_id", "kind"),
        # The league table sorted by a safety verdict's date reads every facility's date of that kind from here.
        Index("ix_facility_standings_kind_dates", "kind", "facility_id", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    #: The kind its checklist declares (``[standing] kind``): "grade", or a kind of safety verdict.
    kind: Mapped[str] = mapped_column(String(20))
    inspection_checklist_id: Mapped[int] = mapped_column(ForeignKey("inspection_checklists.id"))
    #: Date of the inspection the standing comes from.
    decided_on: Mapped[date] = mapped_column(index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    verdict_code: Mapped[str] = mapped_column(String(30), index=True)
    #: 1–5 for a grade, None when withheld, below grade, or a safety verdict.
    grade: Mapped[int | None] = mapped_column(index=True)
    points: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    #: The grading scheme used rests on unverified figures (评分标准待核实).
    unverified: Mapped[bool] = mapped_column(default=False)

    inspection_checklist: Mapped[InspectionChecklist] = relationship()
