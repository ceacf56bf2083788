"""Applying for a grade with a self-assessment, and the eligibility review, through the web (issue 14)."""

from datetime import date, timedelta

from sqlalchemy import select

from inspection.extensions import db
from inspection.models import ApplicationStatus, AuditEvent, GradingApplication
from inspection.services.grading_applications import grading_checklist
from tests.factories import OWN, SAME_COUNTY, make_operator

TODAY = date.today()


def make_eligible(facility):
    facility.opened_on = TODAY - timedelta(days=900)
    facility.filed_on = TODAY - timedelta(days=890)


def self_assessment(fail=None):
    """Every item of the grading checklist answered 合格, except `fail` (code → deduction)."""
    _version, checklist = grading_checklist()
    data = {}
    for section in checklist.sections:
        for item in section.items:
            data[f"r-{item.code}"] = "pass"
    for code, deduction in (fail or {}).items():
        data[f"r-{code}"], data[f"d-{code}"], data[f"n-{code}"] = "fail", deduction, "自评发现（测试）"
    return data


def application_of(facility_id):
    db.session.expire_all()
    return db.session.scalar(select(GradingApplication).where(GradingApplication.facility_id == facility_id))


def test_the_operator_applies_with_a_self_assessment_and_the_reviewer_accepts_it(cast, client, login):
    own = cast[OWN]
    make_eligible(own)
    db.session.commit()
    facility_id, name = own.id, own.name
    login("operator")
    page = client.get("/grading/apply").get_data(as_text=True)
    assert "申请条件" in page and "开业运营满 12 个月" in page and "待核实" in page and 'name="r-1.1.1.1"' in page
    incomplete = self_assessment() | {"level": "2"}
    del incomplete["r-1.1.1.2"]
    response = client.post("/grading/apply", data=incomplete)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "1 项未填" in body and "请填写此项" in body
    assert 'value="pass" checked' in body  # what was entered is kept
    assert application_of(facility_id) is None
    response = client.post("/grading/apply", data=self_assessment({"1.1.1.1": "1"}) | {"level": "2"})
    assert response.status_code == 302
    application = application_of(facility_id)
    assert application.status == ApplicationStatus.SUBMITTED and application.level == 2
    assert application.self_assessment["1.1.1.1"] == {"result": "fail", "deduction": "1", "note": "自评发现（测试）"}
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "待审查" in detail and "自评发现（测试）" in detail
    assert "已有正在办理的申请" in client.get("/grading/apply").get_data(as_text=True)

    client.post("/auth/logout")
    login("reviewer")
    assert name in client.get("/grading/?status=submitted").get_data(as_text=True)
    review = f"/grading/{application.id}/review"
    assert client.post(review, data={"decision": "accept"}).status_code == 302
    assert application_of(facility_id).status == ApplicationStatus.ACCEPTED
    assert name in client.get("/public/grading/accepted").get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "grading_application")))
    assert actions == {"grading.apply", "grading.review"}


def test_a_refusal_names_the_rule_and_an_ineligible_facility_cannot_be_accepted(cast, client, login):
    own = cast[OWN]
    make_eligible(own)
    own.last_penalty_on = TODAY - timedelta(days=60)  # an administrative penalty two months ago
    db.session.commit()
    facility_id, name = own.id, own.name
    login("operator")
    page = client.get("/grading/apply").get_data(as_text=True)
    assert "24 个月内受到行政处罚" in page  # the operator is told before applying
    assert client.post("/grading/apply", data=self_assessment() | {"level": "1"}).status_code == 302
    application_id = application_of(facility_id).id
    client.post("/auth/logout")
    login("reviewer")
    review = f"/grading/{application_id}/review"
    response = client.post(review, data={"decision": "accept"}, follow_redirects=True)
    assert "不符合申请条件，不能通过" in response.get_data(as_text=True)
    assert application_of(facility_id).status == ApplicationStatus.SUBMITTED
    response = client.post(review, data={"decision": "refuse"})
    assert response.status_code == 400 and "请填写不予通过的理由" in response.get_data(as_text=True)
    assert client.post(review, data={"decision": "refuse", "reason": "近期受到行政处罚"}).status_code == 302
    refused = application_of(facility_id)
    assert refused.status == ApplicationStatus.REFUSED
    assert [r["code"] for r in refused.refusals] == ["penalty_within_months"]
    assert name not in client.get("/public/grading/accepted").get_data(as_text=True)
    client.post("/auth/logout")
    login("operator")
    detail = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "资格审查未通过" in detail and "近期受到行政处罚" in detail and "24 个月内受到行政处罚" in detail
    client.post("/auth/locale", data={"locale": "en", "next": "/"})
    english = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "Administrative penalty, compulsion or criminal penalty within 24 months" in english


def test_who_sees_and_acts_on_an_application(cast, client, login):
    own = cast[OWN]
    make_eligible(own)
    db.session.commit()
    facility_id = own.id
    login("operator")
    client.post("/grading/apply", data=self_assessment() | {"level": "1"})
    application_id = application_of(facility_id).id
    client.post("/auth/logout")
    for username, status in (("other_operator", 404), ("other_reviewer", 404), ("admin", 200), ("reviewer", 200)):
        login(username)
        assert client.get(f"/grading/{application_id}").status_code == status, username
        client.post("/auth/logout")
    login("mz1")
    assert client.get("/grading/").status_code == 403
    assert client.get(f"/grading/{application_id}").status_code == 403
    client.post("/auth/logout")
    login("admin")  # an administrator reads but does not review
    assert client.post(f"/grading/{application_id}/review", data={"decision": "accept"}).status_code == 403
    client.post("/auth/logout")
    login("other_reviewer")
    assert client.post(f"/grading/{application_id}/review", data={"decision": "accept"}).status_code == 404
    assert application_of(facility_id).status == ApplicationStatus.SUBMITTED


def test_a_day_care_centre_does_not_apply(cast, client, login):
    same = cast[SAME_COUNTY]
    same.type, same.is_residential = "day_care", False
    make_operator(same, username="daycare_operator")
    db.session.commit()
    facility_id = same.id
    login("daycare_operator")
    assert "不参加等级评定" in client.get("/grading/apply").get_data(as_text=True)
    client.post("/grading/apply", data=self_assessment() | {"level": "1"})
    assert application_of(facility_id) is None
