from datetime import date

import pytest

from inspection.checklists import ItemClass, RectificationDays
from inspection.followup_rules import (
    default_deadline,
    is_due_this_week,
    is_overdue,
    proposes_listing,
    removal_eligible_on,
    requirement_text,
)

DAYS = RectificationDays(major=0, major_reinspect_within_days=7, key=15, general=30)
FOUND = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("item_class", "expected"),
    [
        (ItemClass.MAJOR, (True, date(2026, 11, 9))),
        (ItemClass.KEY, (False, date(2026, 11, 17))),
        (ItemClass.GENERAL, (False, date(2026, 12, 2))),
    ],
)
def test_default_deadlines_follow_the_class(item_class, expected):
    assert default_deadline(item_class, FOUND, DAYS) == expected


def test_overdue_starts_the_day_after_the_deadline_and_never_for_closed_hazards():
    deadline = date(2026, 11, 17)
    assert not is_overdue(False, deadline, date(2026, 11, 17))
    assert is_overdue(False, deadline, date(2026, 11, 18))
    assert not is_overdue(True, deadline, date(2027, 1, 1))


def test_due_this_week_covers_today_and_the_next_six_days():
    today = date(2026, 11, 28)
    assert is_due_this_week(False, today, today)
    assert is_due_this_week(False, date(2026, 12, 4), today)
    assert not is_due_this_week(False, date(2026, 12, 5), today)
    assert not is_due_this_week(False, date(2026, 11, 27), today)  # already overdue


@pytest.mark.parametrize(
    ("decided", "eligible"), [(date(2026, 11, 28), date(2028, 11, 28)), (date(2024, 2, 29), date(2026, 3, 1))]
)
def test_removal_may_be_applied_for_after_two_full_years(decided, eligible):
    assert removal_eligible_on(decided) == eligible


def test_only_an_overdue_fire_hazard_with_a_determination_proposes_a_listing():
    late = date(2026, 12, 1)
    assert proposes_listing(True, "xf", False, FOUND, late)
    assert not proposes_listing(False, "xf", False, FOUND, late)  # a failed item alone is no determination
    assert not proposes_listing(True, "xf", True, FOUND, late)
    assert not proposes_listing(True, "sc", False, FOUND, late)
    assert not proposes_listing(True, "xf", False, late, late)


def test_the_default_requirement_cites_the_basis_and_never_quotes_a_question():
    old = requirement_text("疏散通道是否畅通？", "《消防法》第二十八条")
    assert old.startswith("按照《消防法》第二十八条的规定整改到位") and "是否" not in old
    new = requirement_text("安全出口、疏散通道畅通，未上锁、未堵塞", "《消防法》第二十八条")
    assert "达到“安全出口、疏散通道畅通，未上锁、未堵塞”的要求" in new
