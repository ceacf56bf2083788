"""Where a grading application stands in the campaign (DOMAIN §14.3: 申请 → 审查 → 组织评审 → 评定委员会 → 公示 → 公布),
computed in one place from its records; the coverage report counts facilities by these stages."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """A step of the campaign an application has reached."""

    APPLIED = "applied"  # awaiting the eligibility review
    REFUSED = "refused"  # not eligible
    ACCEPTED = "accepted"  # eligible, no assessment team assigned yet
    ASSESSMENT_SCHEDULED = "assessment_scheduled"  # a team and a date, the grading inspection not submitted yet
    ASSESSED = "assessed"  # the team's grading inspection is submitted and scored: awaits the committee
    PUBLICITY = "publicity"  # decided; the 公示 runs, or it is over with an objection awaiting review
    DECIDED = "decided"  # decided, the 公示 over and cleared: awaits publication
    PUBLISHED = "published"  # published: the grade is the facility's and its certificate issued


def stage_of(
    status: str,
    *,
    assessment_scheduled: bool,
    assessment_scored: bool,
    decided: bool,
    in_publicity: bool = False,
    published: bool = False,
) -> Stage:
    """Return the stage of an application from its stored status ("submitted", "accepted", "refused", "decided"),
    whether an assessment was scheduled, whether its grading result is scored, whether the committee decided,
    whether that decision's 公示 is not cleared yet (running, or an objection pending:
    `inspection.campaign.publicity`), and whether the decision was published with a certificate."""
    if published:
        return Stage.PUBLISHED
    if decided or status == "decided":
        return Stage.PUBLICITY if in_publicity else Stage.DECIDED
    if status == "refused":
        return Stage.REFUSED
    if status == "submitted":
        return Stage.APPLIED
    if not assessment_scheduled:
        return Stage.ACCEPTED
    return Stage.ASSESSED if assessment_scored else Stage.ASSESSMENT_SCHEDULED
