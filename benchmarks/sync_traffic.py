"""Mobile data of the phone form's sync: bytes on the wire per answer change and per idle minute (issue 17).

Usage: .venv/bin/python benchmarks/sync_traffic.py [--changes 90] [--idle-minutes 10]
Serves the demo county from a temporary SQLite file, plans a joint fire + service-safety inspection, logs in as
inspector mz1 in headless Chromium at 390×844 and opens the form. It then answers items one by one (round after
round over mz1's items, pass then fail, until `--changes` changes), waiting after each until the page shows it
synced, and idles: the page's clock is Playwright's fake clock, advanced one minute at a time, so the page's own
one-minute poll fires once per simulated minute (no poll is triggered by hand).

Bytes come from the Chrome DevTools Protocol: received = `Network.loadingFinished.encodedDataLength` (status line,
headers and compressed body), sent = request line + the headers Chromium really sent
(`Network.requestWillBeSentExtraInfo`) + the request body. Aims: ≤ 1 KB per change, ≤ 0.5 KB per idle minute.
To measure another checkout, copy this file into its `benchmarks/` folder and run it with this virtualenv's python.

`--http2` serves the same app over TLS and HTTP/2 (Hypercorn, a throwaway certificate), as a phone reaches it in
production behind the README's reverse proxy: headers then travel HPACK-compressed. Received bytes are Chromium's
own count; sent header bytes are what an HPACK encoder kept for the whole connection makes of the headers Chromium
reports (plus 9 bytes per frame), since DevTools reports them uncompressed.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from inspection import create_app  # noqa: E402
from inspection.demo.county import DEMO_PASSWORD  # noqa: E402
from inspection.demo.seed import seed_demo_county  # noqa: E402
from inspection.extensions import db  # noqa: E402
from inspection.models import Facility, InspectionPurpose, User  # noqa: E402
from inspection.passwords import use_fast_hashing  # noqa: E402
from inspection.services import Actor  # noqa: E402
from inspection.services.checklists import import_shipped_checklists  # noqa: E402
from inspection.services.planning import start_inspection  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
#: Bytes of an HTTP/2 frame header (RFC 9113 §4.1).
FRAME_HEADER = 9
SYNCED = (
    "() => document.querySelector('#syncbar').dataset.pending === '0' && "
    "document.querySelector('#sync-text').textContent.includes('已同步')"
)


def serve(http2: bool = False) -> tuple[str, int]:
    """Serve a fresh demo county on a free port (over TLS and HTTP/2 when `http2`); return its address and the id of
    a joint inspection of today."""
    use_fast_hashing()
    folder = tempfile.mkdtemp()
    _demo_signing_keys(Path(folder))
    config = {"SECRET_KEY": "b" * 48, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/traffic.sqlite",
              "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}  # fmt: skip
    app = create_app(config, instance_path=folder)
    with app.app_context():
        upgrade()
        import_shipped_checklists(Actor(None, "traffic"))
        seed_demo_county()
        users = {u.username: u for u in db.session.scalars(select(User))}
        facility = db.session.scalar(select(Facility).where(Facility.name == "五寨县社会福利中心"))
        inspection = start_inspection(
            facility,
            ["fire_safety", "service_safety"],
            date.today(),
            InspectionPurpose.ROUTINE,
            users["mz1"].department,
            {"xf": [users["xf1"], users["xf2"]], "mz": [users["mz1"], users["mz2"]]},
            Actor(None, "traffic"),
        )
        db.session.commit()
        inspection_id = inspection.id
    if http2:
        return _serve_http2(app, Path(folder)), inspection_id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", inspection_id


def _serve_http2(app, folder: Path) -> str:
    """Serve `app` with Hypercorn over TLS, offering HTTP/2 (ALPN), on a free port; return its address."""
    import socket

    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config
    from hypercorn.middleware import AsyncioWSGIMiddleware

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile, config.keyfile = _throwaway_certificate(folder)
    config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = None
    wsgi = AsyncioWSGIMiddleware(_first_chunk_always(app), max_body_size=16 * 1024 * 1024)
    # Off the main thread no signal handler can be installed: the server stops with the process instead.
    forever = lambda: asyncio.get_running_loop().create_future()  # noqa: E731
    threading.Thread(
        target=lambda: asyncio.run(hypercorn_serve(wsgi, config, shutdown_trigger=forever)), daemon=True
    ).start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return f"https://127.0.0.1:{port}"


def _first_chunk_always(app):
    """Hypercorn's WSGI adapter (0.18) sends the status and headers only with a first body chunk, and fails a reply
    without one (the sync's 204, the poll's 304): give such a reply one empty chunk."""

    def wsgi(environ, start_response):
        chunks = app(environ, start_response)
        try:
            empty = True
            for chunk in chunks:
                empty = False
                yield chunk
            if empty:
                yield b""
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    return wsgi


def _throwaway_certificate(folder: Path) -> tuple[str, str]:
    """Write a self-signed certificate for 127.0.0.1 and its key; return their paths."""
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls.crt", folder / "tls.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


def _demo_signing_keys(folder: Path) -> None:
    """Seeding issues signed notices: give every department a throwaway key of a demo CA (as the tests do); a
    checkout from before signed notices has no such keys and needs none."""
    try:
        from tests.signing.keys import make_test_keys
    except ImportError:
        return
    os.environ.update(make_test_keys(folder).environ)


class Wire:
    """Counts the bytes of every request the page makes, as Chromium's network stack saw them."""

    def __init__(self, page: Page, *, http2: bool = False) -> None:
        self.http2 = http2
        if http2:
            from hpack import Encoder

            # One connection carries every request: each direction keeps one HPACK dynamic table.
            self.request_encoder, self.response_encoder = Encoder(), Encoder()
        self.sent = self.received = self.requests = self.answer_puts = self.request_headers = 0
        self.in_flight: set[str] = set()
        self.urls: dict[str, str] = {}
        self.response_headers: dict[str, int] = {}
        self.by_url: dict[str, int] = {}
        session = page.context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._request)
        session.on("Network.requestWillBeSentExtraInfo", self._request_headers)
        session.on("Network.loadingFinished", self._finished)
        session.on("Network.responseReceivedExtraInfo", self._response_headers)
        session.on("Network.loadingFailed", self._failed)
        session.send("Network.enable")

    def _request(self, event: dict) -> None:
        request = event["request"]
        self.answer_puts += request["method"] == "PUT" and request["url"].endswith("/answers")
        self.urls[event["requestId"]] = f"{request['method']} {request['url'].split('?')[0].split('/', 3)[-1]}"
        self.in_flight.add(event["requestId"])
        body = sum(len(entry.get("bytes", "")) * 3 // 4 for entry in request.get("postDataEntries", []))
        if self.http2:  # the method and path travel as pseudo-headers; a body as one DATA frame
            self.sent += body + (FRAME_HEADER if body else 0)
        else:
            # origin-form, as the server receives it: the host travels in the Host header
            self.sent += len(f"{request['method']} /{request['url'].split('/', 3)[-1]} HTTP/1.1\r\n") + body

    def _request_headers(self, event: dict) -> None:
        headers = event["headers"]
        if self.http2:
            size = FRAME_HEADER + len(self.request_encoder.encode(list(headers.items())))
        else:
            size = sum(len(f"{name}: {value}\r\n") for name, value in headers.items()) + 2
        self.sent += size
        self.request_headers += size

    def _response_headers(self, event: dict) -> None:
        if self.http2:  # DevTools gives no header text for HTTP/2: encode them as the server's HPACK table would
            encoded = self.response_encoder.encode([(k.lower(), v) for k, v in event["headers"].items()])
            self.response_headers[event["requestId"]] = FRAME_HEADER + len(encoded)
        else:
            self.response_headers[event["requestId"]] = len(event.get("headersText") or "")

    def _failed(self, event: dict) -> None:
        """A 304 to a fetch that set If-None-Match itself ends as "canceled" once the script has read it: its
        status line and headers still crossed the wire."""
        self.requests += 1
        self.in_flight.discard(event["requestId"])
        headers = self.response_headers.get(event["requestId"], 0)
        self.received += headers
        url = self.urls.get(event["requestId"], "?")
        self.by_url[url] = self.by_url.get(url, 0) + headers

    def _finished(self, event: dict) -> None:
        self.requests += 1
        self.in_flight.discard(event["requestId"])
        self.received += int(event["encodedDataLength"])
        url = self.urls.get(event["requestId"], "?")
        self.by_url[url] = self.by_url.get(url, 0) + int(event["encodedDataLength"])

    def total(self) -> int:
        return self.sent + self.received

    def reset(self) -> None:
        self.sent = self.received = self.requests = self.request_headers = 0
        self.by_url = {}


def settle(page: Page) -> None:
    page.wait_for_function(SYNCED, timeout=30_000)
    page.wait_for_timeout(150)  # let a request the sync started after the bar turned green finish and be counted


def run(base: str, inspection_id: int, changes: int, idle_minutes: int, *, http2: bool = False) -> dict[str, float]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(**PHONE, ignore_https_errors=http2)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.clock.install()  # runs in real time until advanced by hand; the page's timers follow this clock
        page.goto(f"{base}/auth/login")
        page.get_by_label("用户名").fill("mz1")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/auth/login" not in url)
        wire = Wire(page, http2=http2)
        page.goto(f"{base}/inspections/{inspection_id}/form")
        settle(page)
        # After its first sync the page keeps the forms of the user's other inspections for offline use: once per
        # page, so part of the first load, not of the answers that happen to follow.
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 1:
            page.wait_for_timeout(100)
            if wire.in_flight:
                quiet_since = time.monotonic()
        mine = "els => els.filter((e) => !e.querySelector('.answer-pass').disabled).map((e) => e.dataset.code)"
        codes = page.eval_on_selector_all(".item-card", mine)
        if not codes:
            sys.exit("no item of mz1 can be answered on the form")
        first_load = wire.total()
        wire.reset()
        started = time.monotonic()
        skipped, tap = [], 0
        while wire.answer_puts < changes:
            code, result = codes[tap % len(codes)], ("pass", "fail")[(tap // len(codes)) % 2]
            tap += 1
            before = wire.answer_puts
            page.locator(f"#item-{code} .answer-{result}").click()
            deadline = time.monotonic() + 5
            while wire.answer_puts == before and time.monotonic() < deadline:  # the change leaves the phone
                page.wait_for_timeout(20)
            if wire.answer_puts == before:
                skipped.append(f"{code} {result}")  # the tap changed nothing the server needs
            settle(page)
        if skipped:
            print(f"taps that sent nothing: {', '.join(skipped)}")
        per_change = wire.total() / wire.answer_puts
        browser_headers = wire.request_headers / wire.answer_puts
        change_detail = dict(wire.by_url)
        change_seconds = time.monotonic() - started
        wire.reset()
        for _minute in range(idle_minutes):
            page.clock.run_for(60_000)
            settle(page)
        per_minute = wire.total() / idle_minutes
        idle_requests = wire.requests
        idle_detail = dict(wire.by_url)
        browser.close()
    return {
        "first_load": first_load,
        "per_change": per_change,
        "browser_headers": browser_headers,
        "per_minute": per_minute,
        "idle_requests": idle_requests,
        "change_seconds": change_seconds,
        "change_detail": change_detail,
        "idle_detail": idle_detail,
        "items": len(codes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=90)
    parser.add_argument("--idle-minutes", type=int, default=10)
    parser.add_argument("--detail", action="store_true", help="also print the received bytes by request")
    parser.add_argument("--http2", action="store_true", help="serve over TLS and HTTP/2, as behind the reverse proxy")
    args = parser.parse_args()
    base, inspection_id = serve(args.http2)
    figures = run(base, inspection_id, args.changes, args.idle_minutes, http2=args.http2)
    transport = "HTTP/2 over TLS" if args.http2 else "HTTP/1.1"
    print(f"sync traffic of the phone form ({ROOT}) over {transport},")
    print(f"inspection {inspection_id}, mz1's {figures['items']} items:")
    print(f"  first load of the form      {figures['first_load'] / 1024:8.1f} KB")
    print(
        f"  per answer change           {figures['per_change'] / 1024:8.2f} KB  (aim <= 1 KB; "
        f"{args.changes} changes in {figures['change_seconds']:.0f} s)"
    )
    print(
        f"  per idle minute             {figures['per_minute'] / 1024:8.2f} KB  (aim <= 0.5 KB; "
        f"{figures['idle_requests']} requests in {args.idle_minutes} simulated minutes)"
    )
    print(
        f"    of which request headers  {figures['browser_headers'] / 1024:8.2f} KB  (Chromium's own: user agent, "
        "client hints, fetch metadata; plus the token)"
    )
    if args.detail:
        for phase in ("change_detail", "idle_detail"):
            print(f"  {phase}: " + ", ".join(f"{k} {v}" for k, v in sorted(figures[phase].items())))


if __name__ == "__main__":
    main()
