"""The grading campaign (等级评定, issue 14): a facility's application with its self-assessment, the eligibility
review (资格审查), the on-site assessment, the committee's decision and its 公示 with the public's objections (异议).
Each step records who acted and when."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.campaign.publicity import (
    NOT_CLEARED_YET,
    PublicityPeriod,
    PublicityState,
    publicity_cleared,
    publicity_state,
)
from inspection.campaign.stages import Stage, stage_of
from inspection.campaign.validity import is_expired
from inspection.checklists.schema import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.i18n import N_, Message, labelled
from inspection.models.facilities import Facility
from inspection.models.fieldwork import StoredFile
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
        Stage.PUBLICITY: N_("评定结果公示中"),
        Stage.DECIDED: N_("公示期满，待发布"),
        Stage.PUBLISHED: N_("已公布，证书已发放"),
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
    #: The 公示 period of the decision (`inspection.campaign.publicity`), fixed when the decision is recorded so
    #: that the dates published do not move if the rules' figure changes later.
    publicity_starts_on: Mapped[date | None] = mapped_column(Date)
    publicity_ends_on: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(default=False)

    facility: Mapped[Facility] = relationship()
    assessment: Mapped[Inspection | None] = relationship()
    assessment_scheduled_by: Mapped[User | None] = relationship(foreign_keys=[assessment_scheduled_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    applied_by: Mapped[User] = relationship(foreign_keys=[applied_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    objections: Mapped[list[GradingObjection]] = relationship(
        back_populates="application", order_by="GradingObjection.submitted_at, GradingObjection.id"
    )
    #: The certificate its publication issued (公布), if published.
    certificate: Mapped[GradeCertificate | None] = relationship(back_populates="application", uselist=False)

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
        """Return where the application stands today (`inspection.campaign.stages`)."""
        return self.stage_on(date.today())

    def stage_on(self, today: date) -> Stage:
        """Return where the application stands on `today`: the 公示 of a decision runs until its last day, and
        beyond while an objection awaits review."""
        return stage_of(
            self.status,
            assessment_scheduled=self.assessment_inspection_id is not None,
            assessment_scored=self.assessment_result is not None,
            decided=self.decided_at is not None,
            in_publicity=self.publicity_state_on(today) in NOT_CLEARED_YET,
            published=self.certificate is not None,
        )

    @property
    def publicity_period(self) -> PublicityPeriod | None:
        """Return the current decision's 公示 period, or None while no decision stands."""
        if self.decided_at is None or self.publicity_starts_on is None or self.publicity_ends_on is None:
            return None
        return PublicityPeriod(self.publicity_starts_on, self.publicity_ends_on)

    @property
    def pending_objections(self) -> list[GradingObjection]:
        """Return the objections awaiting a reviewer, oldest first."""
        return [o for o in self.objections if o.status == ObjectionStatus.PENDING]

    def upheld_objections(self) -> list[GradingObjection]:
        """Return the objections upheld against the current decision, or without one against the last decision
        (the case went back and awaits a new one)."""
        upheld = [o for o in self.objections if o.status == ObjectionStatus.UPHELD]
        if self.decided_at is None:
            return upheld[-1:]
        return [o for o in upheld if o.submitted_at >= self.decided_at]

    def publicity_cleared_on(self, today: date) -> bool:
        """Return True if the decided level may be published on `today`: its 公示 over with no objection pending and
        none upheld against the decision (`inspection.campaign.publicity.publicity_cleared`)."""
        period = self.publicity_period
        return publicity_cleared(
            period.ends_on if period else None,
            today,
            pending=len(self.pending_objections),
            upheld=len(self.upheld_objections()),
        )

    def publicity_state_on(self, today: date) -> PublicityState | None:
        """Return where the 公示 stands on `today` (`inspection.campaign.publicity.publicity_state`)."""
        period = self.publicity_period
        return publicity_state(
            period.ends_on if period else None,
            today,
            pending=len(self.pending_objections),
            upheld=len(self.upheld_objections()),
        )

    @property
    def refusal_messages(self) -> list[tuple[Message, bool]]:
        """Return each refusing rule's message (translatable where shown) and whether its basis is unverified."""
        return [(Message(r["msgid"], **r["params"]), bool(r["unverified"])) for r in self.refusals]


class ObjectionStatus(StrEnum):
    """Where an objection (异议) to a decision in 公示 stands."""

    PENDING = "pending"
    UPHELD = "upheld"  # the case goes back to the on-site assessment or to the committee
    DISMISSED = "dismissed"


OBJECTION_STATUS_LABELS = labelled(
    "objection_status",
    {
        ObjectionStatus.PENDING: N_("待处理"),
        ObjectionStatus.UPHELD: N_("异议成立"),
        ObjectionStatus.DISMISSED: N_("异议不成立"),
    },
)


class ReturnStep(StrEnum):
    """Where an upheld objection sends the case back (DOMAIN §14.3 steps 3 and 4)."""

    ASSESSMENT = "assessment"  # the on-site assessment is redone; its link and the decision are cleared
    COMMITTEE = "committee"  # the committee decides again on the assessment as it stands


