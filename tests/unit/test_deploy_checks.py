from inspection.config import DEFAULTS, DEV_SECRET_KEY
from inspection.deploy_checks import deployment_problems

SAFE = {**DEFAULTS, "SECRET_KEY": "k" * 48, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app@db/app", "WORKERS": 4}


def test_a_safe_production_configuration_has_no_problems():
    assert deployment_problems(SAFE, debug=False, demo_accounts=0) == []


def test_sqlite_with_one_worker_is_acceptable():
    config = {**SAFE, "SQLALCHEMY_DATABASE_URI": "sqlite:///careinspect.sqlite", "WORKERS": 1}
    assert deployment_problems(config, debug=False, demo_accounts=0) == []


def test_each_unsafe_setting_is_named():
    config = {
        **SAFE,
        "SECRET_KEY": DEV_SECRET_KEY,
        "SESSION_COOKIE_SECURE": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite",
        "WORKERS": 4,
        "MAX_CONTENT_LENGTH": None,
        "WTF_CSRF_ENABLED": False,
    }
    problems = "\n".join(deployment_problems(config, debug=True, demo_accounts=11))
    for expected in (
        "debug mode is on",
        "SECRET_KEY",
        "SESSION_COOKIE_SECURE",
        "SQLite with several workers",
        "MAX_CONTENT_LENGTH",
        "WTF_CSRF_ENABLED",
        "11 demo account",
    ):
        assert expected in problems
