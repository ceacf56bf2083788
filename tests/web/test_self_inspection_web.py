"""Self-inspection on the web (issue 15): the operator's way in and form, the inspector's form showing what the
facility's self-inspection said (and the gap), the reviewer's quarter, the rankings' and the hazards' follow-up."""

import io
import uuid
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import FacilityStanding, Hazard, HazardStatus, Inspection, InspectionPurpose, Notice
from tests.conftest import facility, user
from tests.factories import OWN, SAME_COUNTY, inspect, jpeg, self_inspect

pytestmark = pytest.mark.usefixtures("cast")


def test_the_operator_starts_a_self_inspection_from_their_home(client, login):
    login("operator")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/self-inspections/new"' in home and "开始自查" in home
    page = client.get("/self-inspections/new").get_data(as_text=True)
    assert "还没有自查记录" in page and "消防安全检查表" in page
    assert 'value="grading_gbt37276"' not in page and 'value="special_equipment"' not in page
    body = {"checklists": ["fire_safety"], "inspected_on": date.today().isoformat(), "client_id": str(uuid.uuid4())}
    response = client.post("/self-inspections/new", data=body)
    assert response.status_code == 302 and response.location.endswith("/form")
    again = client.post("/self-inspections/new", data=body)  # a second tap starts no second one
    assert again.location == response.location
    form = unescape(client.get(response.location).get_data(as_text=True))
    assert "机构自查：本机构人员填写全部检查项" in form and 'data-dept="self"' in form
    assert 'data-editable="1"' in form and "只读" not in form.split('id="signatures"')[0].split("</details>", 1)[1]


def test_a_bad_start_shows_the_form_again_with_the_reason(client, login):
    login("operator")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post("/self-inspections/new", data={"checklists": ["fire_safety"], "inspected_on": tomorrow})
    assert response.status_code == 400 and "自查日期不能晚于今天" in response.get_data(as_text=True)
    assert client.post("/self-inspections/new", data={"inspected_on": tomorrow}).status_code == 400
    assert db.session.scalar(select(Inspection).where(Inspection.purpose == InspectionPurpose.SELF_INSPECTION)) is None


def test_only_operators_start_self_inspections(client, login):
    login("reviewer")
    assert client.get("/self-inspections/new").status_code == 403


def test_the_inspectors_form_shows_the_self_inspection_and_marks_the_gap(app, client, login):
    with app.app_context():
        own = facility(OWN)
        self_inspect(own, user("operator"), on=date.today() - timedelta(days=10))
        official = inspect(own, fail=["F5"])
        inspector = official.assignments[0].user.username
        official_id = official.id
        db.session.commit()
    login(inspector)
    page = client.get(f"/inspections/{official_id}/form").get_data(as_text=True)
    said = (date.today() - timedelta(days=10)).isoformat()
    card = page.split('id="item-F5"')[1].split("</article>")[0]
    assert f"自查：合格 {said}" in card and "self-missed" in card and "自查未发现" in card


