"""Coverage of the grading campaign (what the county reports upward, DOMAIN §15.7): where each eligible facility
stands, the totals against the target, and the graded count over time. Pure: no Flask, no DB.

A facility's stage follows from two facts: its latest grading application's status (or none) and the grade
decisions it holds. A grade stands from its decision for the rules' validity years, until the day before the
anniversary; a later decision replaces an earlier one (a re-rating below every level ends the grade). A valid
grade makes the facility ``graded`` whatever its applications; otherwise an open application shows its stage,
and a refused one shows ``refused`` yet counts as not started.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from inspection.campaign.eligibility import add_months
from inspection.campaign.validity import expires_soon, valid_until
from inspection.i18n import N_, labelled


class CoverageStage(StrEnum):
    """Where an eligible facility stands in the campaign: the application stages, and before and after them."""

    NOT_STARTED = "not_started"
    APPLIED = "applied"
    REFUSED = "refused"
    ACCEPTED = "accepted"
    ASSESSMENT_SCHEDULED = "assessment_scheduled"
    ASSESSED = "assessed"
    PUBLICITY = "publicity"
    DECIDED = "decided"
    GRADED = "graded"
    EXPIRED = "expired"  # published once, the grade lapsed and nothing is under way


COVERAGE_STAGE_LABELS = labelled(
    "coverage_stage",
    {
        CoverageStage.NOT_STARTED: N_("未申请"),
        CoverageStage.APPLIED: N_("已申请，待资格审查"),
        CoverageStage.REFUSED: N_("资格审查未通过"),
        CoverageStage.ACCEPTED: N_("资格审查通过，待现场评审"),
        CoverageStage.ASSESSMENT_SCHEDULED: N_("已安排现场评审"),
        CoverageStage.ASSESSED: N_("已现场评审，待评定"),
        CoverageStage.PUBLICITY: N_("已评定，公示中"),
        CoverageStage.DECIDED: N_("公示期满，待发布"),
        CoverageStage.GRADED: N_("已评定等级"),
        CoverageStage.EXPIRED: N_("等级已过期"),
    },
)
#: The stages of a facility whose application is under way (the ``in_progress`` total).
IN_PROGRESS_STAGES = frozenset(
    {
        CoverageStage.APPLIED,
        CoverageStage.ACCEPTED,
        CoverageStage.ASSESSMENT_SCHEDULED,
        CoverageStage.ASSESSED,
        CoverageStage.PUBLICITY,
        CoverageStage.DECIDED,
    }
)
#: The stages counted as not started: nothing under way and no valid grade.
NOT_STARTED_STAGES = frozenset({CoverageStage.NOT_STARTED, CoverageStage.REFUSED, CoverageStage.EXPIRED})
#: Application stages shown under another name in the report: the eligibility review's "submitted", and a
#: published application whose grade lapsed (while it holds, the facility is "graded").
_STATUS_STAGES = {"submitted": CoverageStage.APPLIED, "published": CoverageStage.EXPIRED}


def stage_of_application(status: str | None) -> CoverageStage:
    """Return the coverage stage an application status means (None: no application)."""
    if status is None:
        return CoverageStage.NOT_STARTED
    return _STATUS_STAGES.get(status) or CoverageStage(status)


@dataclass(frozen=True)
class GradeDecision:
    """A decision on a facility's grade: the day it was taken and the level given (None: below every level), and
    the last day its certificate stands when one was issued (else the rules' validity years count from the day)."""

    decided_on: date
    level: int | None
    valid_until: date | None = None


@dataclass(frozen=True)
class Grade:
    """A grade that holds: its level and the last day it is valid."""

    level: int
    valid_until: date


@dataclass(frozen=True)
class EligibleFacility:
    """An eligible facility (residential, active) with what its coverage depends on.

    :param application_status: its latest grading application's status, or None when it never applied.
    :param decisions: its grade decisions, in any order.
    """

    facility_id: int
    name: str
    township: str
    application_status: str | None
    decisions: tuple[GradeDecision, ...]


@dataclass(frozen=True)
class CoverageItem:
    """A facility's line of the report."""

    facility_id: int
    name: str
    township: str
    stage: CoverageStage
    level: int | None
    valid_until: date | None


@dataclass(frozen=True)
class CoverageTotals:
    """The report's figures: ``graded + in_progress + not_started == eligible``."""

    eligible: int
    graded: int
    in_progress: int
    not_started: int
    expiring: int


def grade_on(decisions: Sequence[GradeDecision], day: date, validity_years: int) -> Grade | None:
    """Return the grade `decisions` give on `day`: the latest decision taken on or before it, if it gave a level and
    is still valid; None otherwise."""
    taken = [d for d in decisions if d.decided_on <= day]
    if not taken:
        return None
    latest = max(taken, key=lambda d: d.decided_on)
    if latest.level is None:
        return None
    until = latest.valid_until or valid_until(latest.decided_on, validity_years)
    return Grade(latest.level, until) if day <= until else None


def coverage_item(facility: EligibleFacility, today: date, validity_years: int) -> CoverageItem:
    """Return where `facility` stands on `today`."""
    grade = grade_on(facility.decisions, today, validity_years)
    stage = CoverageStage.GRADED if grade else stage_of_application(facility.application_status)
    return CoverageItem(
        facility.facility_id,
        facility.name,
        facility.township,
        stage,
        grade.level if grade else None,
        grade.valid_until if grade else None,
    )


def totals(items: Sequence[CoverageItem], today: date, warning_days: int) -> CoverageTotals:
    """Return the figures of `items` on `today`; a grade expires soon when its last valid day is within
    `warning_days` of today."""
    graded = [i for i in items if i.stage == CoverageStage.GRADED]
    return CoverageTotals(
        eligible=len(items),
        graded=len(graded),
        in_progress=sum(1 for i in items if i.stage in IN_PROGRESS_STAGES),
        not_started=sum(1 for i in items if i.stage in NOT_STARTED_STAGES),
        expiring=sum(
            1 for i in graded if i.valid_until is not None and expires_soon(i.valid_until, today, warning_days)
        ),
    )


def month_ends(first: date, last: date) -> list[date]:
    """Return the last day of each month from `first`'s month to `last`'s, the last one being `last` itself."""
    ends = []
    month = first.replace(day=1)
    while month <= last:
        end = add_months(month, 1) - timedelta(days=1)
        ends.append(min(end, last))
        month = add_months(month, 1)
    return ends


def graded_by_month(
    decisions: Mapping[int, Sequence[GradeDecision]], first: date, today: date, validity_years: int
) -> list[tuple[date, int]]:
    """Return, for the end of each month from `first` to `today` (today for the current month), how many of the
    facilities holding `decisions` had a valid grade."""
    return [
        (day, sum(1 for held in decisions.values() if grade_on(held, day, validity_years) is not None))
        for day in month_ends(first, today)
    ]


def target_missed(target_date: date, today: date, items: Sequence[CoverageItem]) -> int:
    """Return how many facilities were not graded when the target date passed (0 before it, or when every one is)."""
    if today <= target_date:
        return 0
    return sum(1 for i in items if i.stage != CoverageStage.GRADED)
