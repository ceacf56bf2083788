"""The league table's stored keys (``inspection.services.rankings.stored``) equal a full recomputation after any
sequence of what changes results: submissions, corrections, re-inspections, countersignatures, returns, deadline
changes and blacklist decisions; and the table read from them is the table computed without them.

Random sequences, seeded and bounded, over the county of tests/rankings/world.py."""

import random
from contextlib import suppress
from datetime import date, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select, update

from inspection.extensions import db
from inspection.models import (
    LISTED_STATUSES,
    AnswerResult,
    ChecklistStatus,
    CreditListing,
    CreditStatus,
    Facility,
    FacilityRankKey,
    FacilityType,
    Hazard,
    Inspection,
    InspectionChecklist,
    RankKeysVersion,
)
from inspection.scoring.rankings import RankGroup
from inspection.services import Actor, ServiceError
from inspection.services.answers import AnswerInput
from inspection.services.corrections import correct_answer
from inspection.services.credit import decide_removal, request_removal
from inspection.services.hazards import change_deadline
from inspection.services.planning import item_index
from inspection.services.rankings import RankingFilters, query_params, ranking_page, table_statement
from inspection.services.rankings.filters import OPEN_HAZARD
from inspection.services.rankings.positions import rank_positions
from inspection.services.rankings.query import unfiltered_by_rank
from inspection.services.rankings.stored import drift
from inspection.services.reviews import countersign_grading, return_grading
from tests.conftest import facility, user
from tests.factories import blacklist, close_hazard, grade, inspect, inspector_of, make_reviewer
from tests.rankings.world import NURSING_HOMES

pytestmark = pytest.mark.usefixtures("app_ctx")

#: Steps per sequence, and sequences (seeds): bounded, so the test stays a few seconds per database.
STEPS, SEEDS = 8, (1, 2, 3)

FIRE_ITEMS = ("F2", "F3", "F4")
FILTERS = (
    RankingFilters(),
    RankingFilters(type="nursing_home"),
    RankingFilters(grade="2"),
    RankingFilters(overdue=1),
    RankingFilters(date_from=date.today() - timedelta(days=400)),
)
SORTS = (("rank", "asc"), ("rank", "desc"), ("trend", "desc"), ("open", "desc"), ("name", "asc"), ("score", "asc"),
         ("overdue", "desc"), ("last", "desc"), ("fire", "asc"))  # fmt: skip


def county_facilities() -> list[Facility]:
    names = [*NURSING_HOMES, "社会福利中心", "康宁老年公寓", "颐和养老院", "康乐养老院", "城北日间照料中心"]
    return [facility(name) for name in names]


def submit_grading(rng, home):
    grade(home, rng.choice([1, 2, 3, 4, 5, "below"]), on=date.today() - timedelta(days=rng.randint(0, 30)),
          countersign=rng.random() < 0.5)  # fmt: skip


def submit_inspection(rng, home):
    inspect(home, on=date.today() - timedelta(days=rng.randint(0, 30)), fail=rng.sample(FIRE_ITEMS, rng.randint(0, 2)))


def correct(rng, home):
    ic = _latest(home, "fire_safety")
    if ic is None:
        return submit_inspection(rng, home)
    code = rng.choice(FIRE_ITEMS)
    ref = item_index(ic.inspection)[code]
    result = rng.choice([AnswerResult.FAIL, AnswerResult.PASS])
    actor = Actor(inspector_of(ic.inspection, ref.department_code), "test")
    with suppress(ServiceError):  # e.g. the finding is on a notice already: refused, nothing changes
        correct_answer(ic.inspection, AnswerInput(code, result, str(uuid4()), note="更正（测试）"), "复核更正", actor)


def reinspect(rng, home):
    hazards = db.session.scalars(select(Hazard).where(Hazard.facility_id == home.id, Hazard.status.in_(OPEN_HAZARD)))
    hazard = next(iter(hazards), None)
    if hazard is not None:
        close_hazard(hazard)


def move_deadline(rng, home):
    hazard = db.session.scalar(select(Hazard).where(Hazard.facility_id == home.id, Hazard.status.in_(OPEN_HAZARD)))
    if hazard is not None:
        deadline = date.today() + timedelta(days=rng.choice([-10, -1, 1, 20]))
        with suppress(ServiceError):  # a hazard on a notice keeps the notice's deadline
            change_deadline(hazard, deadline, "延期（测试）", Actor(user("reviewer"), "test"))


def review(rng, home):
    stmt = (
        select(InspectionChecklist)
        .join(Inspection)
        .where(
            Inspection.facility_id == home.id,
            InspectionChecklist.checklist_code == "grading",
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
            InspectionChecklist.reviewed_at.is_(None),
        )
    )
    ic = db.session.scalar(stmt.limit(1))
    if ic is None:
        return submit_grading(rng, home)
    actor = Actor(make_reviewer(), "test")
    try:
        if rng.random() < 0.5:
            countersign_grading(ic, "同意（测试）", True, actor)
        else:
            return_grading(ic, "材料不全（测试）", actor)
    except ServiceError:
        pass


