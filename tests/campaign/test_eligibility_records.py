"""Eligibility read from the records: the register, the credit list and the grading history (issue 14)."""

from datetime import date, timedelta

from inspection.campaign.rules import RuleCode
from inspection.services.campaign import campaign_rules, eligibility_refusals
from tests.factories import blacklist, grade, make_facility

TODAY = date.today()
RULES = campaign_rules("shanxi")


def codes(facility, level=2):
    return [r.code for r in eligibility_refusals(facility, level, RULES, TODAY)]


def filed_home(**overrides):
    return make_facility(opened_on=TODAY - timedelta(days=800), filed_on=TODAY - timedelta(days=790), **overrides)


def test_a_filed_home_open_two_years_may_apply_and_the_register_refuses_the_others(app):
    assert codes(filed_home()) == []
    assert codes(make_facility()) == [RuleCode.MIN_OPERATING_MONTHS, RuleCode.UNFILED]  # nothing registered
    assert codes(filed_home(last_penalty_on=TODAY - timedelta(days=100))) == [RuleCode.RECENT_PENALTY]
    assert codes(filed_home(type="day_care")) == ["not_residential"]


def test_the_credit_list_refuses(app):
    home = filed_home()
    blacklist(home, decided_on=TODAY - timedelta(days=10))
    assert codes(home) == [RuleCode.BLACKLISTED]


def test_a_countersigned_grade_lifts_the_first_time_cap(app):
    home = filed_home()
    assert codes(home, 4) == [RuleCode.FIRST_TIME_MAX_LEVEL]
    grade(home, 2, on=TODAY - timedelta(days=30), countersign=False)
    assert codes(home, 4) == [RuleCode.FIRST_TIME_MAX_LEVEL]  # not countersigned: not a grade held
    grade(home, 2, on=TODAY - timedelta(days=20))
    assert codes(home, 4) == []
