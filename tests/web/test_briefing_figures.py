"""The joint-meeting briefing's figures, against counts made here by hand from the records the factories built."""

import pytest

from inspection.checklists import DepartmentCode
from inspection.dates import DateRange
from inspection.models import CreditStatus, HazardStatus
from inspection.services.briefing import briefing_figures
from tests.briefing_world import TODAY, ago, build_world, by_hand
from tests.factories import hazards_of


@pytest.fixture
def world(app_ctx):
    return build_world()


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
