"""Taps and swipes an inspector needs on a phone for "fill 17 items with 2 failures, sign and submit" (issue 17).

Usage: .venv/bin/python benchmarks/form_taps.py [--before COMMIT]
Measures the code of this checkout and the code of COMMIT (default ebd7388, the form before issue 17), the latter
checked out into a temporary git worktree under /tmp; prints both counts and their ratio. Each measurement runs in
its own process (`--measure ROOT`): it serves the demo county of that code tree from a temporary SQLite file, plans
a joint fire and service-safety inspection at a facility without a canteen (so 17 of the fire department's 18 items
apply), logs in as xf1 in headless Chromium at 390×844 and fills in the fire department's part as a person would:

- a **tap** is one touch of a control (an answer, a button, a field, the camera's shutter, the finger's signature);
- a **swipe** is one scroll gesture of at most one screen height, made whenever the next thing to tap is not on
  the screen between the sticky bars; jumps the page makes by itself (the bottom bar's buttons) cost no swipe.

The person uses what the page offers: where it has 其余全部合格 they tap the two failures and then that, else they
tap 合格 on each of the other items; where it has 签字并提交 they tap it, else they swipe down to the signatures.
Aim: half of the taps and swipes of the form before issue 17.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "ebd7388"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
#: The two of the fire department's applicable items that fail (by position, so both code trees fail the same).
FAILING_POSITIONS = (4, 11)
#: Everything this script prints, in one place.
TEXT = {
    "row": "{label:<28} taps {taps:>3}   swipes {swipes:>3}   total {total:>3}",
    "before": "before issue 17 ({commit})",
    "after": "this checkout",
    "ratio": "after / before: {ratio:.2f} (aim: ≤ 0.50)",
    "worktree": "checking out {commit} into {path}",
}

# Where the screen shows content: below a sticky bar at the top, above a sticky bar at the bottom.
VISIBLE_BAND = """() => {
  let top = 0, bottom = innerHeight;
  for (const e of document.querySelectorAll('#syncbar, #jumpbar')) {
    const r = e.getBoundingClientRect();
    if (!r.height || getComputedStyle(e).display === 'none') continue;
    if (r.top <= 1) top = Math.max(top, r.bottom);
    else if (r.bottom >= innerHeight - 1) bottom = Math.min(bottom, r.top);
  }
  return { top, bottom };
}"""


class Person:
    """A person on a phone who counts their own taps and swipes."""

    def __init__(self, page: "Page") -> None:
        self.page = page
        self.taps = 0
        self.swipes = 0

    def reach(self, selector: str) -> None:
        """Swipe until the element is on the screen between the sticky bars, one screen height at most per swipe
        (the bars themselves and an open dialog are always on the screen)."""
        if self.page.eval_on_selector(selector, "(e) => !!e.closest('#syncbar, #jumpbar, dialog')"):
            return
        for _ in range(200):
            band = self.page.evaluate(VISIBLE_BAND)
            box = self.page.eval_on_selector(
                selector, "(e) => { const r = e.getBoundingClientRect(); return r.toJSON(); }"
            )
            if box["top"] >= band["top"] and box["bottom"] <= band["bottom"]:
                return
            height = self.page.evaluate("innerHeight")
            if box["bottom"] > band["bottom"]:
                distance = min(height, box["bottom"] - band["bottom"] + 8)
            else:
                distance = -min(height, band["top"] - box["top"] + 8)
            self.page.evaluate("(d) => scrollBy({ top: d, behavior: 'instant' })", distance)
            self.swipes += 1
        raise RuntimeError(f"could not scroll {selector} into view")

    def tap(self, selector: str) -> None:
        self.reach(selector)
        self.page.locator(selector).click()
        self.taps += 1

    def photograph(self, card: str, image: Path) -> None:
        """Tap 拍照 and the camera's shutter."""
        self.reach(f"{card} .photo-btn")
        with self.page.expect_file_chooser() as chooser:
            self.page.locator(f"{card} .photo-btn").click()
        chooser.value.set_files(str(image))
        self.taps += 2
        self.page.wait_for_function(
            "(c) => document.querySelector(c + ' .thumbs img') || document.querySelector(c + ' .photo-count')"
            ".textContent.includes('待上传')",
            arg=card,
        )

    def sign(self) -> None:
        """Type the signer's name (one tap on the field) and sign with one finger stroke."""
        self.tap("#sig-name")
        self.page.keyboard.type("张三")
        self.page.evaluate("document.activeElement.blur()")
        self.reach("#pad")
        box = self.page.locator("#pad").bounding_box()
        self.page.mouse.move(box["x"] + 30, box["y"] + 60)
        self.page.mouse.down()
        for step in range(1, 12):
            self.page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 60 + (step % 3) * 25)
        self.page.mouse.up()
        self.taps += 1
        self.tap("#sign-form button[type=submit]")


