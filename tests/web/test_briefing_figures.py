"""The joint-meeting briefing's figures, against counts made here by hand from the records the factories built."""

from collections import Counter
from datetime import date, timedelta

import pytest

from inspection.checklists import DepartmentCode
from inspection.dates import DateRange
from inspection.extensions import db
from inspection.models import CreditStatus, HazardStatus, Inspection, InspectionStatus, NoticeMode
from inspection.services import Actor
from inspection.services.briefing import briefing_figures
from inspection.services.credit import decide_removal, request_removal
from inspection.services.notices import issue_notices
from tests.factories import (
    blacklist,
    close_hazard,
    grade,
    hazards_of,
    inspect,
    make_county,
    make_facility,
    make_reviewer,
)

TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.fixture
def world(app_ctx):
    """A county of two townships with a quarter of work, and a neighbour county whose work must never count."""
    county = make_county(townships=2)
    west = county.townships[1]
    home = make_facility(county, name="东城敬老院")
    hill = make_facility(county, name="西山敬老院", region_id=west.id)
    graded = make_facility(county, name="南关养老院")
    pending = make_facility(county, name="北关养老院", region_id=west.id)
    reviewer = make_reviewer(county)
    first = inspect(home, fail=["F2", "F3", "F26"], on=ago(50))
    second = inspect(home, fail=["F23"], on=ago(20))
    earlier = inspect(hill, fail=["F7"], on=ago(100))
    once = inspect(hill, fail=["F25"], on=ago(10))
    key = next(h for h in hazards_of(first) if h.item_code == "F3")
    close_hazard(key, on=ago(30))
    issue_notices(first, NoticeMode.JOINT, Actor(reviewer, "test"), TODAY, lambda token: f"https://t.test/{token}")
    grade(graded, 2, on=ago(5))
    grade(pending, 3, on=ago(6), countersign=False)
    listed = blacklist(hill, decided_on=ago(15), reviewer=reviewer)
    old = blacklist(graded, decided_on=ago(800), reviewer=reviewer)
    request_removal(old, ago(3), Actor(reviewer, "test"))
    decide_removal(old, True, "期满且已整改（测试）", ago(2), Actor(reviewer, "test"))
    neighbour = make_county(townships=1)
    stranger = make_facility(neighbour, name="邻县敬老院")
    inspect(stranger, fail=["F2"], on=ago(40))
    inspect(stranger, fail=["F2"], on=ago(30))
    blacklist(stranger, decided_on=ago(9))
    db.session.flush()
    return {
        "county": county,
        "reviewer": reviewer,
        "inspections": [first, second, earlier, once],
        "facilities": {"home": home, "hill": hill, "graded": graded, "pending": pending},
        "listed": listed,
        "removed": old,
    }


def county_inspections(world) -> list[Inspection]:
    region = world["county"].region
    return [i for i in db.session.scalars(db.select(Inspection)) if region.contains(i.facility.region)]


def by_hand(world, period: DateRange) -> dict:
    """Count the period's figures the plain way: walk every record of the county and test each rule directly."""
    inspections = [
        i
        for i in county_inspections(world)
        if i.status == InspectionStatus.COMPLETE and period.first <= i.inspected_on <= period.last
    ]
    departments: Counter[str] = Counter()
    townships: Counter[str] = Counter()
    for inspection in inspections:
        townships[inspection.facility.region.name] += 1
        for code in {s.department_code for s in inspection.submissions}:
            departments[code] += 1
    hazards = [h for i in county_inspections(world) for h in hazards_of(i)]
    found, closed, overdue = Counter(), Counter(), Counter()
    for h in hazards:
        if period.first <= h.inspection.inspected_on <= period.last:
            found[h.item_class] += 1
        if h.closed_on is not None and period.first <= h.closed_on <= period.last:
            closed[h.item_class] += 1
        open_at_end = h.closed_on is None or h.closed_on > period.last
        if h.inspection.inspected_on <= period.last and open_at_end and h.deadline < period.last:
            overdue[h.item_class] += 1
    majors: dict[str, set[int]] = {}
    for h in hazards:
        if h.item_class == "major" and period.first <= h.inspection.inspected_on <= period.last:
            majors.setdefault(h.facility.name, set()).add(h.inspection_id)
    return {
        "departments": departments,
        "townships": townships,
        "total": len(inspections),
        "found": found,
        "closed": closed,
        "overdue": overdue,
        "repeated": sorted(name for name, ids in majors.items() if len(ids) >= 2),
    }


