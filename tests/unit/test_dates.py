"""Which day an inspection may carry, and which result is a standing on a day (inspection/dates.py, no app)."""

from datetime import date, timedelta

import pytest

from inspection.dates import (
    EARLIEST_INSPECTION,
    PLAN_DAYS_AHEAD,
    DateRange,
    holds_on,
    planning_problem,
    planning_range,
    recording_problem,
    recording_range,
    replaces_standing,
)

TODAY = date(2026, 12, 4)


def test_plans_reach_from_the_earliest_day_to_the_configured_days_ahead():
    assert planning_range(TODAY) == DateRange(EARLIEST_INSPECTION, TODAY + timedelta(days=PLAN_DAYS_AHEAD))
    assert planning_range(TODAY, 30) == DateRange(date(2000, 1, 1), date(2027, 1, 3))
    assert planning_range(TODAY, -5).last == TODAY  # a negative setting plans nothing ahead
    assert planning_range(TODAY, 10**9).last == date.max  # a huge setting does not overflow


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (date(2000, 1, 1), True),
        (TODAY, True),
        (TODAY + timedelta(days=30), True),
        (date(1999, 12, 31), False),
        (date(1, 1, 1), False),
        (TODAY + timedelta(days=31), False),
        (date(9999, 12, 31), False),
    ],
)
def test_a_planned_day_outside_the_range_is_refused_naming_the_range(day, allowed):
    problem = planning_problem(day, TODAY, 30)
    assert (problem is None) is allowed
    if not allowed:
        assert problem == "检查日期应在 2000-01-01 至 2027-01-03 之间"


def test_a_result_is_recorded_only_once_its_day_has_come():
    assert recording_range(TODAY) == DateRange(date(2000, 1, 1), TODAY)
    assert recording_problem(TODAY, TODAY) is None and recording_problem(date(2024, 5, 1), TODAY) is None
    tomorrow = recording_problem(TODAY + timedelta(days=1), TODAY)
    assert tomorrow and "2026-12-05 尚未到来" in tomorrow and "2000-01-01 至 2026-12-04" in tomorrow
    assert recording_problem(date(1, 1, 1), TODAY) == "检查日期应在 2000-01-01 至 2026-12-04 之间"


def test_the_range_contains_its_ends_and_only_dates():
    allowed = DateRange(date(2026, 1, 1), date(2026, 1, 31))
    assert date(2026, 1, 1) in allowed and date(2026, 1, 31) in allowed
    assert date(2026, 2, 1) not in allowed and "2026-01-15" not in allowed
    assert str(allowed) == "2026-01-01 至 2026-01-31"


@pytest.mark.parametrize(
    ("held_on", "result_on", "replaces"),
    [
        (None, date(2026, 11, 1), True),  # the first result
        (date(2026, 11, 1), date(2026, 11, 20), True),  # a later result
        (date(2026, 11, 20), date(2026, 11, 20), True),  # the same day: the later recorded one
        (date(2026, 11, 20), date(2026, 11, 1), False),  # an earlier result recorded late
        (date(9999, 12, 31), date(2026, 11, 1), True),  # a standing dated in the future (old data) gives way
        (date(2026, 12, 5), date(2025, 1, 1), True),  # ... even tomorrow's
        (None, TODAY + timedelta(days=1), False),  # a result dated in the future never becomes the standing
        (date(2026, 11, 1), date(9999, 12, 31), False),
    ],
)
def test_the_standing_is_the_latest_result_on_or_before_today(held_on, result_on, replaces):
    assert replaces_standing(held_on, result_on, TODAY) is replaces


def test_a_result_holds_from_its_own_day_on():
    assert holds_on(TODAY, TODAY) and holds_on(date(2001, 1, 1), TODAY)
    assert not holds_on(TODAY + timedelta(days=1), TODAY)
