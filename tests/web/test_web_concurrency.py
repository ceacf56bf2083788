"""Web form posts at the same moment, with real commits: on SQLite a request that writes waits for the one before
it instead of failing with "database is locked"."""

import pytest
from flask import Flask

from inspection.demo.county import DEMO_PASSWORD
from inspection.demo.seed import seed_demo_county
from inspection.extensions import db
from tests.conftest import run_together

PEOPLE = ["mz1", "mz2", "xf1", "xf2", "sc1", "sc2"]


@pytest.fixture(scope="module")
def demo_people(concurrent_app: Flask) -> Flask:
    with concurrent_app.app_context():
        seed_demo_county()
        db.session.commit()
    return concurrent_app


def test_people_logging_in_at_the_same_moment_all_get_in(demo_people):
    def log_in(username: str):
        def task(go):
            client = demo_people.test_client()
            client.get("/auth/login")  # a session to read first, as a browser does
            go()
            return client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD}).status_code

        return task

    statuses = dict(zip(PEOPLE, run_together([log_in(name) for name in PEOPLE]), strict=True))
    assert statuses == dict.fromkeys(PEOPLE, 302)
