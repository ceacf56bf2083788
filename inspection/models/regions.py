"""Administrative regions (province → city → county → township) and the departments of a region."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.extensions import db
from inspection.i18n import N_, labelled


class RegionLevel(StrEnum):
    """Level of a region in the hierarchy, from the top."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


REGION_LEVEL_LABELS = labelled(
    "region_level",
    {
        RegionLevel.PROVINCE: N_("省"),
        RegionLevel.CITY: N_("市"),
        RegionLevel.COUNTY: N_("县"),
        RegionLevel.TOWNSHIP: N_("乡镇"),
    },
)


class Region(db.Model):
    """A node of the region tree; `path` ("/1/4/9/") makes subtree checks one prefix test."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Chinese name, e.g. 五寨县.
    name: Mapped[str] = mapped_column(String(100))
    #: Short name used as the county prefix of document numbers (五寨县 → 五).
    short_name: Mapped[str] = mapped_column(String(10), default="")
    level: Mapped[RegionLevel] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    #: Materialised path of ids from the root, with slashes on both ends.
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    #: Invented or unverified demo data, shown as such in the UI.
    is_demo: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Region | None] = relationship(remote_side=[id])

    def contains(self, other: Region) -> bool:
        """Return True if `other` is this region or lies below it."""
        return other.path.startswith(self.path)


class Department(db.Model):
    """A member unit of a region's joint inspections (民政, 消防救援, 市场监管, 卫健, 住建 …)."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("region_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    #: Stable code shared with checklist files: mz, xf, sc, wj, zj.
    code: Mapped[str] = mapped_column(String(10))
    #: Full name, e.g. 五寨县民政局.
    name: Mapped[str] = mapped_column(String(100))
    #: Kind of department as people say it, e.g. 民政.
    kind: Mapped[str] = mapped_column(String(20))
    #: 机关代字 in its document numbers (GB/T 9704 §7.2.4): 民 → 五民整〔2026〕12号.
    short_code: Mapped[str] = mapped_column(String(4))
    # What its notices say (DOMAIN §15.3); defaults per kind of department in inspection.notices.settings, edited
    # on the admin pages. An empty text is printed as not configured, never guessed.
    #: Title of its rectification notices: 整改通知书 or 责令限期改正通知书.
    notice_title: Mapped[str] = mapped_column(String(30), default="整改通知书", server_default="整改通知书")
    #: 复议机关 named in the remedies sentence, e.g. 五寨县人民政府 (行政复议法 第24条).
    review_body: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: Basis of the inspection itself, e.g. 《中华人民共和国消防法》第五十三条.
    inspection_basis: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Power under which it orders correction (依据……责令限期改正).
    order_basis: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: What follows if the order is not complied with, and the provision it rests on.
    consequence: Mapped[str] = mapped_column(Text, default="", server_default="")
    consequence_basis: Mapped[str] = mapped_column(Text, default="", server_default="")

    region: Mapped[Region] = relationship()
