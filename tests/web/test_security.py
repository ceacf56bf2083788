import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import AuditEvent
from inspection.models.audit import AuditLogIsAppendOnly
from tests.factories import PASSWORD

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_phone_forms_script_travels_compressed(client, encoding):
    """Static files are streamed by default, which Flask-Compress would pass through uncompressed."""
    with client.get("/static/js/form.js") as plain:
        size = len(plain.get_data())
    with client.get("/static/js/form.js", headers={"Accept-Encoding": encoding}) as packed:
        assert packed.headers["Content-Encoding"] == encoding
        assert len(packed.get_data()) < size / 2


@pytest.mark.parametrize("path", ["/auth/login", "/no-such-page", "/static/css/app.css"])
def test_security_headers_are_on_html_and_static_responses(client, path):
    response = client.get(path)
    response.close()
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/rankings"])
def test_json_answers_allow_nothing_to_load_or_frame_them(client, path):
    """JSON is never a document: the strictest policy, in few bytes (the phone's sync pays for them)."""
    headers = client.get(path).headers
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(client):
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_by_default():
    from inspection.config import DEFAULTS

    assert DEFAULTS["SESSION_COOKIE_SECURE"] is True and DEFAULTS["MAX_CONTENT_LENGTH"]


def test_a_request_larger_than_the_limit_is_refused(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/auth/login", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "上传的内容太大" in response.get_data(as_text=True)


def test_the_audit_log_is_append_only(client, login):
    login("admin")
    event = db.session.scalars(select(AuditEvent)).first()
    event.detail = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.delete(db.session.scalars(select(AuditEvent)).first())
        db.session.flush()


def test_error_pages_are_in_chinese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_api_style_clients_get_json_errors(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"]["code"] == 404
