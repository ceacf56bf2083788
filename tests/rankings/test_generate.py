"""Synthetic data: the demo county's history is realistic and seeded once; `demo generate` makes any size."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from inspection.demo.generate import generate_dataset
from inspection.demo.seed import seed_demo_county
from inspection.extensions import db
from inspection.models import (
    Answer,
    CreditListing,
    FacilityStanding,
    Hazard,
    HazardPhoto,
    Inspection,
    InspectionChecklist,
    StandingKind,
    User,
)
from inspection.services.rankings import RankingFilters, ranking_page

pytestmark = pytest.mark.usefixtures("app_ctx")
TABLES = (Inspection, InspectionChecklist, Answer, Hazard, HazardPhoto, FacilityStanding, CreditListing)


def counts():
    return [db.session.scalar(select(func.count()).select_from(model)) for model in TABLES]


def test_the_demo_history_has_every_case_a_page_needs():
    statuses = Counter(db.session.scalars(select(Hazard.status)))
    assert statuses["closed"] > statuses["open"] > 0 and statuses["evidence_submitted"] > 0
    assert db.session.scalar(select(func.count()).select_from(HazardPhoto)) > 0
    assert db.session.scalar(select(func.count()).select_from(CreditListing).where(CreditListing.status == "active"))
    assert db.session.scalar(select(func.count()).select_from(Answer)) > 1000
    oldest = db.session.scalar(select(func.min(Inspection.inspected_on)))
    newest = db.session.scalar(select(func.max(Inspection.inspected_on)))
    assert (newest - oldest).days > 600


def test_seeding_again_creates_nothing():
    before = counts()
    created = seed_demo_county()
    assert counts() == before and created["history rows"] == 0


def test_a_generated_county_is_ranked_with_most_facilities_at_grade_two():
    summary = generate_dataset(300, 4, seed=7)
    reviewer = db.session.scalar(select(User).where(User.username == summary["reviewer"]))
    page = ranking_page(reviewer, RankingFilters(), per_page=500)
    assert page.total == 300 == summary["counts"]["facilities"]
    grades = Counter(r.grade for r in page.rows if r.group == 0)
    assert grades.most_common(1)[0][0] == 2 and grades[5] < grades[2] / 5
    assert any(r.open_major for r in page.rows) and any(r.blacklisted for r in page.rows)
    assert summary["counts"]["answers"] == 0  # big sets (facilities × years > 1000) skip per-item detail
    ids = [r.facility_id for r in page.rows]
    fire = (
        select(func.count())
        .select_from(FacilityStanding)
        .where(FacilityStanding.facility_id.in_(ids), FacilityStanding.kind == StandingKind.FIRE)
    )
    assert db.session.scalar(fire) == 300


def test_the_cli_generates_and_reports(runner):
    result = runner.invoke(args=["demo", "generate", "--facilities", "5", "--years", "1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "5 facilities" in result.output and "reviewer" in result.output


@pytest.fixture(scope="module")
def app(demo_app):
    """These tests still read the demo county's names (see conftest `demo_app`)."""
    return demo_app
