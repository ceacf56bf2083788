"""Returning (退回) a grading result with a reason: the reviewer's page, what the lead then sees, what the standing and
the league table then hold, and who may not return (issue 17)."""

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import AuditEvent, ChecklistStatus, FacilityStanding, InspectionChecklist, StandingKind
from tests.conftest import facility, user
from tests.factories import submit

PENDING = "三岔镇敬老院"


def pending_id() -> int:
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == facility(PENDING).id, FacilityStanding.kind == StandingKind.GRADE
        )
    )
    return standing.inspection_checklist_id


def result(checklist_id: int) -> InspectionChecklist:
    return db.session.get(InspectionChecklist, checklist_id)


def test_the_reviewer_returns_a_result_with_a_reason_and_the_lead_reads_it(client, login):
    ic_id = pending_id()
    inspection_id = result(ic_id).inspection_id
    grader = result(ic_id).inspection.assignments[0].user.username
    login("reviewer")
    assert "退回检查组" in client.get("/rankings/reviews").get_data(as_text=True)
    response = client.post(
        f"/rankings/reviews/{ic_id}/return",
        data={"reason": "第3.2条扣分没有依据，请核对后重新评定"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert f"已退回 {PENDING} 的评定结果" in page
    assert PENDING not in page.split("检查组更正后重新提交。")[1]  # no longer waiting for a countersignature
    ic = result(ic_id)
    assert ic.status == ChecklistStatus.OPEN and ic.verdict is None and ic.reviewed_at is None
    assert ic.return_reason == "第3.2条扣分没有依据，请核对后重新评定" and ic.returned_by_id == user("reviewer").id
    assert ic.inspection.status == "in_progress" and not ic.inspection.submissions  # the graders may correct it
    assert PENDING not in client.get("/rankings/?grade=pending").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grading.return"))
    assert event.object_id == str(ic_id) and event.after["reason"].startswith("第3.2条") and event.before["verdict"]
    client.post("/auth/logout")
    login(grader)
    response = client.get(f"/inspections/{inspection_id}")
    detail = response.get_data(as_text=True)
    assert response.status_code == 200, detail[-2000:]
    assert "结果已被退回" in detail and "第3.2条扣分没有依据" in detail and "请更正后重新签字提交" in detail
    home = client.get("/").get_data(as_text=True)  # the graders' home says so too, on that inspection's card
    assert "已退回" in home and "第3.2条扣分没有依据" in home


def test_a_return_needs_a_reason_shown_at_that_result(client, login):
    ic_id = pending_id()
    login("reviewer")
    response = client.post(f"/rankings/reviews/{ic_id}/return", data={"reason": "  "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="return-{ic_id}" open' in page and f'id="reason-{ic_id}-error">请填写退回原因' in page
    assert result(ic_id).status == ChecklistStatus.SUBMITTED


def test_a_countersigned_result_is_not_returned(client, login):
    ic_id = pending_id()
    login("reviewer")
    client.post(f"/rankings/reviews/{ic_id}", data={"comment": "同意", "confirmed": "1"})
    response = client.post(f"/rankings/reviews/{ic_id}/return", data={"reason": "改主意了"})
    assert response.status_code == 400 and "该评定结果已审核" in response.get_data(as_text=True)
    assert result(ic_id).status == ChecklistStatus.SUBMITTED


@pytest.mark.parametrize(
    ("username", "status"), [("admin", 403), ("mz1", 403), ("operator", 403), ("other_reviewer", 404)]
)
def test_only_a_reviewer_of_the_region_returns(client, login, username, status):
    ic_id = pending_id()
    login(username)
    response = client.post(f"/rankings/reviews/{ic_id}/return", data={"reason": "不同意"})
    assert response.status_code == status
    assert result(ic_id).status == ChecklistStatus.SUBMITTED and not result(ic_id).return_reason


def test_a_returned_result_is_corrected_and_submitted_again(client, login):
    ic_id = pending_id()
    login("reviewer")
    client.post(f"/rankings/reviews/{ic_id}/return", data={"reason": "请核对扣分"})
    inspection = result(ic_id).inspection
    assert (
        db.session.scalar(select(FacilityStanding).where(FacilityStanding.inspection_checklist_id == ic_id)) is None
    )  # the returned result no longer stands
    submit(inspection)  # the graders correct (nothing here) and submit again
    db.session.commit()
    assert result(ic_id).status == ChecklistStatus.SUBMITTED and result(ic_id).verdict
    assert PENDING in client.get("/rankings/reviews").get_data(as_text=True)  # back for its countersignature
