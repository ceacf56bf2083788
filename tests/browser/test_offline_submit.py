"""Submitting without network (issue 17): inspectors in villages often have no signal until they leave. The
submission waits on the phone with a clear status, survives a reload, and reaches the server once the network is
back — once, even though the phone may send it again."""

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import DepartmentSubmission
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_offline_inspection import _answer, _codes, _open_form, _plan, _wait_synced, contexts

__all__ = ["contexts"]  # the fixture of phone-sized browser contexts


def test_a_submission_made_offline_is_delivered_once_when_the_network_returns(
    live_app: Flask, live_server: str, contexts
):
    inspection_id = _plan(live_app, ["fire_safety"])
    context = contexts()
    page = _open_form(context, live_server, "xf1", inspection_id)
    for code in _codes(page, "xf"):
        if page.locator(f"#item-{code} .answer-pass").is_enabled():
            _answer(page, code, "pass")
    _wait_synced(page)

    context.set_offline(True)
    expect(page.locator("#net")).to_have_text("离线")
    page.locator("#show-summary").click()
    page.locator("#do-submit").click()
    expect(page.locator("#sync-text")).to_contain_text("已提交，待上传")

    page.reload()  # still offline: the page comes from the phone's cache, the submission from its queue
    expect(page.locator("#sync-text")).to_contain_text("已提交，待上传")
    expect(page.locator("#syncbar")).to_have_attribute("data-pending", "1")
    page.screenshot(path=str(ARTIFACTS / "offline-submit-queued-390.png"))  # what the phone's screen shows
    with live_app.app_context():
        held = select(func.count()).where(DepartmentSubmission.inspection_id == inspection_id)
        assert db.session.scalar(held) == 0

    context.set_offline(False)
    page.evaluate("dispatchEvent(new Event('online'))")
    _wait_synced(page)
    expect(page.locator("#sync-text")).not_to_contain_text("待上传")
    expect(page.locator("#dept-xf")).to_have_attribute("data-submitted", "1")
    with live_app.app_context():
        rows = db.session.execute(
            select(DepartmentSubmission.department_code, DepartmentSubmission.client_id).where(
                DepartmentSubmission.inspection_id == inspection_id
            )
        ).all()
    assert len(rows) == 1 and rows[0].department_code == "xf" and rows[0].client_id
