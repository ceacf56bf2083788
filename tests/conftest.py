"""Shared fixtures: one app and schema per run, each test inside a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (make test does both).
"""

import os
import tempfile
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import orm, select

from inspection import create_app
from inspection.demo.county import DEMO_PASSWORD
from inspection.demo.seed import seed_demo_county
from inspection.extensions import db
from inspection.models import Department, Facility, Region, Role, User
from inspection.passwords import use_fast_hashing
from inspection.services.checklists import import_shipped_checklists
from inspection.services.users import create_user
from tests.factories import BASE_COUNTY, PASSWORD, SETUP, make_cast, make_county, make_facility
from tests.signing.keys import TestKeys, make_test_keys

use_fast_hashing()

T = TypeVar("T")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
SETUP_ACTOR = SETUP
#: Seconds a test may take when it may have to seed the whole demo county first (`demo_app`, the browser tests'
#: `live_app`): that alone takes a minute and a half on PostgreSQL on a busy two-core machine. Every other test
#: has the `timeout` of pyproject.toml.
SEEDING_TIMEOUT = 300


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give the tests that may seed the demo county the longer limit; a test's own ``@pytest.mark.timeout`` wins."""
    for item in items:
        if {"demo_app", "live_app"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.timeout(SEEDING_TIMEOUT))


@pytest.fixture(scope="session", autouse=True)
def signing_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestKeys]:
    """Issued documents are signed: every department code gets a throwaway key of a demo CA, named in the
    environment (so servers started by the browser tests find them too)."""
    keys = make_test_keys(tmp_path_factory.mktemp("signing"))
    saved = {name: os.environ.get(name) for name in keys.environ}
    os.environ.update(keys.environ)
    yield keys
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


#: The tests' instance folder, not the checkout's: a developer's instance/config.py (which `make run` writes, with
#: demo signing keys) must not change what the tests see. Inherited by the server processes the tests start.
TEST_INSTANCE = os.environ.setdefault("CAREINSPECT_TEST_INSTANCE", tempfile.mkdtemp(prefix="careinspect-tests-"))


def make_test_app(**overrides: object) -> Flask:
    """Build an app configured for tests, on :data:`TEST_INSTANCE`; `overrides` replace single settings."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }
    config.update(overrides)
    return create_app(config, instance_path=TEST_INSTANCE)


def _reset_schema() -> None:
    """Drop everything (a PostgreSQL test database may hold a previous run), then migrate to head."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade()


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    """The application, with a migrated database shared by the whole run: the shipped checklists and the base
    county (its townships and departments, see `factories.base_county`). Tests build everything else."""
    app = make_test_app()
    with app.app_context():
        _reset_schema()
        import_shipped_checklists(SETUP_ACTOR)
        make_county(BASE_COUNTY, townships=3, short="测")
        db.session.commit()
        db.session.remove()
    # No app context stays pushed: each request must get its own `g`, as in production.
    yield app
    with app.app_context():
        db.engine.dispose()


def _seed_neighbour_county() -> None:
    """A second county of the demo's city, to prove that demo users never see outside their region."""
    neighbour = make_county("邻县（测试）", townships=1, short="邻", departments=["mz"])
    facility = make_facility(neighbour, name="邻县敬老院", address="邻县", person_in_charge="负责人", beds=10)
    create_user(
        {"username": "other_reviewer", "display_name": "other_reviewer", "role": Role.REVIEWER,
         "region_id": neighbour.region.id, "department_id": neighbour.department("mz").id},
        DEMO_PASSWORD, SETUP_ACTOR,
    )  # fmt: skip
    create_user(
        {"username": "other_operator", "display_name": "other_operator", "role": Role.OPERATOR,
         "region_id": neighbour.region.id, "facility_id": facility.id},
        DEMO_PASSWORD, SETUP_ACTOR,
    )  # fmt: skip


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a database of its own holding the seeded demo county (and a neighbour county), for the modules
    that test the demo itself or still read demo names. Such a module overrides `app`:

        @pytest.fixture(scope="module")
        def app(demo_app):
            return demo_app

    and its tests run in rolled-back transactions as everywhere else."""
    with own_database("demo", tmp_path_factory) as app:
        app.config["TEST_LOGIN_PASSWORD"] = DEMO_PASSWORD
        with app.app_context():
            import_shipped_checklists(SETUP_ACTOR)
            seed_demo_county()
            _seed_neighbour_county()
            db.session.commit()
            db.session.remove()
        yield app


@contextmanager
def app_with(name: str, tmp_path_factory: pytest.TempPathFactory, build: Callable[[], object]) -> Iterator[Flask]:
    """An app on a database of its own holding the shipped checklists, the base county and what `build` creates
    with the factories, committed once: for a module whose tests all read one larger world (a league table),
    too costly to build per test. Each test still runs in a rolled-back transaction.

        @pytest.fixture(scope="module")
        def app(tmp_path_factory):
            with app_with("rankings", tmp_path_factory, build_county) as app:
                yield app
    """
    with own_database(name, tmp_path_factory) as app:
        with app.app_context():
            import_shipped_checklists(SETUP_ACTOR)
            make_county(BASE_COUNTY, townships=3, short="测")
            build()
            db.session.commit()
            db.session.remove()
        yield app


@contextmanager
def own_database(
    name: str, tmp_path_factory: pytest.TempPathFactory, backend: str | None = None, **overrides: object
) -> Iterator[Flask]:
    """An app on a migrated database of its own: a temporary SQLite file, or a throw-away schema of the
    PostgreSQL test database (the backend of the run unless `backend` is given); dropped afterwards. `overrides`
    replace single settings, as in `make_test_app`."""
    backend = backend or ("postgresql" if TEST_DATABASE_URL.startswith("postgresql") else "sqlite")
    if backend == "sqlite":
        folder = tmp_path_factory.mktemp(name)
        app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/{name}.sqlite", **overrides)
        schema = None
    else:
        schema = f"{name}_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
        options = {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}}
        app = make_test_app(SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL, SQLALCHEMY_ENGINE_OPTIONS=options, **overrides)
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            if schema:
                with db.engine.begin() as connection:
                    connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            db.engine.dispose()


def run_together(tasks: Sequence[Callable[[Callable[[], object]], T]]) -> list[T]:
    """Run each task in a thread of its own and return their results in order. A task calls the `go` it is given
    once it is ready; all then continue at the same moment. An exception in any thread (in a request: a 500) fails
    the caller with that thread's traceback."""
    start = threading.Barrier(len(tasks), timeout=60)
    results: list = [None] * len(tasks)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            results[n] = tasks[n](start.wait)
        except BaseException as error:  # reported below
            errors.append(error)
            start.abort()  # the others must not wait for this one

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, "".join(traceback.format_exception(errors[0])) if errors else ""
    return results


