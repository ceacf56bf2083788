"""/healthz checks that the database answers and accepts writes, and names the check that failed (issue 12,
case 7)."""

from collections.abc import Iterator

import pytest
from flask import Flask

from inspection.extensions import db
from tests.conftest import make_test_app, own_database


def test_healthz_is_ok_when_the_database_reads_and_writes(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database_read": "ok", "database_write": "ok"}}


def read_only_settings(app: Flask) -> dict[str, object]:
    """Return the settings of an app on `app`'s database, opened so that every write fails while reads work: a
    read-only SQLite file (even for root, who may write a file without write permission), or PostgreSQL sessions
    whose transactions are read-only (as on a standby)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"}
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    connect_args = {"options": options["connect_args"]["options"] + " -cdefault_transaction_read_only=on"}
    return {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {**options, "connect_args": connect_args}}


@pytest.fixture(scope="module")
def read_only_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app whose database (migrated, of its own) answers reads and refuses every write."""
    with own_database("health", tmp_path_factory) as writable:
        app = make_test_app(**read_only_settings(writable))
        yield app
        with app.app_context():
            db.engine.dispose()


def test_healthz_fails_and_names_the_write_check_when_the_database_refuses_writes(read_only_app):
    response = read_only_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "checks": {"database_read": "ok", "database_write": "failed"}}