def serve(root: Path) -> tuple[str, int]:
    """Serve the demo county of the code tree at `root` with the inspection planned; return its URL and id."""
    sys.path.insert(0, str(root))
    from flask_migrate import upgrade
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from inspection import create_app
    from inspection.demo.seed import seed_demo_county
    from inspection.extensions import db
    from inspection.models import Facility, InspectionPurpose, User
    from inspection.passwords import use_fast_hashing
    from inspection.services import Actor
    from inspection.services.checklists import import_shipped_checklists
    from inspection.services.planning import start_inspection
    from inspection.services.submission import facility_facts

    use_fast_hashing()
    folder = tempfile.mkdtemp(prefix="form-taps-")
    _sign_with_throwaway_keys(root, Path(folder))
    config = {"SECRET_KEY": "t" * 48, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/taps.sqlite",
              "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}  # fmt: skip
    app = create_app(config, instance_path=folder)
    with app.app_context():
        upgrade()
        import_shipped_checklists(Actor(None, "taps"))
        seed_demo_county()
        users = {u.username: u for u in db.session.scalars(select(User))}
        facility = next(
            f
            for f in db.session.scalars(select(Facility).order_by(Facility.id))
            if "no_canteen" in facility_facts(f).true_facts()
        )
        teams = {"xf": [users["xf1"], users["xf2"]], "mz": [users["mz1"], users["mz2"]]}
        inspection = start_inspection(
            facility,
            ["fire_safety", "service_safety"],
            date.today(),
            InspectionPurpose.ROUTINE,
            users["mz1"].department,
            teams,
            Actor(None, "taps"),
        )
        db.session.commit()
        inspection_id = inspection.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", inspection_id


def _sign_with_throwaway_keys(root: Path, folder: Path) -> None:
    """The demo county's history holds issued notices, which code trees since issued documents are signed sign with
    the issuing department's key: give every department a throwaway one, as the tests do."""
    if not (root / "tests" / "signing" / "keys.py").exists():
        return  # a tree from before signing
    from tests.signing.keys import make_test_keys

    os.environ.update(make_test_keys(folder).environ)


def measure(root: Path) -> dict[str, int]:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    base, inspection_id = serve(root)
    from inspection.demo.county import DEMO_PASSWORD  # of the code tree measured

    photo = Path(tempfile.mkdtemp(prefix="form-taps-")) / "photo.jpg"
    Image.effect_noise((800, 600), 60).convert("RGB").save(photo, "JPEG")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
            locale="zh-CN",
        )  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{base}/auth/login")
        page.get_by_label("用户名").fill("xf1")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/auth/login" not in url)
        page.goto(f"{base}/inspections/{inspection_id}/form")
        page.wait_for_function("() => document.querySelector('#app').dataset.ready === '1'")
        codes = page.eval_on_selector_all(
            "section.dept[data-dept=xf] .item-card:not([data-auto-na])", "els => els.map((e) => e.dataset.code)"
        )
        assert len(codes) == 17, codes
        failing = {codes[position] for position in FAILING_POSITIONS}
        person = Person(page)
        bulk = page.locator("#rest-pass").count() > 0
        for code in codes:
            if code in failing:
                person.tap(f"#item-{code} .answer-fail")
                person.photograph(f"#item-{code}", photo)
            elif not bulk:
                person.tap(f"#item-{code} .answer-pass")
        if bulk:
            person.tap("#rest-pass")
            person.tap("#rest-confirm")
        page.wait_for_function(
            "() => [...document.querySelectorAll('section.dept[data-dept=xf] .item-card')]"
            ".every((card) => card.classList.contains('answered'))"
        )
        if page.locator("#to-sign").count():
            person.tap("#to-sign")
        person.sign()
        page.wait_for_function("() => document.querySelector('#syncbar').dataset.pending === '0'", timeout=60_000)
        person.tap("#show-summary")
        person.tap("#do-submit")
        page.wait_for_function(
            "() => document.querySelector('#summary').textContent.includes('已提交')", timeout=60_000
        )
        browser.close()
    return {"taps": person.taps, "swipes": person.swipes, "total": person.taps + person.swipes}


def run(root: Path) -> dict[str, int]:
    """Measure the code tree at `root` in a process of its own (its own `inspection` package)."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(root)], check=True, capture_output=True, text=True, cwd=root
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="the commit to compare with (default: %(default)s)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    worktree = Path(tempfile.gettempdir()) / f"careinspect-form-taps-{args.before}"
    if not worktree.exists():
        print(TEXT["worktree"].format(commit=args.before, path=worktree), flush=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.before], cwd=ROOT, check=True)
    before, after = run(worktree), run(ROOT)
    print(TEXT["row"].format(label=TEXT["before"].format(commit=args.before), **before))
    print(TEXT["row"].format(label=TEXT["after"], **after))
    print(TEXT["ratio"].format(ratio=after["total"] / before["total"]))


if __name__ == "__main__":
    main()
