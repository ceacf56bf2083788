"""The league-table tests share one county built once (tests/rankings/world.py)."""

import pytest

from tests.conftest import app_with
from tests.rankings.world import build_ranking_county


@pytest.fixture(scope="package")
def app(tmp_path_factory):
    """An app whose database holds the ranking county; each test still runs in a rolled-back transaction."""
    with app_with("rankings", tmp_path_factory, build_ranking_county) as app:
        yield app
