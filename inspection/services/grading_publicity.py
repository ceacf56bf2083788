"""The 公示 of a 评定委员会 decision (DOMAIN §14.3, issue 14 step 5): the public's objections (异议) and their review.

Anyone may object on the public page while the 公示 runs (`inspection.campaign.publicity`); submissions are counted
per client address (kept only as a keyed hash) and per application, with growing delays past a few
(`login_throttle.count_public_request`). A 民政 reviewer of the facility's region upholds an objection, sending
the case back to the on-site assessment (step 3: a new assessment; the old one is set aside) or to the committee
(step 4: the assessment stands), or dismisses it; either needs reasons. Every change is audited, with what an
upheld objection cleared. The publication (step 6) asks the application's ``publicity_cleared_on``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select

from inspection.campaign.publicity import normalised_contact
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    ApplicationStatus,
    GradingApplication,
    GradingObjection,
    ObjectionStatus,
    ReturnStep,
    ThrottleScope,
)
from inspection.orm import utcnow
from inspection.permissions import is_reviewer_for
from inspection.services import Actor, RuleViolation, ServiceError
from inspection.services.audit import record_event
from inspection.services.grading_applications import open_application
from inspection.services.login_throttle import count_public_request
from inspection.transactions import locked

MAX_NAME = 50
MAX_TEXT = 2000
MAX_REASON = 2000
#: Objections from one address let through before the delays start, and the window they are counted in.
FREE_PER_ADDRESS = 5
#: Objections to one application from any addresses before the delays start (a campaign of copies).
FREE_PER_APPLICATION = 30
WINDOW = timedelta(hours=1)


class ObjectionThrottled(ServiceError):
    """Too many objections lately from this address or to this application; the count itself is kept.
    `retry_after`: the seconds to wait (the reply's Retry-After)."""

    status = 429
    code = "throttled"
    keep_work = True
    retry_after = 0


def client_hash(address: str, secret: str) -> str:
    """Return the keyed hash an address is kept as: the same address gives the same hash, which reveals nothing
    of it without the app's secret."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def takes_objections(application: GradingApplication, today: date) -> bool:
    """Return True if the public may object to the application's decision on `today`."""
    period = application.publicity_period
    return period is not None and period.takes_objections(application.decided_at.date(), today)


def submit_objection(
    application: GradingApplication, name: str, contact: str, text: str, client: str, today: date
) -> GradingObjection:
    """Record a member of the public's objection to the decision in 公示, after counting it against the limits.

    :param client: the client address as `client_hash` gives it.
    :raises ObjectionThrottled: too many from this address or to this application lately (the count is kept).
    :raises RuleViolation: the 公示 is not open; a name, contact or text missing or too long, or a contact that is
        neither a phone number nor an e-mail address (by field).
    """
    if not takes_objections(application, today):
        raise RuleViolation(N_("该评定结果不在公示期内，不再受理异议"))
    fields: dict[str, str] = {}
    name, text = name.strip(), text.strip()
    if not name or len(name) > MAX_NAME:
        fields["name"] = N_("请填写姓名（不超过 50 字）")
    phone_or_email = normalised_contact(contact)
    if phone_or_email is None:
        fields["contact"] = N_("请填写手机号、带区号的固定电话或电子邮箱")
    if not text or len(text) > MAX_TEXT:
        fields["text"] = N_("请填写异议内容（不超过 2000 字）")
    if fields:
        raise RuleViolation(next(iter(fields.values())), fields=fields)
    for scope, subject, free in (
        (ThrottleScope.OBJECTION_ADDRESS, client, FREE_PER_ADDRESS),
        (ThrottleScope.OBJECTION_APPLICATION, str(application.id), FREE_PER_APPLICATION),
    ):
        refusal = count_public_request(scope, subject, free=free, window=WINDOW)
        if refusal is not None:
            seconds = max(1, -(-int(refusal.wait.total_seconds() * 1000) // 1000))
            throttled = ObjectionThrottled(N_("提交过于频繁，请 %(minutes)s 分钟后再试"), minutes=-(-seconds // 60))
            throttled.retry_after = seconds
            raise throttled
    objection = GradingObjection(
        application_id=application.id,
        submitter_name=name,
        contact=phone_or_email,
        text=text,
        client_hash=client,
        status=ObjectionStatus.PENDING,
        review_reason="",
        is_demo=application.is_demo,
    )
    db.session.add(objection)
    db.session.flush()
    # the audit log is read by staff of the region: it says that an objection came, not who sent it
    _audit(Actor(None), application, "grading.objection_submitted", {"objection_id": objection.id})
    return objection


def review_objection(
    objection: GradingObjection, uphold: bool, returned_to: ReturnStep | None, reason: str, actor: Actor
) -> GradingObjection:
    """A 民政 reviewer of the facility's region decides an objection. Upholding sends the case back: to the
    on-site assessment (the assessment's link, the decision and its 公示 are cleared; the old assessment is kept
    aside, counting as neither a grade nor a result to countersign) or to the committee (the decision and its 公示
    are cleared; the assessment stands). What was cleared is written to the audit log.

    :raises ServiceError: not such a reviewer; the objection already reviewed; no reasons; upholding without
        saying where the case goes back, while no decision stands, or while the facility has another application
        under way.
    """
    application = objection.application
    user = actor.user
    if user is None or not is_reviewer_for(user, application.facility):
        raise ServiceError(N_("只有该辖区的民政审核人员可以处理异议"))
    (objection,) = locked(GradingObjection, objection.id)
    (application,) = locked(GradingApplication, application.id)
    if objection.status != ObjectionStatus.PENDING:
        raise RuleViolation(N_("该异议已处理"))
    reason = reason.strip()[:MAX_REASON]
    if not reason:
        raise RuleViolation(N_("请填写处理理由"), fields={"reason": N_("请填写处理理由")})
    cleared: dict[str, Any] = {}
    if uphold:
        if returned_to is None:
            raise RuleViolation(N_("请选择退回的环节"), fields={"returned_to": N_("请选择退回的环节")})
        if application.decided_at is None:
            raise RuleViolation(N_("该申请已退回，当前没有评定结果可以撤销；请作出异议不成立的处理并说明"))
        if open_application(application.facility) is not None:
            raise RuleViolation(N_("该机构已有另一项正在办理的等级评定申请，不能退回本申请"))
        cleared = _send_back(application, objection, returned_to)
    objection.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
    objection.returned_to = returned_to if uphold else None
    objection.reviewed_by_id, objection.reviewed_at = user.id, utcnow()
    objection.review_reason = reason
    db.session.flush()
    after = {"objection_id": objection.id, "status": str(objection.status), "reason": reason}
    if uphold:
        after["returned_to"] = str(returned_to)
    _audit(actor, application, "grading.objection_reviewed", after, before=cleared or None)
    return objection


def _send_back(application: GradingApplication, objection: GradingObjection, step: ReturnStep) -> dict[str, Any]:
    """Clear the decision (and for `ASSESSMENT` the assessment's link) of `application`; return what was cleared."""
    result = application.assessment_result
    cleared = {
        "decided_level": application.decided_level,
        "committee_met_on": application.committee_met_on.isoformat() if application.committee_met_on else None,
        "committee_members": application.committee_members,
        "decision_reason": application.decision_reason,
        "decided_by_id": application.decided_by_id,
        "decided_at": application.decided_at.isoformat() + "Z" if application.decided_at else None,
        "publicity_starts_on": _iso(application.publicity_starts_on),
        "publicity_ends_on": _iso(application.publicity_ends_on),
        "assessment_inspection_id": application.assessment_inspection_id,
    }
    application.status = ApplicationStatus.ACCEPTED
    application.committee_met_on, application.committee_members = None, ""
    application.decided_level, application.decision_reason = None, ""
    application.decided_by_id = application.decided_at = None
    application.publicity_starts_on = application.publicity_ends_on = None
    if result is not None:  # the committee's record was the result's review: it no longer stands
        result.reviewed_at = result.reviewed_by_id = None
        result.review_comment = ""
    if step == ReturnStep.ASSESSMENT:
        objection.superseded_assessment_id = application.assessment_inspection_id
        application.assessment = None
        application.assessment_scheduled_by_id = application.assessment_scheduled_at = None
    return cleared


def in_publicity(today: date) -> Select[tuple[GradingApplication]]:
    """Return a select of the decided applications whose 公示 runs on `today`, for the public page, the period
    ending soonest first."""
    return (
        select(GradingApplication)
        .join(GradingApplication.facility)
        .where(
            GradingApplication.decided_at.is_not(None),
            GradingApplication.publicity_ends_on >= today,
        )
        .order_by(GradingApplication.publicity_ends_on, GradingApplication.id)
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _audit(
    actor: Actor, application: GradingApplication, action: str, after: dict[str, Any], before: dict | None = None
) -> None:
    record_event(
        actor,
        action,
        object_type="grading_application",
        object_id=application.id,
        region_path=application.facility.region.path,
        before=before,
        after=after,
    )
