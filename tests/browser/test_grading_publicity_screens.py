"""Screenshots of the grading decision's 公示 on a phone (390×844): the public page with its objection form, refused
then accepted, and the reviewer's objection panel (issue 14, step 5)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_rankings_screens import _assert_readable


def test_a_member_of_the_public_objects_on_a_phone(live_server: str, phone: Page):
    phone.goto(f"{live_server}/public/grading/publicity")
    entry = phone.locator("li.card", has_text="北苑敬老院")
    expect(entry.get_by_text("公示期", exact=True)).to_be_visible()
    entry.get_by_text("对此评定结果提出异议").click()
    entry.get_by_label("联系方式").fill("139 0000 5678")
    entry.get_by_label("异议内容").fill("评审当天的活动记录与平时不符（测试）")
    entry.get_by_role("button", name="提交异议").click()
    entry = phone.locator("li.card", has_text="北苑敬老院")
    expect(entry.get_by_text("请填写姓名")).to_be_visible()  # the form comes back open, what was typed kept
    expect(entry.get_by_label("联系方式")).to_have_value("139 0000 5678")
    _assert_readable(phone, 390)
    assert screenshot(phone, "grading-publicity-form-390").stat().st_size > 10_000
    entry.get_by_label("姓名").fill("钱某（测试）")
    entry.get_by_role("button", name="提交异议").click()
    phone.wait_for_url("**/public/grading/publicity/received*")  # the form's #entry anchor follows
    expect(phone.locator("strong.reference")).to_have_text(re.compile(r"^YY\d{6}$"))
    _assert_readable(phone, 390)
    screenshot(phone, "grading-objection-received-390")


def test_the_reviewer_opens_the_objection_panel_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/grading/")
    pending = phone.locator("section.pending-objections")
    expect(pending.get_by_role("heading")).to_contain_text("待处理的公示异议")
    pending.get_by_role("link", name="北苑敬老院").first.click()
    panel = phone.locator("li.objection-item", has_text="赵晓明（演示）")
    expect(panel.get_by_role("link", name="13800001234")).to_be_visible()
    panel.get_by_text("处理此异议").click()
    expect(panel.get_by_label("异议成立：退回重新组织现场评审")).to_be_visible()
    panel.scroll_into_view_if_needed()
    _assert_readable(phone, 390)
    assert screenshot(phone, "grading-objection-panel-390").stat().st_size > 10_000
