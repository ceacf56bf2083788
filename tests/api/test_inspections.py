"""Planning and reading inspections: idempotent creation, scope (404 outside it), roles (403), rule violations."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Inspection
from tests.api.conftest import FIRE, assert_error, new_id, plan_body
from tests.conftest import facility


def inspection_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Inspection))


def test_plan_returns_the_whole_inspection(fire_inspection, ids):
    assert fire_inspection["id"] and fire_inspection["status"] == "in_progress"
    assert fire_inspection["facility"]["id"] == ids["facility_own"]
    assert fire_inspection["lead_department"] == "mz"
    assert [d["code"] for d in fire_inspection["departments"]] == ["xf", "mz"]
    assert {i["id"] for i in fire_inspection["inspectors"]} == {ids[u] for u in ("mz1", "mz2", "xf1", "xf2")}
    assert fire_inspection["answers"] == [] and fire_inspection["results"][0]["final"] is False


def test_same_client_id_twice_is_the_same_inspection(app, as_user, ids):
    api = as_user("reviewer")
    body = plan_body(ids)
    first = api.post("/inspections", json=body)
    before = inspection_count(app)
    second = api.post("/inspections", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["id"] == second.json["id"]
    assert inspection_count(app) == before


def test_client_id_of_another_facilitys_inspection_is_409(as_user, ids):
    api = as_user("reviewer")
    body = plan_body(ids)
    assert api.post("/inspections", json=body).status_code == 201
    assert_error(api.post("/inspections", json={**body, "facility_id": ids["facility_other"]}), 409, "conflict")


def test_client_id_of_an_inspection_the_caller_cannot_see_is_409(as_user, ids):
    """An inspector reusing someone else's UUID learns nothing about that inspection."""
    body = plan_body(ids)
    assert as_user("reviewer").post("/inspections", json=body).status_code == 201
    food = {**body, "checklists": ["food_safety"], "inspectors": [ids["sc2"]]}
    assert_error(as_user("sc1").post("/inspections", json=food), 409, "conflict")


def test_inspector_plans_an_inspection_of_his_department(as_user, ids):
    body = plan_body(ids, checklists=["food_safety"], inspectors=[ids["sc2"]])
    response = as_user("sc1").post("/inspections", json=body)
    assert response.status_code == 201, response.json
    assert {i["id"] for i in response.json["inspectors"]} == {ids["sc1"], ids["sc2"]}
    assert response.json["lead_department"] == "sc"


def test_inspector_cannot_plan_a_checklist_with_other_departments_sections(as_user, ids):
    body = plan_body(ids, inspectors=[ids["xf2"]])
    assert_error(as_user("xf1").post("/inspections", json=body), 403, "forbidden")


@pytest.mark.parametrize("username", ["operator", "admin"])
def test_operators_and_admins_cannot_plan(as_user, ids, username):
    assert_error(as_user(username).post("/inspections", json=plan_body(ids)), 403, "forbidden")


def test_facility_outside_the_region_is_404(app, as_user, ids):
    with app.app_context():
        neighbour = facility("邻县敬老院").id
    assert_error(as_user("reviewer").post("/inspections", json=plan_body(ids, facility_id=neighbour)), 404, "not_found")
    assert_error(as_user("reviewer").post("/inspections", json=plan_body(ids, facility_id=999999)), 404, "not_found")


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"facility_id": "1"}, "facility_id"),
        ({"checklists": []}, "checklists"),
        ({"checklists": "fire_safety"}, "checklists"),
        ({"date": "20.11.2026"}, "date"),
        ({"date": None}, "date"),
        ({"purpose": "fun"}, "purpose"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"inspectors": [1, "2"]}, "inspectors"),
        ({"inspectors": [2**40]}, "inspectors"),
    ],
)
def test_bad_plan_input_is_400_naming_the_field(as_user, ids, override, field):
    error = assert_error(as_user("reviewer").post("/inspections", json=plan_body(ids, **override)), 400, "bad_request")
    assert field in error["fields"]


