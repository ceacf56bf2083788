"""Plain data that fully describes one rectification notice (整改通知书) for the print template.

Nothing here touches the database: a service converts an inspection into a `NoticeContext`, and
`inspection.notices.pdf` turns that into HTML and PDF bytes. Every class is a frozen dataclass holding only
strings, dates, tuples and bytes, so an issued notice can be stored and re-rendered exactly.

The legal texts (bases, powers, consequences, 复议机关) come from the issuing departments' settings
(`inspection.notices.settings`, DOMAIN §15.3): each department's order and consequence is printed against that
department's findings only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

#: The deadline word for hazards that must be removed at once.
IMMEDIATE: Final = "立即"


class NoticeKind(StrEnum):
    """The documents the app issues; the value is what a stored notice's `kind` holds."""

    RECTIFICATION = "rectification"
    REINSPECTION = "reinspection"
    #: 食品经营监督检查结果记录表 of a food inspection (总局令第49号, DOMAIN §15.4); printed by `notices.food_result`.
    FOOD_RESULT = "food_result"


#: Printed titles of the documents when no department setting names one; a joint notice says so (`JOINT_TITLE`).
TITLES: Final = {NoticeKind.RECTIFICATION: "整改通知书", NoticeKind.REINSPECTION: "复查意见书"}
JOINT_TITLE: Final = "联合检查整改通知书"


class HazardClass(StrEnum):
    """Class of a finding (DOMAIN §7.3); the value is the printed label."""

    MAJOR = "重大事故隐患"
    KEY = "重点"
    GENERAL = "一般"


class Outcome(StrEnum):
    """Per-finding result of a re-inspection (复查, DOMAIN §7.3)."""

    RECTIFIED = "已整改"
    NOT_RECTIFIED = "未整改"
    PARTIAL = "部分整改"


def image_mime_type(data: bytes) -> str:
    """Return the MIME type of a PNG or JPEG image from its magic bytes.

    :param data: the encoded image.
    :return: ``"image/png"`` or ``"image/jpeg"``.
    :raises ValueError: if the bytes are neither PNG nor JPEG.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    raise ValueError("notice images must be PNG or JPEG bytes")


@dataclass(frozen=True)
class Facility:
    """The inspected party (被检查单位)."""

    name: str
    credit_code: str  #: 统一社会信用代码
    address: str
    person_in_charge: str  #: 法定代表人 or 主要负责人
    phone: str


@dataclass(frozen=True)
class Inspector:
    """One inspector on the notice; `signature` is a PNG/JPEG image, or None to leave a line for a pen."""

    name: str
    department: str
    credential_no: str  #: 执法证号
    signature: bytes | None = None

    def __post_init__(self) -> None:
        if self.signature is not None:
            image_mime_type(self.signature)


@dataclass(frozen=True)
class InspectionInfo:
    """When, where and by whom the facility was inspected (at least two inspectors)."""

    inspected_on: date
    place: str
    inspectors: tuple[Inspector, ...]
    start_time: time | None = None
    end_time: time | None = None

    def __post_init__(self) -> None:
        if len(self.inspectors) < 2:
            raise ValueError("an inspection needs at least two inspectors (办法 第23条)")

    @property
    def departments(self) -> tuple[str, ...]:
        """Return the inspectors' departments in first-seen order, without repeats."""
        return tuple(dict.fromkeys(inspector.department for inspector in self.inspectors))


@dataclass(frozen=True)
class Hazard:
    """One finding in the table: fact and location, basis, class, requirement, deadline, photo numbers."""

    finding: str  #: 发现问题 (the fact)
    location: str
    basis: str  #: 依据: law or standard with article
    hazard_class: HazardClass
    requirement: str  #: 整改要求
    deadline: date | str  #: a date, or IMMEDIATE
    photo_refs: tuple[int, ...] = ()  #: 1-based numbers into NoticeContext.photos
    outcome: Outcome | None = None  #: only on a 复查意见书
    outcome_note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.deadline, str) and self.deadline != IMMEDIATE:
            raise ValueError(f"deadline must be a date or {IMMEDIATE!r}, not {self.deadline!r}")

    @property
    def deadline_text(self) -> str:
        """Return the deadline as printed in the table: YYYY-MM-DD or 立即."""
        return self.deadline if isinstance(self.deadline, str) else self.deadline.isoformat()


@dataclass(frozen=True)
class Photo:
    """An appendix photo (PNG/JPEG bytes) with its caption."""

    data: bytes
    caption: str
    taken_on: date | None = None
    #: Evidence printed under the photo: when it was taken (local time; None when unknown, then `taken_on` is the
    #: inspection's date) and the SHA-256 of the stored image (None for a photo stored before it was kept).
    taken_at: datetime | None = None
    image_sha256: str | None = None

    def __post_init__(self) -> None:
        image_mime_type(self.data)

    @property
    def short_hash(self) -> str:
        """Return the first 12 hex digits of the stored image's SHA-256, or — when it was not kept."""
        return self.image_sha256[:12] if self.image_sha256 else "—"

    @property
    def mime_type(self) -> str:
        """Return the image's MIME type."""
        return image_mime_type(self.data)


