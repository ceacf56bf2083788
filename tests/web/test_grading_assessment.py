"""The on-site assessment by a team and the 评定委员会's decision, through the web (issue 14): from an application to a
decided level, the committee's record in place of the countersignature."""

from sqlalchemy import select

from inspection.extensions import db
from inspection.models import (
    AuditEvent,
    GradingApplication,
    Inspection,
    InspectionChecklist,
    InspectionPurpose,
    Role,
)
from tests.factories import OWN, answer_all, base_county, grading_deductions, make_user, submit
from tests.web.test_grading_applications import TODAY, make_eligible, self_assessment


def make_assessor(username="assessor1", display_name="评审专家一（测试）"):
    county = base_county()
    return make_user(
        Role.ASSESSOR, county, username=username, display_name=display_name, department_id=county.department("mz").id
    )


def application(facility_id):
    db.session.expire_all()
    return db.session.scalar(select(GradingApplication).where(GradingApplication.facility_id == facility_id))


def accepted_application(cast, client, login, level=2):
    """The operator applies for `level` with a self-assessment failing 1.1.1.1; the reviewer accepts it."""
    make_eligible(cast[OWN])
    db.session.commit()
    facility_id = cast[OWN].id
    login("operator")
    client.post("/grading/apply", data=self_assessment({"1.1.1.1": "1"}) | {"level": str(level)})
    application_id = application(facility_id).id
    client.post("/auth/logout")
    login("reviewer")
    assert client.post(f"/grading/{application_id}/review", data={"decision": "accept"}).status_code == 302
    return facility_id, application_id


def test_from_application_to_the_committees_decision(cast, client, login):
    assessor_id = make_assessor().id
    mz1, mz2 = cast["mz1"].id, cast["mz2"].id
    facility_id, application_id = accepted_application(cast, client, login)
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "待组织现场评审" in page and "安排现场评审" in page and "评审专家一（测试）（评审员）" in page
    assert "消防检查员一" not in page  # only 民政 inspectors and assessors make up a team
    schedule = f"/grading/{application_id}/assessment"
    day = TODAY.isoformat()
    response = client.post(schedule, data={"assessed_on": day, "team": [mz1, assessor_id]})
    assert response.status_code == 400 and "评审组至少需要 3 名评审人员" in response.get_data(as_text=True)
    assert application(facility_id).assessment_inspection_id is None
    response = client.post(schedule, data={"assessed_on": day, "team": [mz1, mz2, assessor_id]})
    assert response.status_code == 302
    scheduled = application(facility_id)
    assert scheduled.stage == "assessment_scheduled"
    visit = db.session.get(Inspection, scheduled.assessment_inspection_id)
    visit_id = visit.id
    assert visit.purpose == InspectionPurpose.GRADING and visit.facility_id == facility_id
    assert {a.user_id for a in visit.assignments} == {mz1, mz2, assessor_id}
    assert [c.checklist_code for c in visit.checklists] == ["grading_gbt37276"]
    assert client.post(schedule, data={"assessed_on": day, "team": [mz1, mz2, assessor_id]}).status_code == 400
    # the assessor opens the team's form: the self-assessment is beside each item
    client.post("/auth/logout")
    login("assessor1")
    form = client.get(f"/inspections/{visit_id}/form").get_data(as_text=True)
    assert 'data-self="fail"' in form and "机构自评：不合格，扣 1 分（自评发现（测试））" in form
    assert form.count('class="self-assessed"') == form.count('class="item-card ')
    client.post("/auth/logout")
    login("reviewer")
    # the team fills in and submits the grading checklist
    visit = db.session.get(Inspection, scheduled.assessment_inspection_id)
    answer_all(visit, deductions=grading_deductions(3))
    submit(visit)
    db.session.commit()
    ic_id, scored = visit.checklists[0].id, visit.checklists[0].grade
    assert application(facility_id).stage == "assessed"
    # the countersignature is not how this result is decided: the committee is
    assert f"/rankings/reviews/{ic_id}" not in client.get("/rankings/reviews").get_data(as_text=True)
    client.post(f"/rankings/reviews/{ic_id}", data={"comment": "同意", "confirmed": "1"})
    assert db.session.get(InspectionChecklist, ic_id).reviewed_at is None
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "待评定委员会评定" in page and "评定委员会评定" in page
    decide = f"/grading/{application_id}/decision"
    members = "评定委员甲（县民政局）\n评定委员乙（外聘专家）\n评定委员丙（外聘专家）"
    response = client.post(decide, data={"met_on": day, "members": members, "level": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "评定等级与申请等级或评分结果不同，请填写理由" in body
    assert application(facility_id).decided_at is None
    response = client.post(decide, data={"met_on": day, "members": "", "level": "2", "reason": ""})
    assert response.status_code == 400 and "请填写参会委员" in response.get_data(as_text=True)
    reason = "现场评审发现消防通道堵塞，委员会决定低于申请等级"
    response = client.post(decide, data={"met_on": day, "members": members, "level": "1", "reason": reason})
    assert response.status_code == 302
    decided = application(facility_id)
    assert decided.stage == "publicity" and decided.decided_level == 1 and decided.decision_reason == reason
    assert decided.committee_met_on == TODAY and "评定委员乙" in decided.committee_members
    assert decided.assessment_result.reviewed_at is not None and scored != 1
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "评定结果公示中" in page and "1 级" in page and reason in page
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "grading_application")))
    assert {"grading.schedule_assessment", "grading.decide"} <= actions


def test_only_the_facilitys_reviewer_schedules_and_decides(cast, client, login):
    assessor_id = make_assessor().id
    mz1, mz2 = cast["mz1"].id, cast["mz2"].id
    facility_id, application_id = accepted_application(cast, client, login)
    client.post("/auth/logout")
    team = {"assessed_on": TODAY.isoformat(), "team": [mz1, mz2, assessor_id]}
    for username, status in (("admin", 403), ("mz1", 403), ("assessor1", 403), ("other_reviewer", 404)):
        login(username)
        assert client.post(f"/grading/{application_id}/assessment", data=team).status_code == status, username
        assert client.post(f"/grading/{application_id}/decision", data={}).status_code == status, username
        client.post("/auth/logout")
    assert application(facility_id).assessment_inspection_id is None
