"""The 公示 of a committee decision with the public's objections (issue 14, step 5), through the real routes: the public
page and its objection form, the limits, and the reviewer's uphold (back to step 3 or 4) or dismissal."""

from datetime import timedelta

from sqlalchemy import select

from inspection.campaign.publicity import publicity_period
from inspection.extensions import db
from inspection.models import AuditEvent, GradingObjection, Inspection, InspectionChecklist, ObjectionStatus
from inspection.services.grading_publicity import FREE_PER_ADDRESS
from tests.factories import answer_all, grading_deductions, submit
from tests.web.test_grading_applications import TODAY
from tests.web.test_grading_assessment import accepted_application, application, make_assessor

PUBLIC = "/public/grading/publicity"
MEMBERS = "评定委员甲（县民政局）\n评定委员乙（外聘专家）\n评定委员丙（外聘专家）"
OBJECTOR = {
    "name": "公众张某（测试）",
    "contact": "138 0013 8000",
    "text": "该院夜间值班人员不足，与评定情况不符（测试）",
}


def decided(cast, client, login):
    """An application of the operator's facility taken through assessment to a committee decision at 2 级, by the
    reviewer (logged out at the end)."""
    assessor_id = make_assessor().id
    mz1, mz2 = cast["mz1"].id, cast["mz2"].id
    facility_id, application_id = accepted_application(cast, client, login)
    team = {"assessed_on": TODAY.isoformat(), "team": [mz1, mz2, assessor_id]}
    assert client.post(f"/grading/{application_id}/assessment", data=team).status_code == 302
    visit = db.session.get(Inspection, application(facility_id).assessment_inspection_id)
    answer_all(visit, deductions=grading_deductions(2))
    submit(visit)
    db.session.commit()
    decision = {"met_on": TODAY.isoformat(), "members": MEMBERS, "level": "2", "reason": "按评审结果评定（测试）"}
    assert client.post(f"/grading/{application_id}/decision", data=decision).status_code == 302
    client.post("/auth/logout")
    return facility_id, application_id


def objection_data(application_id, **typed):
    return {f"a{application_id}-{name}": value for name, value in (OBJECTOR | typed).items()}


def object_to(client, application_id, **typed):
    return client.post(f"{PUBLIC}/{application_id}/objections", data=objection_data(application_id, **typed))


def objections(application_id):
    db.session.expire_all()
    return list(db.session.scalars(select(GradingObjection).where(GradingObjection.application_id == application_id)))


def period_over(facility_id):
    """Let the 公示 period pass: its dates as if the decision had been recorded two weeks ago."""
    found = application(facility_id)
    period = publicity_period(TODAY - timedelta(days=14), 5)
    found.publicity_starts_on, found.publicity_ends_on = period.starts_on, period.ends_on
    db.session.commit()


def test_the_public_page_lists_the_decisions_in_publicity_and_takes_an_objection(cast, client, login):
    facility_id, application_id = decided(cast, client, login)
    found = application(facility_id)
    assert found.stage == "publicity" and found.publicity_period == publicity_period(TODAY, 5)
    name, period = found.facility.name, found.publicity_period
    page = client.get(PUBLIC).get_data(as_text=True)
    shown = f'<span class="date">{period.starts_on}</span> 至 <span class="date">{period.ends_on}</span>'
    assert name in page and "2 级" in page and shown in page
    assert "暂未扣除法定节假日" in page and "对此评定结果提出异议" in page
    # required fields: the form comes back open with what was typed
    response = object_to(client, application_id, name="", text="")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写姓名" in body and "请填写异议内容" in body
    assert 'value="138 0013 8000"' in body and '<details class="objection" open>' in body
    response = object_to(client, application_id, contact="随便")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写手机号、带区号的固定电话或电子邮箱" in body
    assert "该院夜间值班人员不足" in body and objections(application_id) == []
    response = object_to(client, application_id)
    assert response.status_code == 302
    received = client.get(response.location).get_data(as_text=True)
    (objection,) = objections(application_id)
    assert "异议已收到" in received and objection.reference in received and name in received
    assert objection.contact == "13800138000" and objection.status == ObjectionStatus.PENDING
    assert len(objection.client_hash) == 64 and "127.0.0.1" not in objection.client_hash
    # the public never sees who objected, nor how to reach them
    page = client.get(PUBLIC).get_data(as_text=True)
    assert "公众张某" not in page and "13800138000" not in page and "138 0013 8000" not in page
    assert application(facility_id).stage == "publicity"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grading.objection_submitted"))
    assert event is not None and "13800138000" not in str(event.after)