@dataclass(frozen=True)
class Consequence:
    """A consequence of not complying, with the legal basis it rests on."""

    text: str
    basis: str


@dataclass(frozen=True)
class Order:
    """One issuing department's part of the notice: the basis of its inspection, the power under which it orders
    correction of its findings (rows `rows` of the table, 1-based), and its consequence of not complying.

    An empty basis or power is printed as nothing rather than guessed (a department not configured yet).
    """

    authority: str  #: full name, e.g. 五寨县消防救援大队
    inspection_basis: str
    power_basis: str
    consequence: Consequence | None
    rows: tuple[int, ...]


@dataclass(frozen=True)
class Reinspection:
    """The 复查 arrangement: a date (or None for "after the deadline") and a method."""

    method: str = "现场复查"
    on: date | None = None


@dataclass(frozen=True)
class FacilitySignature:
    """The facility side of the signature block: a signature, or a refusal (拒绝签字) noted with a witness."""

    representative: str | None = None
    signature: bytes | None = None
    signed_on: date | None = None
    refused: bool = False
    witness: str | None = None

    def __post_init__(self) -> None:
        if self.signature is not None:
            image_mime_type(self.signature)
        if self.refused and not self.witness:
            raise ValueError("a refusal to sign must name a witness (办法 第34条)")
        if self.refused and self.signature is not None:
            raise ValueError("a refused signature cannot carry a signature image")


@dataclass(frozen=True)
class ServiceInfo:
    """How the notice is served; printed on the 送达回证."""

    method: str = "直接送达"
    place: str | None = None  #: defaults to the facility address


@dataclass(frozen=True)
class NoticeContext:
    """Everything printed on one notice, its photo appendix and its 送达回证."""

    kind: NoticeKind
    authorities: tuple[str, ...]  #: full names of the issuing departments, lead first
    number: str  #: 文号, e.g. 五民整〔2026〕12号
    issued_on: date
    facility: Facility
    inspection: InspectionInfo
    hazards: tuple[Hazard, ...]
    orders: tuple[Order, ...]  #: one per department whose findings are listed
    remedy_text: str  #: 行政复议 / 行政诉讼 with body and periods (`settings.remedy_sentence`)
    reinspection: Reinspection
    verification_url: str
    title_text: str = ""  #: the issuing department's configured title; empty for the kind's default
    facility_signature: FacilitySignature = field(default_factory=FacilitySignature)
    photos: tuple[Photo, ...] = ()
    supersedes: str | None = None  #: 文号 of the notice this one replaces
    service: ServiceInfo = field(default_factory=ServiceInfo)
    joint: bool = False  #: one notice for every department of a joint inspection

    def __post_init__(self) -> None:
        if not self.authorities:
            raise ValueError("a notice needs at least one issuing authority")
        if not self.hazards:
            raise ValueError("a notice needs at least one finding")
        if urlsplit(self.verification_url).scheme not in {"http", "https"}:
            raise ValueError("verification_url must be an http(s) URL")
        for number, hazard in enumerate(self.hazards, start=1):
            bad = [ref for ref in hazard.photo_refs if not 1 <= ref <= len(self.photos)]
            if bad:
                raise ValueError(f"hazard {number} refers to missing photo(s) {bad}")
            if self.is_reinspection and hazard.outcome is None:
                raise ValueError(f"hazard {number} needs an outcome on a {TITLES[NoticeKind.REINSPECTION]}")
        if self.joint and self.kind is not NoticeKind.RECTIFICATION:
            raise ValueError("only a rectification notice is issued jointly")
        if not self.orders:
            raise ValueError("a notice needs the order of at least one department")
        listed = sorted(row for order in self.orders for row in order.rows)
        if listed != list(range(1, len(self.hazards) + 1)):
            raise ValueError(f"every finding belongs to exactly one department's order, not rows {listed}")

    @property
    def title(self) -> str:
        """Return the printed title."""
        if self.joint:
            return JOINT_TITLE
        return self.title_text or TITLES[self.kind]

    @property
    def all_rectified(self) -> bool:
        """Return True for a 复查意见书 on which every finding was found rectified: it closes, without threats."""
        return self.is_reinspection and all(h.outcome is Outcome.RECTIFIED for h in self.hazards)

    @property
    def is_reinspection(self) -> bool:
        """Return True for a 复查意见书."""
        return self.kind is NoticeKind.REINSPECTION

    @property
    def document_title(self) -> str:
        """Return the PDF metadata title: 文号 followed by the title."""
        return f"{self.number} {self.title}"
