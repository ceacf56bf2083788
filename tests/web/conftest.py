"""Fixtures of the web tests."""

import pytest

from tests.factories import make_cast


@pytest.fixture
def cast(app):
    """The people and facilities of `factories.make_cast`, built in the test's transaction."""
    return make_cast()
