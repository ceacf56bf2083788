import pytest

from inspection import create_app
from inspection.config import DEV_SECRET_KEY


def test_config_is_loaded_defaults_then_instance_then_environment_then_test_mapping(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('SECRET_KEY = "from-instance"\nPAGE_SIZE = 7\nWORKERS = 3\n', encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY", "from-environment-0123456789")
    monkeypatch.setenv("CAREINSPECT_PAGE_SIZE", "9")
    app = create_app({"TESTING": True, "WORKERS": 5}, instance_path=str(tmp_path))
    assert app.config["SESSION_IDLE_MINUTES"] == 30  # default kept
    assert app.config["SECRET_KEY"] == "from-environment-0123456789"  # environment beats instance
    assert app.config["PAGE_SIZE"] == 9  # prefixed environment beats instance
    assert app.config["WORKERS"] == 5  # test mapping beats everything


def test_database_url_selects_postgresql_with_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/db")
    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@127.0.0.1:5432/db"


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    with app.app_context():
        from inspection.extensions import db

        assert str(db.engine.url) == f"sqlite:///{tmp_path}/careinspect.sqlite"


def test_the_app_refuses_to_start_in_production_with_the_development_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is the development value"):
        create_app({"TESTING": False}, instance_path=str(tmp_path))
    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY  # tolerated in testing only


def test_how_far_ahead_plans_reach_is_configurable(tmp_path, monkeypatch):
    monkeypatch.delenv("CAREINSPECT_PLAN_DAYS_AHEAD", raising=False)
    assert create_app({"TESTING": True}, instance_path=str(tmp_path)).config["PLAN_DAYS_AHEAD"] == 366
    monkeypatch.setenv("CAREINSPECT_PLAN_DAYS_AHEAD", "30")
    assert create_app({"TESTING": True}, instance_path=str(tmp_path)).config["PLAN_DAYS_AHEAD"] == 30
