"""Create the demo county; running it again creates nothing new."""

from datetime import date

from sqlalchemy import select

from inspection.demo import county
from inspection.demo.generate import seed_demo_history
from inspection.extensions import db
from inspection.identifiers import uscc_check_character
from inspection.models import (
    Department,
    Facility,
    FacilityType,
    FireAcceptance,
    Inspection,
    InspectionPurpose,
    Region,
    User,
)
from inspection.services import Actor
from inspection.services.checklists import latest_version
from inspection.services.facilities import create_facility
from inspection.services.planning import start_inspection
from inspection.services.regions import create_department, create_region
from inspection.services.users import create_user

SEED_ACTOR = Actor(None, "demo-seed")
#: Registration-authority and county prefix of the invented codes (52 = 民办非企业/社会服务机构, 140928 = 五寨县).
USCC_PREFIX = "52140928MJY"


def seed_demo_county() -> dict[str, int]:
    """Create whatever part of the demo county is missing.

    :return: how many regions, departments, facilities and users were created.
    """
    created = {"regions": 0, "departments": 0, "facilities": 0, "users": 0, "inspections": 0}
    province = _region(None, county.PROVINCE, created)
    city = _region(province, county.CITY, created)
    home = _region(city, county.COUNTY, created, short=county.COUNTY_SHORT)
    townships = {name: _region(home, name, created) for name in county.TOWNSHIPS}
    departments = {}
    for code, name, kind, short in county.DEPARTMENTS:
        dept = db.session.scalar(select(Department).where(Department.region_id == home.id, Department.code == code))
        if dept is None:
            dept = create_department(home, {"code": code, "name": name, "kind": kind, "short_code": short}, SEED_ACTOR)
            created["departments"] += 1
        departments[code] = dept
    facilities = {}
    for number, row in enumerate(county.FACILITIES, start=1):
        facilities[row[0]] = _facility(number, row, townships, created)
    for username, display_name, role, dept_code, facility_name in county.ACCOUNTS:
        if db.session.scalar(select(User).where(User.username == username)) is not None:
            continue
        data = {
            "username": username,
            "display_name": display_name,
            "role": role,
            "region_id": home.id,
            "department_id": departments[dept_code].id if dept_code else None,
            "facility_id": facilities[facility_name].id if facility_name else None,
            "credential_no": f"演示-{departments[dept_code].short_code}-{username}" if dept_code else "",
            "active": True,
        }
        user = create_user(data, county.DEMO_PASSWORD, SEED_ACTOR)
        user.is_demo = True
        created["users"] += 1
    db.session.flush()
    created["inspections"] = _plan_first_inspection(facilities["清涟敬老院"], departments)
    created["history rows"] = sum(seed_demo_history().values())
    return created


def _region(parent: Region | None, name: str, created: dict[str, int], short: str = "") -> Region:
    region = db.session.scalar(
        select(Region).where(Region.name == name, Region.parent_id == (parent.id if parent else None))
    )
    if region is None:
        region = create_region(parent, name, short, SEED_ACTOR, is_demo=True)
        created["regions"] += 1
    return region


def _facility(number: int, row: tuple, townships: dict[str, Region], created: dict[str, int]) -> Facility:
    name, township, ftype, ownership, beds, residents, disabled, semi, canteen, medical, special = row
    facility = db.session.scalar(select(Facility).where(Facility.name == name))
    if facility is not None:
        return facility
    first17 = f"{USCC_PREFIX}{number:06d}"
    data = {
        "name": name,
        "type": ftype,
        "ownership": ownership,
        "region_id": townships[township].id,
        "address": f"{county.COUNTY}{township}（演示地址）",
        "uscc": first17 + uscc_check_character(first17),
        "legal_representative": f"法定代表人{number:02d}（演示）",
        "person_in_charge": f"负责人{number:02d}（演示）",
        "phone": f"0350-47{number:05d}",
        "beds": beds,
        "residents": residents,
        "residents_disabled": disabled,
        "residents_semi_disabled": semi,
        "has_canteen": canteen,
        "has_medical_unit": medical,
        "has_special_equipment": special,
        "offers_ten_services": ftype
        in (FacilityType.NURSING_HOME, FacilityType.WELFARE_CENTRE, FacilityType.PRIVATE_HOME),
        "fire_acceptance": FireAcceptance.ACCEPTED if beds >= 50 else FireAcceptance.FILED,
        "food_licence_no": f"JY3140928{number:07d}" if canteen else "",
        "food_licence_expiry": date(2027, 6, 30) if canteen else None,
    }
    facility = create_facility(data, SEED_ACTOR)
    facility.is_demo = True
    created["facilities"] += 1
    return facility


def _plan_first_inspection(facility: Facility, departments: dict[str, Department]) -> int:
    """Plan today's joint fire and food inspection of 清涟敬老院, so inspectors see work on first login."""
    if db.session.scalar(select(Inspection.id).limit(1)) is not None:
        return 0
    if latest_version("fire_safety") is None or latest_version("food_safety") is None:
        return 0  # checklists not imported yet (`flask checklists import` runs first in make run)
    team = {
        code: list(db.session.scalars(select(User).where(User.username.in_([f"{code}1", f"{code}2"]))))
        for code in ("xf", "mz", "sc")
    }
    start_inspection(
        facility,
        ["fire_safety", "food_safety"],
        date.today(),
        InspectionPurpose.ROUTINE,
        departments["mz"],
        team,
        SEED_ACTOR,
    )
    return 1
