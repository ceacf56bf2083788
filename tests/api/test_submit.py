"""Department submission: the summary (major hazards veto, failed items), required photos (422), locking, the
inspection completing once every department has submitted, operators reading it then, and corrections."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AnswerChange
from tests.api.conftest import ApiClient, answer, assert_error, items_of, jpeg, new_id, plan_body


def answer_section(api: ApiClient, inspection: dict[str, Any], department: str, **fails: dict[str, Any]) -> None:
    """Answer every item of `department`: pass, except the items named in `fails` (with their extra fields)."""
    batch = [
        answer(item["code"], "fail", **fails[item["code"]]) if item["code"] in fails else answer(item["code"])
        for item in items_of(inspection, department)
    ]
    response = api.answers(inspection["id"], *batch)
    assert response.status_code == 200, response.json


def submit(api: ApiClient, inspection: dict[str, Any]):
    return api.post(f"/inspections/{inspection['id']}/submit")


def test_unanswered_items_block_submission(as_user, fire_inspection):
    error = assert_error(submit(as_user("xf1"), fire_inspection), 422, "rule_violation")
    assert "未检查" in error["message"]


def test_a_result_is_not_recorded_before_the_inspections_day(as_user, ids):
    """An inspection may be planned for tomorrow, but its result is recorded only once the day has come: a result
    dated in the future would become the facility's standing ahead of every inspection until then."""
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    planned = as_user("reviewer").post("/inspections", json=plan_body(ids, date=tomorrow))
    assert planned.status_code == 201, planned.json
    xf1 = as_user("xf1")
    answer_section(xf1, planned.json, "xf")
    error = assert_error(submit(xf1, planned.json), 422, "rule_violation")
    assert f"检查日期 {tomorrow} 尚未到来" in error["message"] and error["fields"] == {"date": error["message"]}
    departments = xf1.get(f"/inspections/{planned.json['id']}").json["departments"]
    assert all(not d["submitted"] for d in departments)  # nothing was locked


def test_failed_item_without_its_required_photo_is_422(as_user, fire_inspection):
    xf1 = as_user("xf1")
    answer_section(xf1, fire_inspection, "xf", F2={"note": "房屋被鉴定为C级危房"})
    error = assert_error(submit(xf1, fire_inspection), 422, "rule_violation")
    assert "拍照" in error["message"] and "F2" in error["message"]
    departments = xf1.get(f"/inspections/{fire_inspection['id']}").json["departments"]
    assert all(not d["submitted"] for d in departments)  # nothing was locked


def test_joint_submission_summary_with_a_major_hazard_veto(as_user, fire_inspection):
    xf1, mz1 = as_user("xf1"), as_user("mz1")
    answer_section(xf1, fire_inspection, "xf", F2={"note": "房屋被鉴定为C级危房"}, F4={"deduction": 2, "note": "过期"})
    for item_code in ("F2", "F4"):
        assert xf1.photo(fire_inspection["id"], item_code, jpeg()).status_code == 201

    first = submit(xf1, fire_inspection)
    assert first.status_code == 200, first.json
    assert first.json["status"] == "in_progress" and first.json["department"] == "xf"
    assert first.json["result"]["final"] is False  # 民政's section is still open

    answer_section(mz1, fire_inspection, "mz")
    last = submit(mz1, fire_inspection)
    assert last.status_code == 200, last.json
    assert last.json["status"] == "complete"
    result = last.json["result"]
    for field in ("points", "max_points", "percent", "verdict", "grade", "vetoed_by", "sections", "failed_items"):
        assert field in result
    assert result["final"] is True and result["vetoed_by"] == ["F2"] and result["verdict_code"] == "fail"
    assert {s["department"] for s in result["sections"]} == {"xf", "mz"}
    failed = {f["item_code"]: f for f in result["failed_items"]}
    assert failed["F2"] == {
        "item_code": "F2",
        "class": "major",
        "deduction": "10",
        "note": "房屋被鉴定为C级危房",
        "major_hazards": ["MH-4-3"],
    }
    assert failed["F4"]["deduction"] in ("2", "2.00") and failed["F4"]["class"] == "key"

    whole = as_user("reviewer").get(f"/inspections/{fire_inspection['id']}").json
    assert whole["status"] == "complete" and all(d["submitted"] for d in whole["departments"])
    assert whole["results"][0]["vetoed_by"] == ["F2"] and len(whole["photos"]) == 2
    assert len(whole["answers"]) == len(items_of(fire_inspection, "xf")) + len(items_of(fire_inspection, "mz"))


@pytest.fixture
def completed(as_user, fire_inspection) -> dict[str, Any]:
    """The fire inspection, answered (all pass) and submitted by both departments."""
    for username, department in (("xf1", "xf"), ("mz1", "mz")):
        api = as_user(username)
        answer_section(api, fire_inspection, department)
        assert submit(api, fire_inspection).status_code == 200
    return fire_inspection


