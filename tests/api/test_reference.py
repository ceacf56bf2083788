"""Reference data: facilities (with standings) and checklists (with every item); the OpenAPI document validates."""

import pytest
from openapi_spec_validator import validate

from inspection.blueprints.api.openapi import openapi_document
from inspection.extensions import db
from tests.api.conftest import assert_error
from tests.factories import OTHER_COUNTY, OWN, grade, make_facility


@pytest.fixture(autouse=True)
def register(app, cast):
    """Ten more facilities of the cast's county, one of them graded: twelve in the reviewer's region."""
    for _ in range(9):
        make_facility()
    grade(make_facility(), 3)
    db.session.commit()


def test_openapi_document_is_valid():
    validate(openapi_document())


def test_openapi_document_declares_bearer_auth_and_error_bodies():
    document = openapi_document()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /auth/token.",
    }
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            assert statuses & {"200", "201", "204"}, (method, path)  # 204: a DELETE that answers nothing
            if operation.get("security", document["security"]):
                assert "401" in statuses, (method, path)


def test_facilities_have_the_contract_fields(as_user):
    response = as_user("reviewer").get("/facilities")
    assert response.status_code == 200
    items = response.json["items"]
    assert len(items) == 12
    for field in ("id", "name", "township", "type", "ownership", "grade", "safety"):
        assert field in items[0]
    assert [f["grade"] for f in items if f["grade"]] == [3]
    assert OTHER_COUNTY not in {f["name"] for f in items}  # the neighbouring county is outside the region


def test_operator_sees_only_his_facility(as_user):
    items = as_user("operator").get("/facilities").json["items"]
    assert [f["name"] for f in items] == [OWN]


def test_facilities_pagination(as_user):
    api = as_user("reviewer")
    everything = api.get("/facilities").json
    page = api.get("/facilities?page=2&per_page=3").json
    assert page["total"] == everything["total"] and page["page"] == 2 and page["per_page"] == 3
    assert [f["id"] for f in page["items"]] == [f["id"] for f in everything["items"][3:6]]


def test_bad_pagination_is_400(as_user):
    api = as_user("reviewer")
    for query in ("page=0", "per_page=501", "page=abc", "page=99999999999999999999", "per_page=-1"):
        error = assert_error(api.get(f"/facilities?{query}"), 400, "bad_request")
        assert set(error["fields"]) <= {"page", "per_page"} and error["fields"]


def test_checklists_have_the_contract_fields(as_user):
    response = as_user("sc1").get("/checklists")
    assert response.status_code == 200
    checklists = {c["code"]: c for c in response.json["items"]}
    assert {"fire_safety", "food_safety", "service_safety", "grading_gbt37276"} <= set(checklists)
    fire = checklists["fire_safety"]
    assert fire["version"] >= 1 and fire["title"] and fire["department"] == "xf"
    assert {s["department"] for s in fire["sections"]} == {"xf", "mz"}
    item = fire["sections"][0]["items"][0]
    for field in ("code", "text", "class", "points", "na_allowed", "photo_on_fail"):
        assert field in item
    assert item["class"] in {"major", "key", "general"}


def test_reference_needs_a_token(anonymous):
    assert_error(anonymous.get("/checklists"), 401, "unauthorized")
