"""A county whose homes stand at every stage of the grading campaign, for the coverage tests of the API and the web.

The coverage pages are read with TODAY frozen (the `clock` fixture of each module); the figures a test expects are
written out here from how the world was built, not computed by the module under test.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from inspection.extensions import db
from inspection.models import FacilityStatus, FacilityType
from inspection.services import Actor
from inspection.services.campaign import campaign_rules
from inspection.services.grading_applications import apply_for_grading, grading_checklist, review_application
from tests.factories import OTHER_COUNTY, OWN, SAME_COUNTY, base_county, certify, grade, make_facility, make_operator

TODAY = date(2026, 12, 4)
MODULES = ("inspection.blueprints.api.grading", "inspection.blueprints.grading")


class FrozenDate(date):
    @classmethod
    def today(cls):
        return TODAY


@pytest.fixture
def clock(monkeypatch):
    """Make TODAY today for the coverage routes (the views pass their today to the report)."""
    for module in MODULES:
        monkeypatch.setattr(f"{module}.date", FrozenDate)


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    #: The stage each eligible home of the county must show, by name.
    stages: dict[str, str]
    #: (level, valid_until) of the graded ones.
    grades: dict[str, tuple[int, str]]


def _apply(facility, reviewer=None, accept=None):
    _version, checklist = grading_checklist()
    answers = {item.code: {"result": "pass"} for section in checklist.sections for item in section.items}
    operator = make_operator(facility)
    application = apply_for_grading(facility, 2, answers, Actor(operator, "test"))
    if reviewer is not None:
        review_application(application, accept, "" if accept else "不符合条件（测试）", Actor(reviewer, "test"),
                           campaign_rules("shanxi"), TODAY)  # fmt: skip


def _graded(name, level, published_on, **facts):
    facility = make_facility(name=name, **facts)
    certify(facility, level, published_on)
    return facility


def build_world(cast) -> World:
    """Give the cast's county homes at each stage, one township apart, and things the report must leave out."""
    reviewer, county = cast["reviewer"], base_county()
    own, same = cast[OWN], cast[SAME_COUNTY]
    for home in (own, same):
        home.opened_on, home.filed_on = TODAY - timedelta(days=900), TODAY - timedelta(days=890)
    _apply(own)  # applied, awaiting the eligibility review
    _apply(same, reviewer, accept=True)
    refused = make_facility(name="拒绝敬老院")
    _apply(refused, reviewer, accept=False)  # never filed: refused
    graded = _graded("评定敬老院", 3, date(2025, 3, 1))  # valid until 2028-02-29
    expiring = _graded("将到期敬老院", 2, date(2024, 1, 20), region_id=county.townships[1].id)  # until 2027-01-19
    expired = _graded("过期敬老院", 4, date(2022, 6, 1))  # until 2025-05-31: expired, counted as not started
    plain = make_facility(name="未申请敬老院", region_id=county.townships[1].id)
    day_care = make_facility(name="日间照料中心（测试）", type=FacilityType.DAY_CARE)
    closed = _graded("已关闭敬老院", 3, date(2025, 3, 1))
    closed.status = FacilityStatus.CLOSED
    certify(cast[OTHER_COUNTY], 3, date(2025, 3, 1))  # another county's: never in this county's report
    grade(plain, 3)  # a countersigned grading result without publication does not grade a home in the campaign
    db.session.commit()
    stages = {
        own.name: "applied",
        same.name: "accepted",
        refused.name: "refused",
        graded.name: "graded",
        expiring.name: "graded",
        expired.name: "expired",
        plain.name: "not_started",
    }
    homes = (own, same, refused, graded, expiring, expired, plain, day_care, closed)
    return World(
        ids={f.name: f.id for f in homes},
        stages=stages,
        grades={graded.name: (3, "2028-02-29"), expiring.name: (2, "2027-01-19")},
    )
