"""The demo county's grading campaign (issue 14): register facts eligibility reads, one application accepted at the
eligibility review and one refused for a recent penalty, through the services as real use does. All invented."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from inspection.checklists import GRADING_CHECKLIST
from inspection.demo import county
from inspection.extensions import db
from inspection.models import Facility, GradingApplication, User
from inspection.services import Actor
from inspection.services.campaign import campaign_rules
from inspection.services.checklists import latest_version
from inspection.services.grading_applications import apply_for_grading, grading_checklist, review_application


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
    return len(county.DEMO_APPLICATIONS)
