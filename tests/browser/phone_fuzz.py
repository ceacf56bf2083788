"""A randomized inspector on the phone form: random edits of random items, photos and signatures, with 0–1500 ms
of latency on every API request, offline periods, reloads and closed-and-reopened tabs; then the server's answers,
photos and signatures are compared with the last state the inspector produced (issue 11).

`tests/browser/test_sync_fuzz.py` runs a few seeds in `make test`; `benchmarks/sync_fuzz.py --runs 50` runs many.
Both serve the demo county and hand in how to plan an inspection and read what the server holds
(`plan_fire_inspection`, `server_state`). This module drives its own Chromium with Playwright's async API: a
request's latency is an `asyncio.sleep` that holds that request alone, where the sync API would stall the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import Flask
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright
from sqlalchemy import select

from inspection.demo.county import DEMO_PASSWORD
from inspection.extensions import db
from inspection.models import Answer, Facility, InspectionChecklist, InspectionPurpose, Photo, Signature, User
from inspection.services import Actor
from inspection.services.planning import start_inspection
from tests.browser.conftest import CHROMIUM_ARGS, PHONE

MAX_LATENCY = 1.5  # seconds added to each API request
INSPECTOR = "xf1"
DEPARTMENT = "xf"
NOTES = ["灭火器压力不足", "通道堆放杂物", "未见检查记录", "疏散指示灯不亮", "已当场整改", "需复查"]


@dataclass(frozen=True)
class ServerState:
    """What the server holds for one inspection: answers by item code, photo counts by item, signer names."""

    answers: dict[str, tuple[str, Decimal | None, str]]
    photos: Counter[str]
    signers: Counter[str]


@dataclass
class Outcome:
    """One run: what was lost or doubled, and how often the inspector was shown a conflict with himself."""

    seed: int
    actions: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    self_conflicts: int = 0


@dataclass
class Expected:
    """The last state the inspector produced, as a user would remember it."""

    answers: dict[str, tuple[str, Decimal | None, str]] = field(default_factory=dict)
    photos: Counter[str] = field(default_factory=Counter)
    signers: Counter[str] = field(default_factory=Counter)


def plan_fire_inspection(app: Flask) -> int:
    """A fire-safety inspection of a demo facility with xf1 and xf2 on the fire team."""
    with app.app_context():
        names = ["xf1", "xf2", "mz1", "mz2"]
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}
        facility = db.session.scalar(select(Facility).where(Facility.name == "清涟敬老院"))
        inspection = start_inspection(
            facility,
            ["fire_safety"],
            date.today(),
            InspectionPurpose.ROUTINE,
            users["mz1"].department,
            {"xf": [users["xf1"], users["xf2"]], "mz": [users["mz1"], users["mz2"]]},
            Actor(None, "test"),
        )
        db.session.commit()
        return inspection.id


def server_state(app: Flask, inspection_id: int) -> ServerState:
    """What the database holds for the inspection."""
    with app.app_context():
        answers = db.session.scalars(
            select(Answer).join(InspectionChecklist).where(InspectionChecklist.inspection_id == inspection_id)
        )
        photos = db.session.scalars(select(Photo.item_code).where(Photo.inspection_id == inspection_id))
        signers = db.session.scalars(select(Signature.signer_name).where(Signature.inspection_id == inspection_id))
        state = ServerState(
            {a.item_code: (str(a.result), a.deduction, a.note) for a in answers}, Counter(photos), Counter(signers)
        )
        db.session.remove()
        return state


def run_seeds(
    base_url: str,
    seeds: list[int],
    plan: Callable[[], int],
    read_server: Callable[[int], ServerState],
    steps: int = 30,
) -> list[Outcome]:
    """Run one fuzz per seed, each on a freshly planned inspection, in a thread of its own (the async API must not
    share a thread with the sync API the other browser tests use)."""
    outcomes: list[Outcome] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcomes.extend(asyncio.run(_run_all(base_url, seeds, plan, read_server, steps)))
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcomes


async def _run_all(
    base_url: str, seeds: list[int], plan: Callable[[], int], read_server: Callable[[int], ServerState], steps: int
) -> list[Outcome]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            return [await _fuzz(browser, base_url, plan(), read_server, seed, steps) for seed in seeds]
        finally:
            await browser.close()


async def _fuzz(
    browser: Browser,
    base_url: str,
    inspection_id: int,
    read_server: Callable[[int], ServerState],
    seed: int,
    steps: int,
) -> Outcome:
    rng = random.Random(seed)
    outcome, expected = Outcome(seed), Expected()
    context = await browser.new_context(**PHONE)
    slow = {"on": True}

    async def latency(route: Route) -> None:
        if slow["on"]:
            await asyncio.sleep(rng.uniform(0, MAX_LATENCY))
        with contextlib.suppress(Exception):  # the page went offline or closed meanwhile: the request fails
            await route.continue_()

    await context.route("**/api/v1/**", latency)
    form_url = f"{base_url}/inspections/{inspection_id}/form"
    try:
        page = await _open(context, base_url, form_url)
        codes = await page.eval_on_selector_all(
            f"#dept-{DEPARTMENT} .item-card[data-code]:not([data-auto-na])", "cards => cards.map((c) => c.dataset.code)"
        )
        offline = False
        for _ in range(steps):
            action = rng.choices(
                ["answer", "finding", "photo", "network", "reload", "reopen", "sign", "pause"],
                weights=[30, 30, 10, 10, 7, 4, 3, 6],
            )[0]
            outcome.actions += 1
            if action == "answer":
                await _answer(page, rng.choice(codes), rng, expected)
            elif action == "finding":
                await _finding(page, rng.choice(codes), rng, expected)
            elif action == "photo":
                await _photo(page, rng.choice(codes), rng, expected)
            elif action == "sign":
                await _sign(page, f"见证人{rng.randrange(1000)}", expected)
            elif action == "network":
                offline = not offline
                await context.set_offline(offline)
            elif action in ("reload", "reopen"):
                if action == "reload":
                    await page.reload()
                else:
                    await page.close()
                    page = await context.new_page()
                    await page.goto(form_url)
                await _ready(page)
                outcome.lost += await _shown_differently(page, expected)
            await asyncio.sleep(rng.uniform(0, 0.4) if action != "pause" else rng.uniform(0, MAX_LATENCY))
            outcome.self_conflicts += await _conflicts_shown(page)
        await context.set_offline(False)
        slow["on"] = False
        await page.click("#sync-now")
        await _synced(page, outcome)
        outcome.self_conflicts += await _conflicts_shown(page)
    finally:
        await context.close()
    _compare(read_server(inspection_id), expected, outcome)
    return outcome


async def _open(context: BrowserContext, base_url: str, form_url: str) -> Page:
    page = await context.new_page()
    page.set_default_timeout(20_000)
    await page.goto(f"{base_url}/auth/login")
    await page.get_by_label("用户名").fill(INSPECTOR)
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(lambda url: "/auth/login" not in url)
    await page.goto(form_url)
    await _ready(page)
    await page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    return page


async def _ready(page: Page) -> None:
    """Wait until the form shows everything the phone holds (its queue, its stored copy, unsaved typing)."""
    page.set_default_timeout(20_000)
    await page.wait_for_selector("#app[data-ready]", state="attached")


async def _answer(page: Page, code: str, rng: random.Random, expected: Expected) -> None:
    buttons = await page.eval_on_selector_all(
        f"#item-{code} .answer:not([disabled])", "buttons => buttons.map((b) => b.dataset.r)"
    )
    result = rng.choice(buttons)
    await _tap(page, code, result)
    await _remember(page, code, expected)


async def _finding(page: Page, code: str, rng: random.Random, expected: Expected) -> None:
    """What the issue saw: 不合格, a canned phrase, a typed note, a deduction, one after the other."""
    await _tap(page, code, "fail")
    chips = page.locator(f"#item-{code} .fail-fields button.chip")
    if await chips.count() and rng.random() < 0.6:
        await chips.nth(rng.randrange(await chips.count())).click()
    if rng.random() < 0.8:
        note = page.locator(f"#n-{code}")
        await note.fill((await note.input_value() + "；" if rng.random() < 0.5 else "") + rng.choice(NOTES))
    if rng.random() < 0.7:
        points = Decimal(await page.get_attribute(f"#item-{code}", "data-points"))
        await page.fill(f"#d-{code}", str(Decimal(rng.randrange(int(points * 2) + 1)) / 2))
    if rng.random() < 0.5:
        await page.locator(f"#item-{code} .question").click()  # leave the field: saved at once, not after 300 ms
    await _remember(page, code, expected)


async def _tap(page: Page, code: str, result: str) -> None:
    await page.click(f"#item-{code} .answer-{result}")
    await page.wait_for_selector(f"#item-{code} .answer-{result}[aria-pressed=true]")


async def _remember(page: Page, code: str, expected: Expected) -> None:
    expected.answers[code] = await _shown(page, code)


async def _shown(page: Page, code: str) -> tuple[str, Decimal | None, str]:
    """The answer the card shows: its pressed result, and for a fail its deduction, with its note."""
    result, deduction, note = await page.evaluate(
        """(code) => {
            const card = document.querySelector(`#item-${code}`);
            const pressed = card.querySelector('.answer[aria-pressed=true]');
            return [pressed ? pressed.dataset.r : '', card.querySelector('.deduction').value,
                    card.querySelector('.note-input').value];
        }""",
        code,
    )
    return result, Decimal(deduction) if result == "fail" and deduction else None, note


async def _photo(page: Page, code: str, rng: random.Random, expected: Expected) -> None:
    before = await page.eval_on_selector(f"#item-{code} .photo-count", "e => e.textContent")
    await page.set_input_files(
        f"#p-{code}", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(rng)}]
    )
    await page.wait_for_function(
        "([code, before]) => document.querySelector(`#item-${code} .photo-count`).textContent !== before",
        arg=[code, before],
    )
    expected.photos[code] += 1


def _jpeg(rng: random.Random) -> bytes:
    image = Image.new("RGB", (320, 240), tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


async def _sign(page: Page, name: str, expected: Expected) -> None:
    await page.select_option("#sig-role", "witness")
    await page.fill("#sig-name", name)
    pad = page.locator("#pad")
    await pad.scroll_into_view_if_needed()
    box = await pad.bounding_box()
    await page.mouse.move(box["x"] + 30, box["y"] + 60)
    await page.mouse.down()
    for step in range(1, 10):
        await page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 60 + (step % 3) * 20)
    await page.mouse.up()
    await page.get_by_role("button", name="保存签字").click()
    await page.wait_for_function("(name) => document.querySelector('#sig-list').textContent.includes(name)", arg=name)
    expected.signers[name] += 1


async def _shown_differently(page: Page, expected: Expected) -> list[str]:
    """After a reload or a reopened tab, every answer the inspector gave must still show as he left it."""
    lost = []
    for code, answer in expected.answers.items():
        shown = await _shown(page, code)
        if not _same(shown, answer):
            lost.append(f"{code} shown as {shown} after a reload, entered {answer}")
            expected.answers[code] = shown  # count one loss once
    return lost


async def _conflicts_shown(page: Page) -> int:
    """Conflict boxes on the page: with one inspector, each is a conflict with himself."""
    return await page.locator(".item-card .conflict:not([hidden])").count()


async def _synced(page: Page, outcome: Outcome) -> None:
    try:
        await page.wait_for_function(
            "() => document.querySelector('#syncbar').dataset.pending === '0'"
            " && document.querySelector('#sync-text').textContent.includes('已同步')",
            timeout=60_000,
        )
    except Exception:
        pending = await page.get_attribute("#syncbar", "data-pending")
        outcome.lost.append(f"{pending} changes still pending on the phone after a minute online")


def _same(a: tuple[str, Decimal | None, str], b: tuple[str, Decimal | None, str]) -> bool:
    return a[0] == b[0] and a[2] == b[2] and (a[0] != "fail" or a[1] == b[1])


def _compare(server: ServerState, expected: Expected, outcome: Outcome) -> None:
    for code, answer in sorted(expected.answers.items()):
        held = server.answers.get(code)
        if held is None or not _same(held, answer):
            outcome.lost.append(f"{code}: server holds {held}, inspector entered {answer}")
    for code in sorted(set(expected.photos) | set(server.photos)):
        difference = server.photos[code] - expected.photos[code]
        if difference < 0:
            outcome.lost.append(f"{code}: {-difference} photo(s) missing on the server")
        elif difference > 0:
            outcome.duplicated.append(f"{code}: {difference} photo(s) more on the server than taken")
    for name in sorted(set(expected.signers) | set(server.signers)):
        difference = server.signers[name] - expected.signers[name]
        if difference < 0:
            outcome.lost.append(f"signature of {name} missing on the server")
        elif difference > 0:
            outcome.duplicated.append(f"signature of {name} stored {difference} time(s) too often")
