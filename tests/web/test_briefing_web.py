"""The briefing page, its downloads and its API through the real routes: who may open them, the period's checks, and
the figures they show against counts made by hand (tests/briefing_world.py)."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from inspection.dates import DateRange
from inspection.extensions import db
from inspection.models import Role
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.api.test_contract import assert_documented
from tests.briefing_world import TODAY, ago, build_world, by_hand
from tests.factories import make_inspector, make_operator, make_user, unique

QUARTER = {"start": ago(60).isoformat(), "end": TODAY.isoformat()}


@pytest.fixture
def world(app):
    with app.app_context():
        built = build_world()
        built["period"] = by_hand(built, DateRange(ago(60), TODAY))
        built["names"] = {
            "reviewer": built["reviewer"].username,
            "inspector": make_inspector("xf", built["county"], username=unique("briefing_xf")).username,
            "operator": make_operator(built["facilities"]["home"], username=unique("briefing_op")).username,
            "admin": make_user(Role.ADMIN, built["county"], username=unique("briefing_admin")).username,
        }
        db.session.commit()
        return built


def row_cells(html: str, table_key: str, first_cell: str) -> list[str]:
    """Return the cells of the row starting with `first_cell` in the page's table `table_key`."""
    section = html.split(f'id="t-{table_key}"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf"<tr><th scope=\"row\">{re.escape(first_cell)}</th>(.*?)</tr>", section)
    assert row, f"no row {first_cell} in {table_key}"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_a_reviewer_reads_the_quarter_on_the_page(client, login, world):
    login(world["names"]["reviewer"])
    response = client.get("/briefing/", query_string=QUARTER)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = world["period"]
    found, closed, overdue = expected["found"], expected["closed"], expected["overdue"]
    for key, name in (("major", "重大事故隐患"), ("key", "重点项"), ("general", "一般项")):
        assert row_cells(html, "hazards_class", name) == [str(found[key]), str(closed[key]), str(overdue[key])]
    for township, count in expected["townships"].items():
        assert row_cells(html, "inspections_township", township) == [str(count)]
    assert row_cells(html, "repeated_major", "东城敬老院")[1:3] == ["2", "2"]
    assert html.count("<svg") >= 3  # the charts, drawn on the server
    assert 'href="/briefing/briefing.xlsx?start=' in html
    assert "邻县敬老院" not in html


def test_the_page_without_a_period_offers_the_presets(client, login, world):
    login(world["names"]["admin"])
    html = client.get("/briefing/").get_data(as_text=True)
    first_of_month = TODAY.replace(day=1).isoformat()
    assert f"start={first_of_month}&amp;end={TODAY.isoformat()}" in html
    assert "本月" in html and "上季度" in html and "本年" in html
    assert 'aria-live="polite"' in html and "正在生成…" in html


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "早于开始日期 2026-03-01"),
        ({"start": "2026-01-01", "end": (TODAY + timedelta(days=1)).isoformat()}, "不能晚于今天"),
        ({"start": "2026-13-01", "end": "2026-02-01"}, "日期格式应为 YYYY-MM-DD"),
        ({"start": "", "end": "2026-02-01"}, "请填写起止日期"),
    ],
)
def test_a_bad_period_is_shown_again_with_what_was_typed_and_why(client, login, world, query, words):
    login(world["names"]["reviewer"])
    response = client.get("/briefing/", query_string=query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in html
    for value in query.values():
        assert f'value="{value}"' in html
    assert 'aria-invalid="true"' in html
    assert client.get("/briefing/briefing.xlsx", query_string=query).status_code == 400


@pytest.mark.parametrize("who", ["inspector", "operator"])
def test_inspectors_and_operators_are_refused(client, login, world, who):
    login(world["names"][who])
    assert client.get("/briefing/", query_string=QUARTER).status_code == 403
    assert client.get("/briefing/briefing.xlsx", query_string=QUARTER).status_code == 403
    api = ApiClient(client, token_for(client, world["names"][who]))
    assert_error(api.get("/briefing", query_string=QUARTER), 403, "forbidden")


def test_the_workbook_has_one_sheet_per_table_with_the_page_figures(client, login, world):
    login(world["names"]["reviewer"])
    response = client.get("/briefing/briefing.xlsx", query_string=QUARTER)
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "说明"
    assert {"各部门完成检查", "各乡镇完成检查", "隐患按类别", "隐患按部门", "重复发现重大事故隐患的机构"} <= set(
        book.sheetnames
    )
    sheet = book["隐患按类别"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["类别", "期内发现", "期内销号", "期末逾期"]
    expected = world["period"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert rows["重大事故隐患"] == tuple(expected[column]["major"] for column in ("found", "closed", "overdue"))
    assert sheet.column_dimensions["A"].width >= 10
    towns = {row[0]: row[1] for row in book["各乡镇完成检查"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert {k: v for k, v in towns.items() if k in expected["townships"]} == dict(expected["townships"])


def test_the_api_answers_the_figures_counted_by_hand(client, world):
    api = ApiClient(client, token_for(client, world["names"]["reviewer"]))
    response = api.get("/briefing", query_string=QUARTER)
    assert response.status_code == 200, response.json
    assert_documented(response, "get", "/briefing")
    body, expected = response.json, world["period"]
    assert body["period"] == QUARTER
    assert body["inspections"]["total"] == expected["total"]
    assert {d["key"]: d["count"] for d in body["inspections"]["by_department"] if d["count"]} == dict(
        expected["departments"]
    )
    for column in ("found", "closed", "overdue"):
        counted = {h["key"]: h[column] for h in body["hazards"]["by_class"] if h[column]}
        assert counted == dict(expected[column])
    assert [m["facility"] for m in body["repeated_major_hazards"]] == expected["repeated"]
    assert [c["facility"] for c in body["blacklist"]["added"]] == ["西山敬老院"]


def test_the_api_names_a_bad_period(client, world):
    api = ApiClient(client, token_for(client, world["names"]["reviewer"]))
    bad = {"start": "2026-03-01", "end": "x"}
    error = assert_error(api.get("/briefing", query_string=bad), 400, "bad_request")
    assert set(error["fields"]) == {"end"}
    error = assert_error(
        api.get("/briefing", query_string={"start": "2026-03-01", "end": "2026-02-01"}), 400, "bad_request"
    )
    assert "早于开始日期" in error["fields"]["end"]


def test_a_reviewer_of_the_neighbour_county_sees_only_theirs(client, world):
    api = ApiClient(client, token_for(client, world["neighbour_reviewer"]))
    body = api.get("/briefing", query_string=QUARTER).json
    assert [m["facility"] for m in body["repeated_major_hazards"]] == ["邻县敬老院"]
    assert [c["facility"] for c in body["blacklist"]["added"]] == ["邻县敬老院"]
    assert body["inspections"]["total"] == 2
