import csv
import io

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import AuditEvent, Region
from tests.conftest import department, facility, user
from tests.factories import BASE_COUNTY, SAME_COUNTY, base_county

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")


def test_an_admin_creates_an_inspector_and_the_change_is_audited(client, login):
    login("admin")
    county = base_county().region
    form = {
        "username": "zj9",
        "display_name": "住建检查员九",
        "role": "inspector",
        "region_id": county.id,
        "department_id": base_county().department("zj").id,
        "facility_id": 0,
        "active": "y",
        "password": "long-enough-pass",
    }
    assert client.post("/admin/users/new", data=form).status_code == 302
    assert user("zj9").department.code == "zj"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.create").order_by(AuditEvent.id.desc())
    )
    assert event.after["username"] == "zj9" and "password" not in event.after


def test_an_operator_account_needs_a_facility_and_the_form_keeps_the_input(client, login):
    login("admin")
    county = base_county().region
    form = {
        "username": "op2",
        "display_name": "负责人二",
        "role": "operator",
        "region_id": county.id,
        "department_id": 0,
        "facility_id": 0,
        "active": "y",
        "password": "long-enough-pass",
    }
    response = client.post("/admin/users/new", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "必须关联一个机构" in page and 'value="负责人二"' in page
    form["facility_id"] = facility(SAME_COUNTY).id
    assert client.post("/admin/users/new", data=form).status_code == 302


def test_the_audit_log_exports_as_csv_with_a_bom(client, login):
    client.post("/auth/login", data={"username": "nobody", "password": "x"})
    login("admin")
    response = client.get("/admin/audit/export.csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:4] == ["时间(UTC)", "用户", "IP", "事件"]
    assert any(row[3] == "auth.login_failed" and row[1] == "nobody" for row in rows[1:])


def test_permission_refusals_are_audited(client, login):
    login("operator")
    client.get(f"/facilities/{facility(SAME_COUNTY).id}")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "security.refused").order_by(AuditEvent.id.desc())
    )
    assert event.actor_name == "operator" and event.detail.startswith("404")


def test_an_admin_adds_a_township_and_a_department(client, login):
    county = base_county().region
    county_id, county_path = county.id, county.path
    login("admin")
    response = client.post(
        "/admin/regions",
        data={"region-parent_id": county_id, "region-name": "测试乡", "region-short_name": "", "region-submit": "1"},
    )
    assert response.status_code == 302
    township = db.session.scalar(select(Region).where(Region.name == "测试乡"))
    assert township.level == "township" and township.path.startswith(county_path)
    response = client.post(
        "/admin/regions",
        data={
            "dept-region_id": county_id,
            "dept-code": "yj",
            "dept-name": "五寨县应急管理局",
            "dept-kind": "应急",
            "dept-short_code": "应",
            "dept-submit": "1",
        },
    )
    assert response.status_code == 302
    assert department("yj", BASE_COUNTY).name == "五寨县应急管理局"
