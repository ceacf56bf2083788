import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AuditEvent, Department, Facility, Region, User
from tests.conftest import user
from tests.signing.keys import make_unmarked_keys


def _counts():
    return [db.session.scalar(select(func.count()).select_from(m)) for m in (Region, Department, Facility, User)]


def test_seeding_the_demo_county_twice_creates_nothing_new(runner):
    before = _counts()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert (
        "0 regions created, 0 departments created, 0 facilities created, 0 users created, 0 inspections created"
        in result.output
    )
    assert _counts() == before


def test_seed_if_empty_skips_a_database_with_users(runner):
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert "skipped" in result.output


def test_users_create_makes_an_account_that_can_log_in(runner, client):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            "zj3",
            "--name",
            "住建检查员三",
            "--role",
            "inspector",
            "--region",
            "五寨县",
            "--department",
            "zj",
            "--password",
            "a-long-password-1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert user("zj3").department.code == "zj"
    assert client.post("/auth/login", data={"username": "zj3", "password": "a-long-password-1"}).status_code == 302


def test_users_create_refuses_an_inspector_without_department(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            "x1",
            "--name",
            "x",
            "--role",
            "inspector",
            "--region",
            "五寨县",
            "--password",
            "a-long-password-1",
        ]
    )
    assert result.exit_code != 0 and "必须属于一个部门" in result.output


def test_check_deploy_fails_on_the_test_configuration_and_names_the_problems(runner):
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 1
    assert "TESTING is on" in result.output and "demo account" in result.output


def test_check_deploy_passes_on_a_safe_configuration(app, runner, monkeypatch, tmp_path):
    for name, value in make_unmarked_keys(tmp_path).items():  # the tests' own keys are demo keys
        monkeypatch.setenv(name, value)
    for key, value in {
        "TESTING": False,
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "WTF_CSRF_ENABLED": True,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    db.session.execute(User.__table__.update().values(active=False))
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_set_password_is_audited_without_the_password(runner):
    result = runner.invoke(args=["users", "set-password", "mz1", "--password", "another-password-9"])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.password").order_by(AuditEvent.id.desc())
    )
    assert event.object_id == str(user("mz1").id) and "another" not in str(event.after)


@pytest.fixture(scope="module")
def app(demo_app):
    """These tests still read the demo county's names (see conftest `demo_app`)."""
    return demo_app
