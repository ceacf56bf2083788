"""The inspector's form on a 390×844 phone (issue 17): their own department's sections first and the others closed
and read-only in words; the bottom bar's progress and jumps; 其余全部合格 after a confirmation; a photo the browser
cannot read is reported on its card with 重试; the preview counts only the inspector's own open items."""

import io

from flask import Flask
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Answer, InspectionChecklist
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_offline_inspection import _open_form, _plan, _wait_synced, contexts

__all__ = ["contexts"]  # the fixture, shared with the offline test

#: Fire (消防救援: 18 items) and service safety (民政) together.
CHECKLISTS = ["fire_safety", "service_safety"]
FACILITY = "清涟敬老院"


def _screen(page: Page, name: str) -> None:
    """Save what the phone's screen shows now."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _in_view(page: Page, selector: str) -> bool:
    return page.eval_on_selector(
        selector, "(e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight / 2; }"
    )


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


def _my_open_codes(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#dept-xf .item-card:not([data-auto-na])",
        "els => els.filter((e) => !e.querySelector('[aria-pressed=true]')).map((e) => e.dataset.code)",
    )


def _answers(app: Flask, inspection_id: int) -> dict[str, str]:
    with app.app_context():
        rows = db.session.scalars(
            select(Answer).join(InspectionChecklist).where(InspectionChecklist.inspection_id == inspection_id)
        )
        return {a.item_code: str(a.result) for a in rows}


def test_own_section_first_others_closed_and_read_only(live_app: Flask, live_server: str, contexts):
    inspection_id = _plan(live_app, CHECKLISTS, FACILITY)
    xf = _open_form(contexts(), live_server, "xf1", inspection_id)
    departments = xf.eval_on_selector_all("section.dept", "els => els.map((e) => e.dataset.dept)")
    assert departments[0] == "xf" and "mz" in departments
    civil = xf.locator("#dept-mz")
    heading = civil.locator("details.others > summary")
    expect(heading).to_contain_text("由民政填写")
    expect(heading).to_contain_text("1/38 已填")  # one item is not applicable at this facility
    expect(civil.locator(".item-card").first).to_be_hidden()  # closed until opened
    expect(xf.locator("#dept-xf .item-card").first).to_be_visible()
    heading.click()
    expect(civil.get_by_text("只读：本部分由民政的检查人员填写")).to_be_visible()
    expect(civil.locator(".answer-pass").first).to_be_disabled()
    xf.evaluate("scrollTo(0, 0)")
    _screen(xf, "form_flow_own_section_first")


def test_the_bottom_bar_shows_my_progress_and_jumps(live_app: Flask, live_server: str, contexts):
    inspection_id = _plan(live_app, CHECKLISTS, FACILITY)
    xf = _open_form(contexts(), live_server, "xf1", inspection_id)
    bar = xf.locator("#jumpbar")
    expect(bar.locator("#my-progress")).to_have_text("已填 0/18")
    for button in bar.get_by_role("button").all():
        assert button.bounding_box()["height"] >= 48
    first, second = _my_open_codes(xf)[:2]

    bar.get_by_role("button", name="下一项未填").click()
    assert _focused_id(xf) == f"item-{first}" and _in_view(xf, f"#item-{first}")
    xf.locator(f"#item-{first} .answer-fail").click()
    expect(bar.locator("#my-progress")).to_have_text("已填 1/18 · 不合格 1")
    bar.get_by_role("button", name="下一项未填").click()
    assert _focused_id(xf) == f"item-{second}" and _in_view(xf, f"#item-{second}")
    _screen(xf, "form_flow_jump_bar")

    # Typing in a field: the bar steps aside for the on-screen keyboard.
    xf.locator(f"#item-{first} .location-input").focus()
    expect(bar).to_be_hidden()
    xf.locator(f"#item-{first} .location-input").blur()
    expect(bar).to_be_visible()

    bar.get_by_role("button", name="签字并提交").click()
    assert _focused_id(xf) == "h-sign" and _in_view(xf, "#signatures")
    bar.get_by_role("button", name="目录").click()
    expect(xf.locator("#section-menu")).to_have_attribute("open", "")
    assert xf.evaluate("document.activeElement.id") == "section-menu-title"


def test_a_tap_low_on_the_screen_that_leaves_a_field_is_not_taken_by_the_returning_bar(
    live_app: Flask, live_server: str, contexts
):
    """The bar hidden while typing comes back only after the tap that left the field: shown at the press, it covered
    the button under the finger, and the release (so the tap) landed on the bar (the sync fuzz lost such taps)."""
    inspection_id = _plan(live_app, CHECKLISTS, FACILITY)
    xf = _open_form(contexts(), live_server, "xf1", inspection_id)
    first, second = _my_open_codes(xf)[:2]
    xf.locator(f"#item-{first} .answer-fail").click()
    xf.locator(f"#n-{first}").fill("灭火器压力不足")  # typing: the keyboard is up and the bar steps aside
    bar = xf.locator("#jumpbar")
    expect(bar).to_be_hidden()
    button = f"#item-{second} .answer-pass"
    # the button's lower edge 5 px above the screen's: where the bar sits when shown
    xf.eval_on_selector(button, "(b) => scrollBy(0, b.getBoundingClientRect().bottom - innerHeight + 5)")
    xf.locator(button).click()
    expect(xf.locator(f"{button}[aria-pressed=true]")).to_be_visible()
    expect(bar).to_be_visible()  # back once the finger is lifted
    _wait_synced(xf)
    assert _answers(live_app, inspection_id) == {first: "fail", second: "pass"}


def test_the_rest_passes_after_a_confirmation_through_the_offline_queue(live_app: Flask, live_server: str, contexts):
    inspection_id = _plan(live_app, CHECKLISTS, FACILITY)
    context = contexts()
    xf = _open_form(context, live_server, "xf1", inspection_id)
    failing = _my_open_codes(xf)[:2]
    for code in failing:
        xf.locator(f"#item-{code} .answer-fail").click()
    expect(xf.locator("#my-progress")).to_have_text("已填 2/18 · 不合格 2")  # both saved on the phone
    rest = [code for code in _my_open_codes(xf) if code not in failing]
    assert len(rest) == 16
    _wait_synced(xf)

    context.set_offline(True)  # the bulk action queues like single taps: it works without signal
    dialog = xf.get_by_role("dialog")
    xf.locator("#jumpbar").get_by_role("button", name="其余全部合格").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("将以下 16 项记为合格？")
    expect(dialog.locator("#rest-list li")).to_have_count(16)
    assert dialog.locator("#rest-list li").all_inner_texts()[0].startswith(rest[0])
    _screen(xf, "form_flow_rest_passed_dialog")
    for _ in range(3):  # the focus stays in the dialog
        xf.keyboard.press("Tab")
        assert xf.evaluate("document.activeElement.closest('dialog') !== null")
    xf.keyboard.press("Escape")  # Esc closes and changes nothing
    expect(dialog).to_be_hidden()
    expect(xf.locator("#my-progress")).to_have_text("已填 2/18 · 不合格 2")

    xf.locator("#jumpbar").get_by_role("button", name="其余全部合格").click()
    dialog.get_by_role("button", name="确认全部合格").click()
    expect(xf.locator("#my-progress")).to_have_text("已填 18/18 · 不合格 2")
    for code in rest:
        expect(xf.locator(f"#item-{code} .answer-pass")).to_have_attribute("aria-pressed", "true")
    expect(xf.locator("#jumpbar").get_by_role("button", name="其余全部合格")).to_be_disabled()
    assert (
        int(xf.locator("#syncbar").get_attribute("data-pending")) == 16
    )  # each one queued on the phone (the two failures synced before)

    context.set_offline(False)
    xf.get_by_role("button", name="立即同步").click()
    _wait_synced(xf)
    answers = _answers(live_app, inspection_id)
    assert {code: answers[code] for code in rest} == dict.fromkeys(rest, "pass")
    assert {answers[code] for code in failing} == {"fail"}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def test_a_broken_photo_shows_an_error_with_retry_and_a_good_one_clears_it(live_app: Flask, live_server: str, contexts):
    inspection_id = _plan(live_app, CHECKLISTS, FACILITY)
    xf = _open_form(contexts(), live_server, "xf1", inspection_id)
    code = _my_open_codes(xf)[0]
    card = xf.locator(f"#item-{code}")
    card.locator(".answer-fail").click()
    broken = {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0 truncated camera file"}
    card.locator(".photo-input").set_input_files(broken)
    status = card.locator(".photo-status")
    expect(status).to_have_attribute("role", "alert")
    expect(status).to_contain_text("1 张照片无法读取或压缩")
    expect(status.locator("progress")).to_have_count(0)  # the progress line cleared
    status.evaluate("(e) => e.scrollIntoView({ block: 'center' })")
    _screen(xf, "form_flow_photo_error")

    status.get_by_role("button", name="重试").click()  # the same file again: still unreadable, said again
    expect(status).to_contain_text("1 张照片无法读取或压缩")
    expect(status.locator("progress")).to_have_count(0)
    expect(card.locator(".photo-count")).not_to_contain_text("待上传")

    card.locator(".photo-input").set_input_files({"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()})
    expect(status).to_be_empty()
    expect(status).not_to_have_attribute("role", "alert")
    expect(card.locator(".thumbs img")).to_have_count(1)
    _wait_synced(xf)  # the photo has reached the server


def test_the_preview_counts_only_my_open_items_and_no_score_for_others_checklists(
    live_app: Flask, live_server: str, contexts
):
    inspection_id = _plan(live_app, CHECKLISTS, FACILITY)
    xf = _open_form(contexts(), live_server, "xf1", inspection_id)
    xf.locator("#jumpbar").get_by_role("button", name="其余全部合格").click()
    xf.get_by_role("dialog").get_by_role("button", name="确认全部合格").click()
    expect(xf.locator("#my-progress")).to_have_text("已填 18/18")
    _wait_synced(xf)
    xf.get_by_role("button", name="查看汇总").click()
    summary = xf.locator("#summary")
    others = summary.locator(".result.by-others")
    expect(others).to_have_count(1)  # service safety: all 民政's
    expect(others).to_contain_text("由民政填写 · 0/29 已填")
    expect(others.locator(".score")).to_have_count(0)
    fire = summary.locator(".result").first
    expect(fire).to_contain_text("104 / 104 分")  # 民政's open fire items are left out, not as 0
    expect(fire).to_contain_text("其他部门还有 8 项未填，结论为暂定")
    expect(summary).not_to_contain_text("未检查")
    expect(summary.get_by_role("button", name="确认提交本部门检查结果")).to_be_enabled()
    summary.evaluate("(e) => e.scrollIntoView()")
    _screen(xf, "form_flow_preview")
