"""Documents issued by requests racing each other, against a real server process (issue 11 case 2): a double tap
on 发出, the lead and a reviewer together, two corrections of one notice, a re-inspection form sent twice. Each
hazard stays on one current notice, each notice is replaced once, each re-inspection has one 复查意见书, and no
document number is used up by a request that lost."""

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import DocumentCounter, Facility, Hazard, Notice, NoticeHazard, NoticeMode, Reinspection, User
from inspection.services import Actor
from inspection.services.notices import issue_notices, verification_url
from tests.factories import OWN, PASSWORD, inspect
from tests.server_process import Client, together

TOGETHER = 4


def completed_inspection(app: Flask, issued: bool = False) -> int:
    """A submitted fire inspection of the cast's facility, led by 民政 (mz1), with hazards F2 and F5 (消防);
    `issued`: its notice already issued."""
    with app.app_context():
        people = {u.username: u for u in db.session.scalars(select(User))}
        facility = db.session.scalar(select(Facility).where(Facility.name == OWN))
        team = {"mz": [people["mz1"], people["mz2"]], "xf": [people["xf1"], people["xf2"]]}
        inspection = inspect(facility, ["fire_safety"], fail=["F2", "F5"], team=team)
        if issued:
            issue_notices(
                inspection,
                NoticeMode.PER_DEPARTMENT,
                Actor(people["mz1"], "test"),
                date.today(),
                lambda token: verification_url("http://test", token),
            )
        db.session.commit()
        return inspection.id


def current_notices_per_hazard(app: Flask, inspection_id: int) -> list[int]:
    with app.app_context():
        counts = db.session.execute(
            select(Hazard.id, func.count(Notice.id))
            .outerjoin(NoticeHazard, NoticeHazard.hazard_id == Hazard.id)
            .outerjoin(
                Notice,
                (Notice.id == NoticeHazard.notice_id) & (Notice.status == "issued") & (Notice.kind == "rectification"),
            )
            .where(Hazard.inspection_id == inspection_id)
            .group_by(Hazard.id)
        )
        return [count for _, count in counts]


def numbers_used_match_notices(app: Flask) -> bool:
    """Every number the counters gave out is on a stored notice: none was used up by a request that lost."""
    with app.app_context():
        given = db.session.scalar(select(func.coalesce(func.sum(DocumentCounter.last_value), 0)))
        stored = db.session.scalar(select(func.count()).select_from(Notice))
        return given == stored


def test_issuing_at_once_puts_each_hazard_on_one_current_notice(concurrent_app, served_county):
    inspection_id = completed_inspection(concurrent_app)
    clients = [Client(served_county).api_token(name, PASSWORD) for name in ("mz1", "mz1", "reviewer", "reviewer")]
    path = f"/api/v1/inspections/{inspection_id}/notices"
    replies = together(*[lambda c=c: c.request("POST", path, json_body={"mode": "per_department"}) for c in clients])
    statuses = sorted(r.status for r in replies)
    assert statuses == [201, 422, 422, 422], [r.body[:200] for r in replies]
    refused = next(r for r in replies if r.status == 422).json()["error"]["message"]
    assert "没有需要发出整改通知书的隐患" in refused
    assert current_notices_per_hazard(concurrent_app, inspection_id) == [1, 1]
    assert numbers_used_match_notices(concurrent_app)


def test_correcting_one_notice_at_once_replaces_it_once(concurrent_app, served_county):
    inspection_id = completed_inspection(concurrent_app, issued=True)
    with concurrent_app.app_context():
        original = db.session.scalar(select(Notice.id).where(Notice.inspection_id == inspection_id))
    clients = [Client(served_county).log_in("mz1", PASSWORD) for _ in range(TOGETHER)]
    path = f"/notices/{original}/supersede"
    replies = together(*[lambda c=c: c.request("POST", path, form={"reason": "更正机构地址"}) for c in clients])
    assert [r.status for r in replies] == [302] * TOGETHER
    with concurrent_app.app_context():
        replacements = db.session.scalars(select(Notice.id).where(Notice.supersedes_id == original)).all()
    assert len(replacements) == 1
    assert sorted(r.location.rsplit("/", 1)[-1] for r in replies).count(str(replacements[0])) == 1
    assert current_notices_per_hazard(concurrent_app, inspection_id) == [1, 1]
    assert numbers_used_match_notices(concurrent_app)


