"""Screenshots of the grading campaign on a phone (390×844): the operator's application with its self-assessment,
the reviewer's eligibility review, and the public list of eligible facilities (issue 14)."""

import re
from datetime import date, timedelta

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from inspection.campaign.publicity import publicity_period
from inspection.extensions import db
from inspection.models import Facility, GradingApplication, ObjectionStatus
from tests.browser.conftest import ARTIFACTS, log_in, screenshot
from tests.browser.test_rankings_screens import _assert_readable


def test_the_operator_applies_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "operator")
    phone.get_by_role("link", name="等级评定").click()
    phone.get_by_role("link", name="申请等级评定").first.click()
    phone.wait_for_url("**/grading/apply")
    assert phone.get_by_role("heading", name="申请条件（山西省）").is_visible()
    phone.get_by_label("申请等级").select_option(label="2 级")
    for radio in phone.locator("input[type=radio][value=pass]").all():
        radio.check()
    phone.get_by_role("group", name="1.1.1.1").get_by_label("不合格").check()
    phone.locator("#d-1\\.1\\.1\\.1").fill("1")
    phone.locator("#n-1\\.1\\.1\\.1").fill("救护车只能停靠机构主入口")
    _assert_readable(phone, 390)
    assert screenshot(phone, "grading-apply-390").stat().st_size > 10_000
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_url("**/grading/*")
    assert phone.get_by_text("待审查").first.is_visible()
    _assert_readable(phone, 390)
    screenshot(phone, "grading-application-390")


def test_the_reviewer_sees_the_check_and_the_public_list(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/grading/?status=refused")
    phone.get_by_role("link", name="三岔镇敬老院").click()
    assert phone.get_by_text("24 个月内受到行政处罚").first.is_visible()
    _assert_readable(phone, 390)
    screenshot(phone, "grading-refused-390")
    phone.goto(f"{live_server}/public/grading/accepted")
    assert phone.get_by_text("北苑敬老院").is_visible()
    _assert_readable(phone, 390)
    assert screenshot(phone, "grading-public-accepted-390").stat().st_size > 5_000


def test_the_reviewer_reads_the_coverage_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/grading/")
    phone.get_by_role("link", name="覆盖情况").click()
    phone.wait_for_url("**/grading/coverage")
    assert phone.get_by_text("目标日期 2021-12-31 已过").is_visible()  # the demo county missed the plan's deadline
    assert phone.locator("#coverage-progress").is_visible()
    _assert_readable(phone, 390)
    assert screenshot(phone, "grading-coverage-390").stat().st_size > 10_000
    phone.get_by_label("评定进度", exact=True).select_option("not_started")
    phone.get_by_role("button", name="筛选").click()
    assert phone.get_by_role("row", name="韩家楼敬老院").is_visible()
    screenshot(phone, "grading-coverage-filtered-390")


def test_the_assessor_fills_the_checklist_beside_the_self_assessment(live_server: str, phone: Page):
    log_in(phone, live_server, "assessor1")
    phone.get_by_role("link", name="康宁老年公寓").first.click()
    phone.wait_for_url("**/form")
    self_failed = phone.locator("article.item-card[data-self=fail]").first
    self_failed.scroll_into_view_if_needed()
    assert "机构自评：不合格" in self_failed.locator(".self-assessed").inner_text()
    assert not self_failed.locator(".self-differs").is_visible()
    self_failed.locator(".answer-pass").click()  # the team finds it met: differs from the self-assessment
    expect(self_failed).to_have_class(re.compile(r"\bdiffers\b"))
    assert self_failed.locator(".self-differs").is_visible()
    agreeing = phone.locator("article.item-card[data-self=pass]").first
    agreeing.locator(".answer-pass").click()
    expect(agreeing).not_to_have_class(re.compile(r"\bdiffers\b"))
    self_failed.scroll_into_view_if_needed()
    phone.evaluate("window.scrollBy(0, -120)")
    _assert_readable(phone, 390)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "grading-assessor-form-390.png"
    phone.screenshot(path=str(path))  # the viewport: the form is long
    assert path.stat().st_size > 10_000
    # nothing else of the county: another facility's record is not found
    assert phone.goto(f"{live_server}/hazards/").status == 403


def test_the_reviewer_sees_the_assessment_and_the_committees_decision(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/grading/")
    phone.get_by_role("link", name="北苑敬老院").last.click()  # its application (the first: its objection in 公示)
    assert phone.get_by_text("评定结果公示中").first.is_visible()
    assert phone.get_by_text("评审专家一（演示）").first.is_visible()
    _assert_readable(phone, 390)
    phone.get_by_role("heading", name="办理记录").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "grading-decided-390.png"))


