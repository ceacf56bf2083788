"""Hazards found by inspections, the notices that order them fixed, re-inspections, and the credit blacklist."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.extensions import db
from inspection.i18n import N_, labelled
from inspection.models.facilities import Facility
from inspection.models.fieldwork import StoredFile
from inspection.models.inspections import Inspection, InspectionChecklist
from inspection.models.regions import Department
from inspection.models.users import User
from inspection.notices.context import NoticeKind
from inspection.orm import utcnow


class HazardStatus(StrEnum):
    """Open until an inspector has seen it fixed; overdue is computed from the deadline, never stored."""

    OPEN = "open"
    EVIDENCE_SUBMITTED = "evidence_submitted"
    CLOSED = "closed"


HAZARD_STATUS_LABELS = labelled(
    "hazard_status",
    {
        HazardStatus.OPEN: N_("待整改"),
        HazardStatus.EVIDENCE_SUBMITTED: N_("已报整改，待复查"),
        HazardStatus.CLOSED: N_("已销号"),
    },
)


class Hazard(db.Model):
    """A failed item turned into a hazard (隐患) to be fixed by a deadline and closed by re-inspection."""

    __tablename__ = "hazards"
    __table_args__ = (
        UniqueConstraint("inspection_checklist_id", "item_code"),
        # Open/major/overdue counts per facility (rankings, dashboards) read this index alone (self_found: the
        # counts leave out what a facility found in its own self-inspection).
        Index(
            "ix_hazards_open_facility",
            "facility_id",
            "item_class",
            "deadline",
            "self_found",
            postgresql_where=text("status IN ('open', 'evidence_submitted')"),
            sqlite_where=text("status IN ('open', 'evidence_submitted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    inspection_checklist_id: Mapped[int] = mapped_column(ForeignKey("inspection_checklists.id"))
    item_code: Mapped[str] = mapped_column(String(30))
    #: Department responsible for following it up (the owner of the item's section).
    department_code: Mapped[str] = mapped_column(String(10), index=True)
    #: major (重大事故隐患), key (重点), general (一般).
    item_class: Mapped[str] = mapped_column(String(10), index=True)
    #: The item's question, copied so the hazard reads the same after checklists change.
    item_text: Mapped[str] = mapped_column(Text)
    #: The inspector's finding note (fact and location).
    finding: Mapped[str] = mapped_column(Text, default="")
    #: Where the inspector saw it (二楼东侧安全出口), entered per failed item; empty on hazards recorded before.
    location: Mapped[str] = mapped_column(String(200), default="")
    basis: Mapped[str] = mapped_column(Text)
    #: 整改要求: what must be done.
    requirement: Mapped[str] = mapped_column(Text)
    #: True for 立即 (immediate measures); the re-inspection date then bounds it.
    immediate: Mapped[bool] = mapped_column(default=False)
    #: Date by which it must be fixed (for immediate ones: by which it is re-inspected).
    deadline: Mapped[date] = mapped_column(index=True)
    #: Why an inspector changed the default deadline (empty when it is the checklist's default).
    deadline_reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[HazardStatus] = mapped_column(String(20), default=HazardStatus.OPEN, index=True)
    #: Found by the facility's own self-inspection: its deadline is the facility's, its evidence closes it, and it
    #: counts toward no notice, grade, ranking or credit listing.
    self_found: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_on: Mapped[date | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A 重大火灾隐患 determination of the 消防救援机构 under GB 35181 (DOMAIN §15.5), recorded by 消防 on the hazard:
    # only such a hazard, left uncorrected past its deadline, is proposed for the credit list (ground 4).
    #: Number of the determination document; empty when there is none.
    fire_determination_no: Mapped[str] = mapped_column(String(100), default="", server_default="")
    fire_determined_on: Mapped[date | None]
    fire_determination_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the hazard last changed (inspection.change_times).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    facility: Mapped[Facility] = relationship()
    inspection: Mapped[Inspection] = relationship()
    inspection_checklist: Mapped[InspectionChecklist] = relationship()
    updates: Mapped[list[HazardUpdate]] = relationship(back_populates="hazard", order_by="HazardUpdate.id")


class HazardUpdateKind(StrEnum):
    """What happened to a hazard."""

    EVIDENCE = "evidence"  # the operator reports the fix, with photos
    ACCEPTED = "accepted"  # re-inspection: fixed, closed
    REJECTED = "rejected"  # re-inspection: not fixed, open again with a new deadline
    DEADLINE = "deadline"  # deadline changed with a reason


class HazardUpdate(db.Model):
    """One step in a hazard's follow-up, with its photos; together they are the hazard's history."""

    __tablename__ = "hazard_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
    kind: Mapped[HazardUpdateKind] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    new_deadline: Mapped[date | None]
    #: The re-inspection this decision belongs to.
    reinspection_id: Mapped[int | None] = mapped_column(ForeignKey("reinspections.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    hazard: Mapped[Hazard] = relationship(back_populates="updates")
    user: Mapped[User | None] = relationship()
    photos: Mapped[list[HazardPhoto]] = relationship(order_by="HazardPhoto.id", cascade="all, delete-orphan")


class HazardPhoto(db.Model):
    """A photo of a hazard's rectification (the 'after' picture)."""

    __tablename__ = "hazard_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("hazard_updates.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    width: Mapped[int]
    height: Mapped[int]
    #: Evidence, as for a finding photo: sha256 of the bytes received and of the stored image (None for a photo
    #: stored before they were kept), and when and where it was taken as the image's EXIF said.
    upload_sha256: Mapped[str | None] = mapped_column(String(64))
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    taken_at: Mapped[datetime | None]
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))

    file: Mapped[StoredFile] = relationship()


