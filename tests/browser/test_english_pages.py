"""The demo county in English on a phone (issue 17): every role's main pages, as the browser renders them after
their scripts ran, show Chinese only in data (names, notes, document numbers, the checklists' item texts)."""

from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Facility, Hazard, Inspection, Notice, User
from tests.browser.conftest import log_in, screenshot
from tests.web.test_english_pages import chinese_outside_data, data_values

USERS = ("reviewer", "xf1", "admin", "operator")


def _locale(app: Flask, locale: str) -> None:
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.username.in_(USERS))):
            user.locale = locale
        db.session.commit()


def _paths(app: Flask) -> dict[str, list[str]]:
    with app.app_context():
        today = db.session.scalar(
            select(Inspection.id).join(Facility).where(Facility.name == "清涟敬老院").order_by(Inspection.id.desc())
        )
        graded = db.session.scalar(select(Inspection.id).where(Inspection.purpose == "grading").limit(1))
        hazard = db.session.scalar(select(Hazard.id).order_by(Hazard.id.desc()).limit(1))
        notice = db.session.scalar(select(Notice.id).limit(1))
        facility = db.session.scalar(select(Facility.id).where(Facility.name == "清涟敬老院"))
    return {
        "reviewer": [
            "/",
            "/inspections/",
            f"/inspections/{graded}",
            "/hazards/",
            f"/hazards/{hazard}",
            "/notices/",
            f"/notices/{notice}",
            "/rankings/",
            "/rankings/charts",
            "/rankings/reviews",
            f"/facilities/{facility}",
            "/credit/",
        ],
        "xf1": ["/", f"/inspections/{today}/form", "/hazards/reinspect"],
        "admin": ["/", "/admin/users", "/admin/regions", "/admin/checklists/", "/admin/audit"],
        "operator": ["/", "/hazards/mine"],
    }


def test_the_demo_county_speaks_english_on_every_main_page(live_app: Flask, live_server: str, phone: Page):
    paths = _paths(live_app)
    with live_app.app_context():
        data = data_values()
    _locale(live_app, "en")
    found = {}
    try:
        for username, user_paths in paths.items():
            log_in(phone, live_server, username)
            for path in user_paths:
                phone.goto(f"{live_server}{path}")
                phone.wait_for_load_state("networkidle")
                if chinese := chinese_outside_data(phone.content(), data):
                    found[f"{username} {path}"] = chinese
                name = path.strip("/").replace("/", "-") or "home"
                screenshot(phone, f"english-{username}-{name}-390")
            phone.context.clear_cookies()
    finally:
        _locale(live_app, "zh_CN")
    assert not found, "\n".join(f"{page}: {chinese}" for page, chinese in found.items())
