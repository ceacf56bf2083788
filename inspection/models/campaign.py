"""The grading campaign (等级评定, issue 14): a facility's application with its self-assessment, and the eligibility
review (资格审查). Each step records who acted and when."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
        Stage.DECIDED: N_("评定委员会已评定"),
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
    is_demo: Mapped[bool] = mapped_column(default=False)

    facility: Mapped[Facility] = relationship()
    assessment: Mapped[Inspection | None] = relationship()
    assessment_scheduled_by: Mapped[User | None] = relationship(foreign_keys=[assessment_scheduled_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    applied_by: Mapped[User] = relationship(foreign_keys=[applied_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
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
        """Return where the application stands (`inspection.campaign.stages`)."""
        return stage_of(
            self.status,
            assessment_scheduled=self.assessment_inspection_id is not None,
            assessment_scored=self.assessment_result is not None,
            decided=self.decided_at is not None,
            published=self.certificate is not None,
        )

    @property
    def refusal_messages(self) -> list[tuple[Message, bool]]:
        """Return each refusing rule's message (translatable where shown) and whether its basis is unverified."""
        return [(Message(r["msgid"], **r["params"]), bool(r["unverified"])) for r in self.refusals]


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
