"""Inspectors saving answers to one inspection at the same moment, with real commits: a phone resending its batch
while the first send is still in flight stores it once, and two inspectors answering one item both count or
one is told of the other's value; nothing is lost, nothing is stored twice, no request fails."""

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import (
    Answer,
    AnswerChange,
    Department,
    Facility,
    Inspection,
    InspectionPurpose,
    Region,
    User,
)
from inspection.services.checklists import import_shipped_checklists
from inspection.services.planning import start_inspection
from tests.api.conftest import FIRE, OWN_FACILITY, answer, token_for
from tests.conftest import SETUP_ACTOR, run_together
from tests.factories import BASE_COUNTY, make_cast, make_county

SENDERS = 4


@pytest.fixture(scope="module")
def county_app(concurrent_app: Flask) -> Flask:
    """The concurrent app with the checklists, a county and the cast (factories.make_cast) in its database."""
    with concurrent_app.app_context():
        import_shipped_checklists(SETUP_ACTOR)
        make_cast(make_county(BASE_COUNTY))
        db.session.commit()
    return concurrent_app


@pytest.fixture
def joint_inspection(county_app: Flask) -> int:
    """A joint fire-safety inspection of its own for each test, committed."""
    with county_app.app_context():
        people = {u.username: u for u in db.session.scalars(select(User))}
        inspection = start_inspection(
            db.session.scalar(select(Facility).where(Facility.name == OWN_FACILITY)),
            [FIRE],
            date.today(),
            InspectionPurpose.ROUTINE,
            db.session.scalar(
                select(Department).join(Department.region).where(Department.code == "mz", Region.name == BASE_COUNTY)
            ),
            {"mz": [people["mz1"], people["mz2"]], "xf": [people["xf1"], people["xf2"]]},
            SETUP_ACTOR,
        )
        db.session.commit()
        return inspection.id


def at_once(app: Flask, sends: list[tuple[str, list[dict]]], inspection_id: int) -> list:
    """PUT each (username, answers) batch from its own thread, all released together; return the responses."""

    def sender(username: str, batch: list[dict]):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token_for(client, username)}"}

        def send(go):
            go()
            return client.put(f"/api/v1/inspections/{inspection_id}/answers", json={"answers": batch}, headers=headers)

        return send

    return run_together([sender(username, batch) for username, batch in sends])


def stored(app: Flask, inspection_id: int) -> dict[str, tuple[str, int, int]]:
    """Return item code -> (result, revision, number of changes) of the inspection's answers."""
    with app.app_context():
        changes = select(func.count()).where(AnswerChange.answer_id == Answer.id).scalar_subquery()
        rows = db.session.execute(
            select(Answer.item_code, Answer.result, Answer.revision, changes)
            .join(Answer.inspection_checklist)
            .where(Answer.inspection_checklist.has(inspection_id=inspection_id))
        )
        return {code: (result, revision, count) for code, result, revision, count in rows}


def revision_of(app: Flask, inspection_id: int) -> int:
    with app.app_context():
        return db.session.get(Inspection, inspection_id).revision


def test_one_batch_sent_four_times_at_once_is_stored_once(concurrent_app, joint_inspection):
    batch = [answer(code, "fail" if code == "F4" else "pass") for code in ("F3", "F2", "F4", "F6")]
    responses = at_once(concurrent_app, [("xf1", batch)] * SENDERS, joint_inspection)
    assert [r.status_code for r in responses] == [200] * SENDERS, [r.get_data(as_text=True) for r in responses]
    assert stored(concurrent_app, joint_inspection) == {
        "F3": ("pass", 1, 1),
        "F2": ("pass", 1, 1),
        "F4": ("fail", 1, 1),
        "F6": ("pass", 1, 1),
    }
    assert revision_of(concurrent_app, joint_inspection) == 1  # the repeats changed nothing


def test_two_inspectors_answering_one_new_item_at_once_both_count(concurrent_app, joint_inspection):
    sends = [("xf1", [answer("F4", "pass")]), ("xf2", [answer("F4", "fail", note="压力不足")])]
    responses = at_once(concurrent_app, sends, joint_inspection)
    assert sorted(r.status_code for r in responses) == [200, 200], [r.get_data(as_text=True) for r in responses]
    assert sorted(r.json["items"][0]["revision"] for r in responses) == [1, 2]
    result, revision, changes = stored(concurrent_app, joint_inspection)["F4"]
    assert (revision, changes) == (2, 2)
    last = max(responses, key=lambda r: r.json["items"][0]["revision"])
    assert result == ("pass" if last is responses[0] else "fail")  # the answer is the later save's
    assert revision_of(concurrent_app, joint_inspection) == 2


def test_two_inspectors_from_revision_zero_one_saves_and_one_sees_the_others_value(concurrent_app, joint_inspection):
    sends = [
        ("xf1", [answer("F4", "pass", base_revision=0)]),
        ("xf2", [answer("F4", "fail", note="压力不足", base_revision=0)]),
    ]
    responses = at_once(concurrent_app, sends, joint_inspection)
    assert sorted(r.status_code for r in responses) == [200, 409], [r.get_data(as_text=True) for r in responses]
    saved = next(r for r in responses if r.status_code == 200)
    refused = next(r for r in responses if r.status_code == 409)
    conflict = refused.json["error"]["conflicts"][0]
    assert conflict["reason"] == "stale_revision"
    result, revision, changes = stored(concurrent_app, joint_inspection)["F4"]
    assert (revision, changes) == (1, 1)
    assert conflict["server"]["result"] == result == ("pass" if saved is responses[0] else "fail")
