"""The annual inspection plan (年度检查计划): for every facility a user oversees and every department whose coverage
rule applies to it, what the year requires, what is planned and what was done, overdue first.

The rules are the data file `inspection/plan_rules/coverage.toml`; the computation is the pure
`inspection.plan_rules.coverage`. This module only reads the facilities and their inspections of the year:
"done" is a department's submitted section (`DepartmentSubmission`) of an inspection dated in the year, "planned"
an inspection of the year with that department assigned (`InspectionAssignment`: `start_inspection` assigns
exactly the departments owning its sections) whose section is not submitted yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, and_, exists, select

from inspection.extensions import db
from inspection.models import (
    Department,
    DepartmentSubmission,
    Facility,
    FacilityStatus,
    FacilityType,
    Inspection,
    InspectionAssignment,
    Region,
    User,
)
from inspection.paging import PageNumbers
from inspection.permissions import in_township, visible_facilities
from inspection.plan_rules import CoverageRule, load_rules
from inspection.plan_rules.coverage import Coverage, CoverageStatus, FacilityVisits, sort_key, year_coverage
from inspection.scoring.verdicts import FacilityFacts

#: Years the plan may be asked for: the app's records begin in 2000 (`dates.py`), and a plan looks a year ahead.
FIRST_YEAR = 2000


@cache
def coverage_rules() -> tuple[CoverageRule, ...]:
    """Return the shipped coverage rules, validated once per process.

    :raises ChecklistError: the rules file is malformed (`create_app` calls this, so the app refuses to start).
    """
    return load_rules({kind.value for kind in FacilityType})


@dataclass(frozen=True)
class PlanFilters:
    """What the plan page and the API narrow the rows to."""

    year: int
    township: int | None = None
    department: str = ""
    status: str = ""


@dataclass(frozen=True)
class PlanRow:
    """One facility and department of the plan."""

    coverage: Coverage
    facility_name: str
    township: str
    is_demo: bool


@dataclass(frozen=True)
class PlanPage(PageNumbers):
    """A page of plan rows, and the count of each status over all pages."""

    rows: list[PlanRow]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]


def plan_rows(user: User, filters: PlanFilters, today: date) -> list[PlanRow]:
    """Return every row of the plan the user may see, filtered, overdue first (then unplanned, planned, done; the
    earliest due first; then township and facility name).

    :param today: the day overdue is judged on.
    """
    stmt = visible_facilities(user).where(Facility.status == FacilityStatus.ACTIVE).add_columns(Region.name)
    if filters.township:
        stmt = stmt.where(in_township(filters.township))
    facilities = {f.id: (f, township) for f, township in db.session.execute(stmt.order_by(Region.path, Facility.name))}
    done, planned = _visits_of(stmt.with_only_columns(Facility.id), filters.year)
    visits = [
        FacilityVisits(f.id, f.type, _facts(f), done.get(f.id, {}), planned.get(f.id, {}))
        for f, _township in facilities.values()
    ]
    rows = [
        PlanRow(
            c, facilities[c.facility_id][0].name, facilities[c.facility_id][1], facilities[c.facility_id][0].is_demo
        )
        for c in year_coverage(visits, coverage_rules(), filters.year, today)
        if (not filters.department or c.department == filters.department)
        and (not filters.status or c.status == filters.status)
    ]
    return sorted(rows, key=lambda row: sort_key(row.coverage))


def plan_page(user: User, filters: PlanFilters, today: date, page: int, per_page: int) -> PlanPage:
    """Return page `page` of `plan_rows`, with each status's count over the filtered rows."""
    rows = plan_rows(user, filters, today)
    counts = {status.value: 0 for status in CoverageStatus}
    for row in rows:
        counts[row.coverage.status] += 1
    start = (page - 1) * per_page
    return PlanPage(rows[start : start + per_page], len(rows), page, per_page, counts)


def _facts(facility: Facility) -> frozenset[str]:
    return FacilityFacts(
        has_canteen=facility.has_canteen,
        has_medical_unit=facility.has_medical_unit,
        has_special_equipment=facility.has_special_equipment,
        has_campus_roads=facility.has_campus_roads,
        is_key_fire_unit=facility.is_key_fire_unit,
        offers_ten_services=facility.offers_ten_services,
    ).true_facts()


Visits = dict[int, dict[str, list[date]]]


def _visits_of(facility_ids: Select[tuple[int]], year: int) -> tuple[Visits, Visits]:
    """Return the days of the year's inspections of these facilities, by facility and department code: those
    whose department submitted its section, and those still to be submitted."""
    in_year = and_(
        Inspection.facility_id.in_(facility_ids),
        Inspection.inspected_on >= date(year, 1, 1),
        Inspection.inspected_on <= date(year, 12, 31),
    )
    done: Visits = defaultdict(lambda: defaultdict(list))
    submitted = select(Inspection.facility_id, DepartmentSubmission.department_code, Inspection.inspected_on).join(
        DepartmentSubmission.inspection
    )
    for facility_id, code, day in db.session.execute(submitted.where(in_year)):
        done[facility_id][code].append(day)
    not_submitted = ~exists().where(
        DepartmentSubmission.inspection_id == Inspection.id, DepartmentSubmission.department_code == Department.code
    )
    open_sections = (
        select(Inspection.facility_id, Department.code, Inspection.inspected_on)
        .join(InspectionAssignment, InspectionAssignment.inspection_id == Inspection.id)
        .join(Department, Department.id == InspectionAssignment.department_id)
        .where(in_year, not_submitted)
        .distinct()
        .add_columns(Inspection.id)
    )
    planned: Visits = defaultdict(lambda: defaultdict(list))
    for facility_id, code, day, _inspection_id in db.session.execute(open_sections):
        planned[facility_id][code].append(day)
    return done, planned
