"""On the web (issue 13): an administrator sets what a department's notices say; the responsible inspector rewords a
hazard's requirement before its notice; 消防 records its 重大火灾隐患 determination; over the API another department's
inspector is refused issuing in the lead's name with 403."""

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Department, Hazard, Notice
from tests.api.conftest import ApiClient, token_for
from tests.conftest import Login
from tests.factories import BASE_COUNTY, base_county, submit
from tests.notices.test_issued_notices import fire_hazard, planned, seen_by_the_inspectors

pytestmark = pytest.mark.usefixtures("cast")


@pytest.fixture
def submitted(app):
    """The joint inspection of tests/notices/test_issued_notices.py, submitted, before any notice."""
    with app.app_context():
        inspection, _ = planned()
        submit(inspection)
        seen_by_the_inspectors(inspection)
        db.session.commit()  # into the test's outer transaction, rolled back afterwards
        return inspection.id, fire_hazard(inspection).id


def _fire_department_id(app) -> int:
    with app.app_context():
        return base_county().department("xf").id


def _settings_form(**changes: str) -> dict[str, str]:
    form = {
        "short_code": "消",
        "notice_title": "责令限期改正通知书",
        "review_body": f"{BASE_COUNTY}人民政府",
        "inspection_basis": "《中华人民共和国消防法》第五十三条",
        "order_basis": "《中华人民共和国消防法》第五十四条、第六十七条",
        "consequence": "逾期不改正的，依法处罚。",
        "consequence_basis": "《中华人民共和国消防法》第六十七条",
    }
    return form | changes


def test_the_admin_sees_the_defaults_and_saves_valid_settings(app, client, login):
    department_id = _fire_department_id(app)
    login("admin")
    page = client.get(f"/admin/departments/{department_id}/notices").get_data(as_text=True)
    assert f"{BASE_COUNTY}人民政府" in page and "《中华人民共和国消防法》第五十三条" in page
    assert f"/admin/departments/{department_id}/notices" in client.get("/admin/regions").get_data(as_text=True)
    response = client.post(
        f"/admin/departments/{department_id}/notices", data=_settings_form(review_body="忻州市人民政府")
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Department, department_id).review_body == "忻州市人民政府"


def test_invalid_settings_are_shown_again_with_a_message_at_the_field(app, client, login):
    department_id = _fire_department_id(app)
    login("admin")
    response = client.post(
        f"/admin/departments/{department_id}/notices",
        data=_settings_form(short_code="消1", order_basis="消防法54条", review_body="本县政府"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "机关代字须为1至4个汉字" in page and "请写明法律文件名称" in page and "本县政府" in page
    with app.app_context():
        assert db.session.get(Department, department_id).short_code == "消"


def test_only_an_admin_edits_settings(app, client, login):
    department_id = _fire_department_id(app)
    login("xf1")
    assert client.get(f"/admin/departments/{department_id}/notices").status_code == 403


def test_the_responsible_inspector_rewords_the_requirement_and_a_question_is_refused(app, client, login, submitted):
    _, hazard_id = submitted
    login("xf1")
    assert "修改整改要求" in client.get(f"/hazards/{hazard_id}").get_data(as_text=True)
    response = client.post(f"/hazards/{hazard_id}/requirement", data={"requirement": "安全出口是否畅通？"})
    assert response.status_code == 400 and "不能写成问句" in response.get_data(as_text=True)
    response = client.post(f"/hazards/{hazard_id}/requirement", data={"requirement": "立即拆除东侧安全出口门锁"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Hazard, hazard_id).requirement == "立即拆除东侧安全出口门锁"
    other = app.test_client()
    Login(other)("mz1")
    assert other.post(f"/hazards/{hazard_id}/requirement", data={"requirement": "拆除"}).status_code == 403


def test_fire_rescue_records_a_determination_and_others_may_not(app, client, login, submitted):
    _, hazard_id = submitted
    other = app.test_client()
    Login(other)("mz1")
    assert "登记重大火灾隐患判定" not in other.get(f"/hazards/{hazard_id}").get_data(as_text=True)
    form = {"document_no": "测消重判〔2026〕1号", "determined_on": "2099-01-01"}
    assert other.post(f"/hazards/{hazard_id}/fire-determination", data=form).status_code == 403
    login("xf1")
    assert "登记重大火灾隐患判定" in client.get(f"/hazards/{hazard_id}").get_data(as_text=True)
    response = client.post(f"/hazards/{hazard_id}/fire-determination", data=form)
    assert response.status_code == 400 and "判定日期" in response.get_data(as_text=True)
    with app.app_context():
        on = db.session.get(Hazard, hazard_id).inspection.inspected_on.isoformat()
    response = client.post(f"/hazards/{hazard_id}/fire-determination", data=form | {"determined_on": on})
    assert response.status_code == 302
    assert "测消重判〔2026〕1号" in client.get(f"/hazards/{hazard_id}").get_data(as_text=True)


def test_another_departments_inspector_is_refused_with_403_over_the_api(client, submitted):
    inspection_id, _ = submitted
    api = ApiClient(client, token_for(client, "sc1"))
    response = api.post(f"/inspections/{inspection_id}/notices", json={"mode": "joint"})
    assert response.status_code == 403 and "牵头部门" in response.json["error"]["message"]
    response = api.post(f"/inspections/{inspection_id}/notices", json={"mode": "per_department"})
    assert response.status_code == 201 and [i["department"] for i in response.json["items"]] == [
        f"{BASE_COUNTY}市场监督管理局"
    ]


def test_a_departments_inspector_issues_its_own_notice_from_the_inspection_page(app, client, login, submitted):
    inspection_id, _ = submitted
    login("xf1")
    page = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "有 1 项隐患尚未发出通知书" in page  # only 消防's own
    response = client.post(f"/inspections/{inspection_id}/notices", data={"mode": "per_department"})
    assert response.status_code == 302
    with app.app_context():
        (notice,) = db.session.scalars(select(Notice).where(Notice.inspection_id == inspection_id)).all()
        assert notice.department.code == "xf"
    response = client.post(f"/inspections/{inspection_id}/notices", data={"mode": "joint"}, follow_redirects=True)
    assert f"只有{BASE_COUNTY}民政局参加本次检查的检查员，或牵头部门的检查员" in response.get_data(as_text=True)
