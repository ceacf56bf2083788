"""Corrections of submitted findings (issue 11 cases 4 and 5): only the department that made a finding corrects
it; a finding served in a current notice is not changed underneath it; a correction of a countersigned grading
result voids the countersignature, visibly, in the facility's history and the audit log."""

from decimal import Decimal

from sqlalchemy import select

from inspection.checklists import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.models import Answer, AuditEvent, Hazard, HazardStatus, InspectionChecklist, NoticeMode
from inspection.services import Actor
from inspection.services.notices import issue_notices, verification_url
from tests.api.conftest import assert_error, new_id
from tests.conftest import facility, user
from tests.factories import OWN, PASSWORD, checklist, grade, inspect


def correction(item_code: str, result: str = "fail", **extra) -> dict:
    return {"item_code": item_code, "result": result, "client_id": new_id(), "reason": "复核", **extra}


def joint_fire_inspection(fail=()):
    """A completed joint fire inspection of OWN by the cast: 民政 leads (mz1, mz2), 消防 checks (xf1, xf2)."""
    team = {"mz": [user("mz1"), user("mz2")], "xf": [user("xf1"), user("xf2")]}
    return inspect(facility(OWN), ["fire_safety"], fail=fail, team=team)


def answer_of(inspection_id: int, item_code: str) -> Answer:
    return db.session.scalar(
        select(Answer)
        .join(InspectionChecklist)
        .where(InspectionChecklist.inspection_id == inspection_id, Answer.item_code == item_code)
    )


def test_the_lead_department_cannot_overwrite_another_departments_finding(app, as_user, cast):
    inspection_id = joint_fire_inspection(fail=["F4"]).id
    db.session.commit()  # into the test's transaction, where the requests see it
    refused = as_user("mz1").post(f"/inspections/{inspection_id}/corrections", json=correction("F4", "pass"))
    assert assert_error(refused, 403, "forbidden")["fields"]
    with app.app_context():
        assert answer_of(inspection_id, "F4").result == "fail"
    own = as_user("xf1").post(f"/inspections/{inspection_id}/corrections", json=correction("F6", deduction=1))
    assert own.status_code == 200, own.json  # 消防 corrects its own finding
    with app.app_context():
        assert (answer_of(inspection_id, "F6").result, answer_of(inspection_id, "F6").deduction) == ("fail", 1)


def test_a_finding_on_a_current_notice_is_not_corrected_underneath_it(app, as_user, cast):
    with app.app_context():
        inspection = joint_fire_inspection(fail=["F4"])
        (notice,) = issue_notices(
            inspection,
            NoticeMode.PER_DEPARTMENT,
            Actor(user("mz1"), "test"),
            inspection.inspected_on,
            lambda token: verification_url("http://test", token),
        )
        inspection_id, number = inspection.id, notice.number
        db.session.commit()
    refused = as_user("xf1").post(f"/inspections/{inspection_id}/corrections", json=correction("F4", "pass"))
    message = assert_error(refused, 422, "rule_violation")["message"]
    assert f"已列入现行整改通知书 {number}" in message
    with app.app_context():
        assert answer_of(inspection_id, "F4").result == "fail"
        hazard = db.session.scalar(select(Hazard).where(Hazard.inspection_id == inspection_id))
        assert hazard.status == HazardStatus.OPEN


def test_correcting_a_countersigned_grade_voids_the_countersignature(app, as_user, cast, client):
    with app.app_context():
        ic = grade(facility(OWN), 4, team={"mz": [user("mz1"), user("mz2")]})
        assert ic.reviewed_at is not None and ic.grade == 4
        inspection_id, ic_id, facility_id = ic.inspection_id, ic.id, ic.inspection.facility_id
        item = next(iter(checklist(GRADING_CHECKLIST).items()))
        db.session.commit()
    body = correction(item.code, deduction=str(Decimal(item.points)), note="复核发现材料缺失")
    response = as_user("mz1").post(f"/inspections/{inspection_id}/corrections", json=body)
    assert response.status_code == 200, response.json
    with app.app_context():
        ic = db.session.get(InspectionChecklist, ic_id)
        assert ic.reviewed_at is None and ic.reviewed_by_id is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grading.countersign_void"))
        assert event is not None and event.object_id == str(ic_id) and event.detail == "复核"
    client.post("/auth/login", data={"username": "reviewer", "password": PASSWORD})
    page = client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    assert "待审核" in page and "原审核因更正作废（复核），待重新审核" in page
