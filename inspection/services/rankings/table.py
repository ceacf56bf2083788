"""The county league table: a page (or every row, for the exports) of the ranking of a user's region, filtered and
sorted, each row completed with its safety verdicts, last inspection, trend and the reason for its group.

The SQL is in :mod:`inspection.services.rankings.query`; the columns of safety verdicts follow the checklist data
(``inspection.services.standings``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import Select, func, select, text

from inspection.checklists import GRADING_CHECKLIST, Standing
from inspection.extensions import db
from inspection.i18n import Message
from inspection.models import ChecklistStatus, FacilityStanding, Hazard, Inspection, InspectionChecklist, User
from inspection.models.followup import CREDIT_GROUND_LABELS
from inspection.paging import PageNumbers
from inspection.scoring.explanations import explanation_of
from inspection.scoring.rankings import GradingPoint, RankGroup, Trend, grade_trend, group_reason
from inspection.services.rankings.filters import MAX_PER_PAGE, OPEN_HAZARD, RankingFilters, sort_keys
from inspection.services.rankings.positions import rank_positions
from inspection.services.rankings.query import (
    apply_filters,
    dialect_name,
    export_statement,
    filtered_keys,
    query_params,
    safety_kinds,
    table_statement,
    unfiltered_by_rank,
)
from inspection.services.rankings.stored import usable_on
from inspection.services.standings import safety_standings, standings_on

#: work_mem for the ranking queries on PostgreSQL (see allow_sort_memory).
SORT_MEMORY = "32MB"


@dataclass(frozen=True)
class Verdict:
    """A stored safety verdict with its date."""

    label: str
    code: str
    decided_on: date


@dataclass(frozen=True)
class RankingRow:
    """One line of the league table."""

    #: None for a facility outside the grading's scope (never ranked).
    rank: int | None
    facility_id: int
    name: str
    township: str
    type: str
    ownership: str
    group: RankGroup
    grade_code: str | None
    grade: int | None
    grade_label: str
    grade_score: Decimal | None
    grade_on: date | None
    grade_ic_id: int | None
    reviewed: bool
    unverified: bool
    open_hazards: int
    open_major: int
    overdue: int
    blacklisted: bool
    blacklist_ground: str
    last_inspected: date | None
    is_demo: bool
    reason: str = ""
    trend: Trend = field(default_factory=lambda: grade_trend(()))
    #: The stored safety verdicts, by kind (the kinds the checklist data declares).
    standings: Mapping[str, Verdict] = field(default_factory=dict)


@dataclass(frozen=True)
class RankingPage(PageNumbers):
    """A page of the league table."""

    rows: list[RankingRow]
    total: int
    page: int
    per_page: int
    sort: str
    direction: str
    #: The safety verdicts' columns, in order.
    standings: tuple[Standing, ...] = ()


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Yield lists of up to `size` items (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while part := list(islice(iterator, size)):
        yield part


def ranking_page(
    user: User,
    filters: RankingFilters,
    *,
    sort: str = "rank",
    direction: str = "asc",
    page: int = 1,
    per_page: int = 50,
    today: date | None = None,
) -> RankingPage:
    """Return one page of the league table of `user`'s region, filtered and sorted.

    :param sort: one of :func:`sort_keys` (others sort by rank); ties always fall back to the rank.
    :param page: 1-based; a page past the end is empty (the total is still right).
    """
    standings = tuple(safety_standings())
    kinds = tuple(s.kind for s in standings)
    sort = sort if sort in sort_keys(kinds) else "rank"
    direction = "desc" if direction == "desc" else "asc"
    per_page, page = max(1, min(per_page, MAX_PER_PAGE)), max(1, page)
    stored = usable_on(today or date.today())
    # the unfiltered table in rank order is read from the rank-order index once its size is known (cheap to count),
    # and its back half from the end; the unfiltered table in another order is counted apart too (the count of a
    # region's stored keys costs less than counting the rows in the page's query)
    by_position = unfiltered_by_rank(filters, sort, direction)
    counted_apart = by_position or (stored and filters == RankingFilters())
    total = count_rows(user, filters, today, stored=stored) if counted_apart else None
    stmt = page_statement(filters, sort, direction, page, per_page, total, kinds, stored=stored)
    allow_sort_memory()
    result = db.session.execute(stmt, query_params(user, today)).mappings().all()
    total = result[0]["total"] if result else count_rows(user, filters, today, stored=stored)
    positions = _kept_ranks(user, filters, sort, direction, stored=stored)
    rows = complete_rows([_row(r, positions) for r in result], kinds, today, stored=stored)
    return RankingPage(rows, total, page, per_page, sort, direction, standings)


def page_statement(
    filters: RankingFilters,
    sort: str,
    direction: str,
    page: int,
    per_page: int,
    total: int | None = None,
    kinds: tuple[str, ...] | None = None,
    *,
    stored: bool = False,
) -> Select[Any]:
    """Return the one query of a page (rows plus the filtered total); execute it with :func:`query_params`;
    `stored` as for :func:`table_statement`."""
    return table_statement(filters, sort, direction, per_page, (page - 1) * per_page, total, kinds, stored)


def allow_sort_memory() -> None:
    """Let PostgreSQL sort the region's whole table in memory for this transaction: with the default work_mem
    (4 MB) the sort behind the rank spills to disk from about 10,000 facilities on."""
    if dialect_name() == "postgresql":
        db.session.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))


def iter_ranking(
    user: User,
    filters: RankingFilters,
    *,
    sort: str = "rank",
    direction: str = "asc",
    chunk: int = 1000,
    today: date | None = None,
) -> Iterator[RankingRow]:
    """Yield every row of the filtered table in order, complete as :func:`complete_rows` makes a page's, from one
    query read `chunk` rows at a time (server-side cursor on PostgreSQL), so an export never holds the whole table
    in memory."""
    kinds = safety_kinds()
    sort = sort if sort in sort_keys(kinds) else "rank"
    direction = "desc" if direction == "desc" else "asc"
    stored = usable_on(today or date.today())
    stmt = export_statement(filters, sort, direction, kinds, stored=stored)
    allow_sort_memory()
    if dialect_name() == "postgresql":  # its estimate of the long query calls for JIT, which costs more than it saves
        db.session.execute(text("SET LOCAL jit = off"))
    # Core rather than the session's ORM execution, and each row as a plain dict: a third less time per row
    positions = _kept_ranks(user, filters, sort, direction, stored=stored)
    connection = db.session.connection()
    result = connection.execute(stmt.execution_options(yield_per=chunk), query_params(user, today))
    names = tuple(result.keys())
    columns = [(kind, f"{kind}_verdict", f"{kind}_code", f"{kind}_on", f"{kind}_found") for kind in kinds]
    for values in result:
        yield _complete_row(dict(zip(names, values, strict=True)), columns, positions)


def _kept_ranks(
    user: User, filters: RankingFilters, sort: str, direction: str, *, stored: bool
) -> dict[int, int] | None:
    """Return the ranks the process keeps (``positions.rank_positions``) where the table's query numbers no row:
    from the stored keys, unless it is the unfiltered table in rank order (read by position)."""
    numbered = not stored or unfiltered_by_rank(filters, sort, direction)
    return None if numbered else rank_positions(user)


def _complete_row(
    r: Mapping[str, Any],
    verdict_columns: Sequence[tuple[str, str, str, str, str]],
    positions: Mapping[int, int] | None = None,
) -> RankingRow:
    """Return the row of :func:`.query.export_statement` as :func:`complete_rows` completes it.

    :param verdict_columns: for each safety verdict's kind, the kind and the names of its four columns.
    :param positions: the ranks by facility id, where the query reads none (as for :func:`_row`).
    """
    verdicts = {kind: Verdict(r[label], r[code], r[on]) for kind, label, code, on, found in verdict_columns if r[found]}
    newest = [
        GradingPoint(r[code] or "", r[grade], r[points]) for found, code, grade, points in _NEWEST_GRADINGS if r[found]
    ]
    withheld = r["grp"] == RankGroup.WITHHELD and r["grade_ic_id"]
    reason = group_reason(
        RankGroup(r["grp"]),
        withheld_reason=explanation_of(r["withheld_result"] or {}) if withheld else None,
        blacklist_ground=CREDIT_GROUND_LABELS.get(r["blacklist_ground"] or "", ""),  # type: ignore[call-overload]
    )
    dates = [d for d in (r["grade_on"], *(v.decided_on for v in verdicts.values())) if d]
    return _row(
        r,
        positions,
        standings=verdicts,
        last_inspected=max(dates, default=None),
        trend=grade_trend(newest),
        reason=reason,
    )


#: The columns of the newest two grading results in :func:`.query.export_statement`, the older first.
_NEWEST_GRADINGS = tuple((f"{n}_found", f"{n}_code", f"{n}_grade", f"{n}_points") for n in ("previous", "latest"))


def count_rows(user: User, filters: RankingFilters, today: date | None = None, *, stored: bool | None = None) -> int:
    """Return how many rows the filtered table has (from the stored keys when `stored`, by default when they hold
    `today`)."""
    stored = usable_on(today or date.today()) if stored is None else stored
    keys = filtered_keys(filters, safety_kinds(), stored=stored)
    stmt = apply_filters(select(func.count()).select_from(keys), keys, filters)
    return db.session.scalar(stmt, query_params(user, today)) or 0


def _row(r: Mapping[str, Any], positions: Mapping[int, int] | None = None, **completed: Any) -> RankingRow:
    """Return the row of the table's query `r`, with the `completed` fields (:func:`complete_rows`) when given.

    :param positions: the ranks by facility id (``positions.rank_positions``) when the query read the stored keys
        and numbered none; a facility added since they were computed has none for this one page.
    """
    unranked = r["grp"] == RankGroup.NOT_ELIGIBLE
    rank = r["rank"] if positions is None else positions.get(r["facility_id"])
    return RankingRow(
        rank=None if unranked else rank, facility_id=r["facility_id"], name=r["name"], township=r["township"],
        type=r["type"], ownership=r["ownership"], group=RankGroup(r["grp"]), grade_code=r["grade_code"],
        grade=r["grade"], grade_label=r["grade_label"] or "", grade_score=r["grade_score"], grade_on=r["grade_on"],
        grade_ic_id=r["grade_ic_id"], reviewed=bool(r["reviewed"]), unverified=bool(r["unverified"]),
        open_hazards=int(r["open_hazards"]), open_major=int(r["open_major"]), overdue=int(r["overdue"]),
        blacklisted=bool(r["blacklisted"]), blacklist_ground=r["blacklist_ground"] or "",
        last_inspected=completed.pop("last_inspected", r["grade_on"]), is_demo=bool(r["is_demo"]), **completed,
    )  # fmt: skip


def complete_rows(
    rows: Sequence[RankingRow], kinds: Sequence[str] | None = None, today: date | None = None, *, stored: bool = False
) -> list[RankingRow]:
    """Add the safety verdicts, the last inspection date, the trend and the reason for the special groups (three
    small queries for the rows given), as they hold on `today` (default: the server's).

    :param kinds: the safety verdicts' kinds (default: those the checklist data declares).
    :param stored: the stored standings hold on `today` (``stored.usable_on``): read them as they are.
    """
    if not rows:
        return []
    today = today or date.today()
    kinds = safety_kinds() if kinds is None else kinds
    verdicts = _safety_verdicts([r.facility_id for r in rows], kinds, today, stored)
    histories = grading_histories([r.facility_id for r in rows], today)
    withheld = [r.grade_ic_id for r in rows if r.group == RankGroup.WITHHELD and r.grade_ic_id]
    reasons = _withheld_reasons(withheld)
    return [
        replace(
            row,
            standings=verdicts.get(row.facility_id, {}),
            last_inspected=max(
                (d for d in (row.grade_on, *(v.decided_on for v in verdicts.get(row.facility_id, {}).values())) if d),
                default=None,
            ),
            trend=grade_trend(histories.get(row.facility_id, ())),
            reason=group_reason(
                row.group,
                withheld_reason=reasons.get(row.grade_ic_id or 0),
                blacklist_ground=CREDIT_GROUND_LABELS.get(row.blacklist_ground, ""),  # type: ignore[call-overload]
            ),
        )
        for row in rows
    ]


def _safety_verdicts(
    facility_ids: Sequence[int], kinds: Sequence[str], today: date, stored: bool
) -> dict[int, dict[str, Verdict]]:
    """Return the safety verdicts of `kinds` of each facility as they hold on `today` (as stored, when `stored`),
    by kind."""
    verdicts: dict[int, dict[str, Verdict]] = defaultdict(dict)
    held = FacilityStanding.__table__ if stored else standings_on()
    stmt = select(held.c.facility_id, held.c.kind, held.c.verdict, held.c.verdict_code, held.c.decided_on).where(
        held.c.facility_id.in_(facility_ids), held.c.kind.in_(kinds)
    )
    for facility_id, kind, label, code, decided_on in db.session.execute(stmt, {"today": today}):
        verdicts[facility_id][str(kind)] = Verdict(label, code, decided_on)
    return verdicts


def grading_histories(facility_ids: Sequence[int], today: date | None = None) -> dict[int, list[GradingPoint]]:
    """Return the submitted grading results of each facility on or before `today` (default: the server's), oldest
    first."""
    today = today or date.today()
    histories: dict[int, list[GradingPoint]] = defaultdict(list)
    for ids in batched(facility_ids, 500):
        stmt = (
            select(
                Inspection.facility_id,
                InspectionChecklist.verdict_code,
                InspectionChecklist.grade,
                InspectionChecklist.points,
            )
            .join(Inspection, Inspection.id == InspectionChecklist.inspection_id)
            .where(
                Inspection.facility_id.in_(ids),
                InspectionChecklist.checklist_code == GRADING_CHECKLIST,
                InspectionChecklist.status == ChecklistStatus.SUBMITTED,
                Inspection.inspected_on <= today,
            )
            .order_by(Inspection.facility_id, Inspection.inspected_on, InspectionChecklist.id)
        )
        for facility_id, code, grade, points in db.session.execute(stmt):
            histories[facility_id].append(GradingPoint(code or "", grade, points))
    return histories


def _withheld_reasons(checklist_ids: Sequence[int]) -> dict[int, Message]:
    if not checklist_ids:
        return {}
    rows = db.session.execute(
        select(InspectionChecklist.id, InspectionChecklist.result).where(InspectionChecklist.id.in_(checklist_ids))
    )
    return {ic_id: explanation_of(result or {}) for ic_id, result in rows}


def open_hazard_count(facility_id: int) -> int:
    """Return how many hazards of the facility are open (as the table counts them)."""
    stmt = (
        select(func.count())
        .select_from(Hazard)
        .where(Hazard.facility_id == facility_id, Hazard.status.in_(OPEN_HAZARD), Hazard.self_found.is_(False))
    )
    return db.session.scalar(stmt) or 0
