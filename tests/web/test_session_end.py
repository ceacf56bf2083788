"""Sessions end for real (issue 12 case 3): logging out, a password change and disabling an account end every web
session of that user, on every device, including a copy of the cookie taken before; other users stay logged in."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Login, user
from tests.factories import PASSWORD

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

#: A page every logged-in user may see; anonymous requests are sent to the login page.
PAGE = "/facilities/"


def logged_in(app: Flask, username: str) -> FlaskClient:
    """A new browser, logged in as `username` through the login form."""
    return Login(app.test_client())(username)


def copy_of(app: Flask, browser: FlaskClient) -> FlaskClient:
    """A new browser holding a copy of `browser`'s session cookie, as someone who stole it would."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    return thief


def is_logged_in(browser: FlaskClient) -> bool:
    status = browser.get(PAGE).status_code
    assert status in (200, 302)
    return status == 200


def edit_account(admin: FlaskClient, username: str, **changes) -> None:
    """Save the admin's account form for `username` with `changes` (the other fields as they are)."""
    account = user(username)
    form = {
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role,
        "region_id": account.region_id,
        "department_id": account.department_id or 0,
        "facility_id": account.facility_id or 0,
        "active": "y",
        **changes,
    }
    response = admin.post(f"/admin/users/{account.id}/edit", data={k: v for k, v in form.items() if v is not None})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]


def test_a_session_cookie_copied_before_logout_stops_working(app):
    browser = logged_in(app, "mz1")
    thief = copy_of(app, browser)
    assert is_logged_in(thief)
    assert browser.post("/auth/logout").status_code == 302
    assert not is_logged_in(thief)
    assert thief.post("/api/v1/auth/session-token").status_code == 401  # nor can it mint an API token


def test_logout_ends_the_users_sessions_on_every_device_and_no_one_elses(app):
    phone, desk, colleague = logged_in(app, "xf1"), logged_in(app, "xf1"), logged_in(app, "xf2")
    phone.post("/auth/logout")
    assert not is_logged_in(desk)
    assert is_logged_in(colleague)
    assert is_logged_in(logged_in(app, "xf1"))  # logging in again starts a session that works


def test_a_password_change_ends_the_users_sessions(app):
    browser = logged_in(app, "sc1")
    edit_account(logged_in(app, "admin"), "sc1", password="a-new-password-2026")
    assert not is_logged_in(browser)
    assert is_logged_in(Login(app.test_client(), "a-new-password-2026")("sc1"))


def test_disabling_ends_the_sessions_and_enabling_again_does_not_revive_them(app):
    browser = logged_in(app, "sc2")
    admin = logged_in(app, "admin")
    edit_account(admin, "sc2", active=None)  # an unticked box is not sent
    assert not is_logged_in(browser)
    edit_account(admin, "sc2")
    assert not is_logged_in(browser)
    assert is_logged_in(Login(app.test_client(), PASSWORD)("sc2"))
