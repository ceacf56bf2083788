"""A real server process for race tests: the app of a `concurrent_app` database served by a separate Python
interpreter (its own connection pool, its own threads per request), and a small HTTP client with a cookie jar.

Run as a module by `server_process()`; the parent passes the database settings in CAREINSPECT_TEST_SERVER.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_VARIABLE = "CAREINSPECT_TEST_SERVER"


@contextmanager
def server_process(app: Flask) -> Iterator[str]:
    """Serve `app`'s database from a new process on a free local port; yield its base URL, stop it afterwards."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.server_process", str(port)],
        cwd=ROOT,
        env={**os.environ, SETTINGS_VARIABLE: json.dumps(settings)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server process ended with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server process did not answer within 30 s")


@dataclass
class Reply:
    status: int
    body: bytes
    location: str | None

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the test reads the redirect itself


class Client:
    """One browser or API client of the server process: cookies kept, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)
        self.headers: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, form: dict | None = None, json_body: Any = None, files: dict | None = None
    ) -> Reply:
        """Send a request: `form` fields (multipart with `files`, name -> bytes) or a JSON body."""
        data, headers = None, dict(self.headers)
        if files is not None:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                for name, value in (form or {}).items()
            ]
            parts += [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.jpg"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
                + content
                + b"\r\n"
                for name, content in files.items()
            ]
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Reply(response.status, response.read(), response.headers.get("Location"))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read(), error.headers.get("Location"))

    def log_in(self, username: str, password: str) -> Client:
        """Log in through the web form (CSRF is off in test apps)."""
        reply = self.request("POST", "/auth/login", form={"username": username, "password": password})
        assert reply.status == 302, reply.body[:300]
        return self

    def api_token(self, username: str, password: str) -> Client:
        """Take an API token; later requests send it."""
        reply = self.request("POST", "/api/v1/auth/token", json_body={"username": username, "password": password})
        assert reply.status == 200, reply.body[:300]
        self.headers["Authorization"] = f"Bearer {reply.json()['token']}"
        return self


def together(*sends: Callable[[], Reply]) -> list[Reply]:
    """Make each request from a thread of its own, all released at the same moment; the replies in order."""
    from tests.conftest import run_together

    def task(send: Callable[[], Reply]) -> Callable[[Callable[[], object]], Reply]:
        def run(go: Callable[[], object]) -> Reply:
            go()
            return send()

        return run

    return run_together([task(send) for send in sends])


if __name__ == "__main__":
    from werkzeug.serving import make_server

    from tests.conftest import make_test_app

    served = make_test_app(**json.loads(os.environ[SETTINGS_VARIABLE]))
    make_server("127.0.0.1", int(sys.argv[1]), served, threaded=True).serve_forever()
