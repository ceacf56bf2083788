"""A county of its own for the plan and draw tests: two townships, four facilities, a reviewer, an admin and two
inspectors of each department, and inspections of the year 2026."""

from dataclasses import dataclass
from datetime import date

from inspection.models import Facility, FacilityType, User
from tests.factories import (
    County,
    answer_all,
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
