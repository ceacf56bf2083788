"""The on-site form on a phone: offline answers, photos and signatures survive a reload and sync exactly once;
stale writes show both values; an expired login keeps the queue."""

import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select, update

from inspection.demo.county import DEMO_PASSWORD
from inspection.extensions import db
from inspection.models import (
    Answer,
    AnswerChange,
    ApiToken,
    Facility,
    Inspection,
    InspectionPurpose,
    Photo,
    Signature,
    User,
)
from inspection.orm import utcnow
from inspection.services import Actor
from inspection.services.planning import start_inspection
from tests.browser.conftest import ARTIFACTS, PHONE, log_in

#: mz1 answers these online before the network goes; F10 is changed offline from its synced pass to a fail.
MZ_ONLINE = ("F18", "F10", "F11")
#: mz1 fails these offline (F10 with 2 points off, X6 a major hazard with all points off); both need a photo.
FAILS = {"F10": "2", "X6": ""}
#: mz1 fails X7 offline, then changes it to not applicable: only the last value reaches the server.
CHANGED = "X7"
#: The facility of the offline inspection: a 消防安全重点单位 with a canteen, so no item is automatically not
#: applicable (F11, the daily patrol, binds key units only) and all 38 of mz's items are answered by hand.
FACILITY = "五寨县社会福利中心"

# Read the photo entries of the page's IndexedDB queue: size, pixels and the bytes' SHA-256.
QUEUED_PHOTOS = """async () => {
  const request = (r) => new Promise((ok) => { r.onsuccess = () => ok(r.result); });
  const db = await request(indexedDB.open('careinspect', 1));
  const all = await request(db.transaction('queue').objectStore('queue').getAll());
  const out = [];
  for (const e of all.filter((e) => e.kind === 'photo')) {
    const bytes = new Uint8Array(await e.blob.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const sha = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    out.push({ id: e.id, item: e.item, w: e.w, h: e.h, size: bytes.length, sha });
  }
  return out;
}"""


def _plan(app: Flask, codes: list[str], facility: str = "清涟敬老院") -> int:
    """Plan a joint inspection assigned to xf1, xf2, mz1, mz2 (and sc1, sc2 for the food checklist)."""
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        place = db.session.scalar(select(Facility).where(Facility.name == facility))
        teams = {"xf": [users["xf1"], users["xf2"]], "mz": [users["mz1"], users["mz2"]]}
        if "food_safety" in codes:
            teams["sc"] = [users["sc1"], users["sc2"]]
        inspection = start_inspection(
            place,
            codes,
            date.today(),
            InspectionPurpose.ROUTINE,
            users["mz1"].department,
            teams,
            Actor(None, "test"),
        )
        db.session.commit()
        return inspection.id


