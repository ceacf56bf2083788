"""The phone form in English (issue 17): the scripts' own words (sync state, bottom bar, the bulk pass, the
summary) come from the page in the reader's language, as the server-rendered text does."""

import re

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import User
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_offline_inspection import _plan, contexts

__all__ = ["contexts"]  # the fixture, shared with the offline test

CHINESE = re.compile(r"[\u3400-\u9fff]")


def _speaks(app: Flask, username: str, locale: str) -> None:
    with app.app_context():
        db.session.scalar(select(User).where(User.username == username)).locale = locale
        db.session.commit()


def test_the_phone_form_speaks_english_to_an_english_user(live_app: Flask, live_server: str, contexts):
    inspection_id = _plan(live_app, ["fire_safety"])
    _speaks(live_app, "xf2", "en")
    try:
        page = contexts().new_page()
        log_in(page, live_server, "xf2")
        page.goto(f"{live_server}/inspections/{inspection_id}/form")
        bar = page.locator("#jumpbar")
        expect(page.locator("#net")).to_have_text("Online")
        expect(page.locator("#sync-text")).to_have_text(re.compile(r"^Saved on the phone · Synced"))
        expect(page.locator("#syncbar")).to_have_attribute("data-pending", "0")
        expect(bar.locator("#my-progress")).to_have_text(re.compile(r"^Done 0/\d+$"))
        bar.get_by_role("button", name="Pass the rest").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_role("heading")).to_have_text(re.compile(r"^Mark these \d+ items as passed\?$"))
        screenshot(page, "form-english-rest-390")
        dialog.get_by_role("button", name="Cancel").click()
        page.locator("#show-summary").click()
        summary = page.locator("#summary")
        expect(summary.locator("h3")).to_have_text("Summary (computed on the phone, for checking)")
        expect(summary.locator(".problems h4")).to_have_text("To do before submitting")
        expect(summary.locator("#do-submit")).to_have_text("Submit your department's results")
        for text in (summary.inner_text(), bar.inner_text(), page.locator("#syncbar").inner_text()):
            assert not CHINESE.search(text.replace("清涟敬老院", "")), text
        # the longer English words still fit the phone: the bottom bar's buttons share one row, nothing scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "form-english-summary-390")
    finally:
        _speaks(live_app, "xf2", "zh_CN")
