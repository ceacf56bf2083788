"""The league table's stored keys under concurrent submissions, against a real server process: four inspections of
one facility submitted by the 消防 inspectors at the same moment each open hazards there. Each transaction computes
the facility's keys again after locking its row, so the stored open-hazard counts equal a recomputation, not the
view of whichever transaction committed last."""

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Facility, FacilityRankKey, Hazard, User
from inspection.services.rankings.filters import OPEN_HAZARD
from inspection.services.rankings.stored import drift
from tests.factories import OWN, PASSWORD, answer_all, inspect, photograph_failures, plan_inspection, submit
from tests.server_process import Client, together

SUBMISSIONS = 4


def open_hazards_of(facility_id):
    return db.session.scalar(
        select(func.count()).where(
            Hazard.facility_id == facility_id, Hazard.status.in_(OPEN_HAZARD), Hazard.self_found.is_(False)
        )
    )


def test_submissions_at_the_same_moment_leave_the_stored_keys_equal_to_a_recomputation(concurrent_app, served_county):
    with concurrent_app.app_context():
        people = {u.username: u for u in db.session.scalars(select(User))}
        home = db.session.scalar(select(Facility).where(Facility.name == OWN))
        team = {"mz": [people["mz1"], people["mz2"]], "xf": [people["xf1"], people["xf2"]]}
        inspect(home, ["fire_safety"], team=team)  # its fire standing exists: each submission below replaces it
        inspection_ids = []
        for _ in range(SUBMISSIONS):  # answered, 民政's part submitted, 消防's part with two failures left to submit
            inspection = plan_inspection(home, ["fire_safety"], team=team)
            answer_all(inspection, fail=["F2", "F5"])
            submit(inspection, "mz")
            photograph_failures(inspection, "xf")
            inspection_ids.append(inspection.id)
        db.session.commit()
        facility_id = home.id
        open_before = open_hazards_of(facility_id)
    inspectors = [Client(served_county).api_token(("xf1", "xf2")[n % 2], PASSWORD) for n in range(SUBMISSIONS)]
    replies = together(
        *[
            lambda c=c, i=i: c.request("POST", f"/api/v1/inspections/{i}/submit")
            for c, i in zip(inspectors, inspection_ids, strict=True)
        ]
    )
    assert all(r.status == 200 for r in replies), [r.body[:300] for r in replies]
    with concurrent_app.app_context():
        open_hazards = open_hazards_of(facility_id)
        assert open_hazards > open_before
        assert db.session.get(FacilityRankKey, facility_id).open_hazards == open_hazards
        assert drift() == []
