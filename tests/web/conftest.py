"""Fixtures of the web tests."""

import pytest

from inspection.extensions import db
from tests.factories import make_cast


@pytest.fixture
def cast(app):
    """The people and facilities of `factories.make_cast`, built in the test's transaction and committed into it
    (a request that fails rolls back only its own work, as in production; the test's end still rolls back all)."""
    people = make_cast()
    db.session.commit()
    return people
