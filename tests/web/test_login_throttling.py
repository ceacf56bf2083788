"""Login throttling (issue 12 case 2): growing delays per account from one address, per address and per account, so
that guessing slows down while nobody can lock others out; the client's address from a configured number of trusted
proxies only; attempts counted atomically, also when thirty arrive at once."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from inspection.extensions import db
from inspection.models import AuditEvent, LoginThrottle, ThrottleScope
from inspection.orm import utcnow
from inspection.security import UNTRUSTED_PROXY_HEADERS
from tests.conftest import own_database, run_together
from tests.factories import PASSWORD, make_admin, make_county, make_user

ATTACKER, OWNER = "198.51.100.66", "192.0.2.10"


def attempt(client, username, password="wrong-password", ip=ATTACKER, **headers):
    """Post the login form as a client at `ip`; return the status and the page."""
    response = client.post(
        "/auth/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        headers=headers,
    )
    return response.status_code, response.get_data(as_text=True)


def pass_time() -> None:
    """Let every delay run out, as if its time had passed."""
    db.session.execute(update(LoginThrottle).values(free_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


@pytest.mark.usefixtures("cast")
def test_five_wrong_passwords_delay_the_account_only_from_that_address(client):
    for _ in range(5):
        assert attempt(client, "admin")[0] == 401
    status, page = attempt(client, "admin", PASSWORD)
    assert status == 429 and "登录失败次数过多，请 30 秒后再试" in page
    assert attempt(client, "admin", PASSWORD, ip=OWNER)[0] == 302  # the admin is not locked out


@pytest.mark.usefixtures("cast")
def test_the_delays_double_and_a_right_password_afterwards_starts_the_count_over(client):
    for _ in range(5):
        attempt(client, "mz1")
    waits = []
    for _ in range(3):
        waits.append(attempt(client, "mz1")[1])
        pass_time()
        assert attempt(client, "mz1")[0] == 401  # let through once its delay has passed, and wrong again
    assert ["30 秒" in waits[0], "60 秒" in waits[1], "2 分钟" in waits[2]] == [True, True, True]
    pass_time()
    assert attempt(client, "mz1", PASSWORD)[0] == 302
    assert db.session.get(LoginThrottle, (ThrottleScope.ACCOUNT_IP, f"mz1@{ATTACKER}")) is None


@pytest.mark.usefixtures("cast")
def test_refused_attempts_are_audited_once_per_delay(client):
    for _ in range(5):
        attempt(client, "xf1")
    for _ in range(10):
        assert attempt(client, "xf1")[0] == 429
    assert events("auth.login_failed") == 5 and events("auth.login_throttled") == 1


@pytest.mark.usefixtures("cast")
def test_one_address_trying_many_accounts_is_delayed_but_others_are_not(client):
    for n in range(20):
        assert attempt(client, f"guess{n}")[0] == 401
    assert attempt(client, "reviewer", PASSWORD)[0] == 429
    assert attempt(client, "reviewer", PASSWORD, ip=OWNER)[0] == 302


@pytest.mark.usefixtures("cast")
def test_many_addresses_delay_an_account_for_a_minute_at_most(client):
    for n in range(20):
        assert attempt(client, "sc1", ip=f"203.0.113.{n}")[0] == 401
    for n in range(20, 25):  # guessing goes on from new addresses, each attempt let through after its delay
        status, page = attempt(client, "sc1", PASSWORD, ip=OWNER)
        assert status == 429 and ("30 秒" in page or "60 秒" in page)
        pass_time()
        assert attempt(client, "sc1", ip=f"203.0.113.{n}")[0] == 401
    row = db.session.get(LoginThrottle, (ThrottleScope.ACCOUNT, "sc1"))
    assert row.free_at - row.last_attempt_at == timedelta(minutes=1)
    pass_time()
    assert attempt(client, "sc1", PASSWORD, ip=OWNER)[0] == 302


def test_a_whole_office_logging_in_from_one_address_is_never_delayed(app, client):
    """Behind one NAT (or a proxy nobody configured) everyone shares an address: successful logins do not count."""
    people = [make_user("admin").username for _ in range(25)]
    db.session.commit()
    for username in people:
        fresh = app.test_client()
        assert attempt(fresh, username, PASSWORD, ip=OWNER)[0] == 302


def test_requests_with_proxy_headers_but_no_trusted_proxy_are_noted_and_the_header_ignored(app, client, monkeypatch):
    monkeypatch.delitem(app.extensions, UNTRUSTED_PROXY_HEADERS, raising=False)
    make_admin(username="forwarded")
    db.session.commit()
    assert attempt(client, "forwarded", **{"X-Forwarded-For": "203.0.113.200"})[0] == 401
    failed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert failed.ip == ATTACKER  # a header anyone can send decides nothing
    noted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == UNTRUSTED_PROXY_HEADERS))
    assert noted.ip == ATTACKER and noted.detail == "203.0.113.200"


def test_check_deploy_warns_about_proxy_headers_while_no_proxy_is_trusted(app, client, runner, monkeypatch):
    """Unsafe: the app sees X-Forwarded-For and trusts none. Safe: it trusts the proxy (or never saw the header)."""
    monkeypatch.delitem(app.extensions, UNTRUSTED_PROXY_HEADERS, raising=False)
    assert "CAREINSPECT_TRUSTED_PROXIES" not in runner.invoke(args=["check-deploy"]).output
    client.get("/auth/login", headers={"X-Forwarded-For": "203.0.113.5"})
    unsafe = runner.invoke(args=["check-deploy"]).output
    assert "WARNING: requests carried X-Forwarded-For" in unsafe and "CAREINSPECT_TRUSTED_PROXIES" in unsafe
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    assert "WARNING" not in runner.invoke(args=["check-deploy"]).output


@pytest.fixture(scope="module")
def proxied_app(tmp_path_factory: pytest.TempPathFactory):
    """An app behind one trusted proxy (CAREINSPECT_TRUSTED_PROXIES=1), with an account, committed."""
    with own_database("proxied", tmp_path_factory, TRUSTED_PROXIES=1) as app:
        with app.app_context():
            make_admin(make_county(), username="behind_proxy")
            db.session.commit()
        yield app


def test_behind_a_trusted_proxy_the_client_address_is_the_one_the_proxy_reports(proxied_app: Flask):
    client = proxied_app.test_client()
    proxy = "10.0.0.2"
    for _ in range(5):  # the client forged an address; the proxy appended the real one
        status, _ = attempt(client, "behind_proxy", ip=proxy, **{"X-Forwarded-For": "192.0.2.99, 203.0.113.7"})
        assert status == 401
    assert attempt(client, "behind_proxy", PASSWORD, ip=proxy, **{"X-Forwarded-For": "203.0.113.7"})[0] == 429
    assert attempt(client, "behind_proxy", PASSWORD, ip=proxy, **{"X-Forwarded-For": "203.0.113.8"})[0] == 302
    with proxied_app.app_context():
        addresses = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action.like("auth.login%"))).all()
    assert set(addresses) == {"203.0.113.7", "203.0.113.8"}


@pytest.fixture(scope="module")
def target(concurrent_app: Flask) -> Flask:
    with concurrent_app.app_context():
        make_admin(make_county(), username="raced")
        db.session.commit()
    return concurrent_app


def test_thirty_wrong_passwords_at_once_count_thirty_and_only_five_are_checked(target: Flask):
    def wrong_password(go):
        client = target.test_client()
        go()
        return attempt(client, "raced")[0]

    statuses = run_together([wrong_password] * 30)
    assert sorted(statuses) == [401] * 5 + [429] * 25
    with target.app_context():
        row = db.session.get(LoginThrottle, (ThrottleScope.ACCOUNT_IP, f"raced@{ATTACKER}"))
        assert (row.attempts, row.admitted) == (30, 5)
        assert events("auth.login_failed") == 5 and events("auth.login_throttled") == 1
