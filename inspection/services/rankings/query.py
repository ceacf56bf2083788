"""The league table as SQL: one query over stored results (standings, open hazards, listings) per page.

Nothing here scores anything: grades and verdicts were stored at submission (``FacilityStanding``). The ordering
mirrors :func:`inspection.scoring.rankings.rank_key`; a test checks that both give the same order. The safety
verdicts' columns are those the checklist data declares (``kinds``, see ``inspection.services.standings``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from inspection.checklists import GRADE_STANDING, GRADING_CHECKLIST
from inspection.extensions import db
from inspection.models import (
    LISTED_STATUSES,
    ChecklistStatus,
    CreditListing,
    Facility,
    FacilityRankKey,
    FacilityStanding,
    FacilityStatus,
    Hazard,
    Inspection,
    InspectionChecklist,
    Region,
    User,
)
from inspection.permissions import bound_region, in_bound_region, in_township
from inspection.scoring.rankings import GRADE_CODE, WITHHELD_CODE, RankGroup
from inspection.services.rankings.filters import GROUP_FILTERS, OPEN_HAZARD, RankingFilters
from inspection.services.standings import safety_standings, standings_on

_NO_DATE = "0001-01-01"


def safety_kinds(session: Session | None = None) -> tuple[str, ...]:
    """Return the kinds of the safety verdicts the table shows, in column order (from the checklist data, read with
    `session`, by default the app's)."""
    return tuple(s.kind for s in safety_standings(session))


# The rank is a facility's place in its whole region, so the rule has to sort every row of the region, even for a
# filtered page. That sort is most of the cost of a page, so it carries only what the rule, the filters and the
# sorts need (:func:`_keys`); the wide columns (labels, dates, the listing's ground, …) are joined afterwards for
# the page's rows only (:func:`_details`). An unfiltered table in rank order needs no window at all: its rank is the
# row's position, so a top-N sort of the keys is enough (:func:`_by_position`).


def dialect_name() -> str:
    """Return the name of the database dialect in use ("postgresql", "sqlite")."""
    return db.session.get_bind().dialect.name


def _binary(column: Any, dialect: str | None = None) -> Any:
    """Compare text by code point on every database (PostgreSQL's default collation would not)."""
    return column.collate("C") if (dialect or dialect_name()) == "postgresql" else column


def _latest_of(dialect: str, *dates: Any) -> Any:
    """Return the latest non-null date of `dates` (NULL when all are NULL)."""
    if len(dates) == 1:
        return dates[0]
    if dialect == "postgresql":
        return func.greatest(*dates)
    latest = func.max(*(func.coalesce(d, _NO_DATE) for d in dates))
    return type_coerce(func.nullif(latest, _NO_DATE), Date)


def _group_expr(standing: Any, pending: Any, listing: Any) -> ColumnElement[int]:
    """The SQL form of :func:`inspection.scoring.rankings.rank_group`."""
    return case(
        (Facility.is_residential.is_(False), int(RankGroup.NOT_ELIGIBLE)),
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
        .where(Hazard.status.in_(OPEN_HAZARD), Hazard.self_found.is_(False))
        .group_by(Hazard.facility_id)
        .subquery("hz")
    )
    return hazards, _pending_gradings()


def _pending_gradings() -> Any:
    """The submitted grading results not countersigned yet (their facilities rank as 待审核)."""
    return (
        select(InspectionChecklist.id)
        .where(
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.reviewed_at.is_(None),
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
        )
        .subquery("pending")
    )


def held_standings(name: str, kind: str) -> Any:
    """The standings of `kind` as they hold on the bound ``today`` (``standings.standings_on``), as an alias of
    ``FacilityStanding`` named `name`."""
    return aliased(FacilityStanding, standings_on(name, kind), adapt_on_names=True)


def query_params(user: User, today: date | None = None) -> dict[str, Any]:
    """Return the values of the bound parameters of the cached table queries: the user's region and today."""
    return {**bound_region(user), "today": today or date.today()}


@lru_cache(maxsize=16)
def _keys(
    dialect: str,
    kinds: tuple[str, ...],
    *,
    with_dates: bool = False,
    stored: bool = False,
    overdue_counted: bool = False,
) -> Any:
    """Every active facility within the region bound by :func:`query_params`, with what the ranking rule, the filters
    and the sorts need, and nothing more; the standings hold and overdue counts on the bound ``today``. Built once
    per dialect
    (building the construct costs more than running it), then executed with :func:`query_params`.

    :param kinds: the kinds of the safety verdicts shown (:func:`safety_kinds`).
    :param with_dates: also the dates of the safety verdicts (``<kind>_on``) and the latest of all (for filters and
        sorts on them); otherwise ``complete_rows`` adds the verdicts for the rows shown.
    :param stored: read the keys stored per facility (``.stored``), where ``overdue`` is 1 for a facility with
        overdue hazards, not their count (:func:`_details` counts them for the rows shown) unless `overdue_counted`
        (for the sort by it).
    """
    if stored:
        return _stored_keys(kinds if with_dates else None, overdue_counted=overdue_counted)
    grade = held_standings("sg", GRADE_STANDING)
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
        .outerjoin(grade, and_(grade.facility_id == Facility.id, grade.kind == GRADE_STANDING))
        .outerjoin(pending, pending.c.id == grade.inspection_checklist_id)
        .outerjoin(hazards, hazards.c.facility_id == Facility.id)
        .outerjoin(listings, listings.c.facility_id == Facility.id)
        .where(Facility.status == FacilityStatus.ACTIVE, in_bound_region())
    )
    if with_dates:
        stmt = _with_dates(stmt, grade, dialect, kinds)
    return stmt.subquery("keys")


