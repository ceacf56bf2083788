"""Document numbers stay unique and gapless when several inspectors issue at the same moment.

Runs with real commits on a separate database: a temporary SQLite file, and on the PostgreSQL pass of the suite
also a throw-away schema of the test database.
"""

import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from inspection.extensions import db
from inspection.services.numbering import last_sequence, next_sequence
from inspection.transactions import run_in_transaction
from tests.conftest import TEST_DATABASE_URL, make_test_app

THREADS, PER_THREAD = 4, 5
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL.startswith("postgresql") else [])


@pytest.fixture(params=BACKENDS)
def concurrent_app(request, tmp_path):
    if request.param == "sqlite":
        app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/numbers.sqlite")
        schema = None
    else:
        schema = f"numbers_{uuid.uuid4().hex[:8]}"
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


def test_numbers_issued_at_the_same_moment_are_unique_and_gapless(concurrent_app):
    start = threading.Barrier(THREADS)
    issued: list[int] = []
    errors: list[BaseException] = []

    def issuer():
        try:
            with concurrent_app.app_context():
                start.wait()
                for _ in range(PER_THREAD):

                    def allocate():
                        number = next_sequence("五民养整", 2026)
                        time.sleep(0.01)  # hold the transaction open, as rendering the PDF does
                        return number

                    issued.append(run_in_transaction(allocate))
        except BaseException as error:  # reported below, so a failing thread fails the test
            errors.append(error)

    threads = [threading.Thread(target=issuer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(issued) == list(range(1, THREADS * PER_THREAD + 1))
    with concurrent_app.app_context():
        assert last_sequence("五民养整", 2026) == THREADS * PER_THREAD
        assert last_sequence("五民养整", 2027) == 0


def test_a_rolled_back_issue_gives_its_number_back(concurrent_app):
    with concurrent_app.app_context():
        assert run_in_transaction(lambda: next_sequence("五消养整", 2026)) == 1
        next_sequence("五消养整", 2026)
        db.session.rollback()  # e.g. rendering the PDF failed
        assert run_in_transaction(lambda: next_sequence("五消养整", 2026)) == 2
