"""Screenshots of the annual plan, a spot-check draw and the public page of draws on a phone (390×844)."""

from playwright.sync_api import Page

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_screens import TOFU_CHECK


def _assert_readable(page: Page) -> None:
    assert page.evaluate(TOFU_CHECK, page.inner_text("main")) == 0, "some Chinese characters render as tofu boxes"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"


def test_the_annual_plan_on_a_phone_shows_overdue_first(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.get_by_text("计划与通报").click()  # the navigation's menu
    phone.get_by_role("link", name="年度计划").click()
    phone.wait_for_url("**/plan/")
    assert phone.get_by_role("heading", name="年度检查计划").is_visible()
    assert "逾期" in phone.locator(".plan-row").first.inner_text()
    _assert_readable(phone)
    assert screenshot(phone, "plan-390").stat().st_size > 10_000


def test_a_reviewer_draws_on_a_phone_and_the_public_page_shows_it(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/plan/draws/new")
    phone.get_by_label("抽取检查员的部门").select_option(label="五寨县市场监督管理局")
    phone.get_by_label("检查表").select_option(label="市场监管：食品安全检查表")
    phone.get_by_label("抽取机构数").fill("2")
    phone.get_by_label("我已知晓").check()
    phone.get_by_role("button", name="随机抽取并安排检查").click()
    phone.wait_for_url("**/plan/draws/*")
    assert "结果与记录一致" in phone.inner_text("main")
    _assert_readable(phone)
    screenshot(phone, "draw-390")
    public = phone.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    public.goto(f"{live_server}/public/draws")
    assert public.get_by_role("heading", name="双随机抽查公示").is_visible()
    assert "优秀" in public.inner_text("main") and "待检查" in public.inner_text("main")
    _assert_readable(public)
    assert screenshot(public, "public-draws-390").stat().st_size > 10_000
    public.context.close()