def _stored_keys(kinds: tuple[str, ...] | None, *, overdue_counted: bool) -> Any:
    """The rows of :func:`_keys` from the stored keys (``FacilityRankKey``); with `kinds`, the stored date of the
    newest result and those of the stored standings of `kinds` (they hold when the keys do; one join each, so pass
    only the kinds a sort needs); with `overdue_counted`, ``overdue`` counts the overdue hazards."""
    k = FacilityRankKey
    if overdue_counted:
        counts = _overdue_counts()
        overdue = func.coalesce(counts.c.overdue, 0)
    else:
        overdue = case((k.first_deadline < bindparam("today", type_=Date), 1), else_=0)
    stmt = (
        select(
            k.grp,
            k.rank_level,
            k.rank_score,
            k.open_major,
            k.name,
            k.facility_id,
            k.type,
            k.ownership,
            Region.id.label("region_id"),
            Region.name.label("township"),
            k.grade_code,
            k.grade,
            k.grade_score,
            k.reviewed,
            k.open_hazards,
            overdue.label("overdue"),
            k.blacklisted,
            k.level_change,
        )
        .join(Region, Region.id == k.region_id)
        .where(in_bound_region())
    )
    if overdue_counted:
        stmt = stmt.outerjoin(counts, counts.c.facility_id == k.facility_id)
    if kinds is not None:
        stmt = stmt.add_columns(k.last_inspected)
    for kind in kinds or ():
        held = aliased(FacilityStanding, name=f"d_{kind}")  # one per facility and kind
        stmt = stmt.add_columns(held.decided_on.label(f"{kind}_on"))
        stmt = stmt.outerjoin(held, and_(held.facility_id == k.facility_id, held.kind == kind))
    return stmt.subquery("keys")


def _overdue_counts() -> Any:
    """The number of open hazards past their deadline on the bound ``today``, per facility that has any (as
    :func:`_aggregates` counts them; an index-only scan of ``ix_hazards_open_facility``)."""
    return (
        select(Hazard.facility_id, func.count().label("overdue"))
        .where(
            Hazard.status.in_(OPEN_HAZARD),
            Hazard.self_found.is_(False),
            Hazard.deadline < bindparam("today", type_=Date),
        )
        .group_by(Hazard.facility_id)
        .subquery("od")
    )


def _with_dates(stmt: Select[Any], grade: Any, dialect: str, kinds: tuple[str, ...]) -> Select[Any]:
    verdicts = {kind: held_standings(f"s_{kind}", kind) for kind in kinds}
    latest = _latest_of(dialect, grade.decided_on, *(v.decided_on for v in verdicts.values()))
    stmt = stmt.add_columns(*(v.decided_on.label(f"{kind}_on") for kind, v in verdicts.items()))
    for kind, verdict in verdicts.items():
        stmt = stmt.outerjoin(verdict, and_(verdict.facility_id == Facility.id, verdict.kind == kind))
    return stmt.add_columns(latest.label("last_inspected"))


