"""API tokens end (issue 12 case 4): DELETE /api/v1/auth/token revokes the token used; a password change, disabling
the account and the admin's button on the user's page revoke all of a user's tokens; that page lists the active
ones with when and where they were created and last used."""

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import ApiClient, assert_error
from tests.conftest import Login, user
from tests.factories import PASSWORD
from tests.web.test_session_end import edit_account

#: The tests act as the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

PHONE, OFFICE = "203.0.113.4", "198.51.100.2"


def token_from(client: FlaskClient, username: str, ip: str = PHONE) -> ApiClient:
    """Log in over the API from `ip`; return a client sending that token from the same address."""
    response = client.post(
        "/api/v1/auth/token", json={"username": username, "password": PASSWORD}, environ_base={"REMOTE_ADDR": ip}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return ApiClient(client, response.json["token"])


def works(api: ApiClient, ip: str = PHONE) -> bool:
    status = api.get("/checklists", environ_base={"REMOTE_ADDR": ip}).status_code
    assert status in (200, 401)
    return status == 200


def test_delete_revokes_the_token_used_and_no_other(app):
    phone, laptop = token_from(app.test_client(), "xf1"), token_from(app.test_client(), "xf1")
    response = phone.client.delete("/api/v1/auth/token", headers=phone.headers())
    assert response.status_code == 204 and response.get_data() == b""
    assert not works(phone) and works(laptop)
    assert_error(phone.client.delete("/api/v1/auth/token", headers=phone.headers()), 401, "unauthorized")


def test_a_password_change_revokes_all_of_the_users_tokens(app):
    phone, laptop, colleague = (token_from(app.test_client(), name) for name in ("mz1", "mz1", "mz2"))
    edit_account(Login(app.test_client())("admin"), "mz1", password="a-new-password-2026")
    assert not works(phone) and not works(laptop) and works(colleague)


def test_disabling_revokes_the_tokens_and_enabling_again_does_not_revive_them(app):
    phone = token_from(app.test_client(), "sc1")
    admin = Login(app.test_client())("admin")
    edit_account(admin, "sc1", active=None)
    assert not works(phone)
    edit_account(admin, "sc1")
    assert not works(phone)


def test_the_user_page_lists_active_tokens_and_the_admin_revokes_them(app):
    phone = token_from(app.test_client(), "xf2", ip=PHONE)
    assert works(phone, ip=OFFICE)  # last used from another address
    admin = Login(app.test_client())("admin")
    page = admin.get(f"/admin/users/{user('xf2').id}/edit").get_data(as_text=True)
    tokens = page.split('id="api-tokens"')[1]
    assert tokens.split("<tbody>")[1].count("<tr>") == 1
    assert PHONE in tokens and OFFICE in tokens and "撤销全部令牌" in tokens
    response = admin.post(f"/admin/users/{user('xf2').id}/tokens/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/users/{user('xf2').id}/edit")
    assert not works(phone)
    page = admin.get(f"/admin/users/{user('xf2').id}/edit").get_data(as_text=True)
    assert "没有有效的令牌" in page.split('id="api-tokens"')[1]


def test_only_an_admin_may_revoke_a_users_tokens(app):
    phone = token_from(app.test_client(), "xf1")
    reviewer = Login(app.test_client())("reviewer")
    assert reviewer.post(f"/admin/users/{user('xf1').id}/tokens/revoke").status_code == 403
    assert works(phone)