def test_a_self_found_hazard_is_closed_by_the_facilitys_own_evidence(app, client, login):
    with app.app_context():
        done = self_inspect(facility(OWN), user("operator"), fail=["F5"])
        hazard = db.session.scalars(select(Hazard).where(Hazard.inspection_id == done.id)).one()
        hazard_id = hazard.id
        db.session.commit()
    login("operator")
    assert f'id="todo-{hazard_id}"' in client.get("/").get_data(as_text=True)
    data = {f"h{hazard_id}-note": "杂物已清走（测试）", f"h{hazard_id}-photos": (io.BytesIO(jpeg()), "a.jpg")}
    response = client.post(f"/hazards/{hazard_id}/evidence", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        assert db.session.get(Hazard, hazard_id).status == HazardStatus.CLOSED


def test_the_reviewer_sees_who_has_self_inspected_this_quarter(app, client, login):
    login("reviewer")
    page = client.get("/self-inspections/quarter").get_data(as_text=True)
    assert "已自查 0 家" in page and OWN in page and SAME_COUNTY in page
    with app.app_context():
        self_inspect(facility(OWN), user("operator"))
        db.session.commit()
    page = client.get("/self-inspections/quarter?status=missing").get_data(as_text=True)
    assert "已自查 1 家" in page and SAME_COUNTY in page and OWN not in page.split("<table")[1]
    done = client.get("/self-inspections/quarter?status=done").get_data(as_text=True).split("<table")[1]
    assert OWN in done and date.today().isoformat() in done and SAME_COUNTY not in done
    assert 'href="/self-inspections/quarter"' in client.get("/inspections/").get_data(as_text=True)


def test_the_rankings_show_the_gap_count(app, client, login):
    with app.app_context():
        own = facility(OWN)
        self_inspect(own, user("operator"), on=date.today() - timedelta(days=5))
        inspect(own, fail=["F5", "F8"])
        own_id = own.id
        db.session.commit()
    login("reviewer")
    page = client.get("/rankings/").get_data(as_text=True)
    row = page.split(f'href="/facilities/{own_id}"')[1].split("</tr>")[0]
    assert 'data-label="自查未发现"><div class="v">2</div>' in row


def test_the_facility_page_shows_the_gaps_and_charts_no_self_inspection(app, client, login):
    with app.app_context():
        own = facility(OWN)
        self_inspect(own, user("operator"), on=date.today() - timedelta(days=40), fail=["F8"])
        self_inspect(own, user("operator"), on=date.today() - timedelta(days=5))
        inspect(own, fail=["F5"])
        own_id = own.id
        db.session.commit()
    login("reviewer")
    page = client.get(f"/facilities/{own_id}").get_data(as_text=True)
    said = (date.today() - timedelta(days=5)).isoformat()
    assert f"最近一次 {said}" in page and "自查未发现 1 项" in page
    # one official result: no score chart, however many self-inspections were scored
    assert 'class="chart-box"' not in page
    with app.app_context():
        standing = db.session.scalar(select(FacilityStanding).where(FacilityStanding.facility_id == own_id))
        assert standing.decided_on == date.today()  # the official inspection's, never a self-inspection's


def test_the_facility_sets_its_own_deadline_and_no_inspector_follows_it_up(app, client, login):
    with app.app_context():
        done = self_inspect(facility(OWN), user("operator"), fail=["F5"])
        hazard = db.session.scalars(select(Hazard).where(Hazard.inspection_id == done.id)).one()
        hazard_id, later = hazard.id, (hazard.deadline + timedelta(days=10)).isoformat()
        db.session.commit()
    login("operator")
    page = client.get(f"/hazards/{hazard_id}").get_data(as_text=True)
    assert "机构自查发现" in page and "/hazards/reinspect/" not in page and f"/hazards/{hazard_id}/deadline" in page
    response = client.post(f"/hazards/{hazard_id}/deadline", data={"deadline": later, "reason": "需购置新门锁（测试）"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Hazard, hazard_id).deadline.isoformat() == later
    client.post("/auth/logout")
    login("xf1")
    assert client.post(f"/hazards/{hazard_id}/deadline", data={"deadline": later, "reason": "x"}).status_code == 403
    assert f"/hazards/{hazard_id}" not in client.get("/hazards/worklist").get_data(as_text=True)
    assert client.get(f"/hazards/reinspect/{facility_id_of(app)}").get_data(as_text=True).count("F5") == 0


def facility_id_of(app) -> int:
    with app.app_context():
        return facility(OWN).id


def test_a_self_inspections_page_reads_as_one_and_offers_no_notice(app, client, login):
    with app.app_context():
        done = self_inspect(facility(OWN), user("operator"), fail=["F5"])
        done_id = done.id
        db.session.commit()
    for username in ("reviewer", "operator"):
        login(username)
        page = client.get(f"/inspections/{done_id}").get_data(as_text=True)
        assert "机构自查" in page and f"/inspections/{done_id}/notices" not in page
        client.post("/auth/logout")
    login("reviewer")
    response = client.post(f"/inspections/{done_id}/notices", data={"mode": "joint"}, follow_redirects=True)
    assert "不发整改通知书" in response.get_data(as_text=True)  # the refusal, flashed on the inspection's page
    with app.app_context():
        assert not db.session.scalars(select(Notice).where(Notice.inspection_id == done_id)).all()
