"""The facility register (机构档案)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, Numeric, String, false, true
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from inspection.extensions import db
from inspection.i18n import N_, labelled
from inspection.models.regions import Region
from inspection.orm import utcnow


class FacilityType(StrEnum):
    """Kinds of elderly-care facility named in the county plan."""

    NURSING_HOME = "nursing_home"  # 特困人员供养服务机构/敬老院
    WELFARE_CENTRE = "welfare_centre"  # 社会福利中心
    PRIVATE_HOME = "private_home"  # 民办养老机构
    DAY_CARE = "day_care"  # 社区养老服务机构/日间照料中心
    MUTUAL_AID = "mutual_aid"  # 农村老年人日间照料中心, the village site (the county plan's word, DOMAIN §15.1)
    RESETTLEMENT = "resettlement"  # 移民集中安置点


#: The types that are residential 养老机构 (institutions with beds): the default of ``Facility.is_residential``.
#: GB/T 37276 grades only these; day-care centres and village 日间照料中心 are not graded (DOMAIN §15.7).
RESIDENTIAL_TYPES = frozenset({FacilityType.NURSING_HOME, FacilityType.WELFARE_CENTRE, FacilityType.PRIVATE_HOME})


def residential_by_type(facility_type: str) -> bool:
    """Return whether a facility of `facility_type` is a residential 养老机构 unless the register says otherwise."""
    return facility_type in RESIDENTIAL_TYPES


def _residential_default(context: Any) -> bool:
    return residential_by_type(context.get_current_parameters()["type"])


FACILITY_TYPE_LABELS = labelled(
    "facility_type",
    {
        FacilityType.NURSING_HOME: N_("特困人员供养服务机构/敬老院"),
        FacilityType.WELFARE_CENTRE: N_("社会福利中心"),
        FacilityType.PRIVATE_HOME: N_("民办养老机构"),
        FacilityType.DAY_CARE: N_("社区养老服务机构/日间照料中心"),
        FacilityType.MUTUAL_AID: N_("农村老年人日间照料中心"),
        FacilityType.RESETTLEMENT: N_("移民集中安置点"),
    },
)


class Ownership(StrEnum):
    """Who owns and who runs the facility."""

    PUBLIC = "public"  # 公办公营
    PUBLIC_PRIVATE = "public_private"  # 公建民营
    PRIVATE = "private"  # 民办


OWNERSHIP_LABELS = labelled(
    "ownership",
    {Ownership.PUBLIC: N_("公办公营"), Ownership.PUBLIC_PRIVATE: N_("公建民营"), Ownership.PRIVATE: N_("民办")},
)


class FireAcceptance(StrEnum):
    """State of the fire-protection acceptance or filing (消防验收/备案)."""

    ACCEPTED = "accepted"  # 已验收
    FILED = "filed"  # 已备案
    NONE = "none"  # 未办理
    NOT_REQUIRED = "not_required"  # 不需办理


FIRE_ACCEPTANCE_LABELS = labelled(
    "fire_acceptance",
    {
        FireAcceptance.ACCEPTED: N_("已验收"),
        FireAcceptance.FILED: N_("已备案"),
        FireAcceptance.NONE: N_("未办理"),
        FireAcceptance.NOT_REQUIRED: N_("不需办理"),
    },
)


class FacilityStatus(StrEnum):
    """A closed facility keeps its history and leaves the active lists."""

    ACTIVE = "active"
    CLOSED = "closed"


FACILITY_STATUS_LABELS = labelled(
    "facility_status", {FacilityStatus.ACTIVE: N_("运营中"), FacilityStatus.CLOSED: N_("已关闭")}
)


class Facility(db.Model):
    """An elderly-care facility under the county's supervision."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    type: Mapped[FacilityType] = mapped_column(String(30), index=True)
    ownership: Mapped[Ownership] = mapped_column(String(30), index=True)
    #: The township (乡镇) the facility lies in; visibility follows its region path.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    #: 统一社会信用代码, 18 characters with a check character; unique where given.
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    legal_representative: Mapped[str] = mapped_column(String(50), default="")
    #: 负责人, the person the notices are addressed to.
    person_in_charge: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    beds: Mapped[int] = mapped_column(default=0)
    residents: Mapped[int] = mapped_column(default=0)
    #: Residents who are 失能 (fully dependent).
    residents_disabled: Mapped[int] = mapped_column(default=0)
    #: Residents who are 半失能 (partly dependent).
    residents_semi_disabled: Mapped[int] = mapped_column(default=0)
    has_canteen: Mapped[bool] = mapped_column(default=True)
    #: 内设医疗机构.
    has_medical_unit: Mapped[bool] = mapped_column(default=False)
    #: Lifts, boilers, oxygen piping: makes the special-equipment items applicable.
    has_special_equipment: Mapped[bool] = mapped_column(default=False)
    #: Offers the ten basic services every grade requires (出入院、生活照料、膳食、清洁卫生、洗涤、医疗护理、
    #: 文化娱乐、心理/精神支持、安宁、委托 — DOMAIN §14.1); a grading precondition.
    offers_ten_services: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Has a campus or internal roads: GB/T 37276 point 1.1.1.5 (院内交通) is not scored without (DOMAIN §14.1).
    has_campus_roads: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: Designated a 消防安全重点单位 by the fire authority: 《消防法》第17条 (daily patrol records) binds only such
    #: units (DOMAIN §15.6).
    is_key_fire_unit: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A residential 养老机构 (with beds), so within the scope of the grading (等级评定); the others show
    #: "不参加等级评定" and are never ranked (DOMAIN §15.7). Defaults from the type (``RESIDENTIAL_TYPES``).
    is_residential: Mapped[bool] = mapped_column(default=_residential_default, server_default=false())
    #: The day it started operating (开业): the grading's eligibility counts months in operation from it.
    opened_on: Mapped[date | None]
    #: The day it filed (备案) with civil affairs (《养老机构管理办法》); None: not filed.
    filed_on: Mapped[date | None]
    #: Its latest administrative penalty, administrative compulsion or criminal penalty (DOMAIN §14.3: one within
    #: the province's period bars the grading).
    last_penalty_on: Mapped[date | None]
    fire_acceptance: Mapped[FireAcceptance] = mapped_column(String(20), default=FireAcceptance.NONE)
    food_licence_no: Mapped[str] = mapped_column(String(50), default="")
    food_licence_expiry: Mapped[date | None]
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    status: Mapped[FacilityStatus] = mapped_column(String(20), default=FacilityStatus.ACTIVE, index=True)
    closed_on: Mapped[date | None]
    #: Invented demo data, marked as such in the UI.
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the entry last changed: what the provincial export's `since` compares (inspection.change_times).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    region: Mapped[Region] = relationship()

    @property
    def is_active(self) -> bool:
        """Return True while the facility is open."""
        return self.status == FacilityStatus.ACTIVE


class FacilityImport(db.Model):
    """A register file uploaded for import, kept between its preview and the confirmation, and after it as the
    record of what was imported. The confirmation imports these bytes only if they still plan exactly the changes
    the preview showed (`plan_sha256`)."""

    __tablename__ = "facility_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random token the confirmation form carries; only its uploader may use it.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    content_sha256: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the planned changes shown in the preview (each row's action and values, before and after).
    plan_sha256: Mapped[str] = mapped_column(String(64))
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was imported; None while it waits for confirmation.
    imported_at: Mapped[datetime | None]
