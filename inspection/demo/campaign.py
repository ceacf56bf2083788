"""The demo county's grading campaign (issue 14): register facts eligibility reads, applications accepted at the
eligibility review and one refused for a recent penalty, one accepted home assessed on site by a three-person team and
decided by the 评定委员会 (in 公示, with an objection from the public awaiting review), another awaiting its team,
through the services as real use does. All invented."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from inspection.campaign.rules import CampaignRules
from inspection.checklists import GRADING_CHECKLIST
from inspection.demo import county
from inspection.extensions import db
from inspection.models import AnswerResult, Facility, GradingApplication, User
from inspection.services import Actor
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.campaign import campaign_rules
from inspection.services.checklists import checklist_of, latest_version
from inspection.services.grading_applications import apply_for_grading, grading_checklist, review_application
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
    return len(county.DEMO_APPLICATIONS)


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
