"""The demo county shows self-inspection (issue 15): an honest facility and one whose later official inspection has
gaps."""

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Hazard, HazardStatus, Inspection, InspectionPurpose, InspectionStatus
from inspection.services.self_inspection import gap_counts


@pytest.fixture(scope="module")
def app(demo_app: Flask) -> Flask:
    return demo_app


def test_the_demo_has_an_honest_self_inspection_and_one_with_gaps(app):
    with app.app_context():
        done = db.session.scalars(
            select(Inspection).where(
                Inspection.purpose == InspectionPurpose.SELF_INSPECTION,
                Inspection.status == InspectionStatus.COMPLETE,
            )
        ).all()
        facilities = sorted({i.facility_id for i in done})
        counts = gap_counts(facilities, app.config["SELF_INSPECTION_WINDOW_DAYS"], date.today())
        found = db.session.scalars(select(Hazard).where(Hazard.self_found)).all()
    assert found and all(h.status == HazardStatus.CLOSED for h in found)  # the honest one closed what it found
    assert len(facilities) == 2
    assert sorted(counts.values())[0] == 0 and sorted(counts.values())[1] > 0
