"""The grading campaign's reads: the province's rules (validated once per process) and a facility's eligibility, from
the register, the credit list and its grading history. The rules themselves are pure (``inspection.campaign``)."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import exists, select

from inspection.campaign.eligibility import EligibilityFacts, Refusal, refusals
from inspection.campaign.rules import CampaignRules, load_rules
from inspection.checklists import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.models import ChecklistStatus, Facility, Inspection, InspectionChecklist
from inspection.scoring.rankings import GRADE_CODE
from inspection.services.credit import is_blacklisted
from inspection.services.grade_certificates import has_held_certificate, plaque_outstanding


@cache
def campaign_rules(province: str) -> CampaignRules:
    """Return the campaign rules of `province`, validated once per process.

    :raises CampaignRulesError: the province's file is missing or malformed (the app must not start then).
    """
    return load_rules(province)


def graded_before(facility: Facility) -> bool:
    """Return True if the facility has held a grade: a published certificate, or a countersigned grading result at
    a level (一级 … 五级)."""
    if has_held_certificate(facility.id):
        return True
    held = (
        select(InspectionChecklist.id)
        .join(Inspection, Inspection.id == InspectionChecklist.inspection_id)
        .where(
            Inspection.facility_id == facility.id,
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
            InspectionChecklist.verdict_code == GRADE_CODE,
            InspectionChecklist.reviewed_at.is_not(None),
        )
    )
    return bool(db.session.scalar(select(exists(held))))


def eligibility_facts(facility: Facility, today: date) -> EligibilityFacts:
    """Return what the eligibility rules need to know about `facility` on `today`, as the records hold it now."""
    return EligibilityFacts(
        residential=facility.is_residential,
        opened_on=facility.opened_on,
        filed=facility.filed_on is not None,
        last_penalty_on=facility.last_penalty_on,
        blacklisted=is_blacklisted(facility.id),
        plaque_outstanding=plaque_outstanding(facility.id, today),
        graded_before=graded_before(facility),
    )


def eligibility_refusals(facility: Facility, level: int, rules: CampaignRules, today: date) -> list[Refusal]:
    """Return every rule that refuses `facility` an application for `level` on `today` (empty: it may apply)."""
    return refusals(eligibility_facts(facility, today), level, rules, today)
