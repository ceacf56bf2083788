"""A form that creates a record, sent several times at the same moment (a double tap on a slow phone, a resend),
against a real server process: a 双随机 draw is drawn once and plans its inspections once, a briefing is printed
and stored once, and every tap lands on that one record."""

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Briefing, Inspection, SpotCheckDraw, User
from tests.factories import PASSWORD
from tests.server_process import Client, together

TOGETHER = 4


def _counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(SpotCheckDraw)),
            db.session.scalar(select(func.count()).select_from(Inspection)),
            db.session.scalar(select(func.count()).select_from(Briefing)),
        )


def test_a_draw_form_sent_several_times_at_once_draws_once(concurrent_app, served_county):
    with concurrent_app.app_context():
        sc1 = db.session.scalar(select(User).where(User.username == "sc1"))
        department_id = sc1.department_id
    form = {
        "client_id": "3c9e1f2a-7b4d-4c8e-9a1b-5d6e7f8a9b01",
        "department_id": str(department_id),
        "checklist_code": "food_safety",
        "inspected_on": (date.today() + timedelta(days=7)).isoformat(),
        "township_id": "0",
        "facility_type": "",
        "facility_count": "1",
        "inspectors_per_facility": "2",
        "confirmed": "y",
    }
    clients = [Client(served_county).log_in("reviewer", PASSWORD) for _ in range(TOGETHER)]
    draws, inspections, _ = _counts(concurrent_app)
    replies = together(*[lambda c=c: c.request("POST", "/plan/draws/new", form=form) for c in clients])
    assert [r.status for r in replies] == [302] * TOGETHER, [r.body[:300] for r in replies]
    assert len({r.location for r in replies}) == 1 and "/plan/draws/" in replies[0].location
    assert _counts(concurrent_app)[:2] == (draws + 1, inspections + 1)


def test_a_briefing_form_sent_several_times_at_once_issues_one_briefing(concurrent_app, served_county):
    form = {
        "client_id": "3c9e1f2a-7b4d-4c8e-9a1b-5d6e7f8a9b02",
        "start": date.today().replace(day=1).isoformat(),
        "end": date.today().isoformat(),
    }
    clients = [Client(served_county).log_in("reviewer", PASSWORD) for _ in range(TOGETHER)]
    briefings = _counts(concurrent_app)[2]
    replies = together(*[lambda c=c: c.request("POST", "/briefing/issue", form=form) for c in clients])
    assert [r.status for r in replies] == [302] * TOGETHER, [r.body[:300] for r in replies]
    assert _counts(concurrent_app)[2] == briefings + 1
