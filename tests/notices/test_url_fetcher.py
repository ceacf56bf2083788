"""The restrictive URL fetcher: only our fonts, our stylesheet and this notice's own images are ever loaded."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from inspection.notices.pdf import (
    FONT_FILES,
    STYLESHEET,
    ForbiddenResourceError,
    build_notice_html,
    data_uri,
    html_to_pdf,
    make_url_fetcher,
)
from tests.notices.fixtures.contexts import make_context, make_jpeg


class _Recorder(BaseHTTPRequestHandler):
    """Answers /redirect with a 302 to a local file and everything else with a PNG; records every request."""

    hits: list[str]

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", FONT_FILES[0].as_uri())
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.end_headers()
        self.wfile.write(make_jpeg(1))

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def http_server() -> Iterator[ThreadingHTTPServer]:
    """A loopback HTTP server that records requests (there must be none)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _forbidden_urls(server: ThreadingHTTPServer) -> dict[str, str]:
    port = server.server_address[1]
    return {
        "file-outside": "file:///etc/passwd",
        "file-traversal": (FONT_FILES[0].parent / ".." / ".." / ".." / ".." / "etc" / "passwd").as_uri(),
        "http-loopback": f"http://127.0.0.1:{port}/photo.jpg",
        "https": "https://example.org/x.png",
        "redirect": f"http://127.0.0.1:{port}/redirect",
        "unknown-scheme": "gopher://example.org/1",
        "private-scheme": "notice-image:1",
        "foreign-data": data_uri(make_jpeg(99)),
        "file-other-host": "file://example.org/etc/passwd",
    }


def test_allowed_resources_are_served() -> None:
    image = data_uri(make_jpeg(5))
    fetcher = make_url_fetcher([image])
    for path in (STYLESHEET, *FONT_FILES):
        response = fetcher.fetch(path.as_uri())
        assert response.read(4) and response.url == path.as_uri()
        response.close()
    response = fetcher.fetch(image)
    assert response.read() == make_jpeg(5) and response.content_type == "image/jpeg"
    response.close()
    assert fetcher.refused == []


def test_each_forbidden_url_is_refused_and_logged(
    http_server: ThreadingHTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    fetcher = make_url_fetcher()
    for name, url in _forbidden_urls(http_server).items():
        with (
            caplog.at_level(logging.WARNING, logger="inspection.notices.pdf"),
            pytest.raises(ForbiddenResourceError, match="not allowed"),
        ):
            fetcher.fetch(url)
        assert "refused to load" in caplog.text, name
        caplog.clear()
    assert len(fetcher.refused) == len(_forbidden_urls(http_server))
    assert http_server.hits == []  # type: ignore[attr-defined]


def test_urllib_style_open_is_routed_through_the_allow_list(http_server: ThreadingHTTPServer) -> None:
    with pytest.raises(ForbiddenResourceError):
        make_url_fetcher().open(_forbidden_urls(http_server)["http-loopback"])
    assert http_server.hits == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "name", ["file-outside", "file-traversal", "http-loopback", "https", "redirect", "unknown-scheme"]
)
@pytest.mark.parametrize("form", ["img", "css-url"])
def test_a_page_pointing_outside_is_not_rendered_and_nothing_is_fetched(
    http_server: ThreadingHTTPServer, name: str, form: str
) -> None:
    url = _forbidden_urls(http_server)[name]
    body = f'<img src="{url}" alt="x">' if form == "img" else f"<div style=\"background: url('{url}')\">x</div>"
    html = f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>{body}</body></html>'
    with pytest.raises(ForbiddenResourceError, match="not allowed"):
        html_to_pdf(html)
    assert http_server.hits == []  # type: ignore[attr-defined]


def test_a_stylesheet_import_is_refused(http_server: ThreadingHTTPServer) -> None:
    url = _forbidden_urls(http_server)["http-loopback"]
    html = f'<!DOCTYPE html><html><head><style>@import url("{url}");</style></head><body>x</body></html>'
    with pytest.raises(ForbiddenResourceError):
        html_to_pdf(html)
    assert http_server.hits == []  # type: ignore[attr-defined]


def test_a_notice_loads_only_what_it_generated(tmp_path: Path) -> None:
    """Render a real notice with a recording fetcher: every load is a font, the stylesheet or its own image."""
    rendered = build_notice_html(make_context(n_photos=2))
    pdf = html_to_pdf(rendered.html, allowed_data_uris=rendered.data_uris)
    assert pdf.startswith(b"%PDF-")
    assert len(rendered.data_uris) == 2 + 2 + 1  # photos, two inspector signatures, the facility signature