def _needs_dates(filters: RankingFilters, sort: str, kinds: Sequence[str]) -> bool:
    return bool(filters.date_from or filters.date_to) or sort == "last" or sort in kinds


def filtered_keys(filters: RankingFilters, kinds: tuple[str, ...], *, stored: bool = False) -> Any:
    """Return the key rows of the table (a subquery, unranked), with what `filters` need (for counts and charts;
    apply the filters with :func:`apply_filters`); `stored` as for :func:`table_statement`."""
    with_dates = _needs_dates(filters, "rank", kinds)
    return _keys(dialect_name(), () if stored else kinds, with_dates=with_dates, stored=stored)


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


@lru_cache(maxsize=16)
def ranked(
    dialect: str,
    kinds: tuple[str, ...],
    *,
    with_dates: bool = False,
    stored: bool = False,
    overdue_counted: bool = False,
) -> Any:
    """Return the keys of the league table as a subquery with their `rank` column (execute with
    :func:`query_params`).

    The rank is the place in the whole table of the user's region; filters applied later keep it. From `stored`
    keys the column is NULL: numbering every key of the region would cost each page more than the rest of it, and
    the caller takes the numbers of the rows it reads from ``positions.rank_positions``.
    """
    keys = _keys(dialect, kinds, with_dates=with_dates, stored=stored, overdue_counted=overdue_counted)
    if stored:
        return select(keys, cast(null(), Integer).label("rank")).subquery("ranked")
    rank = func.row_number().over(order_by=_rank_order(keys)).label("rank")
    return select(keys, rank).subquery("ranked")


def apply_filters(stmt: Select[Any], table: Any, filters: RankingFilters) -> Select[Any]:
    """Return `stmt` limited to the rows of `table` (the keys) that pass `filters`."""
    c = table.c
    conditions = []
    if filters.township:
        conditions.append(in_township(filters.township, c.region_id))
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
        "open": lambda: c.open_hazards,
        "major": lambda: c.open_major,
        "overdue": lambda: c.overdue,
        "blacklisted": lambda: c.blacklisted,
        "last": lambda: c.last_inspected,
        "trend": lambda: c.level_change,
    }
    if sort in columns:
        column = columns[sort]()
    elif sort != GRADE_STANDING and f"{sort}_on" in c:
        column = c[f"{sort}_on"]  # a safety verdict's column sorts by the verdict's date
    else:  # "grade" sorts as the rank does: the grade comes first in the rule
        return [_unranked_last(table), *_rank_order(table, reverse=direction == "desc")]
    ordered = column.desc() if direction == "desc" else column.asc()
    return [_unranked_last(table), ordered.nulls_last(), *_rank_order(table)]  # ties in rank order


def _unranked_last(table: Any) -> Any:
    """Facilities outside the grading's scope follow every ranked one, whatever the sort (a section of their own)."""
    return (table.c.grp == int(RankGroup.NOT_ELIGIBLE)).asc()


def _previous_levels(*where: Any) -> Any:
    """The level of each facility's second-newest grading result (see ``level_value``), in one pass; `where` limits
    the inspections read."""
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
            Inspection.inspected_on <= bindparam("today", type_=Date),  # as the standings: none dated later
            *where,
        )
        .subquery("history")
    )
    return select(history.c.facility_id, history.c.level).where(history.c.n == 2).subquery("previous")


def _level_sql(code: Any, grade: Any) -> Any:
    return case((code == WITHHELD_CODE, 0), (and_(code == GRADE_CODE, grade.is_not(None)), grade + 1), else_=1)


