"""The league table's stored keys on a database that already holds facilities when the revision that adds them
runs: they are computed once the upgrade reaches the head, by the head's code (never inside the revision, whose
query would name columns later revisions add), and the pages read them at once."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from inspection.extensions import db
from inspection.models import Facility, FacilityStatus
from inspection.services.checklists import import_shipped_checklists
from inspection.services.rankings.stored import drift
from tests.conftest import CONCURRENCY_BACKENDS, SETUP_ACTOR, own_database
from tests.factories import BASE_COUNTY, make_cast, make_county

BEFORE_KEYS = "i14d0e1c2009"


@pytest.mark.parametrize("backend", CONCURRENCY_BACKENDS)
def test_an_upgrade_to_the_head_computes_the_keys_of_existing_facilities(backend, tmp_path_factory):
    with own_database("rank_keys_migration", tmp_path_factory, backend) as app, app.app_context():
        import_shipped_checklists(SETUP_ACTOR)
        make_cast(make_county(BASE_COUNTY))
        db.session.commit()
        active = db.session.scalar(
            sa.select(sa.func.count()).select_from(Facility).where(Facility.status == FacilityStatus.ACTIVE)
        )
        db.session.remove()
        downgrade(revision=BEFORE_KEYS)  # the database as it was before the keys: their table is gone
        upgrade()
        stored = db.session.scalar(sa.text("SELECT count(*) FROM facility_rank_keys"))
        assert active > 0 and stored == active
        assert drift() == []
        upgrade()  # nothing to migrate: the keys are left as they are
        assert db.session.scalar(sa.text("SELECT count(*) FROM facility_rank_keys")) == active
