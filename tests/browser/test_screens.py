"""Phone screenshots of the register, with a check that Chinese text renders with real glyphs."""

from playwright.sync_api import Page

from tests.browser.conftest import log_in, screenshot

# Draw the text and an unassigned code point on a canvas with the page's own font; a font without the glyphs
# draws the same "tofu" box for both. Returns the number of characters that look like tofu.
TOFU_CHECK = """(text) => {
  const font = getComputedStyle(document.body).font;
  const draw = (ch) => { const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = font; g.fillText(ch, 4, 30); return c.toDataURL(); };
  const tofu = draw('\\u{10FFFD}');
  return [...new Set(text)].filter((ch) => ch.trim() && ch.charCodeAt(0) > 0x2E80 && draw(ch) === tofu).length;
}"""


def _assert_readable(page: Page) -> None:
    text = page.inner_text("main")
    assert page.evaluate(TOFU_CHECK, text) == 0, "some Chinese characters render as tofu boxes"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways on a phone"


def test_facility_list_and_page_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/facilities/")
    assert phone.get_by_role("link", name="清涟敬老院").is_visible()
    _assert_readable(phone)
    assert screenshot(phone, "facility-list-390").stat().st_size > 10_000

    phone.get_by_role("link", name="清涟敬老院").click()
    phone.wait_for_url("**/facilities/*")
    assert phone.get_by_role("heading", name="清涟敬老院").is_visible()
    _assert_readable(phone)
    assert screenshot(phone, "facility-detail-390").stat().st_size > 10_000


def test_a_filter_and_the_search_work_with_the_real_form(live_server: str, phone: Page):
    log_in(phone, live_server, "admin")
    phone.goto(f"{live_server}/facilities/")
    phone.get_by_text("更多筛选").click()
    phone.get_by_label("乡镇").select_option(label="韩家楼乡")
    phone.get_by_role("button", name="筛选").click()
    phone.wait_for_url("**township=*")
    assert phone.get_by_role("link", name="韩家楼敬老院").is_visible()
    assert phone.get_by_role("link", name="清涟敬老院").count() == 0


def test_the_login_page_and_admin_home_on_a_phone(live_server: str, phone: Page):
    phone.goto(f"{live_server}/auth/login")
    _assert_readable(phone)
    screenshot(phone, "login-390")
    log_in(phone, live_server, "admin")
    _assert_readable(phone)
    screenshot(phone, "home-admin-390")


def test_the_checklist_preview_looks_like_the_phone_form(live_server: str, phone: Page):
    log_in(phone, live_server, "admin")
    phone.goto(f"{live_server}/admin/checklists/fire_safety/v1")
    assert phone.locator("#item-F2 .question").is_visible()
    _assert_readable(phone)
    screenshot(phone, "checklist-preview-390")
    phone.goto(f"{live_server}/admin/checklists/grading_gbt37276/v1")
    assert phone.get_by_text("评分标准待核实").first.is_visible()