#: Databases for tests with real commits from several threads: SQLite always, PostgreSQL on its pass.
CONCURRENCY_BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL.startswith("postgresql") else [])


@pytest.fixture(scope="module", params=CONCURRENCY_BACKENDS)
def concurrent_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a database of its own, migrated and empty, where work commits for real: a temporary SQLite file,
    or a throw-away schema of the PostgreSQL test database. Shared by a module's tests: each keeps to its own data."""
    with own_database("concurrent", tmp_path_factory, request.param) as app:
        yield app


@pytest.fixture(scope="module")
def served_county(concurrent_app: Flask) -> Iterator[str]:
    """The shipped checklists, the base county and the cast (`factories.make_cast`) in the concurrent database,
    served by a separate server process (`tests/server_process.py`) for races that need a real one; yields its
    base URL."""
    from tests.server_process import server_process  # imports this module: a top-level import would be circular

    with concurrent_app.app_context():
        import_shipped_checklists(SETUP_ACTOR)
        make_cast(make_county(BASE_COUNTY))
        db.session.commit()
    with server_process(concurrent_app) as base:
        yield base


@pytest.fixture(autouse=True)
def db_session(request: pytest.FixtureRequest) -> Iterator[orm.scoped_session]:
    """Run each test in a transaction that is rolled back, using SQLAlchemy's savepoint recipe."""
    if "app" not in request.fixturenames:
        yield None
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    session_factory = orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    db.session = orm.scoped_session(session_factory)
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def cast(app: Flask) -> dict:
    """The people and facilities of `factories.make_cast`, built in the test's transaction and committed into it
    (a request that fails rolls back only its own work, as in production; the test's end still rolls back all)."""
    people = make_cast()
    db.session.commit()
    return people


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class Login:
    """Log a test client in through the real login form, as a `User` or by username."""

    def __init__(self, client: FlaskClient, password: str = PASSWORD) -> None:
        self.client = client
        self.password = password

    def __call__(self, username: str | User, password: str | None = None) -> FlaskClient:
        if isinstance(username, User):
            username = username.username
        data = {"username": username, "password": password or self.password}
        response = self.client.post("/auth/login", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return self.client


@pytest.fixture
def login(app: Flask, client: FlaskClient) -> Login:
    return Login(client, app.config.get("TEST_LOGIN_PASSWORD", PASSWORD))


# Look-ups by name, for modules on a database of names they know: the demo county (`demo_app`) or a world a module
# built itself (`app_with`). Tests on the shared base database keep the objects their factories return instead.


def user(username: str) -> User:
    """Return the user called `username`."""
    return db.session.scalar(select(User).where(User.username == username))


def facility(name: str) -> Facility:
    """Return the facility called `name`."""
    return db.session.scalar(select(Facility).where(Facility.name == name))


def department(code: str, region_name: str = BASE_COUNTY) -> Department:
    """Return the department `code` of the region named `region_name`."""
    return db.session.scalar(
        select(Department).join(Department.region).where(Department.code == code, Region.name == region_name)
    )


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    """An application context, for tests that call services directly (as the CLI does)."""
    with app.app_context():
        yield
