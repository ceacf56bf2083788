"""The notices and hazards API: POST /inspections/{id}/notices, GET /notices/{id}, its PDF, GET /hazards."""

import hashlib
from datetime import date

import pytest

from tests.api.conftest import ApiClient, token_for
from tests.factories import BASE_COUNTY
from tests.web.test_followup import ABBR, counters, expected_number
from tests.web.test_notices_web import completed  # noqa: F401  (fixture)

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")


def _api(client, username):
    return ApiClient(client, token_for(client, username))


def test_issuing_over_the_api_returns_the_contract_fields(client, completed):  # noqa: F811
    api = _api(client, "mz1")
    year = date.today().year
    with client.application.app_context():
        before = counters(year)
    response = api.post(f"/inspections/{completed}/notices", json={"mode": "per_department"})
    assert response.status_code == 201
    items = response.json["items"]
    assert sorted(i["number"] for i in items) == [
        expected_number(f"{ABBR}民整", year, before),
        expected_number(f"{ABBR}消整", year, before),
    ]
    assert {tuple(sorted(i)) for i in items} == {("department", "hazard_count", "id", "number", "pdf_url")}
    fire = next(i for i in items if i["number"].startswith(f"{ABBR}消"))
    assert fire["hazard_count"] == 2 and fire["department"] == f"{BASE_COUNTY}消防救援大队"
    detail = api.get(f"/notices/{fire['id']}").json
    assert detail["status"] == "issued" and {h["item_code"] for h in detail["hazards"]} == {"F2", "F5"}
    pdf = api.get(fire["pdf_url"].removeprefix("/api/v1"))
    assert pdf.mimetype == "application/pdf" and hashlib.sha256(pdf.data).hexdigest() == detail["pdf_sha256"]


def test_bad_mode_nothing_left_and_wrong_people_are_refused(client, completed):  # noqa: F811
    api = _api(client, "mz1")
    assert api.post(f"/inspections/{completed}/notices", json={"mode": "both"}).status_code == 400
    assert api.post(f"/inspections/{completed}/notices", json={"mode": "joint"}).status_code == 201
    assert api.post(f"/inspections/{completed}/notices", json={"mode": "joint"}).status_code == 422
    assert (
        _api(client, "other_reviewer").post(f"/inspections/{completed}/notices", json={"mode": "joint"}).status_code
        == 404
    )
    assert _api(client, "operator").post(f"/inspections/{completed}/notices", json={"mode": "joint"}).status_code == 403


def test_hazards_filter_by_facility_and_status_and_respect_scope(client, completed):  # noqa: F811
    reviewer = _api(client, "reviewer")
    ours = [h for h in reviewer.get("/hazards").json["items"] if h["inspection_id"] == completed]
    assert {h["item_code"] for h in ours} == {"F2", "F5", "F12"}
    facility_id = ours[0]["facility_id"]
    open_ones = reviewer.get(f"/hazards?facility_id={facility_id}&status=open").json["items"]
    assert all(h["status"] == "open" and h["facility_id"] == facility_id for h in open_ones)
    major = next(h for h in open_ones if h["item_code"] == "F2" and h["inspection_id"] == completed)
    assert major["deadline"] == "立即" and major["class"] == "major"
    assert reviewer.get("/hazards?status=nonsense").status_code == 400
    assert _api(client, "other_reviewer").get(f"/hazards?facility_id={facility_id}").status_code == 404
    assert _api(client, "operator").get("/hazards?status=open").json["total"] == len(open_ones)
    assert client.get("/api/v1/hazards").status_code == 401
