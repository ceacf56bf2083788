"""The league-table query: the same order as the pure rule, filters, sorting, pagination, chart counts.

The county is built once by tests/rankings/world.py (its docstring tells each facility's story)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from inspection.extensions import db
from inspection.models import (
    CreditListing,
    Facility,
    FacilityStanding,
    Hazard,
    InspectionChecklist,
    StandingKind,
)
from inspection.scoring.rankings import RankGroup, RankInput, rank_facilities
from inspection.services.rankings import (
    RankingFilters,
    count_rows,
    grade_counts,
    hazards_per_month,
    iter_ranking,
    last_months,
    ranking_page,
)
from tests.conftest import facility, user
from tests.rankings.world import FACILITIES, NOT_ELIGIBLE, RANKED

pytestmark = pytest.mark.usefixtures("app_ctx")


def table(filters=None, **kwargs):
    return ranking_page(user("reviewer"), filters or RankingFilters(), per_page=500, **kwargs)


def as_input(r):
    return RankInput(r.facility_id, r.name, r.grade_code, r.grade, r.grade_score, r.reviewed, r.open_major,
                     r.blacklisted, db.session.get(Facility, r.facility_id).is_residential)  # fmt: skip


def assert_sql_order_is_the_rule():
    rows = table().rows
    expected = [(rank, r.facility_id) for rank, r in rank_facilities(as_input(r) for r in rows)]
    assert [(r.rank, r.facility_id) for r in rows] == expected


def grade_standing(name):
    return db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == facility(name).id, FacilityStanding.kind == StandingKind.GRADE
        )
    )


def test_the_county_ranks_every_active_facility_once():
    page = table()
    assert page.total == FACILITIES == len(page.rows)
    assert [r.rank for r in page.rows] == [*range(1, RANKED + 1), *[None] * NOT_ELIGIBLE]
    assert "邻县敬老院" not in {r.name for r in page.rows}  # another county's facility


def test_the_sql_order_is_the_documented_rule_on_the_county():
    assert_sql_order_is_the_rule()
    groups = [r.group for r in table().rows]
    assert groups == sorted(groups)
    assert groups[-1] == RankGroup.NOT_ELIGIBLE and RankGroup.WITHHELD in groups and RankGroup.BLACKLISTED in groups
    assert RankGroup.UNRATED in groups and RankGroup.PENDING in groups


def test_the_sql_order_matches_the_rule_with_ties_and_every_special_case():
    beiyuan, qinglian = grade_standing("北苑敬老院"), grade_standing("清涟敬老院")
    for s in (beiyuan, qinglian):  # a full tie of grade and score: fewer open majors, then name decide
        s.grade, s.points, s.verdict, s.verdict_code = 2, Decimal("520.00"), "二级", "grade"
    kangning = grade_standing("康宁老年公寓")
    kangning.verdict_code, kangning.grade, kangning.verdict = "below_grade", None, "未达等级"
    db.session.execute(
        update(InspectionChecklist)
        .where(InspectionChecklist.id == grade_standing("社会福利中心").inspection_checklist_id)
        .values(reviewed_at=None)
    )
    db.session.add(CreditListing(facility_id=facility("清涟敬老院").id, ground="7", status="removal_requested"))
    db.session.flush()
    assert_sql_order_is_the_rule()
    by_name = {r.name: r for r in table().rows}
    assert by_name["社会福利中心"].group == RankGroup.PENDING
    assert by_name["康宁老年公寓"].group == RankGroup.BELOW_GRADE
    assert by_name["清涟敬老院"].group == RankGroup.BLACKLISTED and "拒绝" in by_name["清涟敬老院"].reason


def test_open_major_hazards_break_a_tie_of_grade_and_score():
    for name in ("北苑敬老院", "清涟敬老院"):
        s = grade_standing(name)
        s.grade, s.points, s.verdict, s.verdict_code = 2, Decimal("520.00"), "二级", "grade"
    hazard = db.session.scalar(select(Hazard).where(Hazard.facility_id == facility("北苑敬老院").id).limit(1))
    hazard.status, hazard.item_class = "open", "major"
    db.session.flush()
    by_name = {r.name: r.rank for r in table().rows}
    assert by_name["清涟敬老院"] < by_name["北苑敬老院"]
    assert_sql_order_is_the_rule()


def test_counts_of_open_major_and_overdue_hazards():
    rows = {r.name: r for r in table().rows}
    hanjialou = rows["韩家楼敬老院"]
    assert hanjialou.open_major >= 1 and hanjialou.overdue >= 1 and hanjialou.group == RankGroup.WITHHELD
    assert "重大事故隐患" in hanjialou.reason
    open_count = db.session.scalar(
        select(db.func.count())
        .select_from(Hazard)
        .where(Hazard.facility_id == facility("颐和养老院").id, Hazard.status != "closed")
    )
    assert rows["颐和养老院"].open_hazards == open_count and rows["颐和养老院"].blacklisted


@pytest.mark.parametrize(
    ("args", "check"),
    [
        ({"grade": "2"}, lambda r: r.group == RankGroup.GRADED and r.grade == 2),
        ({"grade": "pending"}, lambda r: r.group == RankGroup.PENDING),
        ({"grade": "unrated"}, lambda r: r.group == RankGroup.UNRATED),
        ({"grade": "withheld"}, lambda r: r.group == RankGroup.WITHHELD),
        ({"grade": "blacklisted"}, lambda r: r.blacklisted),
        ({"grade": "not_eligible"}, lambda r: r.group == RankGroup.NOT_ELIGIBLE and r.rank is None),
        ({"overdue": "1"}, lambda r: r.overdue > 0),
        ({"type": "mutual_aid"}, lambda r: r.type == "mutual_aid"),
        ({"ownership": "private"}, lambda r: r.ownership == "private"),
        ({"q": "敬老院"}, lambda r: "敬老院" in r.name),
    ],
)
def test_each_filter_keeps_exactly_the_matching_rows(args, check):
    everything = table().rows
    filtered = table(RankingFilters.from_args(args))
    expected = [r.facility_id for r in everything if check(r)]
    assert expected, "the ranking county should have a row for every filter"
    assert [r.facility_id for r in filtered.rows] == expected and filtered.total == len(expected)


def test_the_township_and_date_filters():
    township = facility("韩家楼敬老院").region
    rows = table(RankingFilters(township=township.id)).rows
    assert {r.township for r in rows} == {township.name}
    assert {r.name for r in rows} == {"韩家楼敬老院", "小河头村农村老年人日间照料中心"}
    start = date.today() - timedelta(days=60)
    recent = table(RankingFilters(date_from=start)).rows
    assert recent and all(r.last_inspected >= start for r in recent)
    assert len(recent) + len(table(RankingFilters(date_to=start - timedelta(days=1))).rows) == FACILITIES


def test_filters_survive_a_round_trip_through_the_url():
    filters = RankingFilters(
        township=7, type="nursing_home", grade="withheld", overdue=True, date_from=date(2026, 1, 1)
    )
    assert RankingFilters.from_args(filters.to_args()) == filters
    assert RankingFilters.from_args({"grade": "9", "township": "x", "from": "2026-13-01", "type": "spa"}) == (
        RankingFilters()
    )


def test_a_filtered_row_keeps_its_county_rank():
    ranks = {r.facility_id: r.rank for r in table().rows}
    for grade in ("unrated", "withheld", "not_eligible"):
        for r in table(RankingFilters(grade=grade)).rows:
            assert r.rank == ranks[r.facility_id]


@pytest.mark.parametrize("sort", ["name", "township", "score", "open", "overdue", "last", "trend", "fire", "type"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sorting_by_any_column_reorders_the_same_rows(sort, direction):
    page = table(sort=sort, direction=direction)
    assert sorted(r.facility_id for r in page.rows) == sorted(r.facility_id for r in table().rows)
    unranked = [r.rank is None for r in page.rows]
    assert unranked == sorted(unranked), "the facilities outside the grading's scope come last whatever the sort"
    key = {"open": "open_hazards", "overdue": "overdue", "score": "grade_score", "last": "last_inspected"}.get(sort)
    for section in (False, True):
        rows = [r for r in page.rows if (r.rank is None) == section]
        values = [getattr(r, key) for r in rows if key and getattr(r, key) is not None]
        assert values == sorted(values, reverse=direction == "desc")


def test_pages_split_the_table_without_gaps():
    assert FACILITIES == 17  # three pages of seven: 1–7, 8–14, 15–17
    first = ranking_page(user("reviewer"), RankingFilters(), per_page=7)
    third = ranking_page(user("reviewer"), RankingFilters(), per_page=7, page=3)
    beyond = ranking_page(user("reviewer"), RankingFilters(), per_page=7, page=9)
    assert [r.rank for r in first.rows] == list(range(1, 8)) and [r.rank for r in third.rows] == [None] * 3
    assert first.pages == 3 and beyond.rows == [] and beyond.total == FACILITIES


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("per_page", [3, 7, FACILITIES])
def test_every_page_either_way_matches_the_whole_table(direction, per_page):
    # pages in the back half of the unfiltered table are read from its end: same rows, same ranks
    everything = [(r.rank, r.facility_id) for r in table(direction=direction).rows]
    paged = []
    for page in range(1, FACILITIES // per_page + 2):
        result = ranking_page(user("reviewer"), RankingFilters(), direction=direction, page=page, per_page=per_page)
        assert result.total == FACILITIES
        paged += [(r.rank, r.facility_id) for r in result.rows]
    ranks = sorted(range(1, RANKED + 1), reverse=direction == "desc")  # either way, the unranked come last
    assert paged == everything and [rank for rank, _ in everything] == [*ranks, *[None] * NOT_ELIGIBLE]


def test_the_export_iterator_yields_every_filtered_row_in_order():
    filters = RankingFilters(type="nursing_home")
    rows = list(iter_ranking(user("reviewer"), filters, chunk=2))
    assert [r.facility_id for r in rows] == [r.facility_id for r in table(filters).rows]
    assert count_rows(user("reviewer"), filters) == len(rows)


@pytest.mark.parametrize("days_back", [0, 30])  # today the stored keys hold; a month ago the keys are computed
@pytest.mark.parametrize(("sort", "direction"), [("rank", "asc"), ("trend", "desc"), ("name", "desc")])
def test_the_export_iterator_completes_every_row_as_the_page_does(days_back, sort, direction):
    day = date.today() - timedelta(days=days_back)
    page = table(sort=sort, direction=direction, today=day)
    exported = list(iter_ranking(user("reviewer"), RankingFilters(), sort=sort, direction=direction, today=day))
    assert exported == page.rows and len(exported) == FACILITIES


def test_trends_come_from_the_previous_grading():
    rows = {r.name: r for r in table().rows}
    assert rows["社会福利中心"].trend.direction == "up"
    assert rows["北苑敬老院"].trend.direction == "down"
    assert rows["东秀庄村农村老年人日间照料中心"].trend.direction == "none"


def test_chart_counts_add_up_to_the_filtered_rows():
    counts = grade_counts(user("reviewer"), RankingFilters())
    assert sum(c.count for c in counts) == FACILITIES
    assert sum(c.count for c in counts if c.group == RankGroup.GRADED and c.grade == 2) == 2
    months = last_months(date.today())
    monthly = hazards_per_month(user("reviewer"), RankingFilters(), months)
    assert len(monthly) == 12 and sum(opened for opened, _ in monthly.values()) > 0


def test_last_months_cross_the_year():
    assert last_months(date(2026, 2, 10), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