RETURN_STEP_LABELS = labelled(
    "return_step",
    {
        ReturnStep.ASSESSMENT: N_("退回重新组织现场评审"),
        ReturnStep.COMMITTEE: N_("退回评定委员会重新评定"),
    },
)


class GradingObjection(db.Model):
    """An objection (异议) a member of the public submitted on the public 公示 page, and its review by a 民政
    reviewer. The client's address is kept only as a keyed hash (for rate limiting and to tell repeated
    submissions apart), never as typed."""

    __tablename__ = "grading_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grading_applications.id"), index=True)
    submitter_name: Mapped[str] = mapped_column(String(50))
    #: A phone number or an e-mail address (checked by `inspection.campaign.publicity.contact_kind`); only
    #: reviewers of the facility's region see it.
    contact: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: HMAC-SHA256 of the client address with the app's secret key (hex).
    client_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[ObjectionStatus] = mapped_column(String(20), default=ObjectionStatus.PENDING, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    #: The reviewer's reasons, required for either outcome.
    review_reason: Mapped[str] = mapped_column(Text, default="")
    #: For an upheld objection: where the case went back.
    returned_to: Mapped[ReturnStep | None] = mapped_column(String(20))
    #: For one sent back to the on-site assessment: the assessment it set aside (kept for the record; its result
    #: counts as neither a grade nor a result to countersign).
    superseded_assessment_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)

    application: Mapped[GradingApplication] = relationship(back_populates="objections")
    reviewed_by: Mapped[User | None] = relationship()

    @property
    def reference(self) -> str:
        """Return the number the submitter is given to refer to the objection: ``YY`` and its id, six digits."""
        return f"YY{self.id:06d}"


class CertificateStatus(StrEnum):
    """Whether a grade certificate (等级证书) still stands."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"  # a re-grading at the same or a higher level replaced it
    EXPIRED = "expired"  # its validity ran out (`inspection.campaign.validity`)
    DOWNGRADED = "downgraded"  # a re-grading at a lower level revoked it


CERTIFICATE_STATUS_LABELS = labelled(
    "certificate_status",
    {
        CertificateStatus.ACTIVE: N_("有效"),
        CertificateStatus.SUPERSEDED: N_("已被新证书取代"),
        CertificateStatus.EXPIRED: N_("已过期"),
        CertificateStatus.DOWNGRADED: N_("因降级撤销"),
    },
)
#: The statuses after which the plaque and certificate are to be handed back (标牌和证书交回, DOMAIN §14.3).
PLAQUE_DUE_STATUSES = (CertificateStatus.EXPIRED, CertificateStatus.DOWNGRADED)


class GradeCertificate(db.Model):
    """A published grade (公布) and its certificate (等级证书): the level the committee decided becomes the facility's
    grade from `valid_from` to `valid_until`. The PDF as issued never changes; a re-grading's publication
    supersedes it, a downgrade or expiry asks for the plaque back."""

    __tablename__ = "grade_certificates"
    __table_args__ = (UniqueConstraint("issuer", "year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    #: One certificate per application: a repeated publish finds it instead of issuing another.
    application_id: Mapped[int] = mapped_column(ForeignKey("grading_applications.id"), unique=True)
    level: Mapped[int]
    #: The certificate's own number (五民证〔2026〕3号), from the counter of `issuer` and `year`.
    number: Mapped[str] = mapped_column(String(60), unique=True)
    issuer: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    sequence: Mapped[int]
    #: The 文号 of the publishing decision, as the reviewer typed it.
    decision_number: Mapped[str] = mapped_column(String(60))
    published_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[CertificateStatus] = mapped_column(String(20), default=CertificateStatus.ACTIVE, index=True)
    pdf_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    #: SHA-256 of the PDF as issued; downloads return exactly these bytes and 验真 looks it up.
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: The certificate it is signed with (serial in hex, SHA-256 of the DER): the county 民政 department's.
    signing_certificate_serial: Mapped[str] = mapped_column(String(64))
    signing_certificate_sha256: Mapped[str] = mapped_column(String(64))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("grade_certificates.id"))
    #: The day the plaque and certificate came back (标牌和证书交回), and who recorded it.
    plaque_returned_on: Mapped[date | None] = mapped_column(Date)
    plaque_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)

    facility: Mapped[Facility] = relationship()
    application: Mapped[GradingApplication] = relationship(back_populates="certificate")
    pdf_file: Mapped[StoredFile] = relationship()
    published_by: Mapped[User] = relationship(foreign_keys=[published_by_id])
    plaque_recorded_by: Mapped[User | None] = relationship(foreign_keys=[plaque_recorded_by_id])
    superseded_by: Mapped[GradeCertificate | None] = relationship(remote_side=[id])

    def status_on(self, today: date) -> CertificateStatus:
        """Return the status on `today`: an active certificate past its last day is expired even before the daily
        run (`flask grading expire-certificates`) marks it."""
        if self.status == CertificateStatus.ACTIVE and is_expired(self.valid_until, today):
            return CertificateStatus.EXPIRED
        return CertificateStatus(self.status)

    def plaque_due_on(self, today: date) -> bool:
        """Return True if the plaque and certificate are to be handed back on `today` and were not (标牌未交回)."""
        return self.plaque_returned_on is None and self.status_on(today) in PLAQUE_DUE_STATUSES
