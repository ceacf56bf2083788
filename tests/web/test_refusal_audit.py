"""Refusals of requests nobody is known for reach the audit log (issue 12 case 8): a CSRF failure on a web form,
an API call without a valid token, the phone asking for a token without a login. Rate-limited: a flood from one
address leaves one entry a minute."""

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AuditEvent


def entries(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_a_form_sent_without_its_csrf_token_is_refused_and_logged_once_a_minute(app, client, cast, login, monkeypatch):
    login("reviewer")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = entries("security.csrf_failed")
    replies = [client.post("/auth/logout") for _ in range(5)]
    assert {r.status_code for r in replies} == {400}
    assert "页面已过期或来源无法确认" in replies[0].get_data(as_text=True)
    assert entries("security.csrf_failed") == before + 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "security.csrf_failed"))
    assert event.object_id == "/auth/logout" and event.actor_name == "reviewer"


def test_api_calls_without_a_valid_token_are_logged_once_a_minute(client):
    before = entries("security.unauthenticated")
    replies = [client.get("/api/v1/inspections", headers={"Authorization": "Bearer forged"}) for _ in range(10)]
    replies.append(client.get("/api/v1/facilities"))
    assert {r.status_code for r in replies} == {401}
    assert entries("security.unauthenticated") == before + 1


def test_the_phone_asking_for_a_token_without_a_login_is_logged(client):
    before = entries("security.unauthenticated")
    assert client.post("/api/v1/auth/session-token").status_code == 401
    assert entries("security.unauthenticated") == before + 1
