"""The grading application and its eligibility review over the API, as the document declares them (issue 14)."""

from datetime import date, timedelta

from inspection.campaign.publicity import publicity_period
from inspection.extensions import db
from inspection.models import GradingApplication, Inspection, ObjectionStatus, Role
from inspection.services.grading_applications import grading_checklist
from tests.api.conftest import assert_error
from tests.api.test_contract import assert_documented
from tests.factories import OWN, answer_all, base_county, grading_deductions, make_user, objection_row, submit

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


def test_from_application_to_the_certificate_over_the_api(as_user, cast):
    own = cast[OWN]
    own_id = own.id
    own.opened_on, own.filed_on = TODAY - timedelta(days=900), TODAY - timedelta(days=890)
    county = base_county()
    assessor = make_user(
        Role.ASSESSOR,
        county,
        username="assessor_api",
        display_name="评审专家（测试）",
        department_id=county.department("mz").id,
    )
    team = [cast["mz1"].id, cast["mz2"].id, assessor.id]
    db.session.commit()
    operator, reviewer = as_user("operator"), as_user("reviewer")
    body = {"level": 2, "self_assessment": all_pass()}
    application = operator.post("/grading/applications", json=body).json
    assert application["stage"] == "applied" and application["assessment"] is None
    path = f"/grading/applications/{application['id']}"
    assert reviewer.post(f"{path}/review", json={"decision": "accept"}).json["stage"] == "accepted"
    day = TODAY.isoformat()
    error = assert_error(
        reviewer.post(f"{path}/assessment", json={"date": day, "team": team[:2]}), 422, "rule_violation"
    )
    assert "team" in error["fields"]
    assert_error(reviewer.post(f"{path}/assessment", json={"date": day, "team": "mz1"}), 400, "bad_request")
    scheduled = reviewer.post(f"{path}/assessment", json={"date": day, "team": team})
    assert scheduled.status_code == 200, scheduled.json
    assert_documented(scheduled, "post", f"{path}/assessment")
    assert scheduled.json["stage"] == "assessment_scheduled"
    assessment = scheduled.json["assessment"]
    assert {m["id"] for m in assessment["team"]} == set(team) and assessment["points"] is None
    # the assessor reads the grading inspection, and nothing of another's application
    assessor_client = as_user("assessor_api")
    assert assessor_client.get(f"/inspections/{assessment['inspection_id']}").status_code == 200
    assert_error(assessor_client.get(path), 403, "forbidden")
    decision = {"met_on": day, "members": "评定委员甲（测试）\n评定委员乙（测试）", "level": 2}
    assert_error(reviewer.post(f"{path}/decision", json=decision), 422, "rule_violation")  # not assessed yet
    visit = db.session.get(Inspection, assessment["inspection_id"])
    answer_all(visit, deductions=grading_deductions(3))
    submit(visit)
    db.session.commit()
    assessed = reviewer.get(path).json
    assert assessed["stage"] == "assessed" and assessed["assessment"]["scored_level"] == 3
    error = assert_error(reviewer.post(f"{path}/decision", json=decision), 422, "rule_violation")
    assert "reason" in error["fields"]  # level 2 decided against a scored 三级
    decided = reviewer.post(f"{path}/decision", json=decision | {"reason": "委员会认为服务记录不全（测试）"})
    assert decided.status_code == 200, decided.json
    assert_documented(decided, "post", f"{path}/decision")
    assert decided.json["stage"] == "publicity" and decided.json["status"] == "decided"
    period = publicity_period(TODAY, 5)  # from the working day after the recording
    assert decided.json["publicity"] == {
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "state": "in_publicity",
    }
    assert decided.json["objections_pending"] == 0 and assessed["publicity"] is None
    db.session.add(objection_row(db.session.get(GradingApplication, decided.json["id"])))
    db.session.commit()
    objected = reviewer.get(path)
    assert_documented(objected, "get", path)
    assert objected.json["objections_pending"] == 1 and objected.json["publicity"]["state"] == "in_publicity"
    assert decided.json["decision"]["level"] == 2 and decided.json["decision"]["met_on"] == day
    assert_error(reviewer.post(f"{path}/decision", json=decision), 422, "rule_violation")  # decided once
    assert as_user("other_reviewer").post(f"{path}/decision", json=decision).status_code == 404
    # publication: the grade becomes the facility's, with its certificate; once only, by the facility's reviewer
    publish = {"decision_number": "测民发〔2026〕7号", "published_on": day}
    refused = assert_error(reviewer.post(f"{path}/publish", json=publish), 422, "rule_violation")
    assert "公示期未满" in refused["message"]  # the 公示 runs and an objection is open
    found = db.session.get(GradingApplication, decided.json["id"])
    found.objections[0].status = ObjectionStatus.DISMISSED
    past = publicity_period(TODAY - timedelta(days=14), 5)  # as if decided two weeks ago: the 公示 is over
    found.publicity_starts_on, found.publicity_ends_on = past.starts_on, past.ends_on
    db.session.commit()
    assert_error(operator.post(f"{path}/publish", json=publish), 403, "forbidden")
    assert as_user("other_reviewer").post(f"{path}/publish", json=publish).status_code == 404
    error = assert_error(
        reviewer.post(f"{path}/publish", json=publish | {"decision_number": "七号"}), 422, "rule_violation"
    )
    assert "decision_number" in error["fields"]
    assert_error(reviewer.post(f"{path}/publish", json={"decision_number": "测民发〔2026〕7号"}), 400, "bad_request")
    published = reviewer.post(f"{path}/publish", json=publish)
    assert published.status_code == 200, published.json
    assert_documented(published, "post", f"{path}/publish")
    certificate = published.json["certificate"]
    assert published.json["stage"] == "published" and certificate["level"] == 2 and certificate["status"] == "active"
    assert certificate["decision_number"] == "测民发〔2026〕7号" and certificate["published_on"] == day
    again = reviewer.post(f"{path}/publish", json=publish | {"decision_number": "测民发〔2026〕8号"})
    assert again.status_code == 200 and again.json["certificate"] == certificate  # a repeat issues nothing new
    facilities = reviewer.get("/facilities?per_page=500")
    assert_documented(facilities, "get", "/facilities")
    (mine,) = [f for f in facilities.json["items"] if f["id"] == own_id]
    assert mine["grade"] == 2 and mine["grade_date"] == day
    assert mine["certificate"] == {k: certificate[k] for k in ("number", "level", "valid_until", "status")}
