"""Applications for a grade (申请) with their self-assessment (自评), and the eligibility review (资格审查) by a 民政
reviewer (DOMAIN §14.3). Each change is audited; the rules are ``inspection.campaign``'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, select

from inspection.campaign.eligibility import Refusal
from inspection.campaign.rules import CampaignRules
from inspection.checklists import GRADING_CHECKLIST, Checklist
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    OPEN_APPLICATION_STATUSES,
    AnswerResult,
    ApplicationStatus,
    Facility,
    GradingApplication,
)
from inspection.orm import utcnow
from inspection.permissions import can_apply_for_grading, is_reviewer_for
from inspection.scoring import Answer, ScoreResult, ScoringError, score
from inspection.services import Actor, RuleViolation, ServiceError
from inspection.services.audit import record_event
from inspection.services.campaign import eligibility_refusals
from inspection.services.checklists import checklist_of, latest_version
from inspection.services.submission import facility_facts
from inspection.transactions import locked


@dataclass(frozen=True)
class SelfAssessment:
    """A self-assessment as submitted: the answers by item code, and their score on the checklist."""

    answers: dict[str, dict[str, Any]]
    result: ScoreResult


def grading_checklist() -> tuple[int, Checklist]:
    """Return the current grading checklist version's number and content (the one inspectors fill too).

    :raises RuleViolation: the grading checklist was never imported.
    """
    row = latest_version(GRADING_CHECKLIST)
    if row is None:
        raise RuleViolation(N_("尚未导入等级评定检查表"))
    return row.version, checklist_of(row)


def assess(facility: Facility, checklist: Checklist, raw: Mapping[str, Mapping[str, Any]]) -> SelfAssessment:
    """Score a self-assessment (``{code: {"result", "deduction", "note"}}``) on `checklist` with the facility's
    facts, as an inspection's answers are scored.

    :raises RuleViolation: an answer the checklist does not allow (unknown item, a deduction above its points, N/A
        where not allowed), naming the item in ``fields``.
    """
    answers: dict[str, Answer] = {}
    stored: dict[str, dict[str, Any]] = {}
    for code, given in raw.items():
        result = str(given.get("result") or "")
        if not result:
            continue
        deduction = _deduction(code, given.get("deduction"))
        note = str(given.get("note") or "")[:2000]
        try:
            answers[code] = Answer(result, deduction if result == AnswerResult.FAIL else None, note)
        except ScoringError as exc:
            raise RuleViolation(N_("自评答案有误：%(error)s"), fields={code: str(exc)}, error=str(exc)) from exc
        stored[code] = {"result": result, "deduction": None if deduction is None else str(deduction), "note": note}
    try:
        result = score(checklist, answers, facility_facts(facility))
    except ScoringError as exc:
        raise RuleViolation(N_("自评答案有误：%(error)s"), error=str(exc)) from exc
    if result.unanswered:
        raise RuleViolation(
            N_("自评尚有 %(n)s 项未填：%(codes)s"),
            fields=dict.fromkeys(result.unanswered, N_("请填写此项")),
            n=len(result.unanswered),
            codes="、".join(result.unanswered),
        )
    return SelfAssessment(stored, result)


def _deduction(code: str, value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RuleViolation(N_("扣分应为数字"), fields={code: N_("扣分应为数字")}) from exc


def apply_for_grading(
    facility: Facility, level: int, raw_answers: Mapping[str, Mapping[str, Any]], actor: Actor
) -> GradingApplication:
    """The facility's operator applies for `level` with a self-assessment on the grading checklist.

    :raises ServiceError: not the operator of this facility, not a residential 养老机构, an application
        already under way, a level outside 1–5, or a self-assessment that is incomplete or invalid.
    """
    user = actor.user
    if user is None or not can_apply_for_grading(user, facility):
        raise ServiceError(N_("只有本机构的负责人可以申请等级评定"))
    if not facility.is_residential:
        raise RuleViolation(N_("不是养老机构（住养型），不参加等级评定"))
    if level not in range(1, 6):
        raise RuleViolation(N_("请选择申请等级"), fields={"level": N_("请选择申请等级")})
    locked(Facility, facility.id)  # one open application per facility: decided under the facility's lock
    if open_application(facility) is not None:
        raise RuleViolation(N_("本机构已有正在办理的等级评定申请"))
    version, checklist = grading_checklist()
    assessed = assess(facility, checklist, raw_answers)
    application = GradingApplication(
        facility_id=facility.id,
        level=level,
        status=ApplicationStatus.SUBMITTED,
        checklist_version=version,
        self_assessment=assessed.answers,
        self_score=assessed.result.points,
        self_level=assessed.result.grade,
        applied_by_id=user.id,
        refusals=[],
        is_demo=facility.is_demo,
    )
    db.session.add(application)
    db.session.flush()
    _audit(actor, application, "grading.apply", {"level": level, "self_score": str(assessed.result.points)})
    return application


def review_application(
    application: GradingApplication, accept: bool, reason: str, actor: Actor, rules: CampaignRules, today: date
) -> GradingApplication:
    """A 民政 reviewer of the facility's region accepts or refuses an application after the eligibility check.

    Accepting needs the facility to meet every rule; a refusal needs reasons and records the rules that refuse it.

    :raises ServiceError: not such a reviewer, the application already reviewed, accepting while a rule
        refuses, or refusing without reasons.
    """
    user = actor.user
    facility = application.facility
    if user is None or not is_reviewer_for(user, facility):
        raise ServiceError(N_("只有该辖区的民政审核人员可以审查申请"))
    (application,) = locked(GradingApplication, application.id)
    if application.status != ApplicationStatus.SUBMITTED:
        raise RuleViolation(N_("该申请已审查"))
    found = eligibility_refusals(facility, application.level, rules, today)
    reason = reason.strip()
    if accept and found:
        raise RuleViolation(N_("不符合申请条件，不能通过：%(rules)s"), rules="；".join(r.message for r in found))
    if not accept and not reason:
        raise RuleViolation(N_("请填写不予通过的理由"), fields={"reason": N_("请填写不予通过的理由")})
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.REFUSED
    application.reviewed_by_id = user.id
    application.reviewed_at = utcnow()
    application.review_reason = reason
    application.refusals = [] if accept else [_refusal_json(r) for r in found]
    db.session.flush()
    _audit(actor, application, "grading.review", {"status": application.status, "reason": reason})
    return application


def _refusal_json(refusal: Refusal) -> dict[str, Any]:
    """The refusal as stored: its text, and its msgid and values so that a page shows it in the reader's language."""
    message = refusal.message
    return {
        "code": refusal.code,
        "message": str(message),
        "msgid": message.msgid,
        "params": dict(message.params),
        "unverified": refusal.unverified,
    }


def open_application(facility: Facility) -> GradingApplication | None:
    """Return the facility's application under way, if any."""
    return db.session.scalar(
        select(GradingApplication).where(
            GradingApplication.facility_id == facility.id,
            GradingApplication.status.in_(OPEN_APPLICATION_STATUSES),
        )
    )


def _audit(actor: Actor, application: GradingApplication, action: str, after: dict[str, Any]) -> None:
    record_event(
        actor,
        action,
        object_type="grading_application",
        object_id=application.id,
        region_path=application.facility.region.path,
        after=after,
    )


def accepted_applications() -> Select[tuple[GradingApplication]]:
    """Return a select of the applications accepted at the eligibility review (also those decided since), for the
    public list (资格审查通过名单, DOMAIN §14.3), newest decision first."""
    return (
        select(GradingApplication)
        .join(GradingApplication.facility)
        .where(GradingApplication.status.in_((ApplicationStatus.ACCEPTED, ApplicationStatus.DECIDED)))
        .order_by(GradingApplication.reviewed_at.desc(), GradingApplication.id)
    )
