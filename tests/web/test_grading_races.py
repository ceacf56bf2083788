"""Grading applications that race each other, against a real server process (issue 14): an operator tapping
"submit" four times holds one application; an accept and a refusal sent at once leave one decision."""

from datetime import date, timedelta

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import ApplicationStatus, AuditEvent, GradingApplication
from inspection.services.grading_applications import grading_checklist
from tests.conftest import facility
from tests.factories import OWN, PASSWORD
from tests.server_process import Client, together


def all_pass(app) -> dict:
    with app.app_context():
        _version, checklist = grading_checklist()
        return {item.code: {"result": "pass"} for section in checklist.sections for item in section.items}


def test_an_application_sent_four_times_at_once_is_held_once(concurrent_app, served_county):
    body = {"level": 1, "self_assessment": all_pass(concurrent_app)}
    clients = [Client(served_county).api_token("operator", PASSWORD) for _ in range(4)]
    replies = together(
        *[lambda c=c: c.request("POST", "/api/v1/grading/applications", json_body=body) for c in clients]
    )
    assert sorted(r.status for r in replies) == [201, 422, 422, 422], [r.body[:200] for r in replies]
    with concurrent_app.app_context():
        own = facility(OWN).id
        count = select(func.count()).select_from(GradingApplication).where(GradingApplication.facility_id == own)
        assert db.session.scalar(count) == 1


def test_an_accept_and_a_refusal_at_once_leave_one_decision(concurrent_app, served_county):
    with concurrent_app.app_context():
        own = facility(OWN)
        own.opened_on, own.filed_on = date.today() - timedelta(days=900), date.today() - timedelta(days=890)
        db.session.commit()
        application_id = db.session.scalar(
            select(GradingApplication.id).where(GradingApplication.facility_id == own.id)
        )
    if application_id is None:  # this test alone: apply first
        operator = Client(served_county).api_token("operator", PASSWORD)
        body = {"level": 1, "self_assessment": all_pass(concurrent_app)}
        application_id = operator.request("POST", "/api/v1/grading/applications", json_body=body).json()["id"]
    reviewers = [Client(served_county).log_in("reviewer", PASSWORD) for _ in range(4)]
    path = f"/grading/{application_id}/review"
    replies = together(
        *[lambda c=c: c.request("POST", path, form={"decision": "accept"}) for c in reviewers[:2]],
        *[
            lambda c=c: c.request("POST", path, form={"decision": "refuse", "reason": "材料不全"})
            for c in reviewers[2:]
        ],
    )
    assert all(r.status in (302, 400) for r in replies), [r.body[:200] for r in replies]
    with concurrent_app.app_context():
        decided = db.session.get(GradingApplication, application_id)
        decisions = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == str(application_id), AuditEvent.action == "grading.review")
        )
    assert decisions == 1 and decided.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.REFUSED)