def test_submitted_sections_are_locked(as_user, completed):
    assert_error(as_user("xf2").answers(completed["id"], answer("F2", "fail")), 422, "rule_violation")
    assert_error(as_user("xf2").photo(completed["id"], "F2", jpeg()), 422, "rule_violation")


def test_a_department_submits_once(as_user, completed):
    assert_error(submit(as_user("xf2"), completed), 409, "conflict")


def test_clean_inspection_passes_and_updates_the_facility(as_user, completed, ids):
    result = as_user("reviewer").get(f"/inspections/{completed['id']}").json["results"][0]
    assert result["vetoed_by"] == [] and result["failed_items"] == [] and result["percent"] == "100.0"
    facilities = {f["id"]: f for f in as_user("reviewer").get("/facilities").json["items"]}
    assert facilities[ids["facility_own"]]["safety"]["fire"]["date"] == completed["date"]


def test_operator_reads_his_facilitys_completed_inspection_only(as_user, completed):
    operator = as_user("operator")
    assert operator.get(f"/inspections/{completed['id']}").status_code == 200
    assert completed["id"] in {i["id"] for i in operator.get("/inspections").json["items"]}
    assert_error(as_user("other_operator").get(f"/inspections/{completed['id']}"), 404, "not_found")
    assert completed["id"] not in {i["id"] for i in as_user("other_operator").get("/inspections").json["items"]}


def test_operator_cannot_read_another_facilitys_inspection(as_user, ids):
    body = {
        "facility_id": ids["facility_other"],
        "checklists": ["food_safety"],
        "date": date.today().isoformat(),
        "client_id": new_id(),
        "inspectors": [ids["sc2"]],
    }
    other = as_user("sc1").post("/inspections", json=body).json
    for username in ("sc1", "sc2"):
        api = as_user(username)
        if username == "sc1":
            answer_section(api, other, "sc")
        assert submit(api, other).status_code in (200, 409)
    assert as_user("reviewer").get(f"/inspections/{other['id']}").json["status"] == "complete"
    assert_error(as_user("operator").get(f"/inspections/{other['id']}"), 404, "not_found")


@pytest.mark.parametrize("username", ["reviewer", "admin"])
def test_only_inspectors_submit(as_user, fire_inspection, username):
    assert_error(submit(as_user(username), fire_inspection), 403, "forbidden")


def test_an_operator_submits_only_self_inspections(as_user, fire_inspection):
    """The operator submits their own self-inspection (tests/api/test_self_inspection.py); an official inspection
    of their facility in progress is not theirs to see."""
    assert_error(submit(as_user("operator"), fire_inspection), 404, "not_found")


def test_unassigned_inspector_cannot_submit(as_user, fire_inspection):
    assert_error(submit(as_user("sc1"), fire_inspection), 404, "not_found")


def correction(item_code: str = "F4", **extra: Any) -> dict[str, Any]:
    return {"item_code": item_code, "result": "fail", "deduction": 3, "client_id": new_id(), "reason": "复核", **extra}


def test_a_department_corrects_its_own_submitted_answer(app, as_user, completed):
    xf1 = as_user("xf1")
    body = correction(note="复核发现灭火器过期")  # F4, a 消防 item
    first = xf1.post(f"/inspections/{completed['id']}/corrections", json=body)
    assert first.status_code == 200, first.json
    assert first.json["item_code"] == "F4" and first.json["revision"] == 2
    assert first.json["results"][0]["failed_items"][0]["item_code"] == "F4"
    again = xf1.post(f"/inspections/{completed['id']}/corrections", json=body)  # a retry is not a second change
    assert again.status_code == 200 and again.json["revision"] == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AnswerChange.client_id == body["client_id"])) == 1
    other = xf1.post(f"/inspections/{completed['id']}/corrections", json={**body, "deduction": 1})
    assert assert_error(other, 409, "conflict")["conflicts"][0]["reason"] == "client_id_reused"


def test_correction_needs_a_reason(as_user, completed):
    response = as_user("mz1").post(f"/inspections/{completed['id']}/corrections", json=correction(reason=" "))
    assert "reason" in assert_error(response, 400, "bad_request")["fields"]
    body = correction(result="maybe")
    response = as_user("mz1").post(f"/inspections/{completed['id']}/corrections", json=body)
    assert "result" in assert_error(response, 400, "bad_request")["fields"]


def test_another_department_even_the_lead_cannot_correct_a_finding(as_user, completed):
    response = as_user("mz1").post(f"/inspections/{completed['id']}/corrections", json=correction())  # F4: 消防's
    assert_error(response, 403, "forbidden")


def test_correction_before_submission_is_422(as_user, fire_inspection):
    response = as_user("xf1").post(f"/inspections/{fire_inspection['id']}/corrections", json=correction())
    assert_error(response, 422, "rule_violation")
