"""The county league table: one query over stored results (standings, open hazards, listings), filters, sorting,
pagination, chart counts, and the facility history.

Nothing here scores anything: grades and verdicts were stored at submission (``FacilityStanding``). The SQL
ordering mirrors :func:`inspection.scoring.rankings.rank_key`; a test checks that both give the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import aliased

from inspection.checklists import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.models import (
    LISTED_STATUSES,
    ChecklistStatus,
    CreditListing,
    Facility,
    FacilityStanding,
    FacilityStatus,
    FacilityType,
    Hazard,
    HazardStatus,
    Inspection,
    InspectionChecklist,
    Ownership,
    Region,
    StandingKind,
    User,
)
from inspection.scoring.rankings import (
    GRADE_CODE,
    GROUND_LABELS,
    GROUP_KEYS,
    WITHHELD_CODE,
    GradingPoint,
    RankGroup,
    Trend,
    grade_trend,
    group_reason,
)

OPEN_HAZARD = (HazardStatus.OPEN, HazardStatus.EVIDENCE_SUBMITTED)
#: Values of the grade filter besides "1" … "5".
GROUP_FILTERS = {key: group for group, key in GROUP_KEYS.items()}
SORTS = (
    "rank", "name", "township", "type", "ownership", "grade", "score", "fire", "food", "service",
    "open", "major", "overdue", "blacklisted", "last", "trend",
)  # fmt: skip
MAX_PER_PAGE = 500
#: work_mem for the ranking queries on PostgreSQL (see _allow_sort_memory).
SORT_MEMORY = "32MB"
_NO_DATE = "0001-01-01"


@dataclass(frozen=True)
class RankingFilters:
    """The filters of the league table, as they appear in the URL."""

    township: int | None = None
    type: str = ""
    ownership: str = ""
    grade: str = ""
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> RankingFilters:
        """Read the filters from query parameters, ignoring values that are not valid."""
        township = args.get("township", "")
        grade = args.get("grade", "")
        return cls(
            township=int(township) if township.isascii() and township.isdigit() and len(township) < 10 else None,
            type=args.get("type", "") if args.get("type") in set(FacilityType) else "",
            ownership=args.get("ownership", "") if args.get("ownership") in set(Ownership) else "",
            grade=grade if grade in GROUP_FILTERS or grade in ("1", "2", "3", "4", "5") else "",
            overdue=args.get("overdue") in ("1", "true", "on"),
            date_from=_parse_date(args.get("from", "")),
            date_to=_parse_date(args.get("to", "")),
            q=args.get("q", "").strip()[:50],
        )

    def to_args(self) -> dict[str, str]:
        """Return the filters as query parameters (empty ones left out), so a link keeps them."""
        args = {
            "township": str(self.township or ""),
            "type": self.type,
            "ownership": self.ownership,
            "grade": self.grade,
            "overdue": "1" if self.overdue else "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
        }
        return {key: value for key, value in args.items() if value}


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Verdict:
    """A stored safety verdict with its date."""

    label: str
    code: str
    decided_on: date


@dataclass(frozen=True)
class RankingRow:
    """One line of the league table."""

    rank: int
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
    fire: Verdict | None
    food: Verdict | None
    service: Verdict | None
    open_hazards: int
    open_major: int
    overdue: int
    blacklisted: bool
    blacklist_ground: str
    last_inspected: date | None
    is_demo: bool
    reason: str = ""
    trend: Trend = field(default_factory=lambda: grade_trend(()))


@dataclass(frozen=True)
class RankingPage:
    """A page of the league table."""

    rows: list[RankingRow]
    total: int
    page: int
    per_page: int
    sort: str
    direction: str

    @property
    def pages(self) -> int:
        """Return the number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """Return True when a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Return True when a next page exists."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """Return the previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """Return the next page's number."""
        return self.page + 1


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Yield lists of up to `size` items (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while part := list(islice(iterator, size)):
        yield part


# --- The query -------------------------------------------------------------------------------------------------
#
# The rank is a facility's place in its whole region, so the rule has to sort every row of the region, even for a
# filtered page. That sort is most of the cost of a page, so it carries only what the rule, the filters and the
# sorts need (:func:`_keys`); the wide columns (labels, dates, the listing's ground, …) are joined afterwards for
# the page's rows only (:func:`_details`). An unfiltered table in rank order needs no window at all: its rank is the
# row's position, so a top-N sort of the keys is enough (:func:`_by_position`).


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _binary(column: Any, dialect: str | None = None) -> Any:
    """Compare text by code point on every database (PostgreSQL's default collation would not)."""
    return column.collate("C") if (dialect or _dialect()) == "postgresql" else column


def _latest_of(dialect: str, *dates: Any) -> Any:
    """Return the latest non-null date of `dates` (NULL when all are NULL)."""
    if dialect == "postgresql":
        return func.greatest(*dates)
    latest = func.max(*(func.coalesce(d, _NO_DATE) for d in dates))
    return type_coerce(func.nullif(latest, _NO_DATE), Date)


def _group_expr(standing: Any, pending: Any, listing: Any) -> ColumnElement[int]:
    """The SQL form of :func:`inspection.scoring.rankings.rank_group`."""
    return case(
        (listing.c.facility_id.is_not(None), int(RankGroup.BLACKLISTED)),
        (standing.verdict_code == WITHHELD_CODE, int(RankGroup.WITHHELD)),
        (standing.id.is_(None), int(RankGroup.UNRATED)),
        (pending.c.id.is_not(None), int(RankGroup.PENDING)),
        (and_(standing.verdict_code == GRADE_CODE, standing.grade.is_not(None)), int(RankGroup.GRADED)),
        else_=int(RankGroup.BELOW_GRADE),
    )


def _listings(name: str, *, with_ground: bool) -> Any:
    """The facilities on the blacklist (one row each), with the ground of a listing when asked."""
    columns = [CreditListing.facility_id]
    if with_ground:
        columns.append(func.min(CreditListing.ground).label("ground"))
    return (
        select(*columns)
        .where(CreditListing.status.in_(LISTED_STATUSES))
        .group_by(CreditListing.facility_id)
        .subquery(name)
    )


def _aggregates() -> tuple[Any, Any]:
    """Open hazards per facility (with majors and overdue ones; an index-only scan of the partial index
    ``ix_hazards_open_facility``), and the grading results not countersigned yet (few, from the partial index
    ``ix_inspection_checklists_grading_unreviewed``, so a small hash join instead of a lookup per facility)."""
    hazards = (
        select(
            Hazard.facility_id,
            func.count().label("open_hazards"),
            func.sum(case((Hazard.item_class == "major", 1), else_=0)).label("open_major"),
            func.sum(case((Hazard.deadline < bindparam("today", type_=Date), 1), else_=0)).label("overdue"),
        )
        .where(Hazard.status.in_(OPEN_HAZARD))
        .group_by(Hazard.facility_id)
        .subquery("hz")
    )
    pending = (
        select(InspectionChecklist.id)
        .where(
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.reviewed_at.is_(None),
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
        )
        .subquery("pending")
    )
    return hazards, pending


def query_params(user: User, today: date | None = None) -> dict[str, Any]:
    """Return the values of the bound parameters of the cached table queries: the user's region and today."""
    return {"region_like": f"{user.region.path}%", "today": today or date.today()}


@lru_cache(maxsize=8)
def _keys(dialect: str, *, with_dates: bool = False) -> Any:
    """Every active facility within the region bound as ``region_like``, with what the ranking rule, the filters
    and the sorts need, and nothing more; overdue counts against the bound ``today``. Built once per dialect
    (building the construct costs more than running it), then executed with :func:`query_params`.

    :param with_dates: also the dates of the fire, food and service standings and the latest of all (for filters
        and sorts on them); otherwise :func:`complete_rows` adds the verdicts for the rows shown.
    """
    grade = aliased(FacilityStanding, name="sg")
    hazards, pending = _aggregates()
    listings = _listings("bl", with_ground=False)
    group = _group_expr(grade, pending, listings)
    open_major = func.coalesce(hazards.c.open_major, 0)
    columns = [
        *_rank_keys(group, grade, open_major, dialect),
        Facility.type,
        Facility.ownership,
        Region.id.label("region_id"),
        Region.name.label("township"),
        grade.verdict_code.label("grade_code"),
        grade.grade,
        grade.points.label("grade_score"),
        pending.c.id.is_(None).label("reviewed"),
        func.coalesce(hazards.c.open_hazards, 0).label("open_hazards"),
        func.coalesce(hazards.c.overdue, 0).label("overdue"),
        listings.c.facility_id.is_not(None).label("blacklisted"),
    ]
    stmt = (
        select(*columns)
        .join(Region, Region.id == Facility.region_id)
        .outerjoin(grade, and_(grade.facility_id == Facility.id, grade.kind == StandingKind.GRADE))
        .outerjoin(pending, pending.c.id == grade.inspection_checklist_id)
        .outerjoin(hazards, hazards.c.facility_id == Facility.id)
        .outerjoin(listings, listings.c.facility_id == Facility.id)
        .where(Facility.status == FacilityStatus.ACTIVE, Region.path.like(bindparam("region_like", type_=String)))
    )
    if with_dates:
        stmt = _with_dates(stmt, grade, dialect)
    return stmt.subquery("keys")


def _with_dates(stmt: Select[Any], grade: Any, dialect: str) -> Select[Any]:
    fire, food, service = (aliased(FacilityStanding, name=n) for n in ("sf", "so", "ss"))
    latest = _latest_of(dialect, grade.decided_on, fire.decided_on, food.decided_on, service.decided_on)
    return (
        stmt.add_columns(
            fire.decided_on.label("fire_on"),
            food.decided_on.label("food_on"),
            service.decided_on.label("service_on"),
            latest.label("last_inspected"),
        )
        .outerjoin(fire, and_(fire.facility_id == Facility.id, fire.kind == StandingKind.FIRE))
        .outerjoin(food, and_(food.facility_id == Facility.id, food.kind == StandingKind.FOOD))
        .outerjoin(service, and_(service.facility_id == Facility.id, service.kind == StandingKind.SERVICE))
    )


def _needs_dates(filters: RankingFilters, sort: str) -> bool:
    return bool(filters.date_from or filters.date_to) or sort in ("fire", "food", "service", "last")


def _rank_keys(group: Any, grade: Any, open_major: Any, dialect: str) -> list[Any]:
    """The keys of the ranking rule (see the docstring of ``inspection.scoring.rankings``), none of them NULL, as the
    first columns of :func:`_keys`: PostgreSQL's sort reads each key from the stored row, and finds the first
    columns fastest (a key behind the text columns costs the sort twice as much).

    The score is compared as a double: every ``Numeric(10, 2)`` value converts to a distinct double in the same
    order, and a double compares much faster than a numeric.
    """
    graded = group == int(RankGroup.GRADED)
    scored = group <= int(RankGroup.BELOW_GRADE)
    return [
        group.label("grp"),
        case((graded, func.coalesce(grade.grade, 0)), else_=0).label("rank_level"),
        cast(case((scored, func.coalesce(grade.points, -1)), else_=-1), Float).label("rank_score"),
        open_major.label("open_major"),
        _binary(Facility.name, dialect).label("name"),
        Facility.id.label("facility_id"),
    ]


def _rank_order(keys: Any, *, reverse: bool = False) -> list[Any]:
    """The ranking rule in SQL, on the key columns of :func:`_keys`; `reverse` gives the exact opposite order (no
    key is NULL, and the facility id makes the order total)."""
    c = keys.c
    ascending = [(c.grp, True), (c.rank_level, False), (c.rank_score, False), (c.open_major, True), (c.name, True)]
    ascending.append((c.facility_id, True))
    return [column.asc() if up != reverse else column.desc() for column, up in ascending]


@lru_cache(maxsize=8)
def ranked(dialect: str, *, with_dates: bool = False) -> Any:
    """Return the keys of the league table as a subquery with their `rank` column (execute with
    :func:`query_params`).

    The rank is the place in the whole table of the user's region; filters applied later keep it.
    """
    keys = _keys(dialect, with_dates=with_dates)
    rank = func.row_number().over(order_by=_rank_order(keys)).label("rank")
    return select(keys, rank).subquery("ranked")


def _filter(stmt: Select[Any], table: Any, filters: RankingFilters) -> Select[Any]:
    c = table.c
    conditions = []
    if filters.township:
        conditions.append(c.region_id == filters.township)
    if filters.type:
        conditions.append(c.type == filters.type)
    if filters.ownership:
        conditions.append(c.ownership == filters.ownership)
    if filters.grade in GROUP_FILTERS:
        conditions.append(c.grp == int(GROUP_FILTERS[filters.grade]))
    elif filters.grade:
        conditions += [c.grp == int(RankGroup.GRADED), c.grade == int(filters.grade)]
    if filters.overdue:
        conditions.append(c.overdue > 0)
    if filters.date_from:
        conditions.append(c.last_inspected >= filters.date_from)
    if filters.date_to:
        conditions.append(c.last_inspected <= filters.date_to)
    if filters.q:
        conditions.append(c.name.contains(filters.q, autoescape=True))
    return stmt.where(*conditions)


def _sort_columns(table: Any, sort: str, direction: str) -> list[Any]:
    c = table.c
    columns = {
        "name": lambda: _binary(c.name),
        "township": lambda: _binary(c.township),
        "type": lambda: c.type,
        "ownership": lambda: c.ownership,
        "score": lambda: c.grade_score,
        "fire": lambda: c.fire_on,
        "food": lambda: c.food_on,
        "service": lambda: c.service_on,
        "open": lambda: c.open_hazards,
        "major": lambda: c.open_major,
        "overdue": lambda: c.overdue,
        "blacklisted": lambda: c.blacklisted,
        "last": lambda: c.last_inspected,
        "trend": lambda: c.level_change,
    }
    # "grade" sorts as the rank does: the grade comes first in the rule
    column = columns[sort]() if sort in columns else c.rank
    ordered = column.desc() if direction == "desc" else column.asc()
    return [ordered.nulls_last(), c.rank.asc()]


def _previous_levels() -> Any:
    """The level of each facility's second-newest grading result (see ``level_value``), in one pass."""
    ordinal = (
        func.row_number()
        .over(
            partition_by=Inspection.facility_id,
            order_by=(Inspection.inspected_on.desc(), InspectionChecklist.id.desc()),
        )
        .label("n")
    )
    history = (
        select(
            Inspection.facility_id,
            _level_sql(InspectionChecklist.verdict_code, InspectionChecklist.grade).label("level"),
            ordinal,
        )
        .join(Inspection, Inspection.id == InspectionChecklist.inspection_id)
        .where(
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
        )
        .subquery("history")
    )
    return select(history.c.facility_id, history.c.level).where(history.c.n == 2).subquery("previous")


def _level_sql(code: Any, grade: Any) -> Any:
    return case((code == WITHHELD_CODE, 0), (and_(code == GRADE_CODE, grade.is_not(None)), grade + 1), else_=1)


def _details(rows: Any, order: Callable[[Any], list[Any]]) -> Select[Any]:
    """Add the wide columns to `rows` (a subquery of keys with `rank` and `total`) and order them by `order`."""
    grade = aliased(FacilityStanding, name="sg")
    listings = _listings("bl", with_ground=True)
    c = rows.c
    columns = [
        c.facility_id, c.name, c.type, c.ownership, Facility.is_demo, c.region_id, c.township, c.grade_code, c.grade,
        grade.verdict.label("grade_label"), c.grade_score, grade.decided_on.label("grade_on"),
        grade.inspection_checklist_id.label("grade_ic_id"), grade.unverified, c.reviewed, c.open_hazards,
        c.open_major, c.overdue, c.blacklisted, listings.c.ground.label("blacklist_ground"), c.grp, c.rank, c.total,
    ]  # fmt: skip
    return (
        select(*columns)
        .join(Facility, Facility.id == c.facility_id)
        .outerjoin(grade, and_(grade.facility_id == c.facility_id, grade.kind == StandingKind.GRADE))
        .outerjoin(listings, listings.c.facility_id == c.facility_id)
        .order_by(*order(rows))
    )


def _by_position(dialect: str, direction: str, limit: int | None, offset: int, total: int | None) -> Select[Any]:
    """The unfiltered table in rank order: the rank is the row's position, so a top-N sort of the keys gives the
    rows, and numbering them gives their ranks. A page in the back half (given the `total`) is read from the other
    end, so its top-N sort stays small."""
    keys = _keys(dialect)
    descending = direction == "desc"
    reverse = descending
    if total is not None and limit is not None and total > offset and 2 * offset + limit > total:
        reverse = not descending
        offset, limit = max(0, total - offset - limit), min(limit, total - offset)
    top = (
        select(keys, func.count().over().label("total"))
        .order_by(*_rank_order(keys, reverse=reverse))
        .limit(limit)
        .offset(offset)
        .subquery("top")
    )
    position = func.row_number().over(order_by=_rank_order(top, reverse=reverse)) + offset
    rank = top.c.total - position + 1 if reverse else position
    rows = select(top, rank.label("rank")).subquery("page")
    return _details(rows, lambda t: [t.c.rank.desc() if descending else t.c.rank.asc()])


def _unfiltered_by_rank(filters: RankingFilters, sort: str) -> bool:
    return sort in ("rank", "grade") and filters == RankingFilters()


def table_statement(
    filters: RankingFilters,
    sort: str,
    direction: str,
    limit: int | None = None,
    offset: int = 0,
    total: int | None = None,
) -> Select[Any]:
    """Return the query of the filtered, sorted table (or of `limit` rows of it from `offset`), each row with the
    filtered total; execute it with :func:`query_params`.

    :param total: the number of rows if known (it lets a deep page of the unfiltered table be read from its end).
    """
    dialect = _dialect()
    if _unfiltered_by_rank(filters, sort):
        return _by_position(dialect, direction, limit, offset, total)
    table = ranked(dialect, with_dates=_needs_dates(filters, sort))
    stmt = _filter(select(table, func.count().over().label("total")), table, filters)
    if sort == "trend":  # join the previous gradings; the page's rows keep the change to order by
        previous = _previous_levels()
        change = (_level_sql(table.c.grade_code, table.c.grade) - previous.c.level).label("level_change")
        stmt = stmt.add_columns(change).outerjoin(previous, previous.c.facility_id == table.c.facility_id)
        stmt = stmt.order_by((change.desc() if direction == "desc" else change.asc()).nulls_last(), table.c.rank)
    else:
        stmt = stmt.order_by(*_sort_columns(table, sort, direction))
    rows = stmt.limit(limit).offset(offset).subquery("page")
    return _details(rows, lambda t: _sort_columns(t, sort, direction))


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

    :param sort: one of SORTS (others sort by rank); ties always fall back to the rank.
    :param page: 1-based; a page past the end is empty (the total is still right).
    """
    sort = sort if sort in SORTS else "rank"
    direction = "desc" if direction == "desc" else "asc"
    per_page, page = max(1, min(per_page, MAX_PER_PAGE)), max(1, page)
    # past the first page of the unfiltered table, its size (cheap to count) lets the back half be read from the end
    total = count_rows(user, filters, today) if page > 1 and _unfiltered_by_rank(filters, sort) else None
    stmt = page_statement(filters, sort, direction, page, per_page, total)
    _allow_sort_memory()
    result = db.session.execute(stmt, query_params(user, today)).mappings().all()
    total = result[0]["total"] if result else count_rows(user, filters, today)
    rows = complete_rows([_row(r) for r in result])
    return RankingPage(rows, total, page, per_page, sort, direction)


def _allow_sort_memory() -> None:
    """Let PostgreSQL sort the region's whole table in memory for this transaction: with the default work_mem
    (4 MB) the sort behind the rank spills to disk from about 10,000 facilities on."""
    if _dialect() == "postgresql":
        db.session.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))


def page_statement(
    filters: RankingFilters, sort: str, direction: str, page: int, per_page: int, total: int | None = None
) -> Select[Any]:
    """Return the one query of a page (rows plus the filtered total); execute it with :func:`query_params`."""
    return table_statement(filters, sort, direction, per_page, (page - 1) * per_page, total)


def iter_ranking(
    user: User,
    filters: RankingFilters,
    *,
    sort: str = "rank",
    direction: str = "asc",
    chunk: int = 1000,
    today: date | None = None,
) -> Iterator[RankingRow]:
    """Yield every row of the filtered table in order, reading `chunk` rows at a time (server-side cursor on
    PostgreSQL), so an export never holds the whole table in memory."""
    sort = sort if sort in SORTS else "rank"
    direction = "desc" if direction == "desc" else "asc"
    stmt = table_statement(filters, sort, direction)
    _allow_sort_memory()
    result = db.session.execute(stmt.execution_options(yield_per=chunk), query_params(user, today)).mappings()
    for part in batched(result, chunk):
        yield from complete_rows([_row(r) for r in part])


def count_rows(user: User, filters: RankingFilters, today: date | None = None) -> int:
    """Return how many rows the filtered table has."""
    keys = _keys(_dialect(), with_dates=_needs_dates(filters, "rank"))
    stmt = _filter(select(func.count()).select_from(keys), keys, filters)
    return db.session.scalar(stmt, query_params(user, today)) or 0


def _row(r: Mapping[str, Any]) -> RankingRow:
    return RankingRow(
        rank=r["rank"], facility_id=r["facility_id"], name=r["name"], township=r["township"], type=r["type"],
        ownership=r["ownership"], group=RankGroup(r["grp"]), grade_code=r["grade_code"], grade=r["grade"],
        grade_label=r["grade_label"] or "", grade_score=r["grade_score"], grade_on=r["grade_on"],
        grade_ic_id=r["grade_ic_id"], reviewed=bool(r["reviewed"]), unverified=bool(r["unverified"]),
        fire=None, food=None, service=None,
        open_hazards=int(r["open_hazards"]), open_major=int(r["open_major"]), overdue=int(r["overdue"]),
        blacklisted=bool(r["blacklisted"]), blacklist_ground=r["blacklist_ground"] or "",
        last_inspected=r["grade_on"], is_demo=bool(r["is_demo"]),
    )  # fmt: skip


def complete_rows(rows: Sequence[RankingRow]) -> list[RankingRow]:
    """Add the safety verdicts, the last inspection date, the trend and the reason for the special groups (three
    small queries for the rows given)."""
    if not rows:
        return []
    verdicts = _safety_verdicts([r.facility_id for r in rows])
    histories = grading_histories([r.facility_id for r in rows])
    withheld = [r.grade_ic_id for r in rows if r.group == RankGroup.WITHHELD and r.grade_ic_id]
    reasons = _withheld_reasons(withheld)
    return [
        replace(
            row,
            **verdicts.get(row.facility_id, {}),
            last_inspected=max(
                (d for d in (row.grade_on, *(v.decided_on for v in verdicts.get(row.facility_id, {}).values())) if d),
                default=None,
            ),
            trend=grade_trend(histories.get(row.facility_id, ())),
            reason=group_reason(
                row.group,
                withheld_reason=reasons.get(row.grade_ic_id or 0, ""),
                blacklist_ground=GROUND_LABELS.get(row.blacklist_ground, ""),
            ),
        )
        for row in rows
    ]


def _safety_verdicts(facility_ids: Sequence[int]) -> dict[int, dict[str, Verdict]]:
    """Return the stored fire, food and service verdicts of each facility, by kind."""
    verdicts: dict[int, dict[str, Verdict]] = defaultdict(dict)
    stmt = select(
        FacilityStanding.facility_id,
        FacilityStanding.kind,
        FacilityStanding.verdict,
        FacilityStanding.verdict_code,
        FacilityStanding.decided_on,
    ).where(
        FacilityStanding.facility_id.in_(facility_ids),
        FacilityStanding.kind.in_((StandingKind.FIRE, StandingKind.FOOD, StandingKind.SERVICE)),
    )
    for facility_id, kind, label, code, decided_on in db.session.execute(stmt):
        verdicts[facility_id][str(kind)] = Verdict(label, code, decided_on)
    return verdicts


def grading_histories(facility_ids: Sequence[int]) -> dict[int, list[GradingPoint]]:
    """Return the submitted grading results of each facility, oldest first."""
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
            )
            .order_by(Inspection.facility_id, Inspection.inspected_on, InspectionChecklist.id)
        )
        for facility_id, code, grade, points in db.session.execute(stmt):
            histories[facility_id].append(GradingPoint(code or "", grade, points))
    return histories


def _withheld_reasons(checklist_ids: Sequence[int]) -> dict[int, str]:
    if not checklist_ids:
        return {}
    rows = db.session.execute(
        select(InspectionChecklist.id, InspectionChecklist.result).where(InspectionChecklist.id.in_(checklist_ids))
    )
    return {ic_id: str((result or {}).get("decided_by", "")) for ic_id, result in rows}


# --- Charts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeCount:
    """How many facilities of a township sit at a grade (or in a special group)."""

    township: str
    group: RankGroup
    grade: int | None
    count: int


def grade_counts(user: User, filters: RankingFilters, today: date | None = None) -> list[GradeCount]:
    """Count the filtered facilities per township and grade, for the distribution charts."""
    base = _keys(_dialect(), with_dates=_needs_dates(filters, "rank"))
    stmt = _filter(
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
    base = _keys(_dialect(), with_dates=_needs_dates(filters, "rank"))
    ids = _filter(select(base.c.facility_id), base, filters)
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
    if _dialect() == "postgresql":
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
