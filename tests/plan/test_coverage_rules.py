"""The annual plan's coverage rules (a data file) and what a year requires, computed with frozen dates."""

from datetime import date

import pytest

from inspection.checklists import ChecklistError
from inspection.models import FacilityType
from inspection.plan_rules import load_rules, load_rules_text
from inspection.plan_rules.coverage import (
    CoverageStatus,
    FacilityVisits,
    coverage_of,
    due_dates,
    sort_key,
    year_coverage,
)

TYPES = {t.value for t in FacilityType}
RULES = load_rules(TYPES)
HOME = frozenset({"has_canteen", "no_medical_unit"})


def rule(department: str):
    return next(r for r in RULES if r.department == department)


def visits(done=None, planned=None, kind="nursing_home", facts=HOME) -> FacilityVisits:
    return FacilityVisits(1, kind, facts, done or {}, planned or {})


def test_only_the_civil_affairs_rule_for_nursing_homes_is_verified():
    verified = [r for r in RULES if r.verified]
    assert [(r.department, r.per_year) for r in verified] == [("mz", 1)]
    assert "第三十八条" in verified[0].basis
    assert verified[0].facility_types == {"nursing_home", "welfare_centre", "private_home"}
    assert all(r.basis == "县级设置（未核实）" for r in RULES if not r.verified)


def test_every_facility_type_needs_a_yearly_civil_affairs_visit():
    for kind in TYPES:
        rows = year_coverage([visits(kind=kind)], RULES, 2026, date(2026, 6, 1))
        assert [row.required for row in rows if row.department == "mz"] == [1]


def test_food_and_health_rules_follow_the_facility_facts():
    departments = {row.department for row in year_coverage([visits()], RULES, 2026, date(2026, 6, 1))}
    assert departments == {"mz", "xf", "sc", "zj"}
    medical = visits(facts=frozenset({"no_canteen", "has_medical_unit"}))
    assert {row.department for row in year_coverage([medical], RULES, 2026, date(2026, 6, 1))} == {
        "mz",
        "xf",
        "wj",
        "zj",
    }


def test_a_yearly_visit_not_made_is_overdue_from_the_new_year_on():
    on_dec_31 = coverage_of(visits(), rule("mz"), 2026, date(2026, 12, 31))
    assert on_dec_31.status == CoverageStatus.UNPLANNED and on_dec_31.next_due == date(2026, 12, 31)
    on_jan_1 = coverage_of(visits(), rule("mz"), 2026, date(2027, 1, 1))
    assert on_jan_1.status == CoverageStatus.OVERDUE and on_jan_1.due == 1 and on_jan_1.short == 1


def test_a_planned_day_passed_without_submission_is_overdue():
    planned = visits(planned={"mz": [date(2026, 5, 10)]})
    assert coverage_of(planned, rule("mz"), 2026, date(2026, 5, 10)).status == CoverageStatus.PLANNED
    late = coverage_of(planned, rule("mz"), 2026, date(2026, 5, 11))
    assert late.status == CoverageStatus.OVERDUE and late.missed_plan == date(2026, 5, 10)


def test_done_counts_only_the_department_and_year():
    made = visits(done={"mz": [date(2025, 3, 1)], "xf": [date(2026, 3, 1)]})
    assert coverage_of(made, rule("mz"), 2026, date(2027, 1, 2)).status == CoverageStatus.OVERDUE
    xf = coverage_of(made, rule("xf"), 2026, date(2027, 1, 2))
    assert (xf.status, xf.done, xf.last_done) == (CoverageStatus.DONE, 1, date(2026, 3, 1))


def test_several_visits_a_year_fall_due_period_by_period():
    quarterly = load_rules_text(
        'source_note = "t"\n[[rules]]\ndepartment = "xf"\nper_year = 4\nverified = false\nbasis = "县级"\n',
        "t.toml",
        TYPES,
    )[0]
    assert due_dates(4, 2026) == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]
    one_done = visits(done={"xf": [date(2026, 2, 1)]}, planned={"xf": [date(2026, 8, 1)]})
    assert coverage_of(one_done, quarterly, 2026, date(2026, 6, 30)).status == CoverageStatus.UNPLANNED
    july = coverage_of(one_done, quarterly, 2026, date(2026, 7, 1))
    assert (july.status, july.due, july.next_due) == (CoverageStatus.OVERDUE, 2, date(2026, 6, 30))


def test_overdue_rows_sort_first():
    today = date(2026, 7, 1)
    rows = [
        coverage_of(visits(done={"mz": [date(2026, 1, 5)]}), rule("mz"), 2026, today),
        coverage_of(visits(planned={"mz": [date(2026, 9, 1)]}), rule("mz"), 2026, today),
        coverage_of(visits(), rule("mz"), 2026, today),
        coverage_of(visits(planned={"mz": [date(2026, 6, 1)]}), rule("mz"), 2026, today),
    ]
    assert [r.status for r in sorted(rows, key=sort_key)] == ["overdue", "unplanned", "planned", "done"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('department = "mz"\nper_year = 5\nverified = true\nbasis = "b"', 'field "per_year": must be one of 1, 2'),
        ('department = "xx"\nper_year = 1\nverified = true\nbasis = "b"', 'field "department": must be one of'),
        ('department = "mz"\nper_year = 1\nverified = true', 'field "basis": missing required field'),
        (
            'department = "mz"\nper_year = 1\nverified = true\nbasis = "b"\nfacility_types = ["castle"]',
            'field "facility_types": unknown facility type "castle"',
        ),
        (
            'department = "mz"\nper_year = 1\nverified = true\nbasis = "b"\napplies_when = ["has_pool"]',
            'field "applies_when": unknown facility fact "has_pool"',
        ),
        ('department = "mz"\nper_year = 1\nverified = true\nbasis = "b"\nevery = 2', 'field "every": unknown field'),
    ],
)
def test_a_bad_rule_is_reported_with_file_item_and_field(body, expected):
    with pytest.raises(ChecklistError) as error:
        load_rules_text(f'source_note = "t"\n[[rules]]\n{body}\n', "bad.toml", TYPES)
    assert str(error.value).startswith('bad.toml: item "rules[0]": ')
    assert expected in str(error.value)


def test_two_rules_of_one_department_for_one_facility_type_are_refused():
    text = 'source_note = "t"\n' + '[[rules]]\ndepartment = "xf"\nper_year = 1\nverified = false\nbasis = "b"\n' * 2
    with pytest.raises(ChecklistError, match=r'item "rules\[1\]": field "facility_types": rule of department'):
        load_rules_text(text, "t.toml", TYPES)


def test_every_facility_fact_has_words():
    from inspection.checklists import FACILITY_FACTS
    from inspection.plan_rules import FACILITY_FACT_LABELS

    assert set(FACILITY_FACT_LABELS) == FACILITY_FACTS
