"""Self-inspection on a phone (issue 15): the operator starts it from their home and fills in every part on the
inspectors' form, offline included; an inspector's form then shows, beside each item, what the self-inspection said,
and marks the gap once the inspector fails an item the facility passed."""

from datetime import date

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Facility, FacilityStanding, Inspection, InspectionPurpose, User
from inspection.services import Actor
from inspection.services.self_inspection import start_self_inspection, submit_self_inspection
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.test_offline_inspection import _open_form, _plan, _viewport_shot, _wait_synced, contexts
from tests.factories import answer_all

__all__ = ["contexts"]  # the fixture of phone-sized browser contexts

FACILITY = "清涟敬老院"  # the demo operator's


def _standings(app: Flask) -> list[tuple]:
    with app.app_context():
        place = db.session.scalar(select(Facility).where(Facility.name == FACILITY))
        rows = select(FacilityStanding.kind, FacilityStanding.decided_on, FacilityStanding.verdict_code)
        return sorted(db.session.execute(rows.where(FacilityStanding.facility_id == place.id)).all())


def test_the_operator_self_inspects_on_the_phone_offline(live_app: Flask, live_server: str, contexts):
    before = _standings(live_app)
    context = contexts()
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, "operator")
    page.get_by_role("link", name="开始自查").click()
    for title in ("食品安全检查表", "服务安全检查表"):
        page.get_by_label(title, exact=False).uncheck()
    page.get_by_role("button", name="开始自查").click()
    page.wait_for_url("**/form")
    inspection_id = int(page.url.split("/")[-2])
    _wait_synced(page)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(
        "(p) => caches.open('ci-pages').then((c) => c.match(p)).then(Boolean)", arg=f"/inspections/{inspection_id}/form"
    )
    expect(page.locator(".meta").first).to_contain_text("机构自查：本机构人员填写全部检查项")
    expect(page.locator("section.dept")).to_have_count(1)  # every part in one: the 消防 and the 民政 items
    expect(page.locator("#dept-self .item-card .answer-pass:enabled")).to_have_count(
        page.locator("#dept-self .item-card:not([data-auto-na])").count()
    )
    _viewport_shot(page, "#dept-self", "self-inspection-operator-form-390")

    context.set_offline(True)  # no signal in the building: the answers and the submission wait on the phone
    page.locator("#jumpbar").get_by_role("button", name="其余全部合格").click()
    page.get_by_role("dialog").get_by_role("button", name="确认全部合格").click()
    expect(page.locator("#jumpbar").get_by_role("button", name="其余全部合格")).to_be_disabled()  # all answered
    page.locator("#show-summary").click()
    page.locator("#do-submit").click()
    expect(page.locator("#sync-text")).to_contain_text("已提交，待上传")

    context.set_offline(False)
    page.evaluate("dispatchEvent(new Event('online'))")
    _wait_synced(page)
    expect(page.locator("#sync-text")).not_to_contain_text("待上传")
    with live_app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert inspection.purpose == InspectionPurpose.SELF_INSPECTION and inspection.status == "complete"
        assert not inspection.assignments
    assert _standings(live_app) == before  # the facility's official standing is as it was


def test_the_inspectors_form_marks_a_gap(live_app: Flask, live_server: str, contexts):
    said_on = date.today()  # the latest self-inspection (another test of the session may have made one today)
    with live_app.app_context():
        operator = db.session.scalar(select(User).where(User.username == "operator"))
        place = db.session.get(Facility, operator.facility_id)
        actor = Actor(operator, "test")
        own, _ = start_self_inspection(place, ["fire_safety"], said_on, actor)
        answer_all(own, by=operator)
        submit_self_inspection(own, actor)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Inspection)) > 1
    inspection_id = _plan(live_app, ["fire_safety"], FACILITY)
    page = _open_form(contexts(), live_server, "xf1", inspection_id)
    card = page.locator("#item-F5")
    said = card.locator(".self-said")
    expect(said).to_contain_text(f"自查：合格 {said_on.isoformat()}")
    expect(said.locator(".gap-mark")).to_be_hidden()
    card.locator(".answer-fail").click()
    expect(said.locator(".gap-mark")).to_be_visible()  # the inspector failed what the facility passed: a gap
    expect(said).to_have_css("background-color", "rgb(253, 236, 234)")
    _viewport_shot(page, "#item-F5", "self-inspection-gap-inspector-form-390")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
