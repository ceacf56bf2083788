"""The county league table: one query over stored results (standings, open hazards, listings), filters, sorting,
pagination, chart counts, and the facility history.

Nothing here scores anything: grades and verdicts were stored at submission (``FacilityStanding``). The SQL
ordering mirrors :func:`inspection.scoring.rankings.rank_key`; a test checks that both give the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import aliased

from inspection.extensions import db
from inspection.models import (
    ChecklistStatus,
    CreditListing,
    CreditStatus,
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
    WITHHELD_CODE,
    GradingPoint,
    RankGroup,
    Trend,
    grade_trend,
    group_reason,
)

GRADING_CODE = "grading_gbt37276"
#: Listing states that count as being on the blacklist.
BLACKLISTED = (CreditStatus.ACTIVE, CreditStatus.REMOVAL_REQUESTED)
OPEN_HAZARD = (HazardStatus.OPEN, HazardStatus.EVIDENCE_SUBMITTED)
#: Values of the grade filter besides "1" … "5".
GROUP_FILTERS = {
    "below": RankGroup.BELOW_GRADE,
    "pending": RankGroup.PENDING,
    "unrated": RankGroup.UNRATED,
    "withheld": RankGroup.WITHHELD,
    "blacklisted": RankGroup.BLACKLISTED,
}
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


def _aggregates() -> tuple[Any, Any, Any]:
    """Open hazards per facility (with majors and overdue ones), the blacklist flag per facility, and the
    grading results not countersigned yet (few, so a small hash join instead of a lookup per facility)."""
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
    listings = (
        select(CreditListing.facility_id, func.min(CreditListing.ground).label("ground"))
        .where(CreditListing.status.in_(BLACKLISTED))
        .group_by(CreditListing.facility_id)
        .subquery("bl")
    )
    pending = (
        select(InspectionChecklist.id)
        .where(
            InspectionChecklist.checklist_code == GRADING_CODE,
            InspectionChecklist.reviewed_at.is_(None),
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
        )
        .subquery("pending")
    )
    return hazards, listings, pending


def query_params(user: User, today: date | None = None) -> dict[str, Any]:
    """Return the values of the bound parameters of the cached table queries: the user's region and today."""
    return {"region_like": f"{user.region.path}%", "today": today or date.today()}


@lru_cache(maxsize=8)
def _base(dialect: str, *, with_dates: bool = False) -> Any:
    """Every active facility within the region bound as ``region_like`` with its grade standing, hazard counts
    and listing; overdue counts against the bound ``today``. Built once per dialect (building the construct costs
    more than running it), then executed with :func:`query_params`.

    :param with_dates: also join the fire, food and service standings (for filters and sorts on their dates);
        otherwise :func:`complete_rows` adds them for the rows shown.
    """
    grade = aliased(FacilityStanding, name="sg")
    hazards, listings, pending = _aggregates()
    columns = [
        Facility.id.label("facility_id"),
        Facility.name,
        Facility.type,
        Facility.ownership,
        Facility.is_demo,
        Region.id.label("region_id"),
        Region.name.label("township"),
        grade.verdict_code.label("grade_code"),
        grade.grade,
        grade.verdict.label("grade_label"),
        grade.points.label("grade_score"),
        grade.decided_on.label("grade_on"),
        grade.inspection_checklist_id.label("grade_ic_id"),
        grade.unverified,
        pending.c.id.is_(None).label("reviewed"),
        func.coalesce(hazards.c.open_hazards, 0).label("open_hazards"),
        func.coalesce(hazards.c.open_major, 0).label("open_major"),
        func.coalesce(hazards.c.overdue, 0).label("overdue"),
        listings.c.facility_id.is_not(None).label("blacklisted"),
        listings.c.ground.label("blacklist_ground"),
        _group_expr(grade, pending, listings).label("grp"),
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
    return stmt.subquery("base")


def _with_dates(stmt: Select[Any], grade: Any, dialect: str) -> Select[Any]:
    fire, food, service = (aliased(FacilityStanding, name=n) for n in ("sf", "so", "ss"))
    latest = _latest_of(dialect, grade.decided_on, fire.decided_on, food.decided_on, service.decided_on)
    return (
        stmt.add_columns(
            *_verdict_columns("fire", fire),
            *_verdict_columns("food", food),
            *_verdict_columns("service", service),
            latest.label("last_inspected"),
        )
        .outerjoin(fire, and_(fire.facility_id == Facility.id, fire.kind == StandingKind.FIRE))
        .outerjoin(food, and_(food.facility_id == Facility.id, food.kind == StandingKind.FOOD))
        .outerjoin(service, and_(service.facility_id == Facility.id, service.kind == StandingKind.SERVICE))
    )


def _verdict_columns(kind: str, standing: Any) -> list[Any]:
    return [
        standing.verdict.label(f"{kind}_label"),
        standing.verdict_code.label(f"{kind}_code"),
        standing.decided_on.label(f"{kind}_on"),
    ]


def _needs_dates(filters: RankingFilters, sort: str) -> bool:
    return bool(filters.date_from or filters.date_to) or sort in ("fire", "food", "service", "last")


def _rank_order(base: Any, dialect: str) -> list[Any]:
    """The ranking rule in SQL (see the docstring of ``inspection.scoring.rankings``)."""
    graded = base.c.grp == int(RankGroup.GRADED)
    scored = base.c.grp <= int(RankGroup.BELOW_GRADE)
    return [
        base.c.grp.asc(),
        case((graded, func.coalesce(base.c.grade, 0)), else_=0).desc(),
        case((scored, func.coalesce(base.c.grade_score, -1)), else_=-1).desc(),
        base.c.open_major.asc(),
        _binary(base.c.name, dialect).asc(),
        base.c.facility_id.asc(),
    ]


@lru_cache(maxsize=8)
def ranked(dialect: str, *, with_dates: bool = False) -> Any:
    """Return the league table as a subquery with its `rank` column (execute with :func:`query_params`).

    The rank is the place in the whole table of the user's region; filters applied later keep it.
    """
    base = _base(dialect, with_dates=with_dates)
    rank = func.row_number().over(order_by=_rank_order(base, dialect)).label("rank")
    return select(base, rank).subquery("ranked")


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
            InspectionChecklist.checklist_code == GRADING_CODE,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
        )
        .subquery("history")
    )
    return select(history.c.facility_id, history.c.level).where(history.c.n == 2).subquery("previous")