def reinspection_form(app: Flask, inspection_id: int, client_id: str) -> tuple[int, dict[str, str]]:
    """The facility and the form xf1 sends: F2 rectified, F5 not, with a new deadline."""
    with app.app_context():
        hazards = {
            h.item_code: h for h in db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection_id))
        }
        today = date.today()
        form = {
            "client_id": client_id,
            "shown": f"{hazards['F2'].id},{hazards['F5'].id}",
            "reinspected_on": today.isoformat(),
            "on_site": "y",
            f"decision_{hazards['F2'].id}": "accept",
            f"note_{hazards['F2'].id}": "已拆除",
            f"decision_{hazards['F5'].id}": "reject",
            f"note_{hazards['F5'].id}": "通道仍堆放杂物",
            f"deadline_{hazards['F5'].id}": (today + timedelta(days=10)).isoformat(),
        }
        return hazards["F2"].facility_id, form


def visits_to(app: Flask, facility_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Reinspection.id).where(Reinspection.facility_id == facility_id)))


def test_a_reinspection_form_sent_several_times_at_once_is_one_reinspection(concurrent_app, served_county):
    inspection_id = completed_inspection(concurrent_app, issued=True)
    facility_id, form = reinspection_form(concurrent_app, inspection_id, "6f1c2b7e-2d43-4d1b-9a55-0c3f1e2a9b10")
    clients = [Client(served_county).log_in("xf1", PASSWORD) for _ in range(TOGETHER)]
    path = f"/hazards/reinspect/{facility_id}"
    before = visits_to(concurrent_app, facility_id)
    replies = together(*[lambda c=c: c.request("POST", path, form=form) for c in clients])
    assert [r.status for r in replies] == [302] * TOGETHER, [r.body[:300] for r in replies]
    assert len({r.location for r in replies}) == 1  # every tap lands on the one 复查意见书
    visits = [v for v in visits_to(concurrent_app, facility_id) if v not in before]
    with concurrent_app.app_context():
        documents = db.session.scalar(
            select(func.count()).select_from(Notice).where(Notice.reinspection_id.in_(visits))
        )
    assert (len(visits), documents) == (1, 1)
    assert numbers_used_match_notices(concurrent_app)


def test_two_forms_closing_one_hazard_at_once_close_it_once(concurrent_app, served_county):
    inspection_id = completed_inspection(concurrent_app, issued=True)
    forms = [
        reinspection_form(concurrent_app, inspection_id, client_id)
        for client_id in ("0a4e7c1d-5b6f-4e21-8c3d-9f0a1b2c3d40", "0a4e7c1d-5b6f-4e21-8c3d-9f0a1b2c3d41")
    ]
    clients = [Client(served_county).log_in(name, PASSWORD) for name in ("xf1", "xf2")]
    before = visits_to(concurrent_app, forms[0][0])
    replies = together(
        *[
            lambda c=c, f=f: c.request("POST", f"/hazards/reinspect/{f[0]}", form=f[1])
            for c, f in zip(clients, forms, strict=True)
        ]
    )
    assert sorted(r.status for r in replies) == [302, 400], [r.body[:300] for r in replies]
    refused = next(r for r in replies if r.status == 400).body.decode()
    assert "F2 已经复查销号（可能刚由他人复查），请刷新页面后重新填写" in refused
    assert len(visits_to(concurrent_app, forms[0][0])) == len(before) + 1
    assert numbers_used_match_notices(concurrent_app)
