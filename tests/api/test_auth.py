"""Tokens: issued for a username and password or a web session; missing, wrong, expired or a deactivated user's
token → 401. Every error, even for unknown URLs and methods, is the API's JSON error body."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import ApiToken
from inspection.orm import utcnow
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.conftest import user
from tests.factories import PASSWORD

#: The tests act as the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")


def test_token_for_username_and_password(client):
    response = client.post("/api/v1/auth/token", json={"username": "xf1", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json
    assert body["token"] and body["expires_at"].endswith("Z") and body["user"]["role"] == "inspector"
    facilities = client.get("/api/v1/facilities", headers={"Authorization": f"Bearer {body['token']}"})
    assert facilities.status_code == 200


def test_wrong_password_is_401(client):
    response = client.post("/api/v1/auth/token", json={"username": "xf1", "password": "wrong"})
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_repeated_failures_are_throttled(client):
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"username": "xf2", "password": "wrong"})
    response = client.post("/api/v1/auth/token", json={"username": "xf2", "password": PASSWORD})
    assert_error(response, 429, "throttled")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "x"}, "username"),
        ({"username": "xf1"}, "password"),
        ({"username": 5, "password": "x"}, "username"),
    ],
)
def test_token_request_fields_are_checked(client, body, field):
    error = assert_error(client.post("/api/v1/auth/token", json=body), 400, "bad_request")
    assert field in error["fields"]


def test_token_request_must_be_a_json_object(client):
    assert_error(client.post("/api/v1/auth/token", data="username=xf1"), 400, "bad_request")
    assert_error(client.post("/api/v1/auth/token", json=["xf1"]), 400, "bad_request")


def test_nul_characters_are_refused_as_bad_input(client):
    """PostgreSQL cannot store NUL: refused as 400 before any query, on both databases."""
    error = assert_error(
        client.post("/api/v1/auth/token", json={"username": "xf\x001", "password": "x"}), 400, "bad_request"
    )
    assert "username" in error["fields"]


def test_missing_token_is_401(anonymous):
    assert_error(anonymous.get("/facilities"), 401, "unauthorized")


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic eGYxOnB3", "Bearer", "bearer  "])
def test_wrong_token_is_401(client, header):
    response = client.get("/api/v1/facilities", headers={"Authorization": header})
    assert_error(response, 401, "unauthorized")


def test_expired_token_is_401(app, client, db_session):
    token = token_for(client, "xf1")
    api = ApiClient(client, token)
    assert api.get("/checklists").status_code == 200
    with app.app_context():
        for row in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user("xf1").id)):
            row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert_error(api.get("/checklists"), 401, "unauthorized")


def test_a_tokens_last_use_is_recorded_at_most_every_few_minutes(app, client):
    """An operator sees when a token was last used; a syncing phone's many requests do not rewrite it each time."""
    api = ApiClient(client, token_for(client, "xf1"))

    def last_used():
        with app.app_context():
            return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == user("xf1").id))

    assert last_used() is None
    assert api.get("/checklists").status_code == 200
    first = last_used()
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    assert api.get("/checklists").status_code == 200
    assert last_used() == first
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user("xf1").id))
        token.last_used_at = first - timedelta(minutes=6)
        db.session.commit()
    assert api.get("/checklists").status_code == 200
    assert last_used() > first


def test_deactivated_users_token_is_401(app, client):
    api = ApiClient(client, token_for(client, "xf1"))
    with app.app_context():
        user("xf1").active = False
        db.session.commit()
    assert_error(api.get("/checklists"), 401, "unauthorized")


def test_tokens_are_stored_only_as_hashes(app, client):
    token = token_for(client, "mz1")
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_sha256)).all()
    assert token not in stored and len(stored[0]) == 64


def test_session_token_needs_a_login(client):
    assert_error(client.post("/api/v1/auth/session-token"), 401, "unauthorized")


def test_session_token_for_the_logged_in_page(login):
    client = login("mz1")
    response = client.post("/api/v1/auth/session-token")
    assert response.status_code == 200 and response.json["user"]["role"] == "inspector"
    checklists = client.get("/api/v1/checklists", headers={"Authorization": f"Bearer {response.json['token']}"})
    assert checklists.status_code == 200


def test_session_token_checks_the_csrf_header(app, login, monkeypatch):
    client = login("mz1")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/api/v1/auth/session-token", headers={"X-CSRFToken": "forged"})
    assert_error(response, 400, "csrf")


def test_unknown_api_url_is_a_json_404(as_user):
    api = as_user("xf1")
    assert_error(api.get("/no-such-thing"), 404, "not_found")
    assert_error(api.get("/inspections/not-a-number"), 404, "not_found")


def test_unsupported_method_is_a_json_405(as_user):
    response = as_user("xf1").get("/auth/token")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_request_over_the_size_limit_is_a_json_413(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post("/api/v1/auth/token", json={"username": "xf1", "password": "x" * 2000})
    assert_error(response, 413, "too_large")


def test_huge_ids_are_404_not_a_driver_overflow(as_user):
    api = as_user("reviewer")
    for path in ("/inspections/99999999999999999999", "/photos/99999999999999999999", "/signatures/2147483648"):
        assert_error(api.get(path), 404, "not_found")


def test_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.")
