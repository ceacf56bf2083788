"""Web form posts at the same moment, with real commits: on SQLite a request that writes waits for the one before
it instead of failing with "database is locked"."""

import threading
import traceback

import pytest
from flask import Flask

from inspection.demo.county import DEMO_PASSWORD
from inspection.demo.seed import seed_demo_county
from inspection.extensions import db

PEOPLE = ["mz1", "mz2", "xf1", "xf2", "sc1", "sc2"]


@pytest.fixture(scope="module")
def demo_people(concurrent_app: Flask) -> Flask:
    with concurrent_app.app_context():
        seed_demo_county()
        db.session.commit()
    return concurrent_app


def test_people_logging_in_at_the_same_moment_all_get_in(demo_people):
    start = threading.Barrier(len(PEOPLE))
    statuses: dict[str, int] = {}
    errors: list[BaseException] = []

    def log_in(username: str) -> None:
        client = demo_people.test_client()
        client.get("/auth/login")  # a session to read first, as a browser does
        start.wait()
        try:
            response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
            statuses[username] = response.status_code
        except BaseException as error:  # an unhandled error in the app (a 500): reported below
            errors.append(error)

    threads = [threading.Thread(target=log_in, args=(name,)) for name in PEOPLE]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, "".join(traceback.format_exception(errors[0])) if errors else ""
    assert statuses == dict.fromkeys(PEOPLE, 302)
