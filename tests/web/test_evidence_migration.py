"""The evidence migration's data steps on a database that already holds photos and audit entries (issue 18): stored
images get their hash from the stored bytes, and the existing entries are chained once, in id order, so that
`audit verify` passes right after the upgrade and keeps passing as entries are appended. (Its schema steps, up and
down, are checked with every other revision's by test_migrations.) The rows are put back as they were before the
revision — no hashes, no chain head — rather than by downgrading, which would run every later revision's downgrade
too."""

import hashlib
import importlib.util
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

import inspection
from inspection.extensions import db
from inspection.models import Photo
from inspection.services import Actor
from inspection.services.audit import record_event, verify_chain
from inspection.services.checklists import import_shipped_checklists
from inspection.services.evidence import add_photo
from inspection.services.planning import item_index
from tests.conftest import CONCURRENCY_BACKENDS, SETUP_ACTOR, own_database
from tests.factories import BASE_COUNTY, OWN, answer_all, inspector_of, jpeg, make_cast, make_county, plan_inspection

VERSIONS = Path(inspection.__file__).parent / "migrations" / "versions"
MIGRATION = next(VERSIONS.glob("*_e18e4c0e1005_evidence_hashes_audit_chain.py"))

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
        with db.engine.begin() as connection:
            for table in ("photos", "signatures", "hazard_photos"):
                connection.execute(sa.text(f"UPDATE {table} SET image_sha256 = NULL"))
            connection.execute(sa.text("UPDATE audit_events SET prev_hash = '', entry_hash = ''"))
            connection.execute(sa.text("DELETE FROM audit_chain_head"))
            for created_at, action, before, after in OLD_ENTRIES:
                connection.execute(
                    sa.text(
                        "INSERT INTO audit_events (created_at, actor_name, ip, action, object_type, object_id,"
                        " region_path, before, after, detail) VALUES (:created_at, '', '', :action, '', '', '/',"
                        " :before, :after, '')"
                    ),
                    {"created_at": created_at, "action": action, "before": before, "after": after},
                )
        migration = load_migration()
        with db.engine.begin() as connection:
            for table in ("photos", "signatures", "hazard_photos"):
                migration._hash_stored_images(connection, table)
            migration._chain_existing_events(connection)

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


def load_migration():
    spec = importlib.util.spec_from_file_location("evidence_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
