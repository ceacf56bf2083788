"""The evidence migration on a database that already holds photos and audit entries (issue 18): stored images get
their hash from the stored bytes, and the existing entries are chained once, in id order, so that `audit verify`
passes right after the upgrade and keeps passing as entries are appended."""

import hashlib
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Photo
from inspection.services import Actor
from inspection.services.audit import record_event, verify_chain
from inspection.services.checklists import import_shipped_checklists
from inspection.services.evidence import add_photo
from inspection.services.planning import item_index
from tests.conftest import CONCURRENCY_BACKENDS, SETUP_ACTOR, own_database
from tests.factories import BASE_COUNTY, OWN, answer_all, inspector_of, jpeg, make_cast, make_county, plan_inspection

BEFORE_EVIDENCE = "d18s4c0e1004"

#: Entries written before the chain existed: a JSON object with unsorted keys, nulls, non-ASCII text.
OLD_ENTRIES = [
    ("2026-01-02 03:04:05", "facility.update", '{"name": "旧", "beds": 10}', '{"beds": 12, "name": "新"}'),
    ("2026-01-02 03:04:05.250000", "auth.login", None, None),
    ("2026-02-01 00:00:00", "user.create", "null", '{"username": "zj9", "roles": ["inspector"]}'),
]


@pytest.mark.parametrize("backend", CONCURRENCY_BACKENDS)
def test_existing_photos_are_hashed_and_existing_entries_chained(backend, tmp_path_factory):
    with own_database("evidence_migration", tmp_path_factory, backend) as app, app.app_context():
        import_shipped_checklists(SETUP_ACTOR)
        cast = make_cast(make_county(BASE_COUNTY))
        inspection = plan_inspection(cast[OWN], ["fire_safety"])
        code = next(code for code, ref in item_index(inspection).items() if ref.department_code == "xf")
        answer_all(inspection, fail=[code])
        inspector = Actor(inspector_of(inspection, "xf"), "test")
        add_photo(inspection, code, str(uuid.uuid4()), jpeg(), inspector)
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE_EVIDENCE)
        with db.engine.begin() as connection:
            for created_at, action, before, after in OLD_ENTRIES:
                connection.execute(
                    sa.text(
                        "INSERT INTO audit_events (created_at, actor_name, ip, action, object_type, object_id,"
                        " region_path, before, after, detail) VALUES (:created_at, '', '', :action, '', '', '/',"
                        " :before, :after, '')"
                    ),
                    {"created_at": created_at, "action": action, "before": before, "after": after},
                )
        upgrade()

        photos = db.session.scalars(select(Photo)).all()
        assert photos, "the inspection stored no photo"
        for photo in photos:
            assert photo.image_sha256 == hashlib.sha256(photo.file.data).hexdigest()
        total = db.session.scalar(sa.text("SELECT count(*) FROM audit_events"))
        state = verify_chain()
        assert state.intact and state.verified == total >= len(OLD_ENTRIES)

        record_event(Actor(None, "10.0.0.1"), "test.after_upgrade")
        db.session.commit()
        assert verify_chain().verified == total + 1