def change_listing(rng, home):
    listing = db.session.scalar(
        select(CreditListing).where(CreditListing.facility_id == home.id, CreditListing.status.in_(LISTED_STATUSES))
    )
    actor = Actor(user("reviewer"), "test")
    if listing is None:
        blacklist(home, decided_on=date.today() - timedelta(days=rng.choice([10, 800])), reviewer=user("reviewer"))
        return
    try:
        if listing.status == CreditStatus.ACTIVE:
            request_removal(listing, date.today(), actor)
        else:
            decide_removal(listing, rng.random() < 0.5, "决定（测试）", date.today(), actor)
    except ServiceError:
        pass  # two years have not passed: the listing stays


STEPS_BY_NAME = {f.__name__: f for f in (submit_grading, submit_inspection, correct, reinspect, move_deadline, review,
                                         change_listing)}  # fmt: skip


def _latest(home, code):
    return db.session.scalar(
        select(InspectionChecklist)
        .join(Inspection)
        .where(
            Inspection.facility_id == home.id,
            InspectionChecklist.checklist_code == code,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
        )
        .order_by(Inspection.inspected_on.desc(), InspectionChecklist.id.desc())
        .limit(1)
    )


def rows(stored, filters, sort, direction):
    """The rows of the table's query; from the stored keys with the ranks of ``rank_positions`` (kept by the process
    between the steps' commits) where the query numbers none."""
    params = query_params(user("reviewer"))
    result = db.session.execute(table_statement(filters, sort, direction, stored=stored), params).mappings()
    if not stored or unfiltered_by_rank(filters, sort, direction):
        return [tuple(r.values()) for r in result]
    positions = rank_positions(user("reviewer"))
    return [tuple({**r, "rank": positions[r["facility_id"]]}.values()) for r in result]


def assert_stored_equals_computed(step):
    assert drift() == [], step
    for filters in FILTERS:
        for sort, direction in SORTS:
            assert rows(True, filters, sort, direction) == rows(False, filters, sort, direction), (step, sort, filters)


@pytest.mark.parametrize("seed", SEEDS)
def test_stored_keys_equal_a_recomputation_after_random_changes(seed):
    rng = random.Random(seed)
    homes = county_facilities()
    assert_stored_equals_computed("the county as built")
    for n in range(STEPS):
        name, home = rng.choice(sorted(STEPS_BY_NAME)), rng.choice(homes)
        STEPS_BY_NAME[name](rng, home)
        db.session.commit()
        assert_stored_equals_computed(f"step {n}: {name} at {home.name}")


def page():
    return [(r.facility_id, r.rank, r.group, r.grade) for r in ranking_page(user("reviewer"), RankingFilters()).rows]


def test_a_page_read_before_the_commit_shows_the_transactions_own_change():
    home = facility("康乐养老院")  # unrated: grading it moves it into a group of the ranked
    before = page()
    grade(home, 3)  # flushed, not committed
    after = page()
    assert after != before
    computed = db.session.execute(table_statement(RankingFilters(), "rank", "asc", 50), query_params(user("reviewer")))
    unranked = RankGroup.NOT_ELIGIBLE
    assert after == [(r.facility_id, None if r.grp == unranked else r.rank, r.grp, r.grade) for r in computed]


def filtered_page():
    filters = RankingFilters(type=str(FacilityType.PRIVATE_HOME))
    return [(r.facility_id, r.rank) for r in ranking_page(user("reviewer"), filters, sort="name").rows]


def test_a_filtered_page_numbers_its_rows_by_the_keys_committed_last():
    """The rank numbers a process keeps stand only until a transaction that changed keys commits; one that changed
    none leaves them (and the count) as they are."""
    count = lambda: db.session.scalar(select(RankKeysVersion.version))  # noqa: E731
    before, counted = filtered_page(), count()
    home = facility("康乐养老院")  # unrated: graded, it moves up past the homes without a grade
    grade(home, 3)  # (the factory commits its steps)
    db.session.commit()
    counted_after = count()
    assert counted_after > counted
    after = filtered_page()
    assert after != before
    computed = db.session.execute(
        table_statement(RankingFilters(type=str(FacilityType.PRIVATE_HOME)), "name", "asc", 50),
        query_params(user("reviewer")),
    )
    assert after == [(r.facility_id, r.rank) for r in computed]
    user("reviewer").display_name = "另一位审核员"  # changes no key
    db.session.commit()
    assert count() == counted_after and filtered_page() == after


def test_the_check_names_drift_and_the_rebuild_repairs_it(app):
    home = facility("社会福利中心")
    db.session.execute(update(FacilityRankKey).where(FacilityRankKey.facility_id == home.id).values(open_major=7))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rankings", "check"])
    assert result.exit_code == 1
    assert f"facility {home.id}: open_major stored 7, computed 0" in result.output
    assert runner.invoke(args=["rankings", "rebuild"]).exit_code == 0
    result = runner.invoke(args=["rankings", "check"])
    assert result.exit_code == 0 and "OK" in result.output
