"""Web form posts at the same moment, with real commits: on SQLite a request that writes waits for the one before
it instead of failing with "database is locked"."""

import pytest
from flask import Flask

from inspection.extensions import db
from tests.conftest import run_together
from tests.factories import BASE_COUNTY, PASSWORD, make_cast, make_county

PEOPLE = ["mz1", "mz2", "xf1", "xf2", "sc1", "sc2"]


@pytest.fixture(scope="module")
def people(concurrent_app: Flask) -> Flask:
    """The concurrent app with a county and the cast (factories.make_cast) committed in its database."""
    with concurrent_app.app_context():
        make_cast(make_county(BASE_COUNTY))
        db.session.commit()
    return concurrent_app


def test_people_logging_in_at_the_same_moment_all_get_in(people):
    def log_in(username: str):
        def task(go):
            client = people.test_client()
            client.get("/auth/login")  # a session to read first, as a browser does
            go()
            return client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code

        return task

    statuses = dict(zip(PEOPLE, run_together([log_in(name) for name in PEOPLE]), strict=True))
    assert statuses == dict.fromkeys(PEOPLE, 302)
