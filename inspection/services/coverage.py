"""The grading campaign's coverage report (DOMAIN §15.7): the eligible facilities a user may see, where each stands,
the totals against the campaign's target date and the graded count by month. The rules are
``inspection.campaign.coverage``'s; this module reads their facts.

What makes a facility graded is one function, :func:`grade_decisions`: its published grade certificates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from inspection.campaign.coverage import (
    CoverageItem,
    CoverageTotals,
    EligibleFacility,
    GradeDecision,
    coverage_item,
    graded_by_month,
    target_missed,
    totals,
)
from inspection.campaign.eligibility import add_months
from inspection.campaign.rules import CampaignRules
from inspection.extensions import db
from inspection.models import (
    Facility,
    FacilityStatus,
    GradeCertificate,
    GradingApplication,
    Region,
    User,
)
from inspection.permissions import in_township, visible_facilities

#: How many months of progress the chart shows at most.
CHART_MONTHS = 36


@dataclass(frozen=True)
class CoverageReport:
    """The report as a page, the API and the export show it.

    :param items: the facilities of the township filter and the stage filter, by township and name.
    :param totals: the figures of the township filter (every stage).
    :param missed: how many facilities were not graded once the target date had passed (0 before it).
    :param progress: (month end, graded count) from the first decision's month, at most CHART_MONTHS.
    """

    target_date: date
    items: list[CoverageItem]
    totals: CoverageTotals
    missed: int
    progress: list[tuple[date, int]]


def eligible_facilities(user: User, township_id: int | None = None) -> Select[tuple[Facility]]:
    """Return a select of the facilities the campaign must grade that `user` may see: residential and active."""
    stmt = visible_facilities(user).where(Facility.is_residential, Facility.status == FacilityStatus.ACTIVE)
    return stmt.where(in_township(township_id)) if township_id is not None else stmt


def grade_decisions(facility_ids: Select[tuple[int]]) -> dict[int, list[GradeDecision]]:
    """Return the grade decisions of the facilities `facility_ids` selects: their published certificates, each from
    its first valid day to its last, at its level. A later certificate replaces an earlier one; an expired one
    leaves the facility ungraded."""
    stmt = select(
        GradeCertificate.facility_id, GradeCertificate.valid_from, GradeCertificate.level, GradeCertificate.valid_until
    ).where(GradeCertificate.facility_id.in_(facility_ids))
    found: dict[int, list[GradeDecision]] = {}
    for facility_id, valid_from, level, until in db.session.execute(stmt):
        found.setdefault(facility_id, []).append(GradeDecision(valid_from, level, until))
    return found


def latest_applications(facility_ids: Select[tuple[int]]) -> dict[int, GradingApplication]:
    """Return each facility's latest grading application, with its objections and certificate (its `stage_on` a day
    reads them)."""
    stmt = (
        select(GradingApplication)
        .where(GradingApplication.facility_id.in_(facility_ids))
        .options(selectinload(GradingApplication.objections), selectinload(GradingApplication.certificate))
        .order_by(GradingApplication.applied_at, GradingApplication.id)
    )
    return {a.facility_id: a for a in db.session.scalars(stmt)}  # the latest is written last


def coverage_report(
    user: User, rules: CampaignRules, today: date, *, township_id: int | None = None, stage: str | None = None
) -> CoverageReport:
    """Return the coverage `user` may see on `today` under `rules`, for one township or all, and one stage or all.

    :param stage: a ``CoverageStage`` value; it narrows the items, not the totals.
    """
    scope = eligible_facilities(user, township_id)
    ids = scope.with_only_columns(Facility.id)
    latest = latest_applications(ids)
    statuses = {fid: str(a.stage_on(today)) for fid, a in latest.items()}
    decisions = grade_decisions(ids)
    rows = db.session.execute(
        scope.with_only_columns(Facility.id, Facility.name, Region.name).order_by(Region.name, Facility.name)
    )
    years = rules.campaign.validity_years
    items = [
        coverage_item(
            EligibleFacility(fid, name, township, statuses.get(fid), tuple(decisions.get(fid, ()))), today, years
        )
        for fid, name, township in rows
    ]
    return CoverageReport(
        target_date=rules.campaign.target_date,
        items=[i for i in items if stage is None or i.stage == stage],
        totals=totals(items, today, rules.campaign.expiry_warning_days),
        missed=target_missed(rules.campaign.target_date, today, items),
        progress=_progress(decisions, today, years),
    )


def _progress(decisions: dict[int, list[GradeDecision]], today: date, years: int) -> list[tuple[date, int]]:
    first = min((d.decided_on for held in decisions.values() for d in held), default=today)
    earliest = add_months(today.replace(day=1), 1 - CHART_MONTHS)
    return graded_by_month(decisions, max(first, earliest), today, years)
