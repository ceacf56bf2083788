"""The grading application and its eligibility review over the API, as the document declares them (issue 14)."""

from datetime import date, timedelta

from inspection.extensions import db
from inspection.services.grading_applications import grading_checklist
from tests.api.conftest import assert_error
from tests.api.test_contract import assert_documented
from tests.factories import OWN

TODAY = date.today()


def all_pass(**changes):
    _version, checklist = grading_checklist()
    answers = {item.code: {"result": "pass"} for section in checklist.sections for item in section.items}
    return answers | changes


def test_an_operator_applies_and_a_reviewer_accepts_over_the_api(as_user, cast):
    own = cast[OWN]
    own.opened_on, own.filed_on = TODAY - timedelta(days=900), TODAY - timedelta(days=890)
    db.session.commit()
    operator, reviewer = as_user("operator"), as_user("reviewer")
    body = {"level": 2, "self_assessment": all_pass(**{"1.1.1.1": {"result": "fail", "deduction": 1, "note": "无"}})}
    response = operator.post("/grading/applications", json=body)
    assert response.status_code == 201, response.json
    assert_documented(response, "post", "/grading/applications")
    application = response.json
    assert application["status"] == "submitted" and application["level"] == 2 and application["refusals"] == []
    assert_error(operator.post("/grading/applications", json=body), 422, "rule_violation")  # one at a time
    listed = reviewer.get("/grading/applications")
    assert_documented(listed, "get", "/grading/applications")
    assert [a["id"] for a in listed.json["items"]] == [application["id"]]
    path = f"/grading/applications/{application['id']}"
    detail = operator.get(path)
    assert_documented(detail, "get", path)
    assert detail.json["self_assessment"]["1.1.1.1"]["deduction"] == "1"
    assert_error(operator.post(f"{path}/review", json={"decision": "accept"}), 403, "forbidden")
    decided = reviewer.post(f"{path}/review", json={"decision": "accept"})
    assert decided.status_code == 200 and decided.json["status"] == "accepted"
    assert_documented(decided, "post", f"{path}/review")


def test_bad_input_and_an_ineligible_facility_are_refused_over_the_api(as_user, cast):
    # the cast's facility was never filed and has no opening date: two rules refuse it
    operator, reviewer = as_user("operator"), as_user("reviewer")
    error = assert_error(
        operator.post("/grading/applications", json={"level": 7, "self_assessment": []}), 400, "bad_request"
    )
    assert {"level", "self_assessment"} <= error["fields"].keys()
    missing = all_pass()
    missing.pop("1.1.1.2")
    error = assert_error(
        operator.post("/grading/applications", json={"level": 1, "self_assessment": missing}), 422, "rule_violation"
    )
    assert "1.1.1.2" in error["fields"]
    created = operator.post("/grading/applications", json={"level": 1, "self_assessment": all_pass()}).json
    path = f"/grading/applications/{created['id']}/review"
    assert_error(reviewer.post(path, json={"decision": "accept"}), 422, "rule_violation")
    assert_error(reviewer.post(path, json={"decision": "refuse"}), 422, "rule_violation")  # reasons required
    refused = reviewer.post(path, json={"decision": "refuse", "reason": "未备案"}).json
    assert refused["status"] == "refused"
    assert [r["code"] for r in refused["refusals"]] == ["min_operating_months", "unfiled_or_licence_expired"]
    assert as_user("other_reviewer").get(f"/grading/applications/{created['id']}").status_code == 404
