"""Screenshots of the league table on a phone (390×844) and a desktop (1366×768), and of the charts."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_screens import TOFU_CHECK

DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A page in a fresh desktop-sized browser context (1366×768, zh-CN)."""
    context = browser.new_context(**DESKTOP)
    yield context.new_page()
    context.close()


def _assert_readable(page: Page, width: int) -> None:
    assert page.evaluate(TOFU_CHECK, page.inner_text("main")) == 0, "some Chinese characters render as tofu boxes"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


def test_the_league_table_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.get_by_text("等级与名单").click()  # the navigation's menu
    phone.get_by_role("link", name="等级排名").click()
    phone.wait_for_url("**/rankings/")
    assert phone.get_by_role("heading", name="等级排名").is_visible()
    first = phone.locator("table.league tbody tr").first
    assert first.locator("td.rank").inner_text().strip().endswith("1")
    assert first.locator("td.name").is_visible() and phone.locator("table.league thead").first.is_hidden()
    _assert_readable(phone, 390)
    assert screenshot(phone, "rankings-390").stat().st_size > 10_000


def test_a_filter_on_a_phone_keeps_its_url(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/rankings/")
    phone.get_by_text("筛选：乡镇").click()
    phone.get_by_label("等级", exact=True).select_option(label="不参加等级评定")
    phone.get_by_role("button", name="应用筛选").click()
    phone.wait_for_url("**grade=not_eligible*")
    assert phone.locator("table.league tbody tr").count() == 13  # the demo's day-care and resettlement sites
    assert phone.get_by_role("link", name="五寨县社会福利中心").count() == 0


def test_the_league_table_on_a_desktop_sorted_by_a_column(live_server: str, desktop: Page):
    log_in(desktop, live_server, "reviewer")
    desktop.goto(f"{live_server}/rankings/")
    assert desktop.locator("table.league thead").first.is_visible()
    _assert_readable(desktop, 1366)
    assert screenshot(desktop, "rankings-1366").stat().st_size > 10_000
    desktop.get_by_role("link", name="逾期").first.click()  # the unranked section repeats the headings
    desktop.wait_for_url("**sort=overdue*")
    assert desktop.locator("th[aria-sort]").first.inner_text().startswith("逾期")


def test_the_export_button_shows_progress_and_finishes(live_server: str, desktop: Page):
    log_in(desktop, live_server, "reviewer")
    desktop.goto(f"{live_server}/rankings/")
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv") and download.value.suggested_filename.startswith(
        "等级排名"
    )
    # the status counts the rows of the saved file (other browser tests may add facilities to the shared county)
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = len(list(csv.reader(io.StringIO(saved)))) - 1
    assert rows >= 20
    status = desktop.locator("[data-download-status]")
    assert f"导出完成：{rows} 行，已保存为 等级排名" in status.inner_text()
    assert desktop.get_by_role("link", name="CSV").get_attribute("aria-disabled") is None  # no longer busy


def test_the_charts_on_a_desktop_and_a_phone(live_server: str, desktop: Page, phone: Page):
    for page, width, name in ((desktop, 1366, "rankings-charts-1366"), (phone, 390, "rankings-charts-390")):
        log_in(page, live_server, "reviewer")
        page.goto(f"{live_server}/rankings/charts")
        assert page.locator("svg[role=img]").count() == 3
        assert page.get_by_role("img", name="全县等级分布").is_visible()
        page.get_by_text("以表格查看数据").first.click()
        assert page.get_by_role("row", name="二级").first.is_visible()
        _assert_readable(page, width)
        assert screenshot(page, name).stat().st_size > 10_000


def test_the_public_page_and_the_review_list_on_a_phone(live_server: str, phone: Page):
    phone.goto(f"{live_server}/public/facilities/1")
    assert phone.get_by_text("养老机构公示信息").is_visible()
    _assert_readable(phone, 390)
    screenshot(phone, "public-facility-390")
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/rankings/reviews")
    phone.get_by_text("审核…").first.click()
    assert phone.get_by_label("审核意见").first.is_visible()
    _assert_readable(phone, 390)
    screenshot(phone, "rankings-reviews-390")
