"""The other roles' everyday screens on a phone (390×844, issue 17): the operator's to-do home, returning (退回) a
grading result with a reason and the lead reading it, planning errors all at once, and the notices list."""

from datetime import date

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from inspection.checklists import GRADING_CHECKLIST
from inspection.extensions import db
from inspection.models import Facility, FacilityType, InspectionPurpose, User
from inspection.services import Actor
from inspection.services.planning import start_inspection
from tests.browser.conftest import log_in, screenshot
from tests.factories import answer_all, submit


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_operator_home_is_a_to_do_list_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "operator")
    phone.goto(f"{live_server}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("待办")
    expect(phone.get_by_role("link", name="查看本机构档案")).to_be_visible()
    _fits_the_phone(phone)
    screenshot(phone, "operator-todo-390")
    first = phone.locator("li.todo-item").first  # the demo facility's open hazards, the most overdue first
    expect(first.locator(".todo-due")).to_contain_text("已逾期")
    expect(first).to_contain_text("需要上传：整改后的现场照片")
    first.get_by_role("link", name="上传整改材料").click()
    phone.wait_for_url("**/hazards/mine#hazard-*")
    card = phone.locator(f"#{phone.url.rsplit('#', 1)[1]}")
    expect(card).to_be_in_viewport()
    # a refused upload shows its error at this card, and the page comes back to the card, not to the top
    card.get_by_text("提交整改材料…").click()
    card.locator('input[type="file"]').set_input_files(
        [{"name": "x.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not an image</html>"}]
    )
    card.get_by_role("button", name="提交整改材料").click()
    phone.wait_for_url("**/evidence#evidence-*")
    error = phone.locator(f"#{phone.url.rsplit('#', 1)[1]} .error")
    expect(error).to_contain_text("无法识别为图片")
    expect(error).to_be_in_viewport()
    screenshot(phone, "operator-upload-error-390")


@pytest.fixture
def pending_grading(live_app: Flask) -> tuple[int, str]:
    """A grading inspection of a demo nursing home, submitted by mz1 and mz2 today, awaiting its countersignature."""
    with live_app.app_context():
        facility = db.session.scalars(
            select(Facility).where(Facility.type == FacilityType.NURSING_HOME).order_by(Facility.id)
        ).first()
        team = list(db.session.scalars(select(User).where(User.username.in_(["mz1", "mz2"]))))
        reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
        inspection = start_inspection(
            facility, [GRADING_CHECKLIST], date.today(), InspectionPurpose.GRADING, team[0].department,
            {"mz": team}, Actor(reviewer, "test"),
        )  # fmt: skip
        answer_all(inspection)
        submit(inspection)
        db.session.commit()
        return inspection.id, facility.name


def test_a_reviewer_returns_a_grading_result_with_a_reason_on_a_phone(live_server: str, phone: Page, pending_grading):
    inspection_id, name = pending_grading
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/rankings/reviews")
    card = (
        phone.locator("li.review")
        .filter(has=phone.get_by_role("link", name="查看评定记录", exact=True))
        .filter(has_text=name)
        .last
    )
    card.get_by_text("退回…").click()
    reason = card.get_by_label("退回原因")
    expect(reason).to_be_visible()
    reason.fill("服务部分扣分与现场记录不符，请核对后重新提交")
    _fits_the_phone(phone)
    screenshot(phone, "review-return-390")
    card.get_by_role("button", name="退回检查组").click()
    expect(phone.locator(".flash-success")).to_contain_text(f"已退回 {name} 的评定结果")
    phone.context.clear_cookies()
    log_in(phone, live_server, "mz1")
    phone.goto(f"{live_server}/inspections/{inspection_id}")
    returned = phone.locator("section.returned")
    expect(returned).to_contain_text("服务部分扣分与现场记录不符")
    expect(returned).to_contain_text("请更正后重新签字提交")
    _fits_the_phone(phone)
    screenshot(phone, "inspection-returned-390")


def test_planning_reports_every_error_at_once_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/inspections/plan")
    phone.get_by_label("检查日期").fill("2020-01-01")
    phone.get_by_role("button", name="安排检查").click()
    expect(phone.locator("#facility_id-error")).to_have_text("请选择机构")
    expect(phone.locator("#inspected_on-error")).to_contain_text("已过，不能安排")
    expect(phone.locator("#checklists-error")).to_have_text("请至少选择一张检查表")
    _fits_the_phone(phone)
    screenshot(phone, "plan-errors-390")


def test_the_notices_list_on_a_phone(live_server: str, phone: Page):
    log_in(phone, live_server, "reviewer")
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="通知书").click()
    phone.wait_for_url("**/notices/")
    expect(phone.get_by_role("link", name="下载 PDF").first).to_be_visible()
    with phone.expect_download() as download:
        phone.get_by_role("button", name="下载有效通知书（ZIP）").click()
    assert download.value.suggested_filename.endswith(".zip")
    expect(phone.locator("[data-download-status]")).to_contain_text("下载完成：已保存为")
    _fits_the_phone(phone)
    screenshot(phone, "notices-390")


@pytest.mark.parametrize("username", ["reviewer", "admin"])
def test_the_navigation_keeps_to_two_lines_on_a_phone_and_its_menus_open(live_server: str, phone: Page, username):
    log_in(phone, live_server, username)
    nav = phone.get_by_role("navigation", name="主导航")
    assert nav.bounding_box()["height"] <= 2 * 44 + 8, "the navigation takes more than two lines of the phone"
    plan = nav.get_by_role("link", name="年度计划")
    expect(plan).to_be_hidden()
    nav.get_by_text("计划与通报").click()
    expect(plan).to_be_visible()
    screenshot(phone, f"navigation-menu-{username}-390")
    _fits_the_phone(phone)
    plan.click()
    phone.wait_for_url("**/plan/")
