"""Coverage of the grading campaign (DOMAIN §15.7): stages, totals and the graded count over time, on plain facts
with frozen dates (no app)."""

from datetime import date

from inspection.campaign.coverage import (
    CoverageStage,
    EligibleFacility,
    GradeDecision,
    coverage_item,
    grade_on,
    graded_by_month,
    month_ends,
    target_missed,
    totals,
    valid_until,
)
from inspection.campaign.rules import load_rules

TODAY = date(2026, 12, 4)
CAMPAIGN = load_rules("shanxi").campaign
YEARS = CAMPAIGN.validity_years


def facility(fid, status=None, *decisions):
    return EligibleFacility(fid, f"养老院{fid}", "砚城镇", status, tuple(decisions))


def stages(*facilities):
    return [coverage_item(f, TODAY, YEARS) for f in facilities]


def test_a_grade_is_valid_for_the_rules_years_until_the_day_before_its_anniversary():
    assert YEARS == 3  # the file's figure (DOMAIN §14.3, unverified)
    assert valid_until(date(2024, 3, 10), YEARS) == date(2027, 3, 9)
    assert valid_until(date(2024, 2, 29), 1) == date(2025, 2, 27)  # no 29 February: the 28th is the anniversary
    decided = [GradeDecision(date(2023, 12, 5), 3)]
    assert grade_on(decided, date(2026, 12, 4), YEARS).valid_until == date(2026, 12, 4)
    assert grade_on(decided, date(2026, 12, 5), YEARS) is None  # expired
    assert grade_on(decided, date(2023, 12, 4), YEARS) is None  # not decided yet


def test_the_latest_decision_stands_and_one_below_every_level_ends_the_grade():
    earlier, later_below = GradeDecision(date(2025, 1, 10), 4), GradeDecision(date(2026, 6, 1), None)
    assert grade_on([later_below, earlier], date(2026, 1, 1), YEARS).level == 4
    assert grade_on([later_below, earlier], TODAY, YEARS) is None
    regraded = [earlier, GradeDecision(date(2026, 6, 1), 2)]
    assert grade_on(regraded, TODAY, YEARS).level == 2


def test_each_facility_gets_its_stage_and_a_valid_grade_wins_over_an_application():
    items = stages(
        facility(1),
        facility(2, "submitted"),
        facility(3, "accepted"),
        facility(4, "refused"),
        facility(5, "assessment_scheduled"),
        facility(6, "decided"),
        facility(7, "accepted", GradeDecision(date(2025, 5, 1), 3)),  # re-rating under way, grade still valid
        facility(8, None, GradeDecision(date(2022, 5, 1), 2)),  # expired: not started again
    )
    assert [i.stage for i in items] == [
        CoverageStage.NOT_STARTED,
        CoverageStage.APPLIED,
        CoverageStage.ACCEPTED,
        CoverageStage.REFUSED,
        CoverageStage.ASSESSMENT_SCHEDULED,
        CoverageStage.DECIDED,
        CoverageStage.GRADED,
        CoverageStage.NOT_STARTED,
    ]
    assert (items[6].level, items[6].valid_until) == (3, date(2028, 4, 30))
    assert all(i.level is None and i.valid_until is None for i in items if i.stage != CoverageStage.GRADED)


def test_the_totals_add_up_and_a_refusal_counts_as_not_started():
    items = stages(
        facility(1),
        facility(2, "refused"),
        facility(3, "submitted"),
        facility(4, "assessed"),
        facility(5, None, GradeDecision(date(2024, 1, 10), 2)),  # valid until 2027-01-09: within 90 days
        facility(6, None, GradeDecision(date(2024, 3, 10), 3)),  # until 2027-03-09: 95 days away
        facility(7, None, GradeDecision(date(2026, 1, 10), 1)),
    )
    figures = totals(items, TODAY, CAMPAIGN.expiry_warning_days)
    assert CAMPAIGN.expiry_warning_days == 90
    assert (figures.eligible, figures.graded, figures.in_progress, figures.not_started) == (7, 3, 2, 2)
    assert figures.expiring == 1
    assert figures.graded + figures.in_progress + figures.not_started == figures.eligible
    assert totals(items, date(2026, 12, 9), 90).expiring == 2  # five days later the second one is within 90 days


def test_the_target_is_missed_by_the_facilities_not_graded_once_its_day_has_passed():
    items = stages(facility(1), facility(2, "accepted"), facility(3, None, GradeDecision(date(2025, 6, 1), 2)))
    target = date(2021, 12, 31)
    assert target_missed(target, TODAY, items) == 2
    assert target_missed(target, target, items) == 0  # the target day itself has not passed
    assert target_missed(target, TODAY, items[2:]) == 0


def test_the_graded_count_by_month_follows_decisions_and_expiry():
    assert month_ends(date(2026, 10, 15), TODAY) == [date(2026, 10, 31), date(2026, 11, 30), TODAY]
    decisions = {
        1: [GradeDecision(date(2023, 10, 20), 3)],  # valid until 2026-10-19
        2: [GradeDecision(date(2026, 11, 2), 2)],
        3: [GradeDecision(date(2026, 10, 1), 1), GradeDecision(date(2026, 11, 20), None)],
    }
    assert graded_by_month(decisions, date(2026, 9, 1), TODAY, YEARS) == [
        (date(2026, 9, 30), 1),
        (date(2026, 10, 31), 1),  # 1 expired on 19 October, 3 graded on 1 October
        (date(2026, 11, 30), 1),  # 2 graded, 3 re-rated below every level
        (TODAY, 1),
    ]