def _jpeg(width: int = 3000, height: int = 2000) -> bytes:
    """A camera-sized JPEG with detail, so that it does not compress to nothing."""
    image = Image.effect_noise((width // 4, height // 4), 80).convert("RGB").resize((width, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Phone-sized browser contexts, each with its own storage (service worker, IndexedDB)."""
    made: list[BrowserContext] = []

    def new() -> BrowserContext:
        made.append(browser.new_context(**PHONE))
        return made[-1]

    yield new  # type: ignore[misc]
    for context in made:
        context.close()


def _open_form(context: BrowserContext, base: str, username: str, inspection_id: int) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, username)
    page.goto(f"{base}/inspections/{inspection_id}/form")
    _wait_synced(page)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(
        "(p) => caches.open('ci-pages').then((c) => c.match(p)).then(Boolean)", arg=f"/inspections/{inspection_id}/form"
    )
    return page


def _wait_synced(page: Page, timeout: float = 15_000) -> None:
    page.wait_for_function(
        "() => document.querySelector('#syncbar').dataset.pending === '0' && "
        "document.querySelector('#sync-text').textContent.includes('已同步')",
        timeout=timeout,
    )


def _pending(page: Page) -> int:
    return int(page.locator("#syncbar").get_attribute("data-pending"))


def _answer(page: Page, code: str, result: str) -> None:
    page.locator(f"#item-{code} .answer-{result}").click()
    expect(page.locator(f"#item-{code} .answer-{result}")).to_have_attribute("aria-pressed", "true")


def _sign(page: Page, role: str, name: str, *, refused: bool = False) -> None:
    page.get_by_label("签字人身份").select_option(role)
    page.get_by_label("签字人姓名").fill(name)
    if refused:
        page.get_by_label("拒绝签字", exact=False).check()
    else:
        pad = page.locator("#pad")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        x, y = box["x"], box["y"]
        page.mouse.move(x + 30, y + 60)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(x + 30 + step * 25, y + 60 + (step % 3) * 25)
        page.mouse.up()
    page.get_by_role("button", name="保存签字").click()


def _viewport_shot(page: Page, selector: str, name: str) -> None:
    """Scroll `selector` to the top (below the sticky sync bar) and save what the phone's screen shows."""
    page.locator(selector).evaluate("(e) => e.scrollIntoView()")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _card_shot(page: Page, selector: str, name: str) -> None:
    """Save one card, taller than the screen, without the sticky sync bar drawn over it."""
    bar = page.locator("#syncbar")
    bar.evaluate("(e) => { e.style.position = 'static'; }")
    page.locator(selector).screenshot(path=str(ARTIFACTS / f"{name}.png"))
    bar.evaluate("(e) => { e.style.position = ''; }")


def _codes(page: Page, department: str) -> list[str]:
    return page.eval_on_selector_all(f"#dept-{department} .item-card", "els => els.map((e) => e.dataset.code)")


def test_offline_answers_photos_and_signatures_survive_a_reload_and_sync_once(
    live_app: Flask, live_server: str, contexts
):
    inspection_id = _plan(live_app, ["fire_safety", "service_safety"], FACILITY)
    xf_context, mz_context = contexts(), contexts()
    xf = _open_form(xf_context, live_server, "xf1", inspection_id)
    mz = _open_form(mz_context, live_server, "mz1", inspection_id)
    xf_codes = _codes(xf, "xf")
    codes = _codes(mz, "mz")  # the fire checklist's management section and the whole service-safety checklist
    assert len(xf_codes) == 18 and len(codes) == 9 + 29
    expect(mz.locator(".item-card[data-auto-na]")).to_have_count(0)
    offline = [c for c in codes if c not in MZ_ONLINE]
    assert len(offline) == 35 and {*FAILS, CHANGED} <= set(offline) | {"F10"}

    # Each inspector edits only their own department's sections.
    expect(mz.locator("#item-F24 .answer-pass")).to_be_disabled()
    expect(xf.locator("#item-F18 .answer-pass")).to_be_disabled()
    expect(xf.locator("#item-B1 .answer-pass")).to_be_disabled()
    expect(mz.locator('.dept-nav [data-progress="mz"]')).to_have_text("0 / 38")

    # Three answers online, then the network goes.
    for code in MZ_ONLINE:
        _answer(mz, code, "pass")
    _wait_synced(mz)
    mz_context.set_offline(True)
    expect(mz.locator("#net")).to_have_text("离线")

    for code in offline:
        _answer(mz, code, "fail" if code in FAILS else "na" if code == CHANGED else "pass")
    _answer(mz, CHANGED, "fail")  # changed again while offline: only the last value reaches the server
    _answer(mz, CHANGED, "na")
    for code, deduction in FAILS.items():  # F10 was synced as a pass: a change of a synced answer
        _answer(mz, code, "fail")
        card = mz.locator(f"#item-{code}")
        if deduction:
            card.get_by_label("扣分", exact=False).fill(deduction)
        if card.locator(".chip").count():
            card.locator(".chip").first.click()
        else:
            card.get_by_label("问题描述").fill("夜间无人值守，失能老人无人照护，现场已要求立即安排值班")

    photo = _jpeg()
    assert len(photo) > 300 * 1024
    for code in FAILS:
        mz.locator(f"#item-{code} .photo-input").set_input_files(
            files=[{"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
        expect(mz.locator(f"#item-{code} .thumbs img")).to_have_count(1)
    queued = mz.evaluate(QUEUED_PHOTOS)
    assert len(queued) == 2
    for entry in queued:  # downscaled on the phone before it was stored
        assert max(entry["w"], entry["h"]) <= 1600 and entry["size"] <= 300 * 1024, entry
        assert entry["w"] / entry["h"] == pytest.approx(1.5, abs=0.01)

    _sign(mz, "inspector", "民政检查员一")
    _sign(mz, "facility", "张院长", refused=True)
    _sign(mz, "witness", "李见证")
    expect(mz.locator("#sig-list li")).to_have_count(3)
    _viewport_shot(mz, "#signatures", "form-signatures-390")
    expect(mz.locator("#sync-text")).to_contain_text("已保存在手机")
    pending = len(offline) + 1 + 2 + 3  # the offline answers + the changed F10, two photos, three signatures
    assert _pending(mz) == pending
    _card_shot(mz, "#item-F10", "form-item-card-390")
    mz.get_by_role("button", name="目录").click()  # the section list, from the bottom bar
    mz.locator('.dept-row[data-dept="mz"] details summary').click()
    expect(mz.locator('[data-jump="mz"]')).to_contain_text("X6 不合格")
    _viewport_shot(mz, "#main", "form-section-list-390")

    # Reload with no network: the service worker serves the page; IndexedDB still holds everything.
    response = mz.reload()
    assert response is not None and response.from_service_worker
    assert mz.evaluate("fetch('/api/v1/openapi.json').then(() => 'online', () => 'offline')") == "offline"
    expect(mz.locator("#net")).to_have_text("离线")
    mz.wait_for_function(f"document.querySelector('#syncbar').dataset.pending === '{pending}'")
    expect(mz.locator("#item-F10 .answer-fail")).to_have_attribute("aria-pressed", "true")
    expect(mz.locator("#item-F10 .deduction")).to_have_value("2")
    expect(mz.locator(f"#item-{CHANGED} .answer-na")).to_have_attribute("aria-pressed", "true")
    expect(mz.locator("#item-X6 .thumbs img")).to_have_count(1)
    expect(mz.locator("#item-F10 .thumbs img")).to_have_count(1)
    expect(mz.locator("#sig-list li")).to_have_count(3)
    expect(mz.locator('.dept-nav [data-progress="mz"]')).to_have_text("38 / 38")

    # Meanwhile xf1 answers the 消防救援 sections online, in the other context.
    for code in xf_codes:
        _answer(xf, code, "pass")
    _wait_synced(xf)

    # The network returns: the queue drains by itself.
    mz_context.set_offline(False)
    _wait_synced(mz, timeout=30_000)
    expect(mz.locator("#net")).to_have_text("在线")

    with live_app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        answers = {a.item_code: a for ic in inspection.checklists for a in ic.answers}
        assert set(answers) == set(xf_codes) | set(codes)
        assert answers["F10"].result == "fail" and answers["F10"].deduction == 2 and answers["F10"].note
        assert answers["X6"].result == "fail" and answers["X6"].deduction is None and answers["X6"].note
        assert answers[CHANGED].result == "na"
        assert all(answers[c].result == "pass" for c in answers if c not in (*FAILS, CHANGED))
        changes = db.session.scalar(
            select(func.count())
            .select_from(AnswerChange)
            .where(AnswerChange.answer_id.in_([a.id for a in answers.values()]))
        )
        assert changes == len(answers) + 1  # once per item, and F10 twice (its online pass, then the offline fail)
        photos = list(db.session.scalars(select(Photo).where(Photo.inspection_id == inspection_id)))
        assert sorted(p.item_code for p in photos) == sorted(FAILS)
        assert all(max(p.width, p.height) <= 1600 for p in photos)
        assert {p.upload_sha256 for p in photos} == {q["sha"] for q in queued}  # the phone's bytes, sent once
        signatures = list(db.session.scalars(select(Signature).where(Signature.inspection_id == inspection_id)))
        assert sorted((s.signer_role, s.signer_name, s.refused) for s in signatures) == [
            ("facility", "张院长", True),
            ("inspector", "民政检查员一", False),
            ("witness", "李见证", False),
        ]
        assert all(s.file_id for s in signatures if not s.refused)

    # The summary before submitting: major hazards first, then the failed items by class.
    mz.get_by_role("button", name="查看汇总").click()
    summary = mz.locator("#summary")
    expect(summary.locator(".hazards")).to_contain_text("X6")
    expect(summary).to_contain_text("不合格")
    _viewport_shot(mz, "#summary", "form-summary-390")
    mz.get_by_role("button", name="确认提交本部门检查结果").click()
    expect(summary).to_contain_text("已提交 · 服务器结果")
    expect(mz.locator("#item-B1 .answer-pass")).to_be_disabled()
    _viewport_shot(mz, "#summary", "form-submitted-390")


def test_a_stale_write_shows_both_values_and_overwrites_nothing(live_app: Flask, live_server: str, contexts):
    inspection_id = _plan(live_app, ["fire_safety"])
    first, second = contexts(), contexts()
    xf1 = _open_form(first, live_server, "xf1", inspection_id)
    xf2 = _open_form(second, live_server, "xf2", inspection_id)

    second.set_offline(True)
    _answer(xf1, "F24", "pass")
    _wait_synced(xf1)
    _answer(xf2, "F24", "fail")  # xf2 has not seen xf1's answer
    xf2.locator("#item-F24 .chip").first.click()
    second.set_offline(False)

    conflict = xf2.locator("#item-F24 .conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".mine")).to_have_text("不合格，扣全部分值：老年人居室采用芯材可燃的彩钢夹芯板搭建")
    expect(conflict.locator(".theirs")).to_have_text("合格")
    expect(xf2.locator("#item-F24 .item-state")).to_have_text("冲突")
    expect(xf2.locator("#sync-text")).to_contain_text("1 项未同步")
    with live_app.app_context():
        answer = _answer_row(inspection_id, "F24")
        assert (answer.result, answer.revision) == ("pass", 1)  # xf1's answer was not overwritten
    _card_shot(xf2, "#item-F24", "form-conflict-390")

    # xf2 decides to keep theirs: it is stored on top of xf1's answer, as a new revision.
    conflict.get_by_role("button", name="保留我的").click()
    _wait_synced(xf2)
    with live_app.app_context():
        answer = _answer_row(inspection_id, "F24")
        assert (answer.result, answer.revision, answer.note) == ("fail", 2, "老年人居室采用芯材可燃的彩钢夹芯板搭建")
    expect(xf2.locator("#item-F24 .conflict")).to_be_hidden()


def test_an_expired_token_or_login_keeps_the_queue(live_app: Flask, live_server: str, contexts):
    inspection_id = _plan(live_app, ["fire_safety"])
    context = contexts()
    page = _open_form(context, live_server, "xf1", inspection_id)
    _answer(page, "F24", "pass")
    _wait_synced(page)

    # The token expires while the login lives: the page gets a new token by itself.
    _expire_tokens(live_app, "xf1")
    _answer(page, "F2", "pass")
    _wait_synced(page)

    # The login ends too (on the server: a response still under way could set a cleared cookie again): nothing is
    # discarded, the page asks for a new login.
    _end_logins(live_app, "xf1")
    _expire_tokens(live_app, "xf1")
    _answer(page, "F3", "pass")
    _answer(page, "F4", "fail")
    relogin = page.get_by_role("link", name="请重新登录后同步")
    expect(relogin).to_be_visible(timeout=15_000)
    assert _pending(page) == 2
    with live_app.app_context():
        assert _answer_row(inspection_id, "F3") is None

    relogin.click()
    page.get_by_label("用户名").fill("xf1")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/inspections/{inspection_id}/form")
    _wait_synced(page)
    expect(relogin).to_be_hidden()
    with live_app.app_context():
        assert _answer_row(inspection_id, "F3").result == "pass"
        assert _answer_row(inspection_id, "F4").result == "fail"


def _answer_row(inspection_id: int, code: str) -> Answer | None:
    inspection = db.session.get(Inspection, inspection_id)
    return next((a for ic in inspection.checklists for a in ic.answers if a.item_code == code), None)


def _end_logins(app: Flask, username: str) -> None:
    """End the user's web logins as the server does (logout everywhere): their session generation moves on."""
    with app.app_context():
        db.session.execute(
            update(User).where(User.username == username).values(session_generation=User.session_generation + 1)
        )
        db.session.commit()


def _expire_tokens(app: Flask, username: str) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.execute(
            update(ApiToken).where(ApiToken.user_id == user.id).values(expires_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