def _details(rows: Any, order: Callable[[Any], list[Any]], *, stored: bool = False) -> Select[Any]:
    """Add the wide columns to `rows` (a subquery of keys with `rank` and `total`) and order them by `order`; with
    `stored` keys, count the overdue hazards of these rows, and read the grades as stored (they hold today when the
    stored keys do: ``stored.usable_on``)."""
    grade = aliased(FacilityStanding, name="sg") if stored else held_standings("sg", GRADE_STANDING)
    listings = _listings("bl", with_ground=True)
    c = rows.c
    overdue = _overdue_count(c.facility_id) if stored else c.overdue
    columns = [
        c.facility_id, c.name, c.type, c.ownership, Facility.is_demo, c.region_id, c.township, c.grade_code, c.grade,
        grade.verdict.label("grade_label"), c.grade_score, grade.decided_on.label("grade_on"),
        grade.inspection_checklist_id.label("grade_ic_id"), grade.unverified, c.reviewed, c.open_hazards,
        c.open_major, overdue.label("overdue"), c.blacklisted, listings.c.ground.label("blacklist_ground"), c.grp,
        c.rank, c.total,
    ]  # fmt: skip
    return (
        select(*columns)
        .join(Facility, Facility.id == c.facility_id)
        .outerjoin(grade, and_(grade.facility_id == c.facility_id, grade.kind == GRADE_STANDING))
        .outerjoin(listings, listings.c.facility_id == c.facility_id)
        .order_by(*order(rows))
    )


def _overdue_count(facility_id: Any) -> Any:
    """The number of the facility's open hazards past their deadline on the bound ``today`` (as :func:`_aggregates`
    counts them)."""
    return (
        select(func.count())
        .where(
            Hazard.facility_id == facility_id,
            Hazard.status.in_(OPEN_HAZARD),
            Hazard.self_found.is_(False),
            Hazard.deadline < bindparam("today", type_=Date),
        )
        .scalar_subquery()
    )


def _by_position(
    dialect: str, limit: int | None, offset: int, total: int | None, *, stored: bool = False
) -> Select[Any]:
    """The unfiltered table in rank order: the rank is the row's position, so a top-N sort of the keys gives the
    rows, and numbering them gives their ranks. A page in the back half (given the `total`) is read from the other
    end, so its top-N sort stays small."""
    keys = _keys(dialect, (), stored=stored)
    reverse = False
    if total is not None and limit is not None and total > offset and 2 * offset + limit > total:
        reverse = True
        offset, limit = max(0, total - offset - limit), min(limit, total - offset)
    # a known total leaves the top-N to the rank-order index (``ix_facility_rank_keys_rank_order``): counting the
    # rows with the window would read every key of the region
    counted = func.count().over() if total is None else literal(total, Integer)
    top = (
        select(keys, counted.label("total"))
        .order_by(*_rank_order(keys, reverse=reverse))
        .limit(limit)
        .offset(offset)
        .subquery("top")
    )
    position = func.row_number().over(order_by=_rank_order(top, reverse=reverse)) + offset
    rank = top.c.total - position + 1 if reverse else position
    rows = select(top, rank.label("rank")).subquery("page")
    return _details(rows, lambda t: [t.c.rank.asc()], stored=stored)


def unfiltered_by_rank(filters: RankingFilters, sort: str, direction: str = "asc") -> bool:
    """Whether the rows are the unfiltered table in rank order, read by position (:func:`_by_position`); not in
    reverse, where the unranked facilities still come last."""
    return sort in ("rank", "grade") and direction != "desc" and filters == RankingFilters()


