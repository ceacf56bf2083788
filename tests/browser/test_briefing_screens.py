"""The joint-meeting briefing on a phone (390×844): a preset period, the tables and charts readable without sideways
scrolling, and the busy state while the PDF is generated."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_screens import TOFU_CHECK


def test_the_briefing_of_this_year_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.get_by_text("计划与通报").click()  # the navigation's menu
    phone.get_by_role("link", name="联席会议通报").click()
    phone.wait_for_url("**/briefing/")
    screenshot(phone, "briefing-empty-390")
    phone.get_by_role("link", name="本年").click()
    phone.wait_for_url("**/briefing/?start=*")
    expect(phone.get_by_role("heading", name="隐患按类别")).to_be_visible()
    expect(phone.get_by_role("heading", name="重复发现重大事故隐患的机构")).to_be_visible()
    assert phone.locator("svg.chart-svg").count() == 3
    assert phone.evaluate(TOFU_CHECK, phone.inner_text("main")) == 0, "some Chinese characters render as tofu boxes"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    assert screenshot(phone, "briefing-390").stat().st_size > 10_000


def test_generating_the_pdf_says_so_until_it_is_ready(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/briefing/?start=2026-01-01&end=2026-06-30")
    # Hold the submission once, after the page's own handler has run, to see what the reviewer sees meanwhile.
    phone.evaluate("window.addEventListener('submit', (e) => e.preventDefault(), { once: true })")
    phone.get_by_role("button", name="生成 PDF 通报").click()
    busy = phone.get_by_role("button", name="正在生成…")
    expect(busy).to_be_disabled()
    expect(phone.locator("form[action$='/issue'] [data-busy-status]")).to_have_text("正在生成…")
    assert phone.locator("form[action$='/issue']").get_attribute("aria-busy") == "true"
    screenshot(phone, "briefing-busy-390")
    with phone.expect_navigation():
        phone.evaluate("document.querySelector(\"form[action$='/issue']\").submit()")
    expect(phone.get_by_text("已生成通报 PDF")).to_be_visible(timeout=30_000)
    link = phone.locator("a[href$='.pdf']").first
    expect(link).to_contain_text("养老服务联席会议通报")
    screenshot(phone, "briefing-issued-390")
