"""Self-inspection over the API (issue 15): an operator inspects their own facility with the inspectors' form and
nothing official follows; the officials' inspection names the gaps against it."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import FacilityStanding, Hazard, Notice
from tests.api.conftest import FIRE, ApiClient, answer, assert_error, jpeg, new_id
from tests.conftest import facility, user
from tests.factories import OWN, inspect, self_inspect


def self_body(ids: dict[str, int], **overrides: Any) -> dict[str, Any]:
    body = {
        "facility_id": ids["facility_own"],
        "checklists": [FIRE],
        "date": date.today().isoformat(),
        "purpose": "self_inspection",
        "client_id": new_id(),
    }
    return {**body, **overrides}


def every_item(inspection: dict[str, Any]) -> list[str]:
    return [i["code"] for c in inspection["checklists"] for s in c["sections"] for i in s["items"]]


def test_an_operator_starts_a_self_inspection_of_their_own_facility(as_user, ids):
    body = self_body(ids)
    operator = as_user("operator")
    response = operator.post("/inspections", json=body)
    assert response.status_code == 201, response.json
    started = response.json
    assert started["purpose"] == "self_inspection" and started["inspectors"] == []
    assert started["facility"]["id"] == ids["facility_own"] and started["self_inspection_gaps"] == []
    again = operator.post("/inspections", json=body)  # a phone's resend
    assert again.status_code == 200 and again.json["id"] == started["id"]
    listed = {i["id"]: i["purpose"] for i in operator.get("/inspections").json["items"]}
    assert listed[started["id"]] == "self_inspection"  # in progress, yet on the operator's phone


def test_an_operator_is_refused_another_facilitys_self_inspection(as_user, ids):
    response = as_user("operator").post("/inspections", json=self_body(ids, facility_id=ids["facility_other"]))
    assert_error(response, 404, "not_found")


def test_only_self_inspections_for_operators_and_only_operators_for_them(as_user, ids):
    assert_error(as_user("operator").post("/inspections", json=self_body(ids, purpose="routine")), 403, "forbidden")
    assert_error(as_user("reviewer").post("/inspections", json=self_body(ids)), 403, "forbidden")
    grading = self_body(ids, checklists=["grading_gbt37276"])
    error = assert_error(as_user("operator").post("/inspections", json=grading), 422, "rule_violation")
    assert "grading_gbt37276" in error["message"]
    tomorrow = self_body(ids, date=(date.today() + timedelta(days=1)).isoformat())
    assert_error(as_user("operator").post("/inspections", json=tomorrow), 422, "rule_violation")


def test_the_operator_answers_every_part_and_submits_without_changing_the_standing(as_user, ids, app):
    operator = as_user("operator")
    started = operator.post("/inspections", json=self_body(ids)).json
    codes = every_item(started)
    departments = {s["department"] for c in started["checklists"] for s in c["sections"]}
    assert departments == {"mz", "xf"}  # both parts, answered by the one operator
    batch = [answer(code, "fail", note="楼梯间堆放杂物") if code == "F5" else answer(code) for code in codes]
    assert operator.answers(started["id"], *batch).status_code == 200
    photo = operator.photo(started["id"], "F5", jpeg())
    assert photo.status_code == 201, photo.json
    response = operator.post(f"/inspections/{started['id']}/submit", json={"client_id": new_id()})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "complete" and response.json["department"] == "self"
    with app.app_context():
        standings = db.session.scalar(
            select(func.count())
            .select_from(FacilityStanding)
            .where(FacilityStanding.facility_id == ids["facility_own"])
        )
        hazard = db.session.scalars(select(Hazard).where(Hazard.inspection_id == started["id"])).one()
        assert standings == 0  # a self-inspection never sets the facility's standing
        assert hazard.item_code == "F5" and hazard.self_found and hazard.deadline >= date.today()


def test_inspectors_neither_see_nor_answer_a_self_inspection(as_user, ids):
    started = as_user("operator").post("/inspections", json=self_body(ids)).json
    xf1 = as_user("xf1")
    assert_error(xf1.get(f"/inspections/{started['id']}"), 404, "not_found")
    assert_error(xf1.answers(started["id"], answer("F5")), 404, "not_found")
    other = as_user("other_operator")
    assert_error(other.get(f"/inspections/{started['id']}"), 404, "not_found")
    assert as_user("reviewer").get(f"/inspections/{started['id']}").status_code == 200


def test_a_notice_on_a_self_inspection_is_refused(as_user, ids, app):
    with app.app_context():
        done = self_inspect(facility(OWN), user("operator"), fail=["F5"])
        inspection_id = done.id
        db.session.commit()
    response = as_user("reviewer").post(f"/inspections/{inspection_id}/notices", json={"mode": "joint"})
    error = assert_error(response, 422, "rule_violation")
    assert "自查" in error["message"]
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Notice).where(Notice.inspection_id == inspection_id))
            == 0
        )


def _official_gaps(api: ApiClient, inspection_id: int) -> list[dict[str, Any]]:
    response = api.get(f"/inspections/{inspection_id}")
    assert response.status_code == 200, response.json
    return response.json["self_inspection_gaps"]


def test_gaps_against_a_self_inspection_within_the_window(as_user, app):
    with app.app_context():
        own = facility(OWN)
        earlier = self_inspect(own, user("operator"), on=date.today() - timedelta(days=30), na=["F22"], fail=["F8"])
        official = inspect(own, fail=["F5", "F22", "F8"])
        ids = (earlier.id, official.id)
        db.session.commit()
    gaps = _official_gaps(as_user("reviewer"), ids[1])
    # F5 passed and F22 skipped by the facility are gaps; F8 the facility found itself is not
    assert gaps == [
        {"item_code": "F5", "self_result": "pass", "self_inspection_id": ids[0]},
        {"item_code": "F22", "self_result": "na", "self_inspection_id": ids[0]},
    ]


def test_no_gaps_without_a_self_inspection_in_the_window(as_user, app):
    with app.app_context():
        own = facility(OWN)
        self_inspect(own, user("operator"), on=date.today() - timedelta(days=91))
        official = inspect(own, fail=["F5"])
        official_id = official.id
        db.session.commit()
    assert _official_gaps(as_user("reviewer"), official_id) == []
    app.config["SELF_INSPECTION_WINDOW_DAYS"] = 120  # configured wider, the same self-inspection counts
    try:
        assert [g["item_code"] for g in _official_gaps(as_user("reviewer"), official_id)] == ["F5"]
    finally:
        app.config["SELF_INSPECTION_WINDOW_DAYS"] = 90


def test_the_rankings_api_adds_the_gap_count(as_user, app):
    with app.app_context():
        own = facility(OWN)
        self_inspect(own, user("operator"), on=date.today() - timedelta(days=3))
        inspect(own, fail=["F5"])
        own_id = own.id
        db.session.commit()
    items = as_user("reviewer").get("/rankings?per_page=200").json["items"]
    gaps = {i["facility_id"]: i["self_inspection_gaps"] for i in items}
    assert gaps[own_id] == 1 and all(count == 0 for fid, count in gaps.items() if fid != own_id)