def test_unknown_inspector_is_400(as_user, ids):
    error = assert_error(
        as_user("reviewer").post("/inspections", json=plan_body(ids, inspectors=[ids["xf1"], 999999])),
        400,
        "bad_request",
    )
    assert "inspectors" in error["fields"]


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"checklists": ["no_such_checklist"]}, "尚未导入"),
        ({"inspectors": []}, "至少 2 名"),
        ({"checklists": ["food_safety"], "inspectors": ["sc1", "mz1"]}, "市场监管须指派至少 2 名"),
    ],
)
def test_rule_violations_are_422(as_user, ids, override, reason):
    if "inspectors" in override:
        override = {**override, "inspectors": [ids[name] for name in override["inspectors"]]}
    error = assert_error(
        as_user("reviewer").post("/inspections", json=plan_body(ids, **override)), 422, "rule_violation"
    )
    assert reason in error["message"]


def days_ahead(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_a_date_out_of_range_is_422_naming_the_field_and_the_range(app, as_user, ids, day):
    """9999-12-31 would stay the facility's newest inspection for ever; plans reach from 2000-01-01 to
    PLAN_DAYS_AHEAD (366 by default) days ahead."""
    before = inspection_count(app)
    response = as_user("reviewer").post("/inspections", json=plan_body(ids, date=day))
    error = assert_error(response, 422, "rule_violation")
    assert error["message"] == f"检查日期应在 2000-01-01 至 {days_ahead(366)} 之间"
    assert error["fields"] == {"date": error["message"]}
    assert inspection_count(app) == before


def test_plans_reach_as_far_ahead_as_configured(app, as_user, ids, monkeypatch):
    monkeypatch.setitem(app.config, "PLAN_DAYS_AHEAD", 30)
    reviewer, inspector = as_user("reviewer"), as_user("sc1")
    assert reviewer.post("/inspections", json=plan_body(ids, date=days_ahead(30))).status_code == 201
    error = assert_error(reviewer.post("/inspections", json=plan_body(ids, date=days_ahead(31))), 422, "rule_violation")
    assert days_ahead(30) in error["message"] and "date" in error["fields"]
    spot = plan_body(ids, checklists=["food_safety"], inspectors=[ids["sc2"]], date=days_ahead(31))
    assert "date" in assert_error(inspector.post("/inspections", json=spot), 422, "rule_violation")["fields"]


def test_assigned_inspectors_and_reviewer_read_the_inspection(as_user, fire_inspection):
    for username in ("xf1", "mz2", "reviewer"):
        response = as_user(username).get(f"/inspections/{fire_inspection['id']}")
        assert response.status_code == 200 and response.json["id"] == fire_inspection["id"]


@pytest.mark.parametrize("username", ["sc1", "wj1", "operator", "other_operator", "other_reviewer"])
def test_others_get_404(as_user, fire_inspection, username):
    """Not assigned, another county, or an operator before completion: 404, never 403."""
    assert_error(as_user(username).get(f"/inspections/{fire_inspection['id']}"), 404, "not_found")


def test_list_shows_what_each_user_may_see(as_user, fire_inspection):
    def listed(username: str) -> set[int]:
        response = as_user(username).get("/inspections")
        assert response.status_code == 200
        return {i["id"] for i in response.json["items"]}

    assert fire_inspection["id"] in listed("reviewer")
    assert fire_inspection["id"] in listed("admin")
    assert fire_inspection["id"] not in listed("sc1")
    assert fire_inspection["id"] not in listed("operator")  # not complete yet
    assert fire_inspection["id"] not in listed("other_reviewer")
    item = next(i for i in as_user("reviewer").get("/inspections").json["items"] if i["id"] == fire_inspection["id"])
    assert item["checklists"] == [FIRE] and item["status"] == "in_progress"


def test_unknown_inspection_is_404(as_user):
    assert_error(as_user("reviewer").get("/inspections/999999"), 404, "not_found")


def test_different_client_ids_create_two_inspections(app, as_user, ids):
    api = as_user("reviewer")
    before = inspection_count(app)
    assert api.post("/inspections", json=plan_body(ids)).status_code == 201
    assert api.post("/inspections", json=plan_body(ids, client_id=new_id())).status_code == 201
    assert inspection_count(app) == before + 2
