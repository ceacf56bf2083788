"""A county of its own for the plan and draw tests: two townships, four facilities, a reviewer, an admin and two
inspectors of each department, and inspections of the year 2026."""

from dataclasses import dataclass
from datetime import date, timedelta

from inspection.models import Facility, FacilityType, User
from inspection.services import Actor
from inspection.services.sampling import DrawRequest, make_draw
from tests.factories import (
    SAME_COUNTY,
    County,
    answer_all,
    base_county,
    make_admin,
    make_county,
    make_facility,
    make_reviewer,
    make_team,
    plan_inspection,
    submit,
)

YEAR = 2026


@dataclass
class World:
    county: County
    reviewer: User
    admin: User
    team: dict[str, list[User]]
    done: Facility  # 民政 inspected it in March
    missed: Facility  # 民政 planned it for April and never submitted
    planned: Facility  # 民政 planned it for November
    day_care: Facility  # a village day-care centre with no canteen, nothing planned


def build_world() -> World:
    county = make_county(townships=2)
    team = make_team(["mz", "xf", "sc", "wj", "zj"], county)
    second = county.townships[1]
    done = make_facility(county, name="甲敬老院")
    missed = make_facility(county, name="乙敬老院")
    planned = make_facility(county, name="丙敬老院", region_id=second.id)
    day_care = make_facility(
        county, name="丁日间照料中心", type=FacilityType.MUTUAL_AID, has_canteen=False, region_id=second.id
    )
    mz = {"mz": team["mz"]}
    inspection = plan_inspection(done, ["service_safety"], on=date(YEAR, 3, 10), team=mz, county=county)
    answer_all(inspection)
    submit(inspection)
    plan_inspection(missed, ["service_safety"], on=date(YEAR, 4, 20), team=mz, county=county)
    plan_inspection(planned, ["service_safety"], on=date(YEAR, 11, 5), team=mz, county=county)
    return World(county, make_reviewer(county), make_admin(county), team, done, missed, planned, day_care)


def spot_check_draw(cast: dict) -> None:
    """Draw one facility of the cast (SAME_COUNTY, the only one of its township) for a 民政 spot check tomorrow."""
    county = base_county()
    request = DrawRequest(
        county.department("mz"),
        "service_safety",
        date.today() + timedelta(days=1),
        facility_count=1,
        township=cast[SAME_COUNTY].region,
    )
    make_draw(request, Actor(cast["reviewer"], "test"), today=date.today())
