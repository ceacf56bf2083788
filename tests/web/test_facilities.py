import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AuditEvent, Facility, FacilityType, Ownership
from tests.conftest import facility
from tests.factories import OWN, SAME_COUNTY, base_county, make_facility

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

# GB 32100-2015's own example code (valid check character).
VALID_USCC = "91350100M000100Y43"


def _form(**overrides):
    township = base_county().townships[0]
    data = {
        "name": "测试养老院",
        "type": "private_home",
        "ownership": "private",
        "region_id": str(township.id),
        "address": "胡会乡测试路1号",
        "uscc": VALID_USCC,
        "person_in_charge": "张测试",
        "phone": "13800138000",
        "beds": "30",
        "residents": "20",
        "residents_disabled": "2",
        "residents_semi_disabled": "3",
        "has_canteen": "y",
        "fire_acceptance": "filed",
    }
    data.update(overrides)
    return data


def test_an_admin_registers_a_facility_and_it_is_audited(client, login):
    login("admin")
    response = client.post("/facilities/new", data=_form())
    assert response.status_code == 302
    created = db.session.scalar(select(Facility).where(Facility.name == "测试养老院"))
    assert created.uscc == VALID_USCC and created.has_canteen and not created.has_medical_unit
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "facility.create").order_by(AuditEvent.id.desc())
    )
    assert event.actor_name == "admin" and event.after["name"] == "测试养老院"


def test_a_wrong_credit_code_is_refused_and_the_form_keeps_the_input(client, login):
    login("admin")
    response = client.post("/facilities/new", data=_form(uscc="91350100M000100Y44", address="保留的地址"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "校验位错误" in page and "保留的地址" in page and 'value="测试养老院"' in page
    assert db.session.scalar(select(func.count()).select_from(Facility).where(Facility.name == "测试养老院")) == 0


def test_a_bad_phone_and_impossible_resident_counts_are_refused(client, login):
    login("admin")
    response = client.post("/facilities/new", data=_form(phone="12345", residents="3"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "电话号码格式不正确" in page and "失能与半失能人数之和不能超过在住老人数" in page


def test_a_duplicate_credit_code_is_refused(client, login):
    login("admin")
    existing = facility(SAME_COUNTY).uscc
    assert existing
    response = client.post("/facilities/new", data=_form(uscc=existing))
    assert response.status_code == 400 and "已被其他机构使用" in response.get_data(as_text=True)


def test_editing_records_before_and_after(client, login):
    login("admin")
    target = facility(SAME_COUNTY)
    page = client.get(f"/facilities/{target.id}/edit").get_data(as_text=True)
    assert f'value="{SAME_COUNTY}"' in page
    form = _form(name=SAME_COUNTY, uscc=target.uscc, region_id=str(target.region_id), beds="66")
    assert client.post(f"/facilities/{target.id}/edit", data=form).status_code == 302
    assert facility(SAME_COUNTY).beds == 66
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "facility.update").order_by(AuditEvent.id.desc())
    )
    assert event.before["beds"] == 60 and event.after["beds"] == 66
    audit_page = client.get("/admin/audit?action=facility.update").get_data(as_text=True)
    assert "facility.update" in audit_page and "66" in audit_page


def test_closing_keeps_the_facility_and_hides_it_from_the_active_list(client, login):
    login("admin")
    target = facility(SAME_COUNTY)
    assert client.post(f"/facilities/{target.id}/close").status_code == 302
    closed = facility(SAME_COUNTY)
    assert closed.status == "closed" and closed.closed_on is not None
    assert SAME_COUNTY not in client.get("/facilities/").get_data(as_text=True)
    assert SAME_COUNTY in client.get("/facilities/?status=closed").get_data(as_text=True)
    assert client.get(f"/facilities/{target.id}").status_code == 200
    assert client.post(f"/facilities/{target.id}/reopen").status_code == 302
    assert facility(SAME_COUNTY).status == "active"


def test_the_list_filters_by_township_type_and_ownership(client, login):
    township = base_county().townships[1]
    township_id = township.id
    make_facility(name="韩家楼敬老院", region_id=township_id)
    make_facility(name="杏岭子村农村老年人日间照料中心", type=FacilityType.MUTUAL_AID)
    make_facility(name="康宁老年公寓", type=FacilityType.PRIVATE_HOME, ownership=Ownership.PRIVATE)
    login("reviewer")
    page = client.get(f"/facilities/?township={township_id}").get_data(as_text=True)
    assert "韩家楼敬老院" in page and OWN not in page
    page = client.get("/facilities/?type=mutual_aid").get_data(as_text=True)
    assert "杏岭子村农村老年人日间照料中心" in page and OWN not in page
    page = client.get("/facilities/?ownership=private").get_data(as_text=True)
    assert "康宁老年公寓" in page and SAME_COUNTY not in page
    assert "没有符合条件的机构" in client.get("/facilities/?q=不存在的名字").get_data(as_text=True)


def test_the_list_paginates(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    for _ in range(18):  # with the cast's two: 20 facilities in the reviewer's county
        make_facility()
    login("reviewer")
    page = client.get("/facilities/").get_data(as_text=True)
    assert "第 1 / 4 页" in page and 'rel="next"' in page
