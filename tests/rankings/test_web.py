"""Rankings on the web and the API: permissions, filters in the URL, exports, reviews, comparison, public page."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspection.blueprints import rankings as rankings_view
from inspection.extensions import db
from inspection.models import AuditEvent, FacilityStanding, FacilityType, InspectionChecklist, Ownership, StandingKind
from inspection.services.exports import csv_chunks
from inspection.services.rankings import MAX_PER_PAGE, ranking_page
from inspection.services.tokens import issue_token
from inspection.templating import label
from tests.conftest import facility, user
from tests.rankings.world import NOT_ELIGIBLE, NURSING_HOMES, RANKED

PAGES = ["/rankings/", "/rankings/charts", "/rankings/export.csv", "/rankings/export.xlsx"]
#: The exports' headers with the shipped checklists: two columns per safety verdict, in the checklists' order.
HEADERS = [
    "名次", "机构名称", "乡镇", "类型", "运营性质", "等级", "等级得分", "评定日期", "审核状态",
    "消防检查结论", "消防检查日期", "食品检查结论", "食品检查日期", "服务检查结论", "服务检查日期",
    "未整改隐患", "其中重大隐患", "逾期隐患", "失信名单", "最近检查日期", "较上次评定", "说明",
]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("reviewer", 200), ("xf1", 403), ("operator", 403)])
def test_who_sees_the_league_table(client, login, path, username, status):
    login(username)
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", PAGES)
def test_inspectors_see_it_read_only_when_the_county_allows(app, client, login, monkeypatch, path):
    monkeypatch.setitem(app.config, "RANKINGS_VISIBLE_TO_INSPECTORS", True)
    login("mz1")
    response = client.get(path)
    assert response.status_code == 200
    if path == "/rankings/":
        assert "待审核评定" not in response.get_data(as_text=True)
    assert client.get("/rankings/reviews").status_code == 403


def test_operators_never_see_it_even_when_inspectors_may(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "RANKINGS_VISIBLE_TO_INSPECTORS", True)
    login("operator")
    assert client.get("/rankings/").status_code == 403
    assert "等级排名" not in client.get(f"/facilities/{facility('清涟敬老院').id}").get_data(as_text=True)


def test_the_nav_link_follows_the_setting(app, client, login, monkeypatch):
    login("xf1")
    assert 'href="/rankings/"' not in client.get("/").get_data(as_text=True)
    monkeypatch.setitem(app.config, "RANKINGS_VISIBLE_TO_INSPECTORS", True)
    assert 'href="/rankings/"' in client.get("/").get_data(as_text=True)


def test_the_page_shows_the_rule_and_keeps_filters_in_its_links(client, login):
    login("reviewer")
    page = client.get("/rankings/?grade=not_eligible&type=mutual_aid&sort=name&dir=desc").get_data(as_text=True)
    assert "排名规则" in page and "暂缓评定和列入失信名单的机构排在末位" in page
    assert "农村老年人日间照料中心" in page and "清涟敬老院" not in page
    assert "/rankings/export.xlsx?sort=name&amp;dir=desc&amp;type=mutual_aid&amp;grade=not_eligible" in page
    assert 'aria-sort="descending"' in page


def rows_of_csv(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_has_a_bom_the_headers_and_exactly_the_filtered_rows(client, login):
    login("reviewer")
    page = client.get("/rankings/?grade=not_eligible").get_data(as_text=True)
    response = client.get("/rankings/export.csv?grade=not_eligible")
    assert response.mimetype == "text/csv" and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    rows = rows_of_csv(response)
    assert rows[0] == HEADERS
    assert len(rows) - 1 == int(response.headers["X-Total-Rows"]) == NOT_ELIGIBLE
    assert all(r[0] == "" and r[5] == "不参加等级评定" for r in rows[1:]) and all(r[1] in page for r in rows[1:])


def test_the_excel_export_opens_with_openpyxl_and_holds_the_filtered_table(client, login):
    login("reviewer")
    response = client.get("/rankings/export.xlsx?type=nursing_home&sort=name")
    assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed as it is written
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["等级排名", "筛选条件"]
    sheet = workbook["等级排名"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS and sheet.freeze_panes == "A2"
    names = [row[1] for row in values[1:]]
    assert set(names) == NURSING_HOMES and names == sorted(names)
    assert sheet.column_dimensions["B"].width == 30
    grade_cell = sheet.cell(row=2, column=6)
    assert grade_cell.fill.fgColor.rgb.endswith(("E9C46A", "F4A261", "B42318", "8D99AE", "7FB069"))
    about = dict(workbook["筛选条件"].iter_rows(values_only=True))
    assert about["类型"] == "特困人员供养服务机构/敬老院" and about["行数"] == 4 and "导出时间" in about


@pytest.mark.parametrize(
    "query",
    [
        "sort=name&dir=desc&type=nursing_home",
        "sort=trend&dir=desc",
        "sort=fire&dir=asc&q=院",  # sorted by a verdict's date: the keys are computed, not read as stored
        "sort=score&dir=desc&overdue=1",
        "",  # the whole table in rank order, withheld and blacklisted facilities (with their reasons) included
    ],
)
def test_the_export_holds_the_pages_rows_in_the_pages_order(app, client, login, query):
    # the export reads its rows in one query of its own; the page completes its rows with separate queries
    login("reviewer")
    exported = client.get(f"/rankings/export.csv?{query}").get_data()
    with app.test_request_context(f"/rankings/?{query}"):
        filters, sort, direction = rankings_view._table_args()
        page = ranking_page(user("reviewer"), filters, sort=sort, direction=direction, per_page=MAX_PER_PAGE)
        assert 0 < page.total <= MAX_PER_PAGE
        labels = {t.value: label(t, "facility_type") for t in FacilityType} | {
            o.value: label(o, "ownership") for o in Ownership
        }
        assert exported == b"".join(csv_chunks(page.rows, labels))
    assert exported.count(b"\n") == page.total + 1


def test_the_excel_export_of_everything_has_every_row(client, login):
    login("admin")
    workbook = load_workbook(io.BytesIO(client.get("/rankings/export.xlsx").get_data()), read_only=True)
    ranks = [row[0] for row in workbook["等级排名"].iter_rows(min_row=2, values_only=True)]
    assert ranks == [*range(1, RANKED + 1), *[None] * NOT_ELIGIBLE]


def api_get(client, username, path):
    token, _ = issue_token(user(username), 1, "127.0.0.1")
    db.session.flush()
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


def test_the_api_returns_the_same_rows_as_the_page(app, client):
    with app.app_context():
        response = api_get(client, "reviewer", "/rankings?grade=not_eligible&per_page=5&page=2")
    body = response.get_json()
    assert response.status_code == 200 and body["total"] == NOT_ELIGIBLE and len(body["items"]) == NOT_ELIGIBLE - 5
    item = body["items"][0]
    assert set(item) >= {"rank", "facility_id", "name", "township", "grade", "grade_score", "open_hazards",
                         "overdue_hazards", "blacklisted"}  # fmt: skip
    assert item["rank"] is None and item["grade"] is None and item["status"] == "not_eligible"


@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("xf1", 403), ("operator", 403)])
def test_the_api_follows_the_same_permissions(app, client, username, status):
    with app.app_context():
        assert api_get(client, username, "/rankings").status_code == status


def test_the_api_refuses_an_unknown_sort(app, client):
    with app.app_context():
        response = api_get(client, "reviewer", "/rankings?sort=password")
    assert response.status_code == 400 and "sort" in response.get_json()["error"]["fields"]


def pending_id():
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == facility("三岔镇敬老院").id, FacilityStanding.kind == StandingKind.GRADE
        )
    )
    return standing.inspection_checklist_id


def test_a_reviewer_countersigns_a_grading_result_and_it_counts(client, login):
    login("reviewer")
    assert "三岔镇敬老院" in client.get("/rankings/reviews").get_data(as_text=True)
    before = client.get("/rankings/?grade=pending").get_data(as_text=True)
    assert "三岔镇敬老院" in before
    response = client.post(
        f"/rankings/reviews/{pending_id()}", data={"comment": "材料齐全，同意", "confirmed": "1"}, follow_redirects=True
    )
    assert "已审核：三岔镇敬老院" in response.get_data(as_text=True)
    ic = db.session.get(InspectionChecklist, pending_id())
    assert ic.reviewed_by_id == user("reviewer").id and ic.reviewed_at and ic.review_comment == "材料齐全，同意"
    newest = select(AuditEvent).where(AuditEvent.action == "grading.countersign").order_by(AuditEvent.id.desc())
    event = db.session.scalar(newest.limit(1))
    assert event.object_id == str(ic.id) and event.after["comment"] == "材料齐全，同意"
    assert "三岔镇敬老院" not in client.get("/rankings/?grade=pending").get_data(as_text=True)
    assert "三岔镇敬老院" in client.get("/rankings/?grade=2").get_data(as_text=True)


@pytest.mark.parametrize("data", [{"comment": "", "confirmed": "1"}, {"comment": "同意"}])
def test_a_countersignature_needs_a_comment_and_the_confirmation(client, login, data):
    login("reviewer")
    page = client.post(f"/rankings/reviews/{pending_id()}", data=data, follow_redirects=True).get_data(as_text=True)
    assert "请填写审核意见" in page or "请确认已核对评定材料" in page
    assert db.session.get(InspectionChecklist, pending_id()).reviewed_at is None


@pytest.mark.parametrize("username", ["admin", "mz1", "other_reviewer"])
def test_only_a_reviewer_of_the_region_countersigns(client, login, username):
    login(username)
    response = client.post(f"/rankings/reviews/{pending_id()}", data={"comment": "同意", "confirmed": "1"})
    assert response.status_code in (403, 404)
    assert db.session.get(InspectionChecklist, pending_id()).reviewed_at is None


def test_compare_two_inspections_item_by_item(client, login):
    login("reviewer")
    page = client.get(f"/rankings/compare?facility_id={facility('北苑敬老院').id}").get_data(as_text=True)
    assert "检查对比" in page and "项结果不同" in page and 'class="changed"' in page


def test_compare_refuses_another_county_and_operators(client, login):
    login("reviewer")
    assert client.get(f"/rankings/compare?facility_id={facility('邻县敬老院').id}").status_code == 404
    client.post("/auth/logout")
    login("operator")
    assert client.get(f"/rankings/compare?facility_id={facility('清涟敬老院').id}").status_code == 403


PRIVATE = ["负责人", "法定代表人", "0350-47", "52140999", "测试地址", "JY3140999", "现场发现问题", "检查员"]


def test_the_public_page_shows_grade_and_open_hazards_and_nothing_private(client):
    f = facility("北苑敬老院")
    page = client.get(f"/public/facilities/{f.id}").get_data(as_text=True)
    assert f.name in page and "二级" in page and "未整改隐患" in page and f.region.name in page
    for secret in [*PRIVATE, f.person_in_charge, f.phone, f.uscc, f.address]:
        assert secret not in page, secret
    assert "退出" not in page  # no login needed, nobody logged in


def test_the_public_page_shows_a_pending_grade_as_under_review(client):
    page = client.get(f"/public/facilities/{facility('三岔镇敬老院').id}").get_data(as_text=True)
    assert "评定结果审核中" in page and "二级" not in page


def test_the_public_page_of_an_unknown_facility_is_404(client):
    assert client.get("/public/facilities/999999").status_code == 404


def test_the_charts_are_accessible_svg_with_text_tables(client, login):
    login("reviewer")
    page = client.get("/rankings/charts").get_data(as_text=True)
    assert page.count('role="img"') == 3 and page.count("<desc id=") == 3 and page.count("以表格查看数据") == 3
    assert "style=" not in page and "<script" not in page.split("</main>")[0]


def test_the_history_partial_renders_for_the_facility_page(app, client, login):
    from flask import render_template
    from flask_login import login_user

    from inspection.services.facility_history import facility_history

    with app.test_request_context():
        reviewer = user("reviewer")
        login_user(reviewer)
        f = facility("韩家楼敬老院")
        history = facility_history(f, reviewer, today=date.today())
        html = render_template("facilities/_history.html", facility=f, history=history)
    assert history.open_hazards and any(h.overdue for h in history.open_hazards)
    assert history.closed_hazards and history.closed_hazards[0].before_photos and history.closed_hazards[0].after_photos
    assert "整改前" in html and "整改后" in html and "已审核" in html and 'role="img"' in html


def test_after_photos_are_served_to_those_who_see_the_facility(app, client, login):
    from inspection.services.facility_history import facility_history

    with app.app_context():
        history = facility_history(facility("清涟敬老院"), user("reviewer"))
        photo_id = next(h.after_photos[0] for h in history.closed_hazards if h.after_photos)
    login("operator")
    assert client.get(f"/rankings/hazard-photos/{photo_id}").mimetype == "image/jpeg"
    client.post("/auth/logout")
    login("other_reviewer")
    assert client.get(f"/rankings/hazard-photos/{photo_id}").status_code == 404


def test_facilities_outside_the_grading_are_never_ranked_and_come_last_in_the_api(app, client):
    with app.app_context():
        body = api_get(client, "reviewer", "/rankings?per_page=500").get_json()
    items = body["items"]
    ranked = [i for i in items if i["rank"] is not None]
    apart = [i for i in items if i["rank"] is None]
    assert [i["rank"] for i in ranked] == list(range(1, RANKED + 1)) and items == ranked + apart
    assert len(apart) == NOT_ELIGIBLE and {i["status"] for i in apart} == {"not_eligible"}
    assert "城北日间照料中心" in {i["name"] for i in apart} and "康乐养老院" in {i["name"] for i in ranked}
    with app.app_context():  # in reverse order too, and whatever the sort
        for query in ("sort=rank&dir=desc", "sort=name", "sort=open&dir=desc"):
            items = api_get(client, "reviewer", f"/rankings?per_page=500&{query}").get_json()["items"]
            assert [i["rank"] is None for i in items] == [False] * RANKED + [True] * NOT_ELIGIBLE, query


def test_the_league_table_lists_them_apart_and_the_facility_pages_say_why(client, login):
    login("reviewer")
    page = client.get("/rankings/").get_data(as_text=True)
    ranked_part, apart_part = page.split('id="apart-heading"')
    assert "不参加等级评定的机构" in apart_part and "城北日间照料中心" in apart_part and "清涟敬老院" in ranked_part
    assert "城北日间照料中心" not in ranked_part and "康乐养老院" not in apart_part
    day_care = facility("城北日间照料中心")
    assert "不参加等级评定" in client.get(f"/facilities/{day_care.id}").get_data(as_text=True)
    assert "不参加等级评定" in client.get(f"/public/facilities/{day_care.id}").get_data(as_text=True)
