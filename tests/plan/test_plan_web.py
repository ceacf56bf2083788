"""The annual plan page, its Excel export and GET /api/v1/plan, through the real routes, with the day frozen."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.api.conftest import token_for
from tests.api.test_contract import assert_documented
from tests.factories import make_inspector
from tests.plan.world import YEAR, build_world

FROZEN = date(YEAR, 6, 30)


class FrozenDate(date):
    @classmethod
    def today(cls):
        return FROZEN


@pytest.fixture
def world(app, monkeypatch):
    import inspection.blueprints.api.plan as api_plan
    import inspection.blueprints.plan as web_plan

    monkeypatch.setattr(web_plan, "date", FrozenDate)
    monkeypatch.setattr(api_plan, "date", FrozenDate)
    return build_world()


def plan_cards(page: str) -> list[str]:
    """Return (facility, department, status) of each card of the plan page, in order."""
    rows = []
    for card in page.split('<li class="plan-row ')[1:]:
        status = card.split('"', 1)[0].removeprefix("status-")
        name = card.split('class="title"', 1)[1].split(">", 1)[1].split("<", 1)[0]
        department = card.split("</span> <span>", 1)[1].split("<", 1)[0]
        rows.append((name, department, status))
    return rows


def test_the_plan_lists_overdue_first_and_says_what_each_facility_needs(client, login, world):
    login(world.reviewer)
    page = client.get(f"/plan/?year={YEAR}&department=mz").get_data(as_text=True)
    assert plan_cards(page) == [
        ("乙敬老院", "民政", "overdue"),
        ("丁日间照料中心", "民政", "unplanned"),
        ("丙敬老院", "民政", "planned"),
        ("甲敬老院", "民政", "done"),
    ]
    assert f"计划于 {YEAR}-04-20 检查，尚未提交" in page
    assert "《养老机构管理办法》（民政部令第66号）第三十八条" in page
    assert "县级设置（未核实）" in page  # the day-care centre's rule, and the other departments'


def test_the_plan_filters_by_status_township_and_department(client, login, world):
    second = world.county.townships[1].id
    login(world.admin)
    overdue = client.get(f"/plan/?year={YEAR}&status=overdue").get_data(as_text=True)
    assert plan_cards(overdue) == [("乙敬老院", "民政", "overdue")]
    township = plan_cards(client.get(f"/plan/?year={YEAR}&township={second}&department=xf").get_data(as_text=True))
    assert township == [("丁日间照料中心", "消防救援", "unplanned"), ("丙敬老院", "消防救援", "unplanned")]
    food = plan_cards(client.get(f"/plan/?year={YEAR}&department=sc").get_data(as_text=True))
    assert "丁日间照料中心" not in {name for name, *_ in food}  # no canteen: no food inspection required


def test_a_year_over_shows_every_missing_visit_overdue(client, login, world, monkeypatch):
    import inspection.blueprints.plan as web_plan

    class NewYear(date):
        @classmethod
        def today(cls):
            return date(YEAR + 1, 1, 1)

    monkeypatch.setattr(web_plan, "date", NewYear)
    login(world.reviewer)
    rows = plan_cards(client.get(f"/plan/?year={YEAR}&department=mz").get_data(as_text=True))
    assert [status for *_, status in rows] == ["overdue", "overdue", "overdue", "done"]


def test_the_plan_pages_through_long_lists(app, client, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    login(world.reviewer)
    first = client.get(f"/plan/?year={YEAR}").get_data(as_text=True)
    second = client.get(f"/plan/?year={YEAR}&page=2").get_data(as_text=True)
    assert len(plan_cards(first)) == 3 and plan_cards(first)[0][2] == "overdue"
    assert set(plan_cards(first)).isdisjoint(plan_cards(second))
    assert "第 1 / 5 页，共 15 条" in first


@pytest.mark.parametrize("query", ["year=1999", "year=2028", "year=abc", "status=late", "department=police"])
def test_bad_filters_are_refused_naming_the_parameter(client, login, world, query):
    login(world.reviewer)
    response = client.get(f"/plan/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.get_data(as_text=True)


def test_the_export_holds_the_filtered_rows_overdue_first(client, login, world):
    login(world.reviewer)
    response = client.get(f"/plan/export.xlsx?year={YEAR}&department=mz")
    assert response.status_code == 200 and response.headers["X-Total-Rows"] == "4"
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book["年度检查计划"].iter_rows(values_only=True))
    assert rows[0][:4] == ("机构名称", "乡镇", "部门", "状态")
    assert [(r[0], r[3]) for r in rows[1:]] == [
        ("乙敬老院", "逾期"),
        ("丁日间照料中心", "未安排"),
        ("丙敬老院", "已安排"),
        ("甲敬老院", "已完成"),
    ]
    about = dict(book["筛选条件"].iter_rows(values_only=True))
    assert about["部门"] == "民政" and about["逾期判断日期"].date() == FROZEN


@pytest.mark.parametrize("path", ["/plan/", "/plan/export.xlsx"])
def test_inspectors_and_operators_may_not_see_the_plan(client, login, world, path):
    login(make_inspector("mz", world.county))
    assert client.get(path).status_code == 403


def test_another_county_sees_none_of_these_facilities(client, login, world):
    from tests.factories import make_county, make_reviewer

    login(make_reviewer(make_county(townships=1)))
    page = client.get(f"/plan/?year={YEAR}").get_data(as_text=True)
    assert "乙敬老院" not in page and "没有符合条件的计划项" in page


def test_the_api_answers_the_plan_of_a_year(client, world):
    token = token_for(client, world.reviewer.username)
    response = client.get(f"/api/v1/plan?year={YEAR}&department=mz", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert_documented(response, "get", "/plan")
    body = response.get_json()
    assert (body["year"], body["today"], body["total"]) == (YEAR, FROZEN.isoformat(), 4)
    first = body["items"][0]
    assert first["facility_name"] == "乙敬老院" and first["status"] == "overdue"
    assert (first["required"], first["done"], first["planned"], first["missed_plan"]) == (1, 0, 1, f"{YEAR}-04-20")
    assert first["rule"]["verified"] is True and "第三十八条" in first["rule"]["basis"]
    assert body["counts"] == {"overdue": 1, "unplanned": 1, "planned": 1, "done": 1}


def test_the_api_refuses_inspectors_and_bad_years(client, world):
    inspector, reviewer = make_inspector("mz", world.county).username, world.reviewer.username
    token = token_for(client, inspector)
    response = client.get("/api/v1/plan", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    token = token_for(client, reviewer)
    response = client.get("/api/v1/plan?year=1999", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and "year" in response.get_json()["error"]["fields"]
