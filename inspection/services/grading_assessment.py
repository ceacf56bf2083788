"""The on-site assessment (现场评审) of an accepted grading application and the 评定委员会's decision (DOMAIN §14.3).

A 民政 reviewer assigns a team of at least the rules' `min_assessors` (民政 inspectors and assessors) and a date: that
plans a grading inspection of the facility, which the team fills in the phone form. Once it is submitted and
scored, a reviewer records the committee's meeting, members and decided level; for these results the committee's
record replaces the single countersignature (`services.reviews`). Each step records who and when, and is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from inspection.campaign.publicity import publicity_period
from inspection.campaign.rules import CampaignRules
from inspection.campaign.stages import Stage
from inspection.checklists import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import FIELD_ROLES, ApplicationStatus, GradingApplication, Inspection, InspectionPurpose, User
from inspection.orm import utcnow
from inspection.permissions import is_reviewer_for
from inspection.services import Actor, RuleViolation, ServiceError
from inspection.services.audit import record_event
from inspection.services.planning import start_inspection, teams_by_department
from inspection.transactions import locked

MAX_MEMBERS = 2000
MAX_REASON = 2000


def _check_reviewer(application: GradingApplication, actor: Actor) -> User:
    user = actor.user
    if user is None or not is_reviewer_for(user, application.facility):
        raise ServiceError(N_("只有该辖区的民政审核人员可以办理"))
    return user


def schedule_assessment(
    application: GradingApplication,
    team: Sequence[User],
    on: date,
    actor: Actor,
    rules: CampaignRules,
    today: date,
) -> Inspection:
    """Assign an assessment team and a date to an accepted application: plan the grading inspection of the facility
    with the team as its assignees.

    :raises ServiceError: not a reviewer of the facility's region; the application not accepted or already
        scheduled; a team smaller than the rules' minimum; a member who is neither a 民政 inspector nor an
        assessor of the area; a date out of range (`planning.start_inspection`'s problems, by field).
    """
    user = _check_reviewer(application, actor)
    (application,) = locked(GradingApplication, application.id)
    if application.stage != Stage.ACCEPTED:
        raise RuleViolation(N_("只有资格审查通过、尚未安排评审的申请可以安排现场评审"))
    team = list(dict.fromkeys(team))
    minimum = rules.campaign.min_assessors
    if len(team) < minimum:
        message = N_("评审组至少需要 %(count)s 名评审人员")
        raise RuleViolation(message, fields={"team": message}, count=minimum)
    inspection = start_inspection(
        application.facility,
        [GRADING_CHECKLIST],
        on,
        InspectionPurpose.GRADING,
        user.department,
        teams_by_department(team),
        actor,
        today=today,
        after_the_fact=False,
        field_roles=FIELD_ROLES,
    )
    application.assessment = inspection
    application.assessment_scheduled_by_id = user.id
    application.assessment_scheduled_at = utcnow()
    db.session.flush()
    _audit(
        actor,
        application,
        "grading.schedule_assessment",
        {"inspection_id": inspection.id, "date": on.isoformat(), "team": sorted(u.username for u in team)},
    )
    return inspection


def record_decision(
    application: GradingApplication,
    met_on: date | None,
    members: str,
    level: int | None,
    reason: str,
    actor: Actor,
    rules: CampaignRules,
    today: date,
) -> GradingApplication:
    """Record the 评定委员会's decision on an assessed application: the meeting's date, its members (free text), the
    level decided (None: not graded) and the reasons, required when the level differs from the level applied
    for or from the assessment's scored result. The assessment's grading result counts as reviewed from then.
    The decision goes into 公示 for the rules' `publicity_working_days` from the next working day
    (`inspection.campaign.publicity`); a decision after an upheld objection starts a new period.

    :raises ServiceError: not a reviewer of the facility's region; the assessment not scored yet or already
        decided; no or a future meeting date, or one before the assessment; no members; a level outside 1–5; no
        reasons where they are required.
    """
    user = _check_reviewer(application, actor)
    (application,) = locked(GradingApplication, application.id)
    if application.stage != Stage.ASSESSED:
        raise RuleViolation(N_("只有现场评审已提交评分、尚未评定的申请可以记录评定委员会决定"))
    result = application.assessment_result
    assert result is not None  # the stage says it is scored
    fields: dict[str, str] = {}
    if met_on is None:
        fields["met_on"] = N_("请填写评定委员会会议日期")
    elif met_on > today or met_on < application.assessment.inspected_on:
        fields["met_on"] = N_("会议日期应在现场评审之后、不晚于今天")
    members = members.strip()[:MAX_MEMBERS]
    if not members:
        fields["members"] = N_("请填写参会委员")
    if level is not None and level not in range(1, 6):
        fields["level"] = N_("请选择评定等级")
    reason = reason.strip()[:MAX_REASON]
    if (level != application.level or level != result.grade) and not reason:
        fields["reason"] = N_("评定等级与申请等级或评分结果不同，请填写理由")
    if fields:
        raise RuleViolation(next(iter(fields.values())), fields=fields)
    now = utcnow()
    application.committee_met_on, application.committee_members = met_on, members
    application.decided_level, application.decision_reason = level, reason
    application.decided_by_id, application.decided_at = user.id, now
    period = publicity_period(today, rules.campaign.publicity_working_days)
    application.publicity_starts_on, application.publicity_ends_on = period.starts_on, period.ends_on
    application.status = ApplicationStatus.DECIDED
    # The committee's record is this result's review: it leaves the countersignature queue and counts as reviewed.
    result.reviewed_at, result.reviewed_by_id = now, user.id
    result.review_comment = "评定委员会决定"
    db.session.flush()
    _audit(
        actor,
        application,
        "grading.decide",
        {
            "met_on": met_on.isoformat() if met_on else None,
            "members": members,
            "level": level,
            "applied_level": application.level,
            "scored_level": result.grade,
            "reason": reason,
            "publicity": [period.starts_on.isoformat(), period.ends_on.isoformat()],
        },
    )
    return application


def self_assessment_beside(inspection: Inspection) -> dict[str, dict]:
    """Return the facility's self-assessment by item code when `inspection` is a grading application's on-site
    assessment (shown beside each item of the team's form), else an empty mapping."""
    application = db.session.scalar(
        select(GradingApplication).where(GradingApplication.assessment_inspection_id == inspection.id)
    )
    return application.self_assessment if application is not None else {}


def _audit(actor: Actor, application: GradingApplication, action: str, after: dict) -> None:
    record_event(
        actor,
        action,
        object_type="grading_application",
        object_id=application.id,
        region_path=application.facility.region.path,
        after=after,
    )