def _publicity_over(app: Flask, facility: str) -> None:
    """Let the facility's 公示 run its course: its objections dismissed (the reviewer's form for that is driven in
    test_grading_publicity_screens.py) and its period as if the decision had been recorded two weeks ago."""
    with app.app_context():
        application = db.session.scalar(
            select(GradingApplication).join(GradingApplication.facility).where(Facility.name == facility)
        )
        for objection in application.pending_objections:
            objection.status, objection.review_reason = ObjectionStatus.DISMISSED, "经核实异议不成立（测试）"
        period = publicity_period(date.today() - timedelta(days=14), 5)
        application.publicity_starts_on, application.publicity_ends_on = period.starts_on, period.ends_on
        db.session.commit()


def test_the_reviewer_publishes_and_the_public_page_shows_the_certificate(
    live_app: Flask, live_server: str, phone: Page
):
    """After the committee's decision above (this test changes 北苑敬老院's stage: it runs last in this file)."""
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/grading/")
    phone.get_by_role("link", name="北苑敬老院").last.click()  # its application (the others: objections)
    expect(phone.get_by_text("评定结果公示中").first).to_be_visible()
    expect(phone.get_by_role("heading", name="公布评定结果")).to_have_count(0)  # not while the 公示 runs
    _publicity_over(live_app, "北苑敬老院")
    phone.reload()
    phone.get_by_role("heading", name="公布评定结果").scroll_into_view_if_needed()
    phone.get_by_label("评定文号").fill("五民发〔2026〕58号")
    phone.get_by_role("button", name="公布并签发证书").click()
    expect(phone.get_by_text("请确认后再公布")).to_be_visible()  # no confirmation: nothing published, input kept
    assert phone.get_by_label("评定文号").input_value() == "五民发〔2026〕58号"
    phone.get_by_label("我已核对", exact=False).check()
    phone.get_by_role("button", name="公布并签发证书").click()
    phone.wait_for_load_state()
    screenshot(phone, "grading-published-390")
    expect(phone.get_by_text("已公布，证书已发放").first).to_be_visible()
    phone.get_by_role("heading", name="等级证书").scroll_into_view_if_needed()
    _assert_readable(phone, 390)
    assert screenshot(phone, "grading-published-390").stat().st_size > 10_000
    phone.get_by_role("link", name="机构公示页面（证书二维码指向此页）").click()
    assert phone.get_by_text("五民发〔2026〕58号").is_visible() and phone.get_by_text("有效期待核实").is_visible()
    _assert_readable(phone, 390)
    assert screenshot(phone, "public-facility-certificate-390").stat().st_size > 5_000


def test_a_lapsed_grade_shows_expired_with_its_plaque_due(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/facilities/?q=颐和")
    phone.get_by_role("link", name="颐和养老院").first.click()
    expect(phone.get_by_text("标牌未交回").first).to_be_visible()
    assert phone.get_by_text("已过期").first.is_visible()
    _assert_readable(phone, 390)
    assert screenshot(phone, "facility-certificate-expired-390").stat().st_size > 10_000
