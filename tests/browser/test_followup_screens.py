"""Hazard follow-up on a phone (390×844): the operator's list with the evidence form, the re-inspection page with
before and after photos, and the reviewer's dashboard — saved as screenshots under test-artifacts/screenshots/."""

import io

import pytest
from flask import Flask
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Facility, Hazard
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_screens import _assert_readable
from tests.web.test_followup import _inspected

FACILITY = "清涟敬老院"  # the demo operator's facility


def _photo(text_color: str, background: str) -> bytes:
    """A phone-shaped JPEG that looks like a photo in the screenshot (not a 64-pixel block)."""
    image = Image.new("RGB", (800, 600), background)
    draw = ImageDraw.Draw(image)
    for y in range(0, 600, 40):
        draw.line([(0, y), (800, y + 120)], fill=text_color, width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def followup(live_app: Flask) -> dict[str, int]:
    """A completed fire inspection of the operator's facility with three hazards (F2 major and F5 key are 消防)."""
    with live_app.app_context():
        inspection = _inspected(facility_name=FACILITY)
        db.session.commit()
        hazards = db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection.id))
        ids = {h.item_code: h.id for h in hazards}
        ids["facility"] = db.session.scalar(select(Facility.id).where(Facility.name == FACILITY))
        return ids


def test_the_operator_reports_a_rectification_from_the_phone(live_server: str, phone: Page, followup):
    log_in(phone, live_server, "operator")
    phone.goto(f"{live_server}/hazards/mine")
    card = phone.locator(f"#hazard-{followup['F5']}")
    card.get_by_text("提交整改材料…").click()  # each hazard's form opens from its own button
    expect(card.get_by_label("整改说明")).to_be_visible()
    assert card.locator('input[type="file"][capture="environment"][multiple]').count() == 1
    _assert_readable(phone)
    screenshot(phone, "hazards-mine-390")

    card.get_by_label("整改说明").fill("已清理二楼疏散通道堆放的杂物")
    card.locator('input[type="file"]').set_input_files(
        [{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": _photo("#2e7d32", "#e8f5e9")}]
    )
    card.get_by_role("button", name="提交整改材料").click()
    phone.wait_for_url(f"**/hazards/mine#hazard-{followup['F5']}")
    expect(phone.get_by_text("已提交整改材料，等待检查部门复查。")).to_be_visible()
    card = phone.locator(f"#hazard-{followup['F5']}")
    expect(card.get_by_text("已报整改，待复查")).to_be_visible()
    screenshot(phone, "hazards-mine-after-evidence-390")


def test_a_bad_photo_keeps_the_note_on_the_phone(live_server: str, phone: Page, followup):
    log_in(phone, live_server, "operator")
    phone.goto(f"{live_server}/hazards/mine")
    card = phone.locator(f"#hazard-{followup['F2']}")
    card.get_by_text("提交整改材料…").click()
    card.get_by_label("整改说明").fill("已拆除违规设置的彩钢板隔间")
    card.locator('input[type="file"]').set_input_files(
        [{"name": "x.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not an image</html>"}]
    )
    card.get_by_role("button", name="提交整改材料").click()
    card = phone.locator(f"#hazard-{followup['F2']}")
    expect(card.get_by_text("无法识别为图片")).to_be_visible()
    expect(card.get_by_label("整改说明")).to_have_value("已拆除违规设置的彩钢板隔间")


def test_the_reinspection_page_puts_before_beside_after(live_server: str, phone: Page, followup):
    log_in(phone, live_server, "xf1")
    phone.goto(f"{live_server}/hazards/reinspect")
    phone.get_by_role("link", name=FACILITY).first.click()
    phone.wait_for_url(f"**/hazards/reinspect/{followup['facility']}")
    card = phone.locator(f"#hazard-{followup['F5']}")
    before, after = card.locator(".compare figure").nth(0), card.locator(".compare figure").nth(1)
    expect(before.locator("img")).to_have_count(1)
    expect(after.locator("img")).to_have_count(1)
    for image in (before.locator("img"), after.locator("img")):
        image.scroll_into_view_if_needed()  # they load lazily
        phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    box_before, box_after = before.bounding_box(), after.bounding_box()
    assert abs(box_before["y"] - box_after["y"]) < 2 and box_before["x"] < box_after["x"]  # side by side
    assert phone.locator(f"#hazard-{followup['F12']}").count() == 0  # a 民政 hazard
    expect(phone.get_by_label("现场复查")).to_be_checked()
    _assert_readable(phone)
    card.scroll_into_view_if_needed()
    screenshot(phone, "hazards-reinspect-390")


def test_the_reviewers_dashboard_on_a_phone(live_server: str, phone: Page, followup):
    log_in(phone, live_server, "reviewer")
    phone.goto(f"{live_server}/hazards/")
    expect(phone.get_by_role("heading", name="隐患跟踪")).to_be_visible()
    expect(phone.locator(".counts li").nth(2)).to_contain_text("已逾期")
    _assert_readable(phone)
    screenshot(phone, "hazards-dashboard-390")
    phone.get_by_text("按机构").click()
    phone.locator(".tally").get_by_role("link", name=FACILITY).click()
    phone.wait_for_url(f"**/hazards/?facility={followup['facility']}#list")
    expect(phone.locator("#list .hazard").first).to_contain_text(FACILITY)
    assert phone.locator("#list .hazard").filter(has_not_text=FACILITY).count() == 0
