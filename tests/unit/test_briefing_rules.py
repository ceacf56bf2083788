"""The briefing's period rules and presets, without an app."""

from datetime import date

import pytest

from inspection.briefing import period_problem, preset_period
from inspection.dates import DateRange

TODAY = date(2026, 12, 4)


def test_a_period_ending_today_or_earlier_and_not_backwards_is_accepted():
    assert period_problem(date(2026, 1, 1), TODAY, TODAY) is None
    assert period_problem(TODAY, TODAY, TODAY) is None


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (None, TODAY, "请填写起止日期"),
        (date(2026, 3, 1), date(2026, 2, 28), "结束日期 2026-02-28 早于开始日期 2026-03-01"),
        (date(2026, 12, 1), date(2026, 12, 5), "不能晚于今天（2026-12-04）"),
        (date(1999, 12, 31), date(2026, 1, 1), "开始日期不能早于 2000-01-01"),
    ],
)
def test_a_bad_period_is_refused_saying_why(start, end, words):
    assert words in period_problem(start, end, TODAY)


@pytest.mark.parametrize(
    ("preset", "today", "period"),
    [
        ("month", TODAY, DateRange(date(2026, 12, 1), TODAY)),
        ("year", TODAY, DateRange(date(2026, 1, 1), TODAY)),
        ("last_quarter", TODAY, DateRange(date(2026, 7, 1), date(2026, 9, 30))),
        ("last_quarter", date(2026, 2, 10), DateRange(date(2025, 10, 1), date(2025, 12, 31))),
        ("last_quarter", date(2026, 4, 1), DateRange(date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_the_presets(preset, today, period):
    assert preset_period(preset, today) == period
