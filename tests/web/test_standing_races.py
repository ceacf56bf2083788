"""A facility's first standing under concurrent submissions, against a real server process: two inspections of one
facility, its first ever of the fire-safety checklist, submitted at the same moment. Both find no standing; the
second's insert meets the (facility_id, kind) key once the first commits, and then replaces that standing instead of
answering 409 (which the phone would retry)."""

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Facility, FacilityStanding, InspectionChecklist, User
from tests.factories import OWN, PASSWORD, answer_all, photograph_failures, plan_inspection, submit
from tests.server_process import Client, together


def test_two_first_submissions_at_the_same_moment_both_succeed_and_one_standing_remains(concurrent_app, served_county):
    with concurrent_app.app_context():
        people = {u.username: u for u in db.session.scalars(select(User))}
        home = db.session.scalar(select(Facility).where(Facility.name == OWN))
        team = {"mz": [people["mz1"], people["mz2"]], "xf": [people["xf1"], people["xf2"]]}
        inspection_ids = []
        for _ in range(2):  # answered, 民政's part submitted, 消防's part left to submit
            inspection = plan_inspection(home, ["fire_safety"], team=team)
            answer_all(inspection, fail=["F2"])
            submit(inspection, "mz")
            photograph_failures(inspection, "xf")
            inspection_ids.append(inspection.id)
        db.session.commit()
        facility_id = home.id
        kinds = select(FacilityStanding.kind).where(FacilityStanding.facility_id == facility_id)
        assert "fire" not in db.session.scalars(kinds).all()  # the race is on the first one
    inspectors = [Client(served_county).api_token(name, PASSWORD) for name in ("xf1", "xf2")]
    replies = together(
        *[
            lambda c=c, i=i: c.request("POST", f"/api/v1/inspections/{i}/submit")
            for c, i in zip(inspectors, inspection_ids, strict=True)
        ]
    )
    assert [r.status for r in replies] == [200, 200], [r.body[:300] for r in replies]
    with concurrent_app.app_context():
        fire = select(FacilityStanding).where(
            FacilityStanding.facility_id == facility_id, FacilityStanding.kind == "fire"
        )
        assert db.session.scalar(select(func.count()).select_from(fire.subquery())) == 1
        standing = db.session.scalar(fire)
        assert db.session.get(InspectionChecklist, standing.inspection_checklist_id).inspection_id in inspection_ids