@pytest.mark.parametrize("days", [(60, 0), (45, 25), (200, 0)])
def test_the_figures_match_counts_made_by_hand(world, days):
    period = DateRange(ago(days[0]), ago(days[1]))
    figures = briefing_figures(world["reviewer"], period)
    expected = by_hand(world, period)

    assert figures.inspections_total == expected["total"]
    assert {c.key: c.count for c in figures.inspections_by_department if c.count} == dict(expected["departments"])
    assert {c.name: c.count for c in figures.inspections_by_township if c.count} == dict(expected["townships"])
    for column in ("found", "closed", "overdue"):
        assert {h.key: getattr(h, column) for h in figures.hazards_by_class if getattr(h, column)} == dict(
            expected[column]
        ), column
        by_department = sum(getattr(h, column) for h in figures.hazards_by_department)
        assert by_department == sum(expected[column].values()), column
    assert [m.facility for m in figures.repeated_major] == expected["repeated"]


def test_a_quarter_of_work_in_words(world):
    """The same figures, as a reader of the briefing checks them against what happened."""
    figures = briefing_figures(world["reviewer"], DateRange(ago(60), TODAY))
    hazards = {h.key: h for h in figures.hazards_by_class}
    # found in the period: F2, F3, F26 (50 days ago), F23 (20 days ago), F25 (10 days ago); the grading
    # inspection's deductions are general hazards too, due 30 days after it
    assert (hazards["major"].found, hazards["key"].found) == (3, 1)
    assert hazards["key"].closed == 1
    # F3 was closed; the fire hazards are past their deadlines, F7 too although found before the period
    assert (hazards["major"].overdue, hazards["key"].overdue, hazards["general"].overdue) == (3, 0, 2)
    [repeated] = figures.repeated_major
    assert (repeated.facility, repeated.inspections, repeated.major_hazards, repeated.open_major_hazards) == (
        "东城敬老院",
        2,
        2,
        2,
    )
    assert {c.key: c.count for c in figures.notices_by_kind}["rectification"] == 1
    assert figures.reinspections.total == 1 and figures.reinspections.accepted == 1
    assert {c.key: c.count for c in figures.reinspections.by_department}[DepartmentCode.FIRE_RESCUE] == 1
    # only the countersigned grading result counts; the one waiting for review does not
    assert {c.key: c.count for c in figures.grading if c.count} == {"2": 1}
    assert [c.facility for c in figures.listings_added] == ["西山敬老院"]
    assert [c.facility for c in figures.listings_removed] == ["南关养老院"]
    assert world["removed"].status == CreditStatus.REMOVED


def test_a_hazard_closed_after_the_period_counts_as_open_at_its_end(world):
    first = world["inspections"][0]
    key = next(h for h in hazards_of(first) if h.item_code == "F3")
    assert key.status == HazardStatus.CLOSED and key.closed_on == ago(30)
    before = briefing_figures(world["reviewer"], DateRange(ago(60), ago(31)))
    after = briefing_figures(world["reviewer"], DateRange(ago(60), ago(29)))
    key_before = next(h for h in before.hazards_by_class if h.key == "key")
    key_after = next(h for h in after.hazards_by_class if h.key == "key")
    # its deadline (15 days after 50 days ago) has passed at both ends; closed 30 days ago, it is overdue only before
    assert (key_before.overdue, key_before.closed) == (1, 0)
    assert (key_after.overdue, key_after.closed) == (0, 1)


def test_the_neighbour_county_never_counts(world):
    figures = briefing_figures(world["reviewer"], DateRange(ago(60), TODAY))
    assert "邻县敬老院" not in {c.facility for c in figures.listings_added}
    assert all(m.facility != "邻县敬老院" for m in figures.repeated_major)
    assert figures.region == world["county"].region.name
    assert [c.name for c in figures.inspections_by_township] == [t.name for t in world["county"].townships]
