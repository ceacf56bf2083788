"""Decisions that race each other, against a real server process: two reviewers deciding one grading result at
the same moment (one countersigns, one returns it, each tapping twice), an inspector rewording a requirement
while the notice that prints it is being issued, and a food result record asked for four times at once. Each
request decides under a lock, so exactly one decision holds, a notice prints the requirement the hazard keeps, and
an inspection has one result record under one number."""

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AuditEvent, ChecklistStatus, Facility, Hazard, InspectionChecklist, Notice
from tests.conftest import facility, user
from tests.factories import OWN, PASSWORD, answer_all, grade, plan_inspection, submit
from tests.server_process import Client, together
from tests.web.test_document_races import completed_inspection, numbers_used_match_notices

NEW_REQUIREMENT = "立即清除二楼东侧疏散走道内堆放的杂物，保持通道畅通"


def test_a_countersignature_and_a_return_at_once_leave_one_decision(concurrent_app, served_county):
    with concurrent_app.app_context():
        ic_id = grade(db.session.scalar(select(Facility).where(Facility.name == OWN)), 3, countersign=False).id
        db.session.commit()
    reviewers = [Client(served_county).log_in("reviewer", PASSWORD) for _ in range(4)]
    countersign = {"comment": "材料齐全，同意", "confirmed": "1"}
    path = f"/rankings/reviews/{ic_id}"
    replies = together(
        *[lambda c=c: c.request("POST", path, form=countersign) for c in reviewers[:2]],
        *[lambda c=c: c.request("POST", f"{path}/return", form={"reason": "缺少消防验收材料"}) for c in reviewers[2:]],
    )
    assert all(r.status in (302, 400) for r in replies), [r.body[:200] for r in replies]
    with concurrent_app.app_context():
        ic = db.session.get(InspectionChecklist, ic_id)
        decisions = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == str(ic_id), AuditEvent.action.in_(["grading.countersign", "grading.return"]))
        )
        countersigned = ic.reviewed_at is not None and ic.status == ChecklistStatus.SUBMITTED
        returned = ic.reviewed_at is None and ic.status == ChecklistStatus.OPEN and ic.return_reason
    assert decisions == 1 and countersigned != bool(returned)


def test_a_requirement_reworded_while_its_notice_is_issued_is_the_one_printed(concurrent_app, served_county):
    inspection_id = completed_inspection(concurrent_app)
    with concurrent_app.app_context():
        hazard_id = db.session.scalar(
            select(Hazard.id).where(Hazard.inspection_id == inspection_id, Hazard.item_code == "F5")
        )
    lead = Client(served_county).api_token("mz1", PASSWORD)
    inspector = Client(served_county).log_in("xf1", PASSWORD)
    replies = together(
        lambda: lead.request("POST", f"/api/v1/inspections/{inspection_id}/notices", json_body={"mode": "joint"}),
        lambda: inspector.request("POST", f"/hazards/{hazard_id}/requirement", form={"requirement": NEW_REQUIREMENT}),
    )
    assert replies[0].status == 201, replies[0].body[:300]
    with concurrent_app.app_context():
        stored = db.session.get(Hazard, hazard_id).requirement
        notice = db.session.scalar(select(Notice).where(Notice.inspection_id == inspection_id))
        printed = notice.context["html"]
    # reworded before the notice printed it, or refused because the notice had it
    assert stored in printed and (NEW_REQUIREMENT in printed) == (stored == NEW_REQUIREMENT)
    assert (stored == NEW_REQUIREMENT) == (replies[1].status == 302), replies[1].body[:300]


def test_a_food_result_record_asked_for_at_once_is_issued_once(concurrent_app, served_county):
    with concurrent_app.app_context():
        team = {code: [user(f"{code}1"), user(f"{code}2")] for code in ("mz", "xf", "sc")}
        inspection = plan_inspection(facility(OWN), ("fire_safety", "food_safety"), team=team)
        answer_all(inspection)
        submit(inspection)
        db.session.commit()
        inspection_id = inspection.id
    clients = [Client(served_county).api_token(name, PASSWORD) for name in ("sc1", "sc1", "sc2", "sc2")]
    path = f"/api/v1/inspections/{inspection_id}/food-result"
    replies = together(*[lambda c=c: c.request("POST", path, json_body={}) for c in clients])
    assert sorted(r.status for r in replies) == [200, 200, 200, 201], [r.body[:200] for r in replies]
    assert len({r.json()["number"] for r in replies}) == 1
    with concurrent_app.app_context():
        records = db.session.scalar(
            select(func.count()).select_from(Notice).where(Notice.inspection_id == inspection_id)
        )
    assert records == 1 and numbers_used_match_notices(concurrent_app)
