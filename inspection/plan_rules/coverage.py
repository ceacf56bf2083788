"""What the annual plan asks of each facility and department in a year, and how far it is met, on a given day.

Pure: plain inputs, no Flask, no database. For each facility and each department whose rule applies to it:

- **required**: the rule's visits per year;
- **done**: on-site inspections in the year whose section of that department was submitted;
- **planned**: inspections in the year with a section of that department not yet submitted;
- **due**: the visits due by `today`. A rule of n visits a year splits the year into n equal periods of months; the
  k-th visit is due by the last day of period k (product rule, DOMAIN §12), so a yearly rule is due on 12-31;
- **status**, the first that holds: ``overdue`` (fewer done than due, or a planned day has passed without the
  department submitting), ``unplanned`` (done and planned together fall short of the year's requirement),
  ``planned`` (they meet it), ``done`` (done meets it).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from inspection.i18n import N_, labelled
from inspection.plan_rules import CoverageRule


class CoverageStatus(StrEnum):
    """Where a facility's visits by one department stand; the members' order is the plan page's order."""

    OVERDUE = "overdue"
    UNPLANNED = "unplanned"
    PLANNED = "planned"
    DONE = "done"


COVERAGE_STATUS_LABELS = labelled(
    "coverage_status",
    {
        CoverageStatus.OVERDUE: N_("逾期"),
        CoverageStatus.UNPLANNED: N_("未安排"),
        CoverageStatus.PLANNED: N_("已安排"),
        CoverageStatus.DONE: N_("已完成"),
    },
)
STATUS_ORDER = {status: position for position, status in enumerate(CoverageStatus)}


@dataclass(frozen=True)
class FacilityVisits:
    """A facility and its inspections of one year, by department code."""

    facility_id: int
    facility_type: str
    #: Facility facts that hold (``FacilityFacts.true_facts()``).
    facts: frozenset[str]
    #: Days of the inspections whose section of the department was submitted.
    done: Mapping[str, Sequence[date]] = field(default_factory=dict)
    #: Days of the inspections with a section of the department not submitted yet.
    planned: Mapping[str, Sequence[date]] = field(default_factory=dict)


@dataclass(frozen=True)
class Coverage:
    """One facility and department: what the year requires, what is planned and done, on `today`."""

    facility_id: int
    department: str
    year: int
    required: int
    done: int
    planned: int
    due: int
    status: CoverageStatus
    #: The day the next visit not yet done is due, None once the year's are done.
    next_due: date | None
    #: The earliest planned day that has passed without the department submitting, if any.
    missed_plan: date | None
    last_done: date | None
    next_planned: date | None
    rule: CoverageRule

    @property
    def short(self) -> int:
        """Visits the year still needs beyond those done."""
        return max(self.required - self.done, 0)


def due_dates(per_year: int, year: int) -> list[date]:
    """Return the day by which each of the year's `per_year` visits is due (last day of its period)."""
    months = 12 // per_year
    return [date(year, m, calendar.monthrange(year, m)[1]) for m in range(months, 13, months)]


def coverage_of(facility: FacilityVisits, rule: CoverageRule, year: int, today: date) -> Coverage:
    """Return how far `facility` meets `rule` in `year`, as it stands on `today`."""
    code = rule.department.value
    done = sorted(d for d in facility.done.get(code, ()) if d.year == year)
    planned = sorted(d for d in facility.planned.get(code, ()) if d.year == year)
    deadlines = due_dates(rule.per_year, year)
    due = sum(1 for deadline in deadlines if deadline < today)
    missed = next((d for d in planned if d < today), None)
    if len(done) >= rule.per_year:
        status = CoverageStatus.DONE
    elif len(done) < due or missed is not None:
        status = CoverageStatus.OVERDUE
    elif len(done) + len(planned) < rule.per_year:
        status = CoverageStatus.UNPLANNED
    else:
        status = CoverageStatus.PLANNED
    return Coverage(
        facility_id=facility.facility_id,
        department=code,
        year=year,
        required=rule.per_year,
        done=len(done),
        planned=len(planned),
        due=due,
        status=status,
        next_due=deadlines[len(done)] if len(done) < rule.per_year else None,
        missed_plan=missed,
        last_done=done[-1] if done else None,
        next_planned=next((d for d in planned if d >= today), None),
        rule=rule,
    )


def year_coverage(
    facilities: Iterable[FacilityVisits], rules: Sequence[CoverageRule], year: int, today: date
) -> list[Coverage]:
    """Return the coverage of every facility under every rule that applies to it, in the facilities' order and
    the rules' order within a facility."""
    return [
        coverage_of(facility, rule, year, today)
        for facility in facilities
        for rule in rules
        if rule.applies_to(facility.facility_type, facility.facts)
    ]


def sort_key(row: Coverage) -> tuple[int, date]:
    """Order rows overdue first, then unplanned, planned, done; within a status, the earliest due first."""
    return STATUS_ORDER[row.status], row.missed_plan or row.next_due or date.max
