"""Budget of the phone inspection form: bytes transferred on first load, JS size, and a Lighthouse mobile run.

Usage: .venv/bin/python benchmarks/form_budget.py [--no-lighthouse]
Serves the demo county from a temporary SQLite file, logs in as inspector xf1 in headless Chromium at 390×844,
opens the form of today's joint inspection with an empty HTTP cache and no service worker, waits until the form has
synced (its API token, the inspection) and sums what crossed the wire (compressed). It stops with an error when it
measured anything but the form an inspector sees: a redirect (e.g. to the login page), a page without the form, or
a sync refused. Lighthouse comes from npm: `npm install --prefix .tools lighthouse@12.8.2` (the script says so if it
is missing); its report must show the form too.
Aims (issue 4): ≤ 100 KB transferred, JS ≤ 30 KB, Lighthouse mobile performance ≥ 95 and accessibility ≥ 95.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from inspection import create_app  # noqa: E402
from inspection.demo.county import DEMO_PASSWORD  # noqa: E402
from inspection.demo.seed import seed_demo_county  # noqa: E402
from inspection.extensions import db  # noqa: E402
from inspection.models import Inspection, InspectionAssignment, User  # noqa: E402
from inspection.passwords import use_fast_hashing  # noqa: E402
from inspection.services import Actor  # noqa: E402
from inspection.services.checklists import import_shipped_checklists  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
LIGHTHOUSE = ROOT / ".tools" / "node_modules" / ".bin" / "lighthouse"
#: The session is bound to the user agent (Flask-Login "strong" protection). The browser's own agent is used
#: everywhere: a phone agent set on the page is not the one its service worker sends when it keeps the form for
#: offline use, and that request ended the session (the form's sync then got 401). Lighthouse gets the same agent,
#: or it would audit the login page.


def serve() -> tuple[str, int]:
    use_fast_hashing()
    folder = tempfile.mkdtemp()
    _demo_signing_keys(Path(folder))
    config = {"SECRET_KEY": "b" * 48, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/budget.sqlite",
              "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}  # fmt: skip
    app = create_app(config, instance_path=folder)
    with app.app_context():
        upgrade()
        import_shipped_checklists(Actor(None, "budget"))
        seed_demo_county()
        db.session.commit()
        xf1 = db.session.scalar(select(User).where(User.username == "xf1"))
        inspection_id = db.session.scalar(
            select(Inspection.id).join(InspectionAssignment).where(InspectionAssignment.user_id == xf1.id)
            .where(Inspection.status == "in_progress").order_by(Inspection.inspected_on.desc()).limit(1)
        )  # fmt: skip
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", inspection_id


def _demo_signing_keys(folder: Path) -> None:
    """Seeding issues signed notices: give every department a throwaway key of a demo CA, as the tests do."""
    from tests.signing.keys import make_test_keys

    os.environ.update(make_test_keys(folder).environ)


#: What only the form an inspector can use has: the sync bar, filled in once the form holds the server's copy.
FORM_READY = (
    "() => document.querySelector('#app[data-ready=\"1\"]') && document.querySelector('#syncbar') && "
    "document.querySelector('#sync-text').textContent.includes('已同步')"
)


def measure(base: str, inspection_id: int) -> tuple[dict[str, int], str, str]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        page = context.new_page()
        page.goto(f"{base}/auth/login")
        page.get_by_label("用户名").fill("xf1")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/")
        # First load of the form in the logged-in browser (a copied cookie is not the same session: the sync's
        # token request was refused), with the HTTP cache emptied; no service worker is registered before the form.
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        sizes: dict[str, int] = {}
        responses = []
        page.on("response", lambda response: responses.append(response))
        url = f"{base}/inspections/{inspection_id}/form"
        page.goto(url, wait_until="networkidle")
        if page.url != url:
            sys.exit(f"measured {page.url}, not the form {url}")
        try:
            page.wait_for_function(FORM_READY, timeout=15_000)
        except PlaywrightTimeout:
            sys.exit(f"{url} shows no synced form (sync bar: {page.locator('#sync-text').text_content()!r})")
        refused = [f"{r.request.method} {r.url} {r.status}" for r in responses if r.status >= 400]
        if refused:
            sys.exit("the form's requests were refused: " + ", ".join(refused))
        for response in responses:
            kind = response.request.resource_type
            body = response.request.sizes()["responseBodySize"]
            sizes[kind] = sizes.get(kind, 0) + body
            sizes["total"] = sizes.get("total", 0) + body + response.request.sizes()["responseHeadersSize"]
            sizes["requests"] = sizes.get("requests", 0) + 1
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        agent = page.evaluate("navigator.userAgent")
        browser.close()
    return sizes, cookie, agent


def lighthouse(url: str, cookie: str, agent: str) -> dict[str, float]:
    out = Path(tempfile.mkdtemp()) / "lh"
    command = [str(LIGHTHOUSE), url, "--form-factor=mobile", "--only-categories=performance,accessibility",
               f"--emulated-user-agent={agent}",
               f"--extra-headers={json.dumps({'Cookie': cookie})}", "--output=json", f"--output-path={out}.json",
               "--quiet", f"--chrome-flags=--headless {' '.join(FLAGS)}"]  # fmt: skip
    subprocess.run(command, check=True, env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin"})
    report = json.loads(Path(f"{out}.json").read_text(encoding="utf-8"))
    if report["finalDisplayedUrl"] != url:  # e.g. redirected to the login page: that page's scores mean nothing
        sys.exit(f"lighthouse audited {report['finalDisplayedUrl']}, not {url}")
    requested = report["audits"]["network-requests"]["details"]["items"]
    if not any("/api/v1/inspections/" in r["url"] and r.get("statusCode") == 200 for r in requested):
        sys.exit("lighthouse's page did not sync the form (no inspection read from the API): it is not the form")
    return {name: round(category["score"] * 100) for name, category in report["categories"].items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    base, inspection_id = serve()
    sizes, cookie, agent = measure(base, inspection_id)
    print(f"form page of inspection {inspection_id}, first load (compressed bytes on the wire):")
    for kind in sorted(k for k in sizes if k not in ("total", "requests")):
        print(f"  {kind:12s} {sizes[kind] / 1024:7.1f} KB")
    print(f"  ({sizes['requests']} requests, incl. the form's first sync: its API token and the inspection)")
    print(f"  {'total':12s} {sizes['total'] / 1024:7.1f} KB incl. headers (aim <= 100 KB)")
    print(f"  script {sizes.get('script', 0) / 1024:.1f} KB compressed (aim <= 30 KB)")
    if args.no_lighthouse:
        return
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse missing: npm install --prefix .tools lighthouse@12.8.2")
    scores = lighthouse(f"{base}/inspections/{inspection_id}/form", cookie, agent)
    print("lighthouse mobile: " + ", ".join(f"{k} {v}" for k, v in scores.items()) + " (aim >= 95 each)")


if __name__ == "__main__":
    main()
