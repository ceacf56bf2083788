"""A person planning plans from today on, or records an inspection already done (补录); nobody saying either keeps
only the outer range (inspection/dates.py, no app)."""

from datetime import date, timedelta

import pytest

from inspection.dates import planning_problem

TODAY = date(2026, 12, 4)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "after_the_fact", "allowed"),
    [
        (TODAY, False, True),
        (TOMORROW, False, True),
        (YESTERDAY, False, False),
        (YESTERDAY, True, True),
        (TODAY, True, True),
        (TOMORROW, True, False),
        (YESTERDAY, None, True),
        (TOMORROW, None, True),
    ],
)
def test_a_past_day_needs_the_record_after_the_fact_and_a_record_is_never_ahead(day, after_the_fact, allowed):
    assert (planning_problem(day, TODAY, 30, after_the_fact=after_the_fact) is None) is allowed


def test_the_refusals_say_what_to_do():
    assert "请勾选“补录已完成的检查”" in planning_problem(YESTERDAY, TODAY, 30, after_the_fact=False)
    assert planning_problem(TOMORROW, TODAY, 30, after_the_fact=True) == (
        "补录的是已完成的检查，检查日期不能晚于今天（2026-12-04）"
    )
    # the outer range comes first, whatever the person says
    assert planning_problem(date(1999, 1, 1), TODAY, 30, after_the_fact=True).startswith("检查日期应在 2000-01-01")