class NoticeMode(StrEnum):
    """One notice per issuing department, or one joint notice signed by every department."""

    PER_DEPARTMENT = "per_department"
    JOINT = "joint"


class NoticeStatus(StrEnum):
    """An issued notice never changes; a mistake is corrected by a superseding notice."""

    ISSUED = "issued"
    SUPERSEDED = "superseded"


class DocumentCounter(db.Model):
    """The last document number used per issuer and year: numbers are gapless and unique."""

    __tablename__ = "document_counters"
    __table_args__ = (UniqueConstraint("issuer", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Issuer key, e.g. "五民整" for 民政 rectification notices of 五寨县 (prefix of the 文号).
    issuer: Mapped[str] = mapped_column(String(50))
    year: Mapped[int]
    last_value: Mapped[int] = mapped_column(default=0)


class Notice(db.Model):
    """An issued document (整改通知书 or 复查意见书) with its stored PDF."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("number"),
        # A notice is replaced at most once, and a re-inspection gets one 复查意见书: the database refuses a
        # second one issued by a request racing the first.
        UniqueConstraint("supersedes_id"),
        UniqueConstraint("reinspection_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(String(20))
    mode: Mapped[NoticeMode] = mapped_column(String(20))
    #: 文号, e.g. 五民整〔2026〕12号 (numbers issued before December 2026 read 五民养整〔2026〕012号).
    number: Mapped[str] = mapped_column(String(50))
    issuer: Mapped[str] = mapped_column(String(50))
    year: Mapped[int]
    sequence: Mapped[int]
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    reinspection_id: Mapped[int | None] = mapped_column(ForeignKey("reinspections.id"))
    #: The issuing department; for a joint notice, the lead department.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[NoticeStatus] = mapped_column(String(20), default=NoticeStatus.ISSUED, index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    issued_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Random token of the public verification page the QR code links to.
    public_token: Mapped[str] = mapped_column(String(40), unique=True)
    pdf_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    #: SHA-256 of the PDF as issued; downloads return exactly these bytes.
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    #: The plain data the PDF was rendered from, kept with it.
    context: Mapped[dict[str, Any]] = mapped_column(JSON)

    facility: Mapped[Facility] = relationship()
    inspection: Mapped[Inspection | None] = relationship()
    department: Mapped[Department] = relationship()
    supersedes: Mapped[Notice | None] = relationship(remote_side=[id])
    pdf_file: Mapped[StoredFile] = relationship()
    hazards: Mapped[list[Hazard]] = relationship(secondary="notice_hazards", order_by="Hazard.id")
    #: The certificate the stored PDF is signed with (serial in hex, SHA-256 of the DER); None on a notice issued
    #: before documents were signed.
    signing_certificate_serial: Mapped[str | None] = mapped_column(String(64))
    signing_certificate_sha256: Mapped[str | None] = mapped_column(String(64))
    #: When the notice last changed, e.g. superseded (inspection.change_times).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


#: 验真 by upload looks a document up by the SHA-256 of its bytes.
Index("ix_notices_pdf_sha256", Notice.pdf_sha256)


class NoticeHazard(db.Model):
    """Which hazards a notice lists."""

    __tablename__ = "notice_hazards"

    __table_args__ = (
        # A hazard is on at most one current rectification notice, whatever the requests racing to issue one.
        Index(
            "uq_notice_hazards_current",
            "hazard_id",
            unique=True,
            postgresql_where=text("current_rectification"),
            sqlite_where=text("current_rectification"),
        ),
    )

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), primary_key=True)
    #: True while the notice is a current (not superseded) rectification notice: what the unique index holds to.
    current_rectification: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class Reinspection(db.Model):
    """A re-inspection (复查) of a facility's open hazards by an inspector of the responsible department."""

    __tablename__ = "reinspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    department_code: Mapped[str] = mapped_column(String(10))
    reinspected_on: Mapped[date]
    #: On site (required to close a major hazard) or by reviewing the evidence sent.
    on_site: Mapped[bool] = mapped_column(default=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: UUID of the form that recorded it: the same form sent twice (a double tap, a retry) is one re-inspection.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility] = relationship()
    inspector: Mapped[User] = relationship()
    decisions: Mapped[list[HazardUpdate]] = relationship(order_by="HazardUpdate.id", viewonly=True)


class CreditGround(StrEnum):
    """Grounds for listing under 民发〔2019〕103号 (DOMAIN §8), plus a court's 失信被执行人 list."""

    BEYOND_SCOPE = "1"  # 超出章程规定的宗旨和业务范围
    RIGHTS_INFRINGED = "2"  # 服务行为侵害老年人合法权益（虐老等）
    FRAUD = "3"  # 以非法集资、欺骗销售"保健品"等诈骗老年人财物
    FIRE_HAZARD_UNCORRECTED = "4"  # 重大火灾隐患无正当理由逾期未改正
    ACCIDENT = "5"  # 对安全事故负主要或直接责任
    SUBSIDY_FRAUD = "6"  # 虚报冒领补贴等违反财政资金管理
    OBSTRUCTION = "7"  # 拒绝、阻挠监督检查，或隐瞒、弄虚作假
    NO_ANNUAL_REPORT = "8"  # 未报送年度工作报告或未履行信息公开义务
    OTHER = "9"  # 其他严重违法失信行为
    COURT = "court"  # 人民法院认定的失信被执行人


CREDIT_GROUND_LABELS = labelled(
    "credit_ground",
    {
        CreditGround.BEYOND_SCOPE: N_("（一）超出章程规定的宗旨和业务范围开展活动"),
        CreditGround.RIGHTS_INFRINGED: N_("（二）服务行为侵害老年人合法权益（如虐待老年人）"),
        CreditGround.FRAUD: N_("（三）以非法集资、欺骗销售“保健品”等方式诈骗老年人财物"),
        CreditGround.FIRE_HAZARD_UNCORRECTED: N_("（四）存在重大火灾隐患，无正当理由逾期未改正"),
        CreditGround.ACCIDENT: N_("（五）对安全事故负有主要或直接责任"),
        CreditGround.SUBSIDY_FRAUD: N_("（六）虚报冒领补贴等违反财政资金管理规定"),
        CreditGround.OBSTRUCTION: N_("（七）拒绝、阻挠监督检查，或隐瞒事实、弄虚作假"),
        CreditGround.NO_ANNUAL_REPORT: N_("（八）未按规定报送年度工作报告或履行信息公开义务"),
        CreditGround.OTHER: N_("（九）其他严重违法失信行为"),
        CreditGround.COURT: N_("被人民法院依法认定为失信被执行人"),
    },
)


class CreditStatus(StrEnum):
    """A proposal is the app's suggestion; listing is always a reviewer's decision."""

    PROPOSED = "proposed"
    DISMISSED = "dismissed"
    ACTIVE = "active"
    REMOVAL_REQUESTED = "removal_requested"
    REMOVED = "removed"


CREDIT_STATUS_LABELS = labelled(
    "credit_status",
    {
        CreditStatus.PROPOSED: N_("系统建议，待决定"),
        CreditStatus.DISMISSED: N_("不予列入"),
        CreditStatus.ACTIVE: N_("已列入"),
        CreditStatus.REMOVAL_REQUESTED: N_("已申请移出"),
        CreditStatus.REMOVED: N_("已移出"),
    },
)


#: Statuses in which a party counts as blacklisted (marked everywhere, not graded).
LISTED_STATUSES = (CreditStatus.ACTIVE, CreditStatus.REMOVAL_REQUESTED)


class CreditListing(db.Model):
    """An entry of the 养老服务市场失信联合惩戒对象名单 (or the app's proposal of one)."""

    __tablename__ = "credit_listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    #: A listed person (the person in charge), when the entry concerns a person rather than the facility.
    person_name: Mapped[str] = mapped_column(String(100), default="")
    ground: Mapped[CreditGround] = mapped_column(String(10))
    status: Mapped[CreditStatus] = mapped_column(String(20), index=True)
    decided_on: Mapped[date | None]
    #: 决定文书: the decision document's number or title.
    decision_document: Mapped[str] = mapped_column(String(200), default="")
    #: Links to evidence: [{"type": "inspection"|"notice"|"hazard", "id": n}].
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Removal may be applied for two full years after the decision (DOMAIN §8, 第十一条).
    removal_eligible_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility] = relationship()
