"""The coverage page of the grading campaign and its Excel export, through the real routes (issue 14)."""

import io
import re
from datetime import date

from openpyxl import load_workbook

from tests.campaign.coverage_world import build_world, clock  # noqa: F401 (a fixture)
from tests.factories import base_county

PAGE = "/grading/coverage"


def listed(html):
    """Return the page's rows: (name, township, stage, level, valid until) as shown."""
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a [^>]*>(.*?)</a></th>(.*?)</tr>", html, re.S)
    return [(name, *[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)])
            for name, cells in rows]  # fmt: skip


def test_the_reviewer_sees_the_totals_the_missed_target_the_list_and_the_chart(cast, client, login, clock):  # noqa: F811
    world = build_world(cast)
    login("reviewer")
    html = client.get(PAGE).get_data(as_text=True)
    not_graded = sum(1 for stage in world.stages.values() if stage != "graded")
    assert f"目标日期 2021-12-31 已过，尚有 {not_graded} 家未完成评定" in html
    totals = dict(re.findall(r"<dt>(.*?)</dt><dd>(\d+)</dd>", html))
    assert totals == {"应评定": "7", "已评定": "2", "评定中": "2", "未启动": "3", "90 天内到期": "1"}
    rows = {name: rest for name, *rest in listed(html)}
    assert set(rows) == set(world.stages)  # not the day-care centre, the closed home or the neighbour's
    assert rows["将到期敬老院"][1:] == ["已评定等级", "2 级", "2027-01-19"]
    assert rows["拒绝敬老院"][1:] == ["资格审查未通过", "—", "—"]
    assert rows["东湖敬老院"][1] == "已申请，待资格审查"
    assert '<svg class="chart-svg" id="coverage-progress"' in html and "<title>已评定：2</title>" in html
    assert 'href="/grading/coverage"' in client.get("/grading/").get_data(as_text=True)  # linked from the grading list


def test_the_filters_the_empty_state_and_the_excel_rows_equal_to_the_page(cast, client, login, clock):  # noqa: F811
    build_world(cast)
    second = base_county().townships[1].id
    login("reviewer")
    refused = listed(client.get(f"{PAGE}?stage=refused").get_data(as_text=True))
    assert [r[0] for r in refused] == ["拒绝敬老院"]
    in_second = client.get(f"{PAGE}?township={second}").get_data(as_text=True)
    assert {r[0] for r in listed(in_second)} == {"将到期敬老院", "未申请敬老院"}
    assert "尚有 1 家未完成评定" in in_second  # the totals follow the township
    empty = client.get(f"{PAGE}?township={second}&stage=accepted").get_data(as_text=True)
    assert listed(empty) == [] and "没有符合条件的机构。" in empty and "清除筛选" in empty
    for query in ("", f"?township={second}", "?stage=not_started"):
        page_rows = listed(client.get(PAGE + query).get_data(as_text=True))
        response = client.get(f"/grading/coverage.xlsx{query}")
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(response.data))["等级评定覆盖情况"]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0] == ("机构名称", "乡镇", "评定进度", "等级", "有效期至")
        exported = [
            (name, town, stage, f"{level} 级" if level else "—", valid.date().isoformat() if valid else "—")
            for name, town, stage, level, valid in values[1:]
        ]
        assert exported == [tuple(r) for r in page_rows]


def test_a_target_not_yet_reached_is_not_missed(cast, client, login, clock, monkeypatch):  # noqa: F811
    build_world(cast)
    monkeypatch.setattr("tests.campaign.coverage_world.TODAY", date(2021, 12, 31))
    login("reviewer")
    html = client.get(PAGE).get_data(as_text=True)
    assert "已过，尚有" not in html and "目标日期 2021-12-31：所有养老机构完成等级评定" in html


def test_only_reviewers_and_administrators_open_the_coverage(cast, client, login):
    for username in ("mz1", "operator"):
        login(username)
        assert client.get(PAGE).status_code == 403
        assert client.get("/grading/coverage.xlsx").status_code == 403
        client.post("/auth/logout")
    login("admin")
    assert client.get(PAGE).status_code == 200