def _ordered(stmt: Select[Any], table: Any, sort: str, direction: str) -> Select[Any]:
    """Apply the sort (joining the previous gradings when sorting by trend); ties fall back to the rank."""
    if sort != "trend":
        return stmt.order_by(*_sort_columns(table, sort, direction))
    previous = _previous_levels()
    change = _level_sql(table.c.grade_code, table.c.grade) - previous.c.level
    ordered = change.desc() if direction == "desc" else change.asc()
    stmt = stmt.outerjoin(previous, previous.c.facility_id == table.c.facility_id)
    return stmt.order_by(ordered.nulls_last(), table.c.rank.asc())


def _level_sql(code: Any, grade: Any) -> Any:
    return case((code == WITHHELD_CODE, 0), (and_(code == GRADE_CODE, grade.is_not(None)), grade + 1), else_=1)


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
    stmt, table = page_statement(filters, sort, direction, page, per_page)
    params = query_params(user, today)
    _allow_sort_memory()
    result = db.session.execute(stmt, params).mappings().all()
    if result:
        total = result[0]["total"]
    else:
        total = db.session.scalar(_filter(select(func.count()).select_from(table), table, filters), params) or 0
    rows = complete_rows([_row(r) for r in result])
    return RankingPage(rows, total, page, per_page, sort, direction)


def _allow_sort_memory() -> None:
    """Let PostgreSQL sort the region's whole table in memory for this transaction: with the default work_mem
    (4 MB) the sort behind the rank spills to disk from about 10,000 facilities on."""
    if _dialect() == "postgresql":
        db.session.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))


def page_statement(
    filters: RankingFilters, sort: str, direction: str, page: int, per_page: int
) -> tuple[Select[Any], Any]:
    """Return the one query of a page (rows plus the filtered total as a window count) and its ranked table;
    execute it with :func:`query_params`."""
    table = ranked(_dialect(), with_dates=_needs_dates(filters, sort))
    stmt = _filter(select(table, func.count().over().label("total")), table, filters)
    stmt = _ordered(stmt, table, sort, direction).limit(per_page).offset((page - 1) * per_page)
    return stmt, table


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
    table = ranked(_dialect(), with_dates=_needs_dates(filters, sort))
    stmt = _ordered(_filter(select(table), table, filters), table, sort, direction)
    _allow_sort_memory()
    result = db.session.execute(stmt.execution_options(yield_per=chunk), query_params(user, today)).mappings()
    for part in batched(result, chunk):
        yield from complete_rows([_row(r) for r in part])


def count_rows(user: User, filters: RankingFilters, today: date | None = None) -> int:
    """Return how many rows the filtered table has."""
    table = ranked(_dialect(), with_dates=_needs_dates(filters, "rank"))
    stmt = _filter(select(func.count()).select_from(table), table, filters)
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
                InspectionChecklist.checklist_code == GRADING_CODE,
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
    base = _base(_dialect(), with_dates=_needs_dates(filters, "rank"))
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
    base = _base(_dialect(), with_dates=_needs_dates(filters, "rank"))
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
