"""双随机、一公开 through the real routes: a reviewer draws, the draw plans the inspections, anyone reproduces it from
its stored seed and candidates, nobody edits it, and the public page shows it (and later its results) without
people."""

import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AuditEvent, Facility, Inspection, SpotCheckDraw, User
from inspection.models.sampling import DrawIsFinal
from inspection.sampling import Pick, draw
from inspection.services import Actor
from inspection.services.sampling import DrawRequest, make_draw, rerun
from tests.conftest import Login
from tests.factories import answer_all, make_county, make_facility, make_inspector, make_reviewer, submit
from tests.plan.world import build_world

DAY = date.today() + timedelta(days=7)


@pytest.fixture
def world(app):
    return build_world()


def form(world, **overrides):
    data = {
        "department_id": world.county.department("sc").id,
        "checklist_code": "food_safety",
        "inspected_on": DAY.isoformat(),
        "township_id": 0,
        "facility_type": "",
        "facility_count": 2,
        "inspectors_per_facility": 2,
        "confirmed": "y",
    }
    return data | overrides


def stored_draws(county_id: int) -> list[SpotCheckDraw]:
    stmt = select(SpotCheckDraw).where(SpotCheckDraw.region_id == county_id).order_by(SpotCheckDraw.id)
    return list(db.session.scalars(stmt))


def test_a_reviewer_draws_facilities_and_inspectors_and_the_inspections_are_planned(client, login, world):
    data, county_id, reviewer = form(world), world.county.region.id, world.reviewer.username
    login(reviewer)
    response = client.post("/plan/draws/new", data=data)
    assert response.status_code == 302 and "/plan/draws/" in response.headers["Location"]
    (record,) = stored_draws(county_id)
    assert record.region_id == county_id and record.drawn_by.username == reviewer
    assert len(record.facility_candidates) == 4 and record.facility_candidates == sorted(record.facility_candidates)
    assert len(record.inspector_candidates) == 2  # the county's two 市场监管 inspectors
    assert len(record.picks) == 2
    for pick in record.picks:
        inspection = db.session.get(Inspection, pick.inspection_id)
        assert inspection.facility_id == pick.facility_id and inspection.inspected_on == DAY
        assert sorted(a.user_id for a in inspection.assignments) == sorted(pick.inspector_ids)
        assert [c.checklist_code for c in inspection.checklists] == ["food_safety"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.create"))
    assert event.after["seed"] == record.seed and event.object_id == str(record.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert record.seed in page and "结果与记录一致" in page


def test_the_same_draw_form_sent_again_shows_its_draw_and_draws_nothing_new(client, login, world):
    data, county_id = form(world), world.county.region.id
    login(world.reviewer)
    page = client.get("/plan/draws/new").get_data(as_text=True)
    sent = data | {"client_id": re.search(r'name="client_id"[^>]*value="([0-9a-f-]{36})"', page)[1]}
    first = client.post("/plan/draws/new", data=sent)
    again = client.post("/plan/draws/new", data=sent)  # a double tap
    assert first.status_code == again.status_code == 302 and first.location == again.location
    (record,) = stored_draws(county_id)
    planned = db.session.scalar(select(func.count()).select_from(Inspection).where(Inspection.inspected_on == DAY))
    assert len(record.picks) == planned == 2
    other = client.post("/plan/draws/new", data=data)  # a new form is a new draw
    assert other.status_code == 302 and other.location != first.location


def test_the_stored_seed_and_candidates_reproduce_the_draw(client, login, world):
    data, county_id = form(world, facility_count=3), world.county.region.id
    login(world.reviewer)
    client.post("/plan/draws/new", data=data)
    (record,) = stored_draws(county_id)
    stored = [Pick(p.facility_id, tuple(p.inspector_ids)) for p in record.picks]
    facilities, pool = record.facility_candidates[:], record.inspector_candidates[:]
    random.Random(3).shuffle(facilities)
    assert draw(record.seed, facilities, pool, 3, 2) == stored
    assert rerun(record) == stored


def test_a_given_seed_draws_the_same_again_and_a_new_seed_is_fresh(app, world):
    reviewer, department = world.reviewer, world.county.department("sc")
    request = DrawRequest(department, "food_safety", DAY, facility_count=3)
    first = make_draw(request, Actor(reviewer), today=date.today())
    again = make_draw(
        DrawRequest(department, "food_safety", DAY, 3, seed=first.seed), Actor(reviewer), today=date.today()
    )
    fresh = make_draw(request, Actor(reviewer), today=date.today())
    picks = [[(p.facility_id, p.inspector_ids) for p in d.picks] for d in (first, again)]
    assert picks[0] == picks[1]
    assert fresh.seed != first.seed and len(first.seed) == 32


def test_a_draw_cannot_be_changed_or_deleted(app, world):
    record = make_draw(
        DrawRequest(world.county.department("sc"), "food_safety", DAY, 1), Actor(world.reviewer), today=date.today()
    )
    record.seed = "0" * 32
    with pytest.raises(DrawIsFinal):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"facility_count": 5}, "符合条件的机构有 4 家"),
        ({"inspectors_per_facility": 3}, "该部门可抽取的检查员有 2 名"),
        ({"inspected_on": (date.today() - timedelta(days=1)).isoformat()}, "日期"),
        ({"confirmed": ""}, "请确认后再抽取"),
        ({"checklist_code": "service_safety"}, "含有其他部门的检查部分"),
    ],
)
def test_an_impossible_draw_is_refused_and_nothing_is_stored(client, login, world, overrides, message):
    data, county_id = form(world, **overrides), world.county.region.id
    login(world.reviewer)
    response = client.post("/plan/draws/new", data=data)
    page = response.get_data(as_text=True)
    if response.status_code == 302:  # a refusal named no field of the form: flashed on the next page
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert stored_draws(county_id) == []


