"""The same request sent several times at once, against a real server process (issue 11 case 3): a phone whose
sync fires twice, a retry sent while the first try is still in flight. Every copy gets the stored result (one
201, the others 200 with the same body); only a different body under a used client_id is a 409."""

import json
import uuid
from datetime import date

from flask import Flask
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AnswerChange, Facility, Inspection, Photo, Signature, User
from tests.conftest import facility, user
from tests.factories import OWN, PASSWORD, inspect, jpeg, plan_inspection
from tests.server_process import Client, Reply, together

TOGETHER = 4


def people(app: Flask) -> dict[str, int]:
    with app.app_context():
        found = {u.username: u.id for u in db.session.scalars(select(User))}
        found["facility"] = db.session.scalar(select(Facility.id).where(Facility.name == OWN))
        return found


def planned_inspection(app: Flask) -> int:
    """A fire inspection of OWN by the cast's 民政 and 消防 inspectors, committed."""
    with app.app_context():
        team = {"mz": [user("mz1"), user("mz2")], "xf": [user("xf1"), user("xf2")]}
        inspection = plan_inspection(facility(OWN), team=team)
        db.session.commit()
        return inspection.id


def at_once(send) -> list[Reply]:
    return together(*[send] * TOGETHER)


def count(app: Flask, model, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


#: What a reply says about the request itself rather than the stored result: the revision the phone's copy must
#: have been at for this write to be its only change (a replay changed nothing, so it names the stored revision).
OWN_EFFECT = ("previous_inspection_revision", "previous_revision")


def stored_result(reply: Reply) -> str:
    body = json.loads(reply.body)
    return json.dumps({key: value for key, value in body.items() if key not in OWN_EFFECT}, sort_keys=True)


def assert_one_stored_result(replies: list[Reply]) -> None:
    assert sorted(r.status for r in replies) == [200] * (TOGETHER - 1) + [201], [r.body[:200] for r in replies]
    assert len({stored_result(r) for r in replies}) == 1  # every copy gets the stored result


def test_one_photo_sent_four_times_at_once_is_stored_once(concurrent_app, served_county):
    inspection_id = planned_inspection(concurrent_app)
    xf1 = Client(served_county).api_token("xf1", PASSWORD)
    fields = {"item_code": "F4", "client_id": str(uuid.uuid4())}
    photo = jpeg(640, 480)
    path = f"/api/v1/inspections/{inspection_id}/photos"
    assert_one_stored_result(at_once(lambda: xf1.request("POST", path, form=fields, files={"file": photo})))
    assert count(concurrent_app, Photo, inspection_id=inspection_id) == 1
    other = xf1.request("POST", path, form=fields, files={"file": jpeg(320, 240)})
    assert other.status == 409  # the same client_id with another photo


def test_one_signature_sent_four_times_at_once_is_stored_once(concurrent_app, served_county):
    inspection_id = planned_inspection(concurrent_app)
    xf1 = Client(served_county).api_token("xf1", PASSWORD)
    body = {"client_id": str(uuid.uuid4()), "signer_name": "王见证", "role": "facility", "refused": True}
    path = f"/api/v1/inspections/{inspection_id}/signatures"
    assert_one_stored_result(at_once(lambda: xf1.request("POST", path, json_body=body)))
    assert count(concurrent_app, Signature, inspection_id=inspection_id) == 1


def test_one_plan_sent_four_times_at_once_is_one_inspection(concurrent_app, served_county):
    ids = people(concurrent_app)
    reviewer = Client(served_county).api_token("reviewer", PASSWORD)
    client_id = str(uuid.uuid4())
    body = {
        "facility_id": ids["facility"],
        "checklists": ["fire_safety"],
        "date": date.today().isoformat(),
        "purpose": "routine",
        "client_id": client_id,
        "inspectors": [ids["mz1"], ids["mz2"], ids["xf1"], ids["xf2"]],
    }
    assert_one_stored_result(at_once(lambda: reviewer.request("POST", "/api/v1/inspections", json_body=body)))
    assert count(concurrent_app, Inspection, client_id=client_id) == 1


def test_one_correction_sent_four_times_at_once_is_one_change(concurrent_app, served_county):
    with concurrent_app.app_context():
        team = {"mz": [user("mz1"), user("mz2")], "xf": [user("xf1"), user("xf2")]}
        inspection_id = inspect(facility(OWN), team=team).id
        db.session.commit()
    xf1 = Client(served_county).api_token("xf1", PASSWORD)
    body = {"item_code": "F4", "result": "fail", "deduction": 2, "client_id": str(uuid.uuid4()), "reason": "复核"}
    path = f"/api/v1/inspections/{inspection_id}/corrections"
    replies = at_once(lambda: xf1.request("POST", path, json_body=body))
    assert [r.status for r in replies] == [200] * TOGETHER, [r.body[:200] for r in replies]
    assert len({stored_result(r) for r in replies}) == 1
    assert count(concurrent_app, AnswerChange, client_id=body["client_id"]) == 1
