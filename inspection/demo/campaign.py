"""The demo county's grading campaign (issue 14): register facts eligibility reads, applications accepted at the
eligibility review and one refused for a recent penalty, one accepted home assessed on site by a three-person team and
decided by the 评定委员会 (in 公示, with an objection from the public awaiting review), another awaiting its team,
through the services as real use does; and grades published earlier with their certificates (PDFs rendered and
signed now), one of them lapsed with its plaque not returned. All invented."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from inspection.campaign.publicity import publicity_period
from inspection.campaign.rules import CampaignRules
from inspection.checklists import GRADING_CHECKLIST
from inspection.demo import county
from inspection.extensions import db
from inspection.models import (
    AnswerResult,
    ApplicationStatus,
    ChecklistStatus,
    Facility,
    GradingApplication,
    Inspection,
    InspectionChecklist,
    InspectionPurpose,
    User,
)
from inspection.services import Actor
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.campaign import campaign_rules
from inspection.services.checklists import checklist_of, latest_version
from inspection.services.grade_certificates import Publication, expire_certificates, public_facility_url, publish_grade
from inspection.services.grading_applications import (
    apply_for_grading,
    assess,
    grading_checklist,
    review_application,
)
from inspection.services.grading_assessment import record_decision, schedule_assessment
from inspection.services.grading_publicity import client_hash, submit_objection
from inspection.services.submission import facility_facts, submit_department


def seed_demo_campaign(facilities: dict[str, Facility], today: date) -> int:
    """Record opening and filing dates and the recent penalty, then the applications; nothing when any application
    exists (the seed stays idempotent).

    :return: how many applications were created.
    """
    if latest_version(GRADING_CHECKLIST) is None:
        return 0  # checklists not imported yet (`flask checklists import` runs first in make run)
    if db.session.scalar(select(GradingApplication.id).limit(1)) is not None:
        return 0
    for name, year in county.DEMO_OPENED.items():
        facilities[name].opened_on = date(year, 3, 1)
        facilities[name].filed_on = date(year, 4, 1)
    name, days = county.DEMO_PENALTY
    facilities[name].last_penalty_on = today - timedelta(days=days)
    reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
    rules = campaign_rules(current_app.config["GRADING_PROVINCE"])
    _version, checklist = grading_checklist()
    for index, (name, (level, decision, reason)) in enumerate(county.DEMO_APPLICATIONS.items()):
        facility = facilities[name]
        operator = db.session.scalar(select(User).where(User.facility_id == facility.id))
        answers = {item.code: {"result": "pass"} for section in checklist.sections for item in section.items}
        for item in [i for section in checklist.sections for i in section.items][index::5]:
            answers[item.code] = {
                "result": "fail",
                "deduction": str(min(item.points, 1)),
                "note": "自评发现不足（演示）",
            }
        application = apply_for_grading(facility, level, answers, Actor(operator, "demo-seed"))
        review_application(application, decision == "accept", reason, Actor(reviewer, "demo-seed"), rules, today)
        if name in county.DEMO_ASSESSMENTS:
            _assess(application, *county.DEMO_ASSESSMENTS[name], Actor(reviewer, "demo-seed"), rules, today)
        if name in county.DEMO_OBJECTION:
            who, contact, text = county.DEMO_OBJECTION[name]
            address = client_hash("demo-seed", current_app.config["SECRET_KEY"])
            submit_objection(application, who, contact, text, address, today)
    seeder = Actor(reviewer, "demo-seed")
    for name, (level, met_days, published_days, number) in county.DEMO_CERTIFICATES.items():
        met_on, published_on = today - timedelta(days=met_days), today - timedelta(days=published_days)
        _publish_earlier(facilities[name], level, met_on, published_on, number, seeder, rules, today)
    expire_certificates(today, seeder)
    return len(county.DEMO_APPLICATIONS) + len(county.DEMO_CERTIFICATES)


def _publish_earlier(
    facility: Facility, level: int, met_on: date, published_on: date, number: str, actor: Actor, rules, today: date
) -> None:
    """Record an earlier application decided at `level` by the committee on `met_on` (its on-site assessment: the
    facility's latest grading inspection before then, if any) and publish it on `published_on`."""
    from inspection.demo.seed import DEMO_BASE_URL  # the seed imports this module

    operator = db.session.scalar(select(User).where(User.facility_id == facility.id))
    version, checklist = grading_checklist()
    answers = {item.code: {"result": "pass"} for section in checklist.sections for item in section.items}
    assessed = assess(facility, checklist, answers)
    visit = db.session.scalar(
        select(Inspection)
        .join(InspectionChecklist, InspectionChecklist.inspection_id == Inspection.id)
        .where(
            Inspection.facility_id == facility.id,
            Inspection.purpose == InspectionPurpose.GRADING,
            Inspection.inspected_on <= met_on,
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
        )
        .order_by(Inspection.inspected_on.desc())
        .limit(1)
    )
    applied_at = datetime.combine(met_on - timedelta(days=60), datetime.min.time()) + timedelta(hours=9)
    decided_at = datetime.combine(met_on, datetime.min.time()) + timedelta(hours=16)
    application = GradingApplication(
        facility_id=facility.id,
        level=level,
        status=ApplicationStatus.DECIDED,
        checklist_version=version,
        self_assessment=assessed.answers,
        self_score=assessed.result.points,
        self_level=assessed.result.grade,
        applied_by_id=operator.id,
        applied_at=applied_at,
        reviewed_by_id=actor.user_id,
        reviewed_at=applied_at + timedelta(days=10),
        assessment_inspection_id=visit.id if visit else None,
        committee_met_on=met_on,
        committee_members="评定委员甲（县民政局，演示）\n评定委员乙（外聘专家，演示）\n评定委员丙（外聘专家，演示）",
        decided_level=level,
        decision_reason="" if visit else "沿用系统启用前的评定结果（演示）",
        decided_by_id=actor.user_id,
        decided_at=decided_at,
        is_demo=True,
    )
    period = publicity_period(met_on, rules.campaign.publicity_working_days)  # long over: published after it
    application.publicity_starts_on, application.publicity_ends_on = period.starts_on, period.ends_on
    db.session.add(application)
    db.session.flush()
    base = current_app.config["PUBLIC_BASE_URL"] or DEMO_BASE_URL
    publication = Publication(number.format(year=published_on.year), published_on)
    publish_grade(application, publication, actor, rules, today, public_facility_url(base, facility.id))


def _assess(
    application: GradingApplication,
    usernames: tuple[str, ...],
    decision: tuple[str, str] | None,
    actor: Actor,
    rules: CampaignRules,
    today: date,
) -> None:
    """Schedule the on-site assessment with the team; when the committee has met, the team's answers (differing from
    the self-assessment on a few items), its submission and the committee's decision at the applied level."""
    team = list(db.session.scalars(select(User).where(User.username.in_(usernames))))
    inspection = schedule_assessment(application, team, today, actor, rules, today)
    if decision is None:
        return
    lead = Actor(next(u for u in team if u.username == usernames[0]), "demo-seed")
    facts = facility_facts(application.facility).true_facts()
    items = [i for ic in inspection.checklists for s in checklist_of(ic.version).sections for i in s.items]
    inputs = []
    for index, item in enumerate(i for i in items if i.applies_to(facts)):
        fails = index % 7 == 3 and not item.photo_on_fail
        result = AnswerResult.FAIL if fails else AnswerResult.PASS
        note = "现场评审发现不足（演示）" if fails else ""
        deduction = Decimal(min(item.points, 2)) if fails else None
        inputs.append(AnswerInput(item.code, result, str(uuid.uuid4()), deduction, note))
    save_answers(inspection, inputs, lead)
    submit_department(inspection, "mz", lead, today=today)
    db.session.flush()
    members, reason = decision
    scored = application.assessment_result.grade
    level = application.level
    record_decision(application, today, members, level, reason if level != scored else "", actor, rules, today)
