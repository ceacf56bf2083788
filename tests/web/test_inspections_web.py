from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import FacilityStatus, Inspection
from inspection.services import Actor
from inspection.services.facilities import set_facility_status
from tests.conftest import facility, user
from tests.factories import OWN, SAME_COUNTY, base_county, make_facility

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

#: The day the planning pages and the home page take as today (the autouse `frozen`), whatever day the tests run:
#: the allowed plan dates and the inspector's "today" list are reckoned from it.
TODAY = date(2026, 12, 4)


class FrozenDate(date):
    @classmethod
    def today(cls):
        return TODAY


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    for module in ("inspection.blueprints.inspections", "inspection.blueprints.main", "forms.inspections"):
        monkeypatch.setattr(f"{module}.date", FrozenDate)


def _plan_form(**overrides):
    data = {
        "facility_id": facility(SAME_COUNTY).id,
        "inspected_on": TODAY.isoformat(),
        "purpose": "routine",
        "lead_department_id": base_county().department("mz").id,
        "checklists": ["fire_safety", "food_safety"],
        "inspectors": [user(n).id for n in ("xf1", "xf2", "mz1", "mz2", "sc1", "sc2")],
    }
    data.update(overrides)
    return data


def _count():
    return db.session.scalar(select(func.count()).select_from(Inspection))


def test_a_reviewer_plans_a_joint_inspection_and_the_inspectors_see_it_today(client, login):
    login("reviewer")
    response = client.post("/inspections/plan", data=_plan_form())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert SAME_COUNTY in page and "消防检查员一" in page and "市场监管检查员二" in page
    client.post("/auth/logout")
    login("sc1")
    home = client.get("/").get_data(as_text=True)
    assert "今天" in home and SAME_COUNTY in home


def test_a_plan_without_two_inspectors_per_department_is_refused_and_keeps_the_input(client, login):
    login("reviewer")
    before = _count()
    response = client.post(
        "/inspections/plan", data=_plan_form(inspectors=[user(n).id for n in ("xf1", "mz1", "mz2", "sc1", "sc2")])
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "消防救援须指派至少 2 名检查员" in page
    assert f'value="{user("mz2").id}" checked' in page or 'checked id="inspectors-' in page
    assert _count() == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_plan_dated_out_of_range_is_refused_at_the_date_and_keeps_the_input(client, login, day):
    login("reviewer")
    before = _count()
    response = client.post("/inspections/plan", data=_plan_form(inspected_on=day))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    last = (TODAY + timedelta(days=366)).isoformat()
    assert f'id="inspected_on-error">检查日期应在 2000-01-01 至 {last} 之间</p>' in page  # at the date field
    assert f'value="{day}"' in page and f'selected value="{facility(SAME_COUNTY).id}"' in page
    assert _count() == before


def test_a_campaign_dated_beyond_the_configured_days_ahead_is_refused(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "PLAN_DAYS_AHEAD", 10)
    township_id = base_county().townships[0].id
    login("reviewer")
    before = _count()
    day = (TODAY + timedelta(days=11)).isoformat()
    data = _plan_form(region_id=township_id, purpose="campaign", checklists=["service_safety"], inspected_on=day)
    response = client.post("/inspections/campaign", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="inspected_on-error">检查日期应在 2000-01-01 至 {(TODAY + timedelta(days=10)).isoformat()} 之间' in page
    assert f'value="{day}"' in page and _count() == before


def test_a_campaign_plans_one_inspection_per_active_facility_of_the_township(client, login):
    township_id = base_county().townships[0].id  # OWN's township
    for _ in range(3):
        make_facility(region_id=township_id)
    closed = make_facility(region_id=township_id)
    set_facility_status(closed, FacilityStatus.CLOSED, Actor(user("admin")), TODAY)
    make_facility(region_id=base_county().townships[1].id)  # another township
    login("reviewer")
    before = _count()
    data = _plan_form(
        region_id=township_id,
        purpose="campaign",
        checklists=["service_safety"],
        inspectors=[user("mz1").id, user("mz2").id],
    )
    response = client.post("/inspections/campaign", data=data)
    assert response.status_code == 302
    assert _count() - before == 4  # OWN and the three active facilities above


def test_an_inspector_starts_a_spot_check_of_their_own_departments_checklist(client, login):
    login("sc1")
    page = client.get("/inspections/spot").get_data(as_text=True)
    assert 'value="food_safety"' in page and 'value="fire_safety"' not in page
    data = {
        "facility_id": facility(OWN).id,
        "inspected_on": TODAY.isoformat(),
        "purpose": "complaint",
        "checklists": ["food_safety"],
        "inspectors": [user("sc2").id],
    }
    response = client.post("/inspections/spot", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/form")


def test_only_reviewers_plan_and_only_inspectors_spot_check(client, login):
    login("xf1")
    assert client.get("/inspections/plan").status_code == 403
    client.post("/auth/logout")
    login("reviewer")
    assert client.get("/inspections/spot").status_code == 403


def test_who_may_see_an_inspection(client, login):
    login("reviewer")
    location = client.post("/inspections/plan", data=_plan_form()).headers["Location"]
    client.post("/auth/logout")
    expected = {"xf1": 200, "sc2": 200, "wj1": 404, "operator": 404, "other_reviewer": 404, "admin": 200}
    for username, status in expected.items():
        login(username)
        assert client.get(location).status_code == status, username
        client.post("/auth/logout")