def test_a_township_filter_draws_only_its_facilities(client, login, world):
    second = world.county.townships[1]
    data, names, county_id = form(world, township_id=second.id), {world.planned.id, world.day_care.id}, second.parent_id
    login(world.reviewer)
    client.post("/plan/draws/new", data=data)
    (record,) = stored_draws(county_id)
    assert set(record.facility_candidates) == names and record.filters["township_id"] == data["township_id"]


def test_who_may_draw_and_see_draws(app, world):
    record = make_draw(
        DrawRequest(world.county.department("sc"), "food_safety", DAY, 1), Actor(world.reviewer), today=date.today()
    )
    path = f"/plan/draws/{record.id}"
    inspector, admin = make_inspector("sc", world.county).username, world.admin.username
    stranger = make_reviewer(make_county(townships=1)).username
    pages = ("/plan/draws", "/plan/draws/new", path)
    inspector_client = Login(app.test_client())(inspector)
    assert [inspector_client.get(p).status_code for p in pages] == [403, 403, 403]
    admin_client = Login(app.test_client())(admin)
    assert [admin_client.get(p).status_code for p in pages] == [200, 403, 200]
    stranger_client = Login(app.test_client())(stranger)
    assert stranger_client.get(path).status_code == 404
    assert "还没有随机抽取记录" in stranger_client.get("/plan/draws").get_data(as_text=True)


def test_the_public_page_shows_the_draw_then_its_results_without_people(client, world):
    record = make_draw(
        DrawRequest(world.county.department("sc"), "food_safety", DAY, 2), Actor(world.reviewer), today=date.today()
    )
    seed, names = record.seed, [p.facility.name for p in record.picks]
    inspectors = [p.inspection.assignments[0].user.display_name for p in record.picks]
    inspection_id = record.picks[0].inspection_id
    db.session.commit()  # into the test's outer transaction: an anonymous request commits nothing of its own
    page = client.get("/public/draws").get_data(as_text=True)
    assert seed in page and all(name in page for name in names) and "待检查" in page
    assert not any(person in page for person in inspectors)
    inspection = db.session.get(Inspection, inspection_id)
    inspection.inspected_on = date.today()  # the inspection team came early
    answer_all(inspection)
    submit(inspection)
    verdict = inspection.checklists[0].verdict
    db.session.commit()
    page = client.get("/public/draws").get_data(as_text=True)
    assert f"{names[0]}</a> " in page and f"<strong>{verdict}</strong>" in page


def test_a_facility_and_an_inspector_with_the_same_id_are_told_apart(app):
    """Facility and user ids come from separate sequences: a draw must not plan an inspection of a person."""
    county = make_county(townships=1, departments=["mz", "sc"])
    reviewer = make_reviewer(county)
    facility, people = make_facility(county), [make_inspector("sc", county) for _ in range(2)]
    shared = 1 + max(db.session.scalar(select(func.max(Facility.id))), db.session.scalar(select(func.max(User.id))))
    facility.id = people[0].id = shared
    db.session.flush()
    request = DrawRequest(county.department("sc"), "food_safety", DAY, facility_count=1)
    (pick,) = make_draw(request, Actor(reviewer), today=date.today()).picks
    assert pick.inspection.facility_id == shared
    assert sorted(a.user_id for a in pick.inspection.assignments) == sorted(p.id for p in people)
