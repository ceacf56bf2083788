import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import AuditEvent
from tests.conftest import user
from tests.factories import PASSWORD

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_login_shows_the_role_home_and_is_audited(client, login):
    login("reviewer")
    page = client.get("/").get_data(as_text=True)
    assert "民政审核员（测试）" in page and "辖区机构" in page
    assert _events("auth.login")[-1].actor_name == "reviewer"


def test_an_inspector_home_shows_their_inspections_section(client, login):
    login("xf1")
    assert "我的检查" in client.get("/").get_data(as_text=True)


def test_an_operator_lands_on_their_to_do_list_with_a_link_to_their_facility(client, login):
    login("operator")
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>待办</h1>" in page and f'href="/facilities/{user("operator").facility_id}"' in page


def test_a_wrong_password_is_refused_keeps_the_username_and_is_audited(client):
    response = client.post("/auth/login", data={"username": "reviewer", "password": "wrong-password"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "用户名或密码错误" in page and 'value="reviewer"' in page
    assert _events("auth.login_failed")[-1].actor_name == "reviewer"
    assert client.get("/").status_code == 302  # still anonymous


def test_a_disabled_account_cannot_log_in(client):
    user("mz2").active = False
    db.session.flush()
    response = client.post("/auth/login", data={"username": "mz2", "password": PASSWORD})
    assert response.status_code == 401


def test_logout_ends_the_session(client, login):
    login("admin")
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/facilities/").status_code == 302


def test_an_idle_session_expires(app, client, login):
    login("admin")
    with client.session_transaction() as session:
        session["seen_at"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 1
    response = client.get("/facilities/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_session_expires_after_the_absolute_limit_even_when_active(app, client, login):
    login("admin")
    with client.session_transaction() as session:
        session["login_at"] -= app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 1
    assert client.get("/facilities/").status_code == 302


def test_login_redirects_only_to_local_paths(client):
    response = client.post("/auth/login?next=https://evil.example/", data={"username": "admin", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/facilities/", data={"username": "admin", "password": PASSWORD})
    assert response.headers["Location"] == "/facilities/"


def test_the_language_can_be_switched_to_english_and_back(client, login):
    login("admin")
    client.post("/auth/locale", data={"locale": "en", "next": "/"})
    assert user("admin").locale == "en"
    page = client.get("/facilities/").get_data(as_text=True)
    assert "Facility register" in page and 'lang="en"' in page
    client.post("/auth/locale", data={"locale": "zh_CN", "next": "/"})
    assert "机构档案" in client.get("/facilities/").get_data(as_text=True)


def test_csrf_is_enforced_on_a_real_form(app, client, monkeypatch):
    """With CSRF on (as in production), a login without the token is refused; with it, it succeeds."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 400 or "CSRF" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = client.post("/auth/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[-3000:]
    assert client.get("/").status_code == 200


def test_enum_labels_follow_the_language(client, login):
    login("admin")
    assert "特困人员供养服务机构/敬老院" in client.get("/facilities/").get_data(as_text=True)
    client.post("/auth/locale", data={"locale": "en", "next": "/"})
    page = client.get("/facilities/").get_data(as_text=True)
    assert "Public nursing home" in page and "系统管理员" not in page
