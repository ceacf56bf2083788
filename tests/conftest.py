"""Shared fixtures: one app and schema per run, each test inside a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (make test does both).
"""

import os
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
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
from inspection.models import Department, Facility, FacilityType, Ownership, Region, Role, User
from inspection.passwords import use_fast_hashing
from inspection.services import Actor
from inspection.services.checklists import import_shipped_checklists
from inspection.services.facilities import create_facility
from inspection.services.regions import create_department, create_region
from inspection.services.users import create_user

use_fast_hashing()

T = TypeVar("T")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
SETUP_ACTOR = Actor(None, "test-setup")


def make_test_app(**overrides: object) -> Flask:
    """Build an app configured for tests; `overrides` replace single settings."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }
    config.update(overrides)
    return create_app(config)


def _reset_schema() -> None:
    """Drop everything (a PostgreSQL test database may hold a previous run), then migrate to head."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade()


def _seed_neighbour_county() -> None:
    """A second county of the same city, to prove that users never see outside their region."""
    city = db.session.scalar(select(Region).where(Region.name == "忻州市"))
    county = create_region(city, "邻县（测试）", "邻", SETUP_ACTOR)
    township = create_region(county, "邻镇（测试）", "", SETUP_ACTOR)
    dept = create_department(
        county, {"code": "mz", "name": "邻县民政局", "kind": "民政", "short_code": "民"}, SETUP_ACTOR
    )
    facility = create_facility(
        {
            "name": "邻县敬老院",
            "type": FacilityType.NURSING_HOME,
            "ownership": Ownership.PUBLIC,
            "region_id": township.id,
            "address": "邻县",
            "person_in_charge": "负责人",
            "phone": "13900000000",
            "beds": 10,
            "residents": 5,
        },
        SETUP_ACTOR,
    )
    for username, role, extra in (
        ("other_reviewer", Role.REVIEWER, {"department_id": dept.id}),
        ("other_operator", Role.OPERATOR, {"facility_id": facility.id}),
    ):
        data = {"username": username, "display_name": username, "role": role, "region_id": county.id, **extra}
        create_user(data, DEMO_PASSWORD, SETUP_ACTOR)


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    """The application, with a migrated and seeded database shared by the whole run."""
    app = make_test_app()
    with app.app_context():
        _reset_schema()
        import_shipped_checklists(SETUP_ACTOR)
        seed_demo_county()
        _seed_neighbour_county()
        db.session.commit()
        db.session.remove()
    # No app context stays pushed: each request must get its own `g`, as in production.
    yield app
    with app.app_context():
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
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("concurrent")
        app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/concurrent.sqlite")
        schema = None
    else:
        schema = f"concurrent_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
        options = {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}}
        app = make_test_app(SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL, SQLALCHEMY_ENGINE_OPTIONS=options)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        if schema:
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        db.engine.dispose()


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
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class Login:
    """Log a test client in through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def __call__(self, username: str, password: str = DEMO_PASSWORD) -> FlaskClient:
        response = self.client.post("/auth/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return self.client


@pytest.fixture
def login(client: FlaskClient) -> Login:
    return Login(client)


def user(username: str) -> User:
    """Return the seeded user called `username`."""
    return db.session.scalar(select(User).where(User.username == username))


def facility(name: str) -> Facility:
    """Return the seeded facility called `name`."""
    return db.session.scalar(select(Facility).where(Facility.name == name))


def department(code: str, region_name: str = "五寨县") -> Department:
    """Return the department `code` of the region named `region_name`."""
    return db.session.scalar(
        select(Department).join(Department.region).where(Department.code == code, Region.name == region_name)
    )


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    """An application context, for tests that call services directly (as the CLI does)."""
    with app.app_context():
        yield
