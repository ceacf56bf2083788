"""The demo county shows the annual plan with overdue facilities and two recorded draws, one with results."""

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import SpotCheckDraw
from inspection.services.sampling import matches_stored


@pytest.fixture(scope="module")
def app(demo_app):
    return demo_app


def test_the_demo_plan_has_overdue_facilities_first(client, login):
    login("reviewer")
    page = client.get("/plan/").get_data(as_text=True)
    cards = page.split('<li class="plan-row ')[1:]
    assert len(cards) >= 2 and all(card.startswith("status-overdue") for card in cards[:2])
    assert "尚未提交" in cards[0]


def test_the_demo_has_two_reproducible_draws_published_one_with_results(client):
    draws = list(db.session.scalars(select(SpotCheckDraw).order_by(SpotCheckDraw.drawn_at)))
    assert len(draws) == 2 and all(matches_stored(d) for d in draws)
    page = client.get("/public/draws").get_data(as_text=True)
    assert all(d.seed in page for d in draws)
    assert "待检查" in page and "<strong>优秀</strong>" in page
