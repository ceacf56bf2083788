"""On the phone, a failed item asks where the failure was seen and, on a food item, whether it affects food safety:
typed offline, both survive a reload at once (nothing typed is lost) and reach the server in one change."""

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Answer, AnswerChange, InspectionChecklist
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_offline_inspection import _answer, _card_shot, _open_form, _plan, _wait_synced, contexts

__all__ = ["contexts"]  # the fixture, shared with the offline test

PLACE = "后厨西侧冷藏柜旁"

# The page's unsent answer of one item, as IndexedDB holds it.
QUEUED_ANSWER = """async (code) => {
  const request = (r) => new Promise((ok) => { r.onsuccess = () => ok(r.result); });
  const db = await request(indexedDB.open('careinspect', 1));
  const all = await request(db.transaction('queue').objectStore('queue').getAll());
  return all.find((e) => e.kind === 'answer' && e.item === code) || null;
}"""


def test_a_location_typed_offline_survives_a_reload_and_syncs_with_the_food_flag(
    live_app: Flask, live_server: str, contexts
):
    inspection_id = _plan(live_app, ["food_safety"])
    context = contexts()
    sc1 = _open_form(context, live_server, "sc1", inspection_id)
    code = sc1.eval_on_selector(
        '#dept-sc .item-card[data-photo-req="0"]:not([data-auto-na])', "(card) => card.dataset.code"
    )
    card = sc1.locator(f"#item-{code}")
    location, food = card.get_by_label("问题位置"), card.get_by_label("影响食品安全")
    expect(location).to_be_hidden()  # asked only of a failure

    context.set_offline(True)
    _answer(sc1, code, "fail")
    expect(location).to_be_visible()
    expect(card.locator(".help").first).to_contain_text("二楼东侧安全出口")
    food.check()
    sc1.wait_for_function(f"(code) => ({QUEUED_ANSWER})(code).then((e) => e && e.affects_food_safety)", arg=code)
    location.fill(PLACE)
    box = location.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # a target for a gloved finger
    assert food.bounding_box()["height"] >= 32

    # Reloaded at once, before the typing pause has passed: the draft kept in the phone's storage comes back.
    response = sc1.reload()
    assert response is not None and response.from_service_worker
    sc1.wait_for_function("() => document.querySelector('#app').dataset.ready === '1'")
    expect(location).to_have_value(PLACE)
    expect(food).to_be_checked()
    expect(card.locator(".item-state")).to_have_text("未同步")
    queued = sc1.evaluate(QUEUED_ANSWER, code)
    assert (queued["result"], queued["location"], queued["affects_food_safety"]) == ("fail", PLACE, True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _card_shot(sc1, f"#item-{code}", "form-failure-location-390")

    context.set_offline(False)
    _wait_synced(sc1, timeout=30_000)
    with live_app.app_context():
        stored = db.session.scalar(
            select(Answer)
            .join(InspectionChecklist)
            .where(InspectionChecklist.inspection_id == inspection_id, Answer.item_code == code)
        )
        assert (stored.result, stored.location, stored.affects_food_safety) == ("fail", PLACE, True)
        changes = db.session.scalars(select(AnswerChange).where(AnswerChange.answer_id == stored.id)).all()
        assert [(c.location, c.affects_food_safety) for c in changes] == [(PLACE, True)]  # one change, sent once
    expect(location).to_have_value(PLACE)  # the server's copy now shows the same
    expect(card.locator(".item-state")).to_have_text("")
