"""Which facilities the grading covers (issue 14, DOMAIN §15.7): a register field, defaulting from the type, that
an administrator may set either way, back-filled by the migration."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from inspection.extensions import db
from inspection.models import FacilityType
from tests.conftest import own_database
from tests.factories import OWN, make_facility

#: The revision before this issue's migration.
BEFORE = "f17g4c0e1009"


@pytest.mark.parametrize(
    ("facility_type", "residential"),
    [
        (FacilityType.NURSING_HOME, True),
        (FacilityType.WELFARE_CENTRE, True),
        (FacilityType.PRIVATE_HOME, True),
        (FacilityType.DAY_CARE, False),
        (FacilityType.MUTUAL_AID, False),
        (FacilityType.RESETTLEMENT, False),
    ],
)
def test_the_type_decides_unless_the_register_says_otherwise(app, facility_type, residential):
    assert make_facility(type=facility_type).is_residential is residential
    assert make_facility(type=facility_type, is_residential=not residential).is_residential is not residential


def register_form(target, **changes):
    form = {
        "name": target.name,
        "type": target.type,
        "ownership": target.ownership,
        "region_id": str(target.region_id),
        "address": target.address,
        "uscc": target.uscc or "",
        "person_in_charge": target.person_in_charge,
        "phone": target.phone,
        "beds": str(target.beds),
        "residents": str(target.residents),
        "fire_acceptance": target.fire_acceptance,
        "offers_ten_services": "y",
    }
    return form | changes


def test_an_administrator_sets_the_scope_on_the_register_form(cast, client, login):
    own = cast[OWN]
    facility_id, form = own.id, register_form(own)
    login("admin")
    page = client.get(f"/facilities/{facility_id}/edit").get_data(as_text=True)
    assert 'name="is_residential"' in page and '<option selected value="True">' in page
    assert client.post(f"/facilities/{facility_id}/edit", data=form | {"is_residential": "False"}).status_code == 302
    detail = client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    assert "否（不参加等级评定）" in detail and detail.count("不参加等级评定") >= 2
    # "by type" again: a nursing home is a residential 养老机构
    assert client.post(f"/facilities/{facility_id}/edit", data=form | {"is_residential": ""}).status_code == 302
    assert "否（不参加等级评定）" not in client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    day_care = form | {"name": "城东日间照料中心", "type": FacilityType.DAY_CARE, "uscc": "", "is_residential": ""}
    response = client.post("/facilities/new", data=day_care)
    assert response.status_code == 302
    assert "否（不参加等级评定）" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_migration_back_fills_the_scope_from_the_type(tmp_path_factory):
    from inspection.services.checklists import import_shipped_checklists
    from tests.conftest import SETUP_ACTOR
    from tests.factories import make_county

    with own_database("grading_scope", tmp_path_factory) as app, app.app_context():
        import_shipped_checklists(SETUP_ACTOR)
        county = make_county("范围县", townships=1, short="范")
        for facility_type in FacilityType:
            make_facility(county, name=f"范围{facility_type}", type=facility_type)
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE)
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT type, is_residential FROM facilities")).all()
    assert {facility_type: bool(flag) for facility_type, flag in rows} == {
        "nursing_home": True,
        "welfare_centre": True,
        "private_home": True,
        "day_care": False,
        "mutual_aid": False,
        "resettlement": False,
    }


def test_the_register_records_what_eligibility_reads(cast, client, login):
    own = cast[OWN]
    facility_id, form = own.id, register_form(own)
    login("admin")
    dates = {"opened_on": "2019-05-01", "filed_on": "2019-06-10", "last_penalty_on": "2025-03-02"}
    assert client.post(f"/facilities/{facility_id}/edit", data=form | dates).status_code == 302
    detail = client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    assert all(day in detail for day in dates.values())
    response = client.post(f"/facilities/{facility_id}/edit", data=form | {"opened_on": "2019-13-01"})
    assert response.status_code == 400 and "2019-13-01" in response.get_data(as_text=True)
