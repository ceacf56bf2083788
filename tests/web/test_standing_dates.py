"""A facility's standing is its latest result on or before today: a result dated in the future, which older releases
let through and a database may still hold, is never shown as the standing and gives way to the next real one."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from inspection.extensions import db
from inspection.models import Facility, FacilityStanding, Inspection, InspectionChecklist
from tests.factories import grade, inspect, make_facility

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

TODAY = date.today()
FAR_FUTURE = date(9999, 12, 31)
#: Fire items of the key class failed by the later fire inspection (a lower verdict, no major hazard).
KEY_FAILURES = ["F3", "F4", "F5", "F6", "F8", "F9", "F10"]


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def dated_as_old_data(result: InspectionChecklist, day: date) -> None:
    """Give a stored result, and the standing it set, the date an older release let through (bypassing the
    services, which refuse it now)."""
    db.session.execute(update(Inspection).where(Inspection.id == result.inspection_id).values(inspected_on=day))
    db.session.execute(
        update(FacilityStanding).where(FacilityStanding.inspection_checklist_id == result.id).values(decided_on=day)
    )


@pytest.fixture
def facility_with_a_future_result():
    """A facility graded 二级 and inspected for fire, then graded 四级 and inspected again for fire with a lower
    verdict, both later results dated 9999-12-31 as an older release stored them."""
    home = make_facility()
    grade(home, 2, on=days_ago(100))
    fire = inspect(home, on=days_ago(50)).checklists[0]
    later_grade = grade(home, 4, on=days_ago(10))
    later_fire = inspect(home, on=days_ago(5), fail=KEY_FAILURES).checklists[0]
    assert later_grade.verdict == "四级" and later_fire.verdict != fire.verdict
    for result in (later_grade, later_fire):
        dated_as_old_data(result, FAR_FUTURE)
    facts = {"id": home.id, "name": home.name, "fire": fire.verdict, "fire_code": fire.verdict_code}
    db.session.commit()
    return facts


def test_the_pages_show_the_latest_result_on_or_before_today(client, login, facility_with_a_future_result):
    home = facility_with_a_future_result
    login("reviewer")
    page = client.get(f"/facilities/{home['id']}").get_data(as_text=True)
    assert f"<strong>二级</strong>（{days_ago(100).isoformat()}）" in page
    assert f"{home['fire']}（{days_ago(50).isoformat()}）" in page
    assert "<strong>四级</strong>" not in page and f"（{FAR_FUTURE.isoformat()}）" not in page

    ranking = client.get("/rankings/", query_string={"q": home["name"]}).get_data(as_text=True)
    assert home["name"] in ranking and 'class="grade grade-g2">二级</span>' in ranking
    assert f'verdict-{home["fire_code"]}">{home["fire"]}</span>' in ranking
    assert FAR_FUTURE.isoformat() not in ranking and "grade-g4" not in ranking

    public = client.get(f"/public/facilities/{home['id']}").get_data(as_text=True)
    assert "二级" in public and "四级" not in public


def test_the_next_result_replaces_a_standing_dated_in_the_future(client, login, facility_with_a_future_result):
    home_id = facility_with_a_future_result["id"]
    grade(db.session.get(Facility, home_id), 3, on=TODAY)
    db.session.commit()
    login("reviewer")
    page = client.get(f"/facilities/{home_id}").get_data(as_text=True)
    assert f"<strong>三级</strong>（{TODAY.isoformat()}）" in page
    stored = db.session.scalar(
        select(FacilityStanding).where(FacilityStanding.facility_id == home_id, FacilityStanding.kind == "grade")
    )
    assert stored.decided_on == TODAY and stored.grade == 3