def test_objections_are_refused_once_the_publicity_is_over(cast, client, login):
    facility_id, application_id = decided(cast, client, login)
    period_over(facility_id)
    page = client.get(PUBLIC).get_data(as_text=True)
    assert application(facility_id).facility.name not in page and "目前没有正在公示的评定结果" in page
    response = object_to(client, application_id)
    assert response.status_code == 422 and "不在公示期内，不再受理异议" in response.get_data(as_text=True)
    assert objections(application_id) == []
    found = application(facility_id)
    assert found.stage == "decided" and found.publicity_cleared_on(TODAY)


def test_too_many_objections_from_one_address_are_answered_429(cast, client, login):
    _facility_id, application_id = decided(cast, client, login)
    for n in range(FREE_PER_ADDRESS):
        assert object_to(client, application_id, text=f"第 {n} 条异议（测试）").status_code == 302
    response = object_to(client, application_id, text="再一条（测试）")
    body = response.get_data(as_text=True)
    assert response.status_code == 429 and "提交过于频繁" in body and "分钟后再试" in body
    assert int(response.headers["Retry-After"]) > 0
    assert "再一条（测试）" in body  # what was typed is kept for later
    assert len(objections(application_id)) == FREE_PER_ADDRESS
    # another address is let through
    other = client.post(
        f"{PUBLIC}/{application_id}/objections",
        data=objection_data(application_id),
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert other.status_code == 302


def test_the_reviewer_upholds_and_the_case_goes_back_to_the_on_site_assessment(cast, client, login):
    facility_id, application_id = decided(cast, client, login)
    object_to(client, application_id)
    (objection,) = objections(application_id)
    oid, ref = objection.id, objection.reference
    old_visit = application(facility_id).assessment_inspection_id
    result_id = application(facility_id).assessment_result.id
    login("reviewer")
    index = client.get("/grading/").get_data(as_text=True)
    assert "待处理的公示异议（1 件）" in index and ref in index
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "公示与异议" in page and "13800138000" in page and "公众张某（测试）" in page and "处理此异议" in page
    review = f"/grading/{application_id}/objections/{oid}"
    prefix = f"o{oid}-"
    response = client.post(review, data={prefix + "decision": "assessment", prefix + "reason": "属实（测试）"})
    assert response.status_code == 400 and "请确认已核实异议" in response.get_data(as_text=True)
    response = client.post(review, data={prefix + "decision": "assessment", prefix + "confirm": "y"})
    assert response.status_code == 400 and "请填写处理理由" in response.get_data(as_text=True)
    assert objections(application_id)[0].status == ObjectionStatus.PENDING
    reason = "经核实夜间值班人员不足（测试）"
    data = {prefix + "decision": "assessment", prefix + "reason": reason, prefix + "confirm": "y"}
    assert client.post(review, data=data).status_code == 302
    back = application(facility_id)
    assert back.stage == "accepted" and back.assessment_inspection_id is None and back.decided_at is None
    assert back.publicity_period is None and back.publicity_state_on(TODAY) == "reopened"
    (objection,) = objections(application_id)
    assert objection.status == ObjectionStatus.UPHELD and objection.returned_to == "assessment"
    assert objection.superseded_assessment_id == old_visit and objection.review_reason == reason
    # the set-aside assessment is neither a grade nor a result to countersign
    assert db.session.get(InspectionChecklist, result_id).reviewed_at is None
    assert f"/rankings/reviews/{result_id}" not in client.get("/rankings/reviews").get_data(as_text=True)
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "安排现场评审" in page and "退回重新组织现场评审" in page and reason in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grading.objection_reviewed"))
    assert event.before["decided_level"] == 2 and event.before["assessment_inspection_id"] == old_visit
    assert application(facility_id).facility.name not in client.get(PUBLIC).get_data(as_text=True)


def test_the_reviewer_upholds_to_the_committee_whose_new_decision_starts_a_new_publicity(cast, client, login):
    facility_id, application_id = decided(cast, client, login)
    object_to(client, application_id)
    (objection,) = objections(application_id)
    oid = objection.id
    visit = application(facility_id).assessment_inspection_id
    login("reviewer")
    prefix = f"o{oid}-"
    data = {prefix + "decision": "committee", prefix + "reason": "委员会应复议（测试）", prefix + "confirm": "y"}
    assert client.post(f"/grading/{application_id}/objections/{oid}", data=data).status_code == 302
    back = application(facility_id)
    assert back.stage == "assessed" and back.assessment_inspection_id == visit and back.decided_level is None
    assert back.assessment_result.reviewed_at is None
    decision = {"met_on": TODAY.isoformat(), "members": MEMBERS, "level": "1", "reason": "复议后降为一级（测试）"}
    assert client.post(f"/grading/{application_id}/decision", data=decision).status_code == 302
    again = application(facility_id)
    assert again.stage == "publicity" and again.decided_level == 1 and again.publicity_ends_on >= TODAY
    assert again.publicity_state_on(TODAY) == "in_publicity" and not again.publicity_cleared_on(TODAY)
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "退回评定委员会重新评定" in page and "公示中" in page  # the history stays on the record


def test_a_dismissed_objection_leaves_the_decision_cleared_after_the_period(cast, client, login):
    facility_id, application_id = decided(cast, client, login)
    object_to(client, application_id)
    (objection,) = objections(application_id)
    oid = objection.id
    period_over(facility_id)
    assert application(facility_id).stage == "publicity"  # over, but an objection awaits review
    assert application(facility_id).publicity_state_on(TODAY) == "objections_pending"
    login("reviewer")
    prefix = f"o{oid}-"
    data = {prefix + "decision": "dismiss", prefix + "reason": "经核实值班符合要求（测试）", prefix + "confirm": "y"}
    assert client.post(f"/grading/{application_id}/objections/{oid}", data=data).status_code == 302
    found = application(facility_id)
    assert found.stage == "decided" and found.decided_level == 2 and found.publicity_cleared_on(TODAY)
    assert objections(application_id)[0].status == ObjectionStatus.DISMISSED
    assert "待处理的公示异议" not in client.get("/grading/").get_data(as_text=True)


def test_only_the_facilitys_reviewer_decides_an_objection_and_only_they_see_the_objector(cast, client, login):
    _facility_id, application_id = decided(cast, client, login)
    object_to(client, application_id)
    (objection,) = objections(application_id)
    oid, ref = objection.id, objection.reference
    review = f"/grading/{application_id}/objections/{oid}"
    prefix = f"o{oid}-"
    data = {prefix + "decision": "assessment", prefix + "reason": "属实（测试）", prefix + "confirm": "y"}
    assert client.post(review, data=data).status_code == 302  # anonymous: to the login page
    for username, status in (("operator", 403), ("assessor1", 403), ("admin", 403), ("other_reviewer", 404)):
        login(username)
        assert client.post(review, data=data).status_code == status, username
        client.post("/auth/logout")
    assert objections(application_id)[0].status == ObjectionStatus.PENDING
    login("operator")
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert ref in page and "待处理" in page
    assert "13800138000" not in page and "公众张某" not in page and "该院夜间值班人员不足" not in page
    assert "处理此异议" not in page
    client.post("/auth/logout")
    login("assessor1")
    assert client.get(f"/grading/{application_id}").status_code == 403


def test_the_public_form_refuses_a_post_without_a_csrf_token(cast, client, login, app):
    _facility_id, application_id = decided(cast, client, login)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = object_to(client, application_id)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400 and objections(application_id) == []


def test_coverage_shows_a_decision_in_publicity_and_not_yet_a_grade(cast, client, login):
    facility_id, _application_id = decided(cast, client, login)
    name = application(facility_id).facility.name
    login("reviewer")
    in_publicity = client.get("/grading/coverage?stage=publicity").get_data(as_text=True)
    assert name in in_publicity and "已评定，公示中" in in_publicity
    assert name not in client.get("/grading/coverage?stage=graded").get_data(as_text=True)
    period_over(facility_id)  # cleared: awaiting publication, graded only once its certificate is issued
    assert name in client.get("/grading/coverage?stage=decided").get_data(as_text=True)
    assert name not in client.get("/grading/coverage?stage=publicity").get_data(as_text=True)
    assert name not in client.get("/grading/coverage?stage=graded").get_data(as_text=True)
