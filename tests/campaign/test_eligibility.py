"""Who may apply for a grade (DOMAIN §14.3, §15.7): each rule refuses by name, on plain facts (no app)."""

from dataclasses import replace
from datetime import date

import pytest

from inspection.campaign.eligibility import (
    NOT_RESIDENTIAL,
    EligibilityFacts,
    add_months,
    conditions,
    refusals,
)
from inspection.campaign.rules import RuleCode, load_rules

TODAY = date(2026, 12, 4)
RULES = load_rules("shanxi")
#: A nursing home that meets every rule: open three years, filed, no penalty, listing or plaque due, graded before.
GOOD = EligibilityFacts(
    residential=True,
    opened_on=date(2023, 6, 1),
    filed=True,
    last_penalty_on=None,
    blacklisted=False,
    plaque_outstanding=False,
    graded_before=True,
)


def codes(facts, level=3, today=TODAY):
    return [r.code for r in refusals(facts, level, RULES, today)]


def test_a_facility_meeting_every_rule_may_apply_for_any_level():
    assert all(codes(GOOD, level) == [] for level in range(1, 6))


@pytest.mark.parametrize(
    ("change", "level", "code"),
    [
        ({"opened_on": date(2026, 1, 5)}, 2, RuleCode.MIN_OPERATING_MONTHS),
        ({"opened_on": None}, 2, RuleCode.MIN_OPERATING_MONTHS),
        ({"graded_before": False}, 4, RuleCode.FIRST_TIME_MAX_LEVEL),
        ({"filed": False}, 2, RuleCode.UNFILED),
        ({"last_penalty_on": date(2025, 3, 10)}, 2, RuleCode.RECENT_PENALTY),
        ({"blacklisted": True}, 2, RuleCode.BLACKLISTED),
        ({"plaque_outstanding": True}, 2, RuleCode.PLAQUE_NOT_RETURNED),
    ],
)
def test_each_rule_refuses_by_name_with_its_reason(change, level, code):
    found = refusals(replace(GOOD, **change), level, RULES, TODAY)
    assert [r.code for r in found] == [code]
    assert found[0].message and found[0].unverified  # Shanxi's figures are not verified (DOMAIN §14.3)


def test_the_boundaries_of_the_month_rules():
    opened = date(2025, 12, 4)  # twelve months ago to the day: eligible
    assert codes(replace(GOOD, opened_on=opened)) == []
    assert codes(replace(GOOD, opened_on=date(2025, 12, 5))) == [RuleCode.MIN_OPERATING_MONTHS]
    assert codes(replace(GOOD, last_penalty_on=date(2024, 12, 4))) == []  # 24 months ago: no longer counts
    assert codes(replace(GOOD, last_penalty_on=date(2024, 12, 5))) == [RuleCode.RECENT_PENALTY]


def test_a_first_time_applicant_may_apply_up_to_the_cap():
    first = replace(GOOD, graded_before=False)
    assert codes(first, 3) == [] and codes(first, 5) == [RuleCode.FIRST_TIME_MAX_LEVEL]
    assert "最高可申请 3 级" in refusals(first, 5, RULES, TODAY)[0].message


def test_every_broken_rule_is_listed_in_the_files_order():
    worst = replace(GOOD, opened_on=date(2026, 10, 1), filed=False, blacklisted=True, graded_before=False)
    assert codes(worst, 5) == [
        RuleCode.MIN_OPERATING_MONTHS,
        RuleCode.FIRST_TIME_MAX_LEVEL,
        RuleCode.UNFILED,
        RuleCode.BLACKLISTED,
    ]


def test_a_day_care_centre_is_out_of_scope_whatever_else_holds():
    assert codes(replace(GOOD, residential=False, blacklisted=True)) == [NOT_RESIDENTIAL]


def test_a_rule_left_out_of_the_file_is_not_applied():
    rules = replace(RULES, rules=tuple(r for r in RULES.rules if r.code != RuleCode.BLACKLISTED))
    assert refusals(replace(GOOD, blacklisted=True), 2, rules, TODAY) == []


def test_the_conditions_shown_before_applying_follow_the_file():
    shown = conditions(RULES)
    assert [c.code for c in shown] == [NOT_RESIDENTIAL, *(r.code for r in RULES.rules)]
    assert "开业运营满 12 个月" in [c.text for c in shown]
    assert all(c.unverified for c in shown[1:]) and all(c.basis for c in shown)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), -24, date(2022, 2, 28)),
        (date(2026, 12, 4), -12, date(2025, 12, 4)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_months_are_added_on_the_calendar(day, months, expected):
    assert add_months(day, months) == expected
