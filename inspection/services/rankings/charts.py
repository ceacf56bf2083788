"""Counts behind the ranking charts: facilities per township and grade, and hazards opened and closed per month, for
the same filtered set as the league table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, literal, select

from inspection.extensions import db
from inspection.models import Hazard, User
from inspection.scoring.rankings import RankGroup
from inspection.services.rankings.filters import RankingFilters
from inspection.services.rankings.query import apply_filters, filtered_keys, query_params, safety_kinds
from inspection.services.rankings.stored import usable_on


@dataclass(frozen=True)
class GradeCount:
    """How many facilities of a township sit at a grade (or in a special group)."""

    township: str
    group: RankGroup
    grade: int | None
    count: int


def grade_counts(user: User, filters: RankingFilters, today: date | None = None) -> list[GradeCount]:
    """Count the filtered facilities per township and grade, for the distribution charts."""
    base = filtered_keys(filters, safety_kinds(), stored=usable_on(today or date.today()))
    stmt = apply_filters(
        select(base.c.township, base.c.grp, base.c.grade, func.count()).group_by(
            base.c.township, base.c.grp, base.c.grade
        ),
        base,
        filters,
    )
    return [
        GradeCount(township, RankGroup(grp), grade if grp == RankGroup.GRADED else None, n)
        for township, grp, grade, n in db.session.execute(stmt, query_params(user, today))
    ]


def hazards_per_month(
    user: User, filters: RankingFilters, months: Sequence[str], today: date | None = None
) -> dict[str, tuple[int, int]]:
    """Count hazards opened and closed per month ("YYYY-MM") at the filtered facilities.

    :return: ``{month: (opened, closed)}`` for each month in `months`.
    """
    base = filtered_keys(filters, safety_kinds(), stored=usable_on(today or date.today()))
    ids = apply_filters(select(base.c.facility_id), base, filters)
    first = f"{months[0]}-01"
    opened_month = _month(Hazard.created_at)
    closed_month = _month(Hazard.closed_on)
    counts = {month: [0, 0] for month in months}
    opened = (
        select(opened_month, func.count())
        .where(Hazard.facility_id.in_(ids), Hazard.created_at >= datetime.fromisoformat(first))
        .group_by(opened_month)
    )
    closed = (
        select(closed_month, func.count())
        .where(Hazard.facility_id.in_(ids), Hazard.closed_on >= date.fromisoformat(first))
        .group_by(closed_month)
    )
    for index, stmt in enumerate((opened, closed)):
        for month, n in db.session.execute(stmt, query_params(user, today)):
            if month in counts:
                counts[month][index] = n
    return {month: (pair[0], pair[1]) for month, pair in counts.items()}


def _month(column: Any) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal("YYYY-MM"))
    return func.strftime(literal("%Y-%m"), column)


def last_months(today: date, count: int = 12) -> list[str]:
    """Return the `count` months up to and including `today`'s, oldest first, as "YYYY-MM"."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]
