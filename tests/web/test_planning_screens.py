"""Planning on the web (issue 17): the facility comes first, every wrong field is reported after one submit, and a
day already past is planned only as the explicit record of an inspection done before (补录), marked as such."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Inspection
from tests.conftest import facility, user
from tests.factories import SAME_COUNTY, base_county

pytestmark = pytest.mark.usefixtures("cast")

TODAY = date(2026, 12, 4)


class FrozenDate(date):
    @classmethod
    def today(cls):
        return TODAY


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    for module in ("inspection.blueprints.inspections", "forms.inspections"):
        monkeypatch.setattr(f"{module}.date", FrozenDate)


def plan_form(**overrides):
    data = {
        "facility_id": facility(SAME_COUNTY).id,
        "inspected_on": TODAY.isoformat(),
        "purpose": "routine",
        "lead_department_id": base_county().department("mz").id,
        "checklists": ["fire_safety"],
        "inspectors": [user(n).id for n in ("xf1", "xf2", "mz1", "mz2")],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count():
    return db.session.scalar(select(func.count()).select_from(Inspection))


def test_the_facility_is_the_first_field(client, login):
    login("reviewer")
    page = client.get("/inspections/plan").get_data(as_text=True)
    assert page.index('name="facility_id"') < page.index('name="inspected_on"') < page.index('name="checklists"')
    assert "补录已完成的检查" in page


def test_every_wrong_field_is_reported_after_one_submit(client, login):
    login("reviewer")
    before = count()
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    response = client.post(
        "/inspections/plan",
        data=plan_form(facility_id=0, inspected_on=yesterday, inspectors=[user("xf1").id, user("mz1").id]),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="facility_id-error">请选择机构' in page
    assert 'id="inspected_on-error">检查日期 2026-12-03 已过，不能安排；如是补录已完成的检查，请勾选' in page
    assert "消防救援须指派至少 2 名检查员" in page and "民政须指派至少 2 名检查员" in page
    assert count() == before


def test_a_missing_checklist_and_a_past_day_are_reported_together(client, login):
    login("reviewer")
    response = client.post("/inspections/plan", data=plan_form(checklists=None, inspected_on="2026-11-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        'id="checklists-error">请至少选择一张检查表</p>' in page
        and 'id="inspected_on-error">检查日期 2026-11-01 已过' in page
    )


def test_a_past_inspection_recorded_explicitly_is_stored_and_shown_as_such(client, login):
    login("reviewer")
    response = client.post("/inspections/plan", data=plan_form(inspected_on="2026-11-20", after_the_fact="y"))
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection).order_by(Inspection.id.desc()).limit(1))
    assert inspection.recorded_after_the_fact and inspection.inspected_on == date(2026, 11, 20)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "补录" in page and "本次检查是事后补录的已完成检查" in page


def test_a_record_after_the_fact_cannot_lie_in_the_future(client, login):
    login("reviewer")
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client.post("/inspections/plan", data=plan_form(inspected_on=tomorrow, after_the_fact="y"))
    assert response.status_code == 400
    assert "补录的是已完成的检查，检查日期不能晚于今天（2026-12-04）" in response.get_data(as_text=True)


def test_a_plan_for_today_is_no_record_after_the_fact(client, login):
    login("reviewer")
    response = client.post("/inspections/plan", data=plan_form())
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection).order_by(Inspection.id.desc()).limit(1))
    assert not inspection.recorded_after_the_fact
    assert "补录" not in client.get(response.headers["Location"]).get_data(as_text=True)