def table_statement(
    filters: RankingFilters,
    sort: str,
    direction: str,
    limit: int | None = None,
    offset: int = 0,
    total: int | None = None,
    kinds: tuple[str, ...] | None = None,
    stored: bool = False,
) -> Select[Any]:
    """Return the query of the filtered, sorted table (or of `limit` rows of it from `offset`), each row with the
    filtered total; execute it with :func:`query_params`.

    :param total: the number of rows if known (it lets a deep page of the unfiltered table be read from its end, and
        spares counting them).
    :param kinds: the safety verdicts' kinds (default: :func:`safety_kinds`).
    :param stored: read the stored keys (``stored.usable_on`` says whether they hold today).
    """
    dialect = dialect_name()
    if unfiltered_by_rank(filters, sort, direction):
        return _by_position(dialect, limit, offset, total, stored=stored)
    kinds = safety_kinds() if kinds is None else kinds
    with_dates = _needs_dates(filters, sort, kinds)
    # the stored keys hold the latest date; sorted by a safety verdict's date, they join that verdict's standings
    date_kinds = ((sort,) if sort in kinds else ()) if stored else kinds
    overdue_counted = stored and sort == "overdue"
    table = ranked(dialect, date_kinds, with_dates=with_dates, stored=stored, overdue_counted=overdue_counted)
    # a known total spares the window that counts the rows (it holds every filtered row of the region)
    counted = func.count().over() if total is None else literal(total, Integer)
    stmt = apply_filters(select(table, counted.label("total")), table, filters)
    if sort == "trend" and stored:  # the change is stored with the keys
        change = table.c.level_change
        stmt = stmt.order_by(
            _unranked_last(table),
            (change.desc() if direction == "desc" else change.asc()).nulls_last(),
            *_rank_order(table),
        )
    elif sort == "trend":  # join the previous gradings; the page's rows keep the change to order by
        previous = _previous_levels()
        change = (_level_sql(table.c.grade_code, table.c.grade) - previous.c.level).label("level_change")
        stmt = stmt.add_columns(change).outerjoin(previous, previous.c.facility_id == table.c.facility_id)
        stmt = stmt.order_by(
            _unranked_last(table),
            (change.desc() if direction == "desc" else change.asc()).nulls_last(),
            *_rank_order(table),
        )
    else:
        stmt = stmt.order_by(*_sort_columns(table, sort, direction))
    rows = stmt.limit(limit).offset(offset).subquery("page")
    return _details(rows, lambda t: _sort_columns(t, sort, direction), stored=stored)


def export_statement(
    filters: RankingFilters, sort: str, direction: str, kinds: tuple[str, ...], *, stored: bool = False
) -> Select[Any]:
    """Return :func:`table_statement` of every row with, in the same query, what ``table.complete_rows`` reads for
    the rows of a page: each safety verdict (``<kind>_verdict``, ``_code``, ``_on``, ``_found``), the newest two
    grading results (``latest_*`` and ``previous_*``, for the trend) and a withheld grade's result (for its reason).
    An export of 20,000 rows is then one streamed query instead of three more per chunk of rows."""
    stmt = table_statement(filters, sort, direction, kinds=kinds, stored=stored)
    row = stmt.selected_columns
    for kind in kinds:
        verdict = aliased(FacilityStanding, name=f"v_{kind}") if stored else held_standings(f"v_{kind}", kind)
        stmt = stmt.add_columns(
            verdict.verdict.label(f"{kind}_verdict"),
            verdict.verdict_code.label(f"{kind}_code"),
            verdict.decided_on.label(f"{kind}_on"),
            verdict.id.is_not(None).label(f"{kind}_found"),
        ).outerjoin(verdict, and_(verdict.facility_id == row.facility_id, verdict.kind == kind))
    gradings = _newest_gradings()
    for name, ordinal in (("latest", 1), ("previous", 2)):
        grading = gradings.alias(name)
        stmt = stmt.add_columns(
            grading.c.n.is_not(None).label(f"{name}_found"),
            grading.c.verdict_code.label(f"{name}_code"),
            grading.c.grade.label(f"{name}_grade"),
            grading.c.points.label(f"{name}_points"),
        ).outerjoin(grading, and_(grading.c.facility_id == row.facility_id, grading.c.n == ordinal))
    # read for the few withheld rows only (a join would scan every checklist)
    result = select(InspectionChecklist.result).where(InspectionChecklist.id == row.grade_ic_id).scalar_subquery()
    return stmt.add_columns(case((row.grp == int(RankGroup.WITHHELD), result)).label("withheld_result"))


def _newest_gradings() -> Any:
    """Every facility's submitted grading results dated on or before the bound ``today``, numbered from the newest
    (``n``), in the order ``table.grading_histories`` reads them."""
    ordinal = func.row_number().over(
        partition_by=Inspection.facility_id, order_by=(Inspection.inspected_on.desc(), InspectionChecklist.id.desc())
    )
    history = (
        select(
            Inspection.facility_id,
            InspectionChecklist.verdict_code,
            InspectionChecklist.grade,
            InspectionChecklist.points,
            ordinal.label("n"),
        )
        .join(Inspection, Inspection.id == InspectionChecklist.inspection_id)
        .where(
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
            Inspection.inspected_on <= bindparam("today", type_=Date),
        )
        .subquery("numbered")
    )
    return select(history).where(history.c.n <= 2).cte("newest_gradings")
