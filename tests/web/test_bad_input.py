"""Hostile input gets a clear 4xx, never a 500 (issue 12, case 6): ids no database column holds, malformed dates,
deeply nested JSON; and a facility's name cannot make a notices zip unpack outside its folder."""

import io
import re
import zipfile
from datetime import date

import pytest

from inspection.extensions import db
from inspection.models import NoticeMode
from inspection.services import Actor
from inspection.services.notices import issue_notices
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.factories import inspect, inspector_of, make_facility

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

#: Above 2^63: no database driver converts it (SQLite raised OverflowError).
HUGE = str(2**64)
NESTED = "[" * 10_000 + "]" * 10_000


def test_every_route_answers_404_for_an_id_no_column_holds(app, client, login):
    """Generated from the URL map, so a route added later is covered too. Signed in, so that the id would reach the
    database (a reviewer on the web; an inspector's token on the API)."""
    login("reviewer")
    headers = {"Authorization": f"Bearer {token_for(app.test_client(), 'xf1')}"}
    answers = {}
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:\w+>", HUGE, rule.rule)
        path = re.sub(r"<[^>]+>", "x", re.sub(r"<any\((\w+)[^>]*>", r"\1", path))  # any other part: a value it takes
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            try:
                with client.open(path, method=method, headers=headers) as response:
                    answers[f"{method} {path}"] = response.status_code
            except Exception as error:  # a 500: the test app raises it; listed with the others
                answers[f"{method} {path}"] = repr(error)
    assert len(answers) > 30
    assert {route: status for route, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize(
    ("username", "path", "parameter"),
    [
        ("reviewer", f"/notices/bundle.zip?township={HUGE}", "township"),
        ("reviewer", f"/rankings/?page={HUGE}", "page"),
        ("reviewer", f"/rankings/compare?facility_id={HUGE}", "facility_id"),
        ("reviewer", f"/credit/new?facility_id={HUGE}", "facility_id"),
        ("admin", f"/admin/checklists/fire_safety/diff?a=1&b={HUGE}", "b"),
        ("reviewer", f"/notices/bundle.zip?township={'9' * 5000}", "township"),
    ],
)
def test_a_query_id_no_column_holds_is_a_400_naming_the_parameter(client, login, username, path, parameter):
    login(username)
    response = client.get(path)
    assert response.status_code == 400
    assert f"查询参数 {parameter} 应为 0–2147483647 的整数" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [f"/hazards?facility_id={HUGE}", f"/rankings?page={HUGE}"])
def test_the_api_refuses_a_query_id_no_column_holds(app, path):
    client = ApiClient(app.test_client(), token_for(app.test_client(), "reviewer"))
    assert_error(client.get(path), 400, "bad_request")


@pytest.mark.parametrize(
    ("query", "parameter"), [("from=yesterday", "from"), ("to=2026-13-01", "to"), ("from=2026-11-20&to=x", "to")]
)
def test_a_malformed_date_in_the_query_is_a_400_naming_the_parameter(client, login, query, parameter):
    login("reviewer")
    response = client.get(f"/notices/bundle.zip?{query}")
    assert response.status_code == 400
    assert f"查询参数 {parameter} 应为日期，格式为 YYYY-MM-DD。" in response.get_data(as_text=True)


def test_a_deeply_nested_json_body_is_a_400_on_the_api(app):
    client = ApiClient(app.test_client(), token_for(app.test_client(), "reviewer"))
    assert_error(client.post("/inspections", data=NESTED, content_type="application/json"), 400, "bad_request")


def test_a_deeply_nested_json_body_is_a_400_on_a_web_form(client, login):
    login("admin")
    assert client.post("/facilities/new", data=NESTED, content_type="application/json").status_code == 400


def test_a_facility_name_cannot_make_a_notice_bundle_entry_leave_its_folder(app_ctx, client, login):
    facility = make_facility(name="../../x")
    inspection = inspect(facility, fail=["F2"])
    lead = Actor(inspector_of(inspection, "mz"), "test")
    issue_notices(inspection, NoticeMode.JOINT, lead, date.today(), lambda token: f"https://example.test/n/{token}")
    db.session.commit()
    login("reviewer")
    response = client.get("/notices/bundle.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    ours = [name for name in names if name.endswith("x.pdf")]
    assert len(ours) == 1 and ".." not in ours[0]
    assert all("/" not in name and "\\" not in name and not name.startswith(".") for name in names)


@pytest.mark.parametrize("path", ["/n/%00", "/facilities/?q=a%00", "/rankings/?q=%00"])
def test_a_nul_character_in_the_address_or_a_query_is_a_400(client, login, path):
    """PostgreSQL refuses NUL in text: it used to be a 500 at the first query holding it."""
    login("reviewer")
    assert client.get(path).status_code == 400


def test_a_nul_character_in_a_form_field_is_a_400_naming_it(client, login):
    login("admin")
    response = client.post("/facilities/new", data={"name": "东湖\x00敬老院"})
    assert response.status_code == 400
    assert "参数 name 含有不允许的字符" in response.get_data(as_text=True)


def test_an_upload_where_a_form_expects_text_shows_the_form_again_with_the_input_kept(client, login):
    login("admin")
    response = client.post("/facilities/new", data={"name": (io.BytesIO(b"x"), "x.txt"), "address": "东湖路1号"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写机构名称" in text and "东湖路1号" in text


def test_a_web_form_does_not_read_a_json_body(client, login):
    login("admin")
    response = client.post("/facilities/new", json={"name": ["东湖敬老院"], "beds": {"n": 1}})
    assert response.status_code == 400 and "请填写机构名称" in response.get_data(as_text=True)
