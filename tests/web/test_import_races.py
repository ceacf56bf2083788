"""A register import confirmed while an admin edits one of its entries, released together on a database where both
commit for real: the import either applies exactly the changes it previewed, over the entry as it was, or refuses
because the entry changed; never a deadlock or an edit lost without trace."""

from collections.abc import Callable

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import AuditEvent, Facility, User
from inspection.orm import utcnow
from inspection.services import Actor, Conflict
from inspection.services.audit import verify_chain
from inspection.services.facilities import update_facility
from inspection.services.facility_import import confirm_import, plan_import, stage_import
from inspection.transactions import run_in_transaction
from tests.conftest import run_together
from tests.factories import BASE_COUNTY, OWN, make_cast, make_county
from tests.register_files import register_row, xlsx_bytes


@pytest.fixture(scope="module")
def township(concurrent_app) -> str:
    """The base county and the cast in the module's database; the name of the county's first township."""
    with concurrent_app.app_context():
        county = make_county(BASE_COUNTY)
        make_cast(county)
        db.session.commit()
        name = county.townships[0].name
        db.session.remove()
        return name


def confirmation(app, user_id: int, token: str, digest: str) -> Callable[[Callable[[], object]], str]:
    """A task for `run_together`: confirm the preview `token` as the user, once `go` releases it; say whether it
    was "imported" or refused as a "conflict"."""

    def confirm(go: Callable[[], object]) -> str:
        with app.app_context():
            user = db.session.get(User, user_id)
            go()
            try:
                run_in_transaction(lambda: confirm_import(token, digest, user, Actor(user, "test"), utcnow()))
            except Conflict:
                return "conflict"
            finally:
                db.session.remove()
            return "imported"

    return confirm


def test_an_import_and_an_edit_of_its_entry_at_once_keep_every_change_accounted_for(concurrent_app, township):
    with concurrent_app.app_context():
        own = db.session.scalar(select(Facility).where(Facility.name == OWN))
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        data = xlsx_bytes([register_row(1, township, 统一社会信用代码=own.uscc, 床位数=80)])
        staged = stage_import(data, "名录.xlsx", plan_import(data, admin), admin, utcnow())
        token, digest, own_id = staged.token, staged.plan_sha256, own.id
        db.session.commit()
        db.session.remove()

    def edit(go: Callable[[], object]) -> str:
        with concurrent_app.app_context():
            user = db.session.get(User, admin_id)
            go()
            entry = db.session.get(Facility, own_id)
            data = {"region_id": entry.region_id, "uscc": entry.uscc, "beds": 70}
            run_in_transaction(lambda: update_facility(entry, data, Actor(user, "test")))
            db.session.remove()
            return "edited"

    with concurrent_app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.username == "admin"))
    imported, edited = run_together([confirmation(concurrent_app, admin_id, token, digest), edit])
    with concurrent_app.app_context():
        beds = [
            (e.before.get("beds"), e.after.get("beds"))
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "facility.update", AuditEvent.object_id == str(own_id))
                .order_by(AuditEvent.id)
            )
        ]
        final = db.session.get(Facility, own_id).beds
        assert verify_chain().intact
    assert edited == "edited"
    if imported == "imported":  # the import went first, as previewed; the edit then changed what it imported
        assert beds == [(60, 80), (80, 70)] and final == 70
    else:  # the edit went first: the import no longer matched its preview and changed nothing
        assert beds == [(60, 70)] and final == 70


def test_two_imports_creating_one_new_entry_at_once_import_it_once_and_refuse_the_other(concurrent_app, township):
    with concurrent_app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        previews = []
        for beds in (50, 60):  # two files, each creating the same new home
            data = xlsx_bytes([register_row(901, township, 床位数=beds)])
            staged = stage_import(data, f"名录{beds}.xlsx", plan_import(data, admin), admin, utcnow())
            previews.append((staged.token, staged.plan_sha256))
        code = register_row(901, "")["统一社会信用代码"]
        db.session.commit()
        admin_id = admin.id
        db.session.remove()

    outcomes = run_together([confirmation(concurrent_app, admin_id, *preview) for preview in previews])
    assert sorted(outcomes) == ["conflict", "imported"]
    with concurrent_app.app_context():
        assert len(db.session.scalars(select(Facility).where(Facility.uscc == code)).all()) == 1
        assert verify_chain().intact
