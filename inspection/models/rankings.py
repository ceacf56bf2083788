"""The league table's keys, stored per facility so that a page of a province's table reads one narrow table, not a join
of every facility's results (kept current by ``inspection.services.rankings.stored``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from inspection.extensions import db

#: Names compare by code point on every database, as the ranking rule wants (PostgreSQL's default would not).
_BINARY_NAME = String(100).with_variant(String(100, collation="C"), "postgresql")


class FacilityRankKey(db.Model):
    """What the ranking rule, the table's filters and its sorts need of one active facility, computed from its
    stored results (standings, open hazards, listings, countersignatures) in the transaction that changed them."""

    __tablename__ = "facility_rank_keys"

    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), primary_key=True)
    #: ``inspection.scoring.rankings.RankGroup``.
    grp: Mapped[int]
    #: The grade within the graded group, else 0.
    rank_level: Mapped[int]
    #: The grading points for a scored facility, else -1 (a double: it sorts faster than a numeric).
    rank_score: Mapped[float]
    open_major: Mapped[int]
    name: Mapped[str] = mapped_column(_BINARY_NAME)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    ownership: Mapped[str] = mapped_column(String(30))
    grade_code: Mapped[str | None] = mapped_column(String(30))
    grade: Mapped[int | None]
    grade_score: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    #: The grading result was countersigned (or needs none).
    reviewed: Mapped[bool]
    open_hazards: Mapped[int]
    #: The earliest deadline of the open hazards: a facility has overdue hazards on a day after it.
    first_deadline: Mapped[date | None]
    blacklisted: Mapped[bool]
    #: The grade's level minus that of the previous grading result (``trend`` sort), None without two results.
    level_change: Mapped[int | None]
    #: The date of the newest of the grade and the safety verdicts (``last`` sort, the date filters).
    last_inspected: Mapped[date | None]


#: The ranking rule's order (``rankings.query._rank_order``): the unfiltered table's first and last pages read 50
#: entries of it instead of sorting every key of the region.
Index(
    "ix_facility_rank_keys_rank_order",
    FacilityRankKey.grp,
    FacilityRankKey.rank_level.desc(),
    FacilityRankKey.rank_score.desc(),
    FacilityRankKey.open_major,
    FacilityRankKey.name,
    FacilityRankKey.facility_id,
)


class RankKeysVersion(db.Model):
    """One row counting the commits that changed the stored keys, counted up by each such transaction as it commits:
    while the count stands, a process may keep the rank numbers it computed of a region
    (``inspection.services.rankings.positions``)."""

    __tablename__ = "rank_keys_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
