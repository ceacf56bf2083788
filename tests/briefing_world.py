"""A county with a quarter of joint-meeting work, and the briefing's figures counted by hand from its records: shared
by the briefing's tests (service, web page, downloads, API)."""

from collections import Counter
from datetime import date, timedelta

from inspection.dates import DateRange
from inspection.extensions import db
from inspection.models import Inspection, InspectionStatus, NoticeMode
from inspection.services import Actor
from inspection.services.credit import decide_removal, request_removal
from inspection.services.notices import issue_notices
from tests.factories import (
    blacklist,
    close_hazard,
    grade,
    hazards_of,
    inspect,
    make_county,
    make_facility,
    make_reviewer,
    unique,
)

TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def build_world() -> dict:
    """A county of two townships with a quarter of work, and a neighbour county whose work must never count."""
    county = make_county(townships=2)
    west = county.townships[1]
    home = make_facility(county, name="东城敬老院")
    hill = make_facility(county, name="西山敬老院", region_id=west.id)
    graded = make_facility(county, name="南关养老院")
    pending = make_facility(county, name="北关养老院", region_id=west.id)
    reviewer = make_reviewer(county, username=unique("briefing_reviewer"))
    first = inspect(home, fail=["F2", "F3", "F26"], on=ago(50))
    second = inspect(home, fail=["F23"], on=ago(20))
    earlier = inspect(hill, fail=["F7"], on=ago(100))
    once = inspect(hill, fail=["F25"], on=ago(10))
    key = next(h for h in hazards_of(first) if h.item_code == "F3")
    close_hazard(key, on=ago(30))
    issue_notices(first, NoticeMode.JOINT, Actor(reviewer, "test"), TODAY, lambda token: f"https://t.test/{token}")
    grade(graded, 2, on=ago(5))
    grade(pending, 3, on=ago(6), countersign=False)
    listed = blacklist(hill, decided_on=ago(15), reviewer=reviewer)
    old = blacklist(graded, decided_on=ago(800), reviewer=reviewer)
    request_removal(old, ago(3), Actor(reviewer, "test"))
    decide_removal(old, True, "期满且已整改（测试）", ago(2), Actor(reviewer, "test"))
    neighbour = make_county(townships=1)
    stranger = make_facility(neighbour, name="邻县敬老院")
    inspect(stranger, fail=["F2"], on=ago(40))
    inspect(stranger, fail=["F2"], on=ago(30))
    blacklist(stranger, decided_on=ago(9))
    neighbour_reviewer = make_reviewer(neighbour, username=unique("briefing_neighbour"))
    db.session.commit()  # into the test's transaction, so that requests see it (see conftest's `cast`)
    return {
        "county": county,
        "reviewer": reviewer,
        "inspections": [first, second, earlier, once],
        "facilities": {"home": home, "hill": hill, "graded": graded, "pending": pending},
        "listed": listed,
        "removed": old,
        "neighbour_reviewer": neighbour_reviewer.username,
    }


def county_inspections(world) -> list[Inspection]:
    region = world["county"].region
    return [i for i in db.session.scalars(db.select(Inspection)) if region.contains(i.facility.region)]


def by_hand(world, period: DateRange) -> dict:
    """Count the period's figures the plain way: walk every record of the county and test each rule directly."""
    inspections = [
        i
        for i in county_inspections(world)
        if i.status == InspectionStatus.COMPLETE and period.first <= i.inspected_on <= period.last
    ]
    departments: Counter[str] = Counter()
    townships: Counter[str] = Counter()
    for inspection in inspections:
        townships[inspection.facility.region.name] += 1
        for code in {s.department_code for s in inspection.submissions}:
            departments[code] += 1
    hazards = [h for i in county_inspections(world) for h in hazards_of(i)]
    found, closed, overdue = Counter(), Counter(), Counter()
    for h in hazards:
        if period.first <= h.inspection.inspected_on <= period.last:
            found[h.item_class] += 1
        if h.closed_on is not None and period.first <= h.closed_on <= period.last:
            closed[h.item_class] += 1
        open_at_end = h.closed_on is None or h.closed_on > period.last
        if h.inspection.inspected_on <= period.last and open_at_end and h.deadline < period.last:
            overdue[h.item_class] += 1
    majors: dict[str, set[int]] = {}
    for h in hazards:
        if h.item_class == "major" and period.first <= h.inspection.inspected_on <= period.last:
            majors.setdefault(h.facility.name, set()).add(h.inspection_id)
    return {
        "departments": departments,
        "townships": townships,
        "total": len(inspections),
        "found": found,
        "closed": closed,
        "overdue": overdue,
        "repeated": sorted(name for name, ids in majors.items() if len(ids) >= 2),
    }
