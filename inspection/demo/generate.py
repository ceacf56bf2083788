"""Synthetic data: two years of history for the demo county, and `flask demo generate` data sets of any size.

Grades follow Beijing's 2020 star results (DOMAIN §1.1: most facilities at 二级, few at 四级/五级); a few
facilities have major hazards, some hazards are overdue, and a few facilities are blacklisted.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from inspection.demo import county
from inspection.demo.history import HistoryWriter, insert_listings, listing_row
from inspection.demo.plan import Context, FacilityPlan
from inspection.extensions import db
from inspection.models import (
    Facility,
    FacilityType,
    FireAcceptance,
    Ownership,
    Region,
    Role,
    User,
)
from inspection.services import Actor
from inspection.services.rankings import stored as rank_keys
from inspection.services.regions import create_department, create_region
from inspection.services.users import create_user

GENERATOR = Actor(None, "demo-generate")
#: Beijing, 2020-12-31: 5★ 9, 4★ 35, 3★ 46, 2★ 283, 1★ 57 (DOMAIN §1.1), plus a few below grade and withheld.
GRADE_WEIGHTS = {5: 9, 4: 35, 3: 46, 2: 283, 1: 57, "below": 14, "withheld": 9}
TYPE_WEIGHTS = {
    FacilityType.NURSING_HOME: 30,
    FacilityType.PRIVATE_HOME: 25,
    FacilityType.WELFARE_CENTRE: 3,
    FacilityType.DAY_CARE: 20,
    FacilityType.MUTUAL_AID: 17,
    FacilityType.RESETTLEMENT: 5,
}
GRADED_TYPES = (FacilityType.NURSING_HOME, FacilityType.PRIVATE_HOME, FacilityType.WELFARE_CENTRE)
QUALITY_OF_GRADE = {5: 4, 4: 3, 3: 3, 2: 2, 1: 1, "below": 0, "withheld": 1}
CHUNK = 500

# --- flask demo generate ---------------------------------------------------------------------------------------


def generate_dataset(facilities: int, years: int, *, seed: int = 1, today: date | None = None) -> dict[str, Any]:
    """Create a synthetic county with `facilities` facilities and `years` years of history.

    Small sets (facilities × years ≤ 1000) get answers, inspectors, photos and hazard follow-ups like the demo
    county; bigger ones only what the lists, rankings and exports read, inserted in bulk.

    :return: the county's name, its reviewer's username, and rows created per table.
    """
    rng = random.Random(seed)
    today = today or date.today()
    home, townships, departments = _synthetic_county(facilities)
    reviewer = _synthetic_reviewer(home, departments["mz"])
    ctx = Context(
        today=today,
        years=years,
        lead_department_id=departments["mz"],
        detailed=facilities * years <= 1000,
        rng=rng,
        reviewer_id=reviewer.id,
        departments=departments,
    )
    writer = HistoryWriter(ctx)
    listings = []
    for start in range(0, facilities, CHUNK):
        rows = [_facility_row(home, townships, start + n, rng) for n in range(min(CHUNK, facilities - start))]
        ids = list(db.session.scalars(insert(Facility).returning(Facility.id, sort_by_parameter_order=True), rows))
        plans = [_synthetic_plan(facility_id, row, years, rng) for facility_id, row in zip(ids, rows, strict=True)]
        writer.write(plans)
        listings += [
            listing_row(plan.id, today - timedelta(days=rng.randint(30, 600)), reviewer.id, [])
            for plan in plans
            if rng.random() < 0.005
        ]
    insert_listings(listings)
    ctx.counts["facilities"] = facilities
    ctx.counts["credit_listings"] = len(listings)
    db.session.flush()
    rank_keys.rebuild()  # the rows went in bulk, past the session's bookkeeping
    return {"county": home.name, "reviewer": reviewer.username, "counts": ctx.counts}


def _synthetic_county(facilities: int) -> tuple[Region, list[Region], dict[str, int]]:
    province = _region(None, "合成数据省（演示）")
    city = _region(province, "合成市")
    number = (db.session.scalar(select(func.count()).select_from(Region).where(Region.parent_id == city.id)) or 0) + 1
    home = create_region(city, f"合成县{number}", "合", GENERATOR, is_demo=True)
    townships = [
        create_region(home, f"合成{number}乡镇{n:03d}", "", GENERATOR, is_demo=True)
        for n in range(1, max(3, min(250, facilities // 80)) + 1)
    ]
    departments = {}
    for code, name, kind, short in county.DEPARTMENTS:
        data = {
            "code": code,
            "name": f"合成县{number}{name.removeprefix(county.COUNTY)}",
            "kind": kind,
            "short_code": short,
        }
        departments[code] = create_department(home, data, GENERATOR).id
    return home, townships, departments


def _region(parent: Region | None, name: str) -> Region:
    region = db.session.scalar(
        select(Region).where(Region.name == name, Region.parent_id == (parent.id if parent else None))
    )
    return region or create_region(parent, name, name[:1], GENERATOR, is_demo=True)


def _synthetic_reviewer(home: Region, department_id: int) -> User:
    username = f"synth{home.id}_reviewer"
    data = {
        "username": username,
        "display_name": f"{home.name}审核员（合成）",
        "role": Role.REVIEWER,
        "region_id": home.id,
        "department_id": department_id,
        "active": True,
    }
    user = create_user(data, county.DEMO_PASSWORD, GENERATOR)
    user.is_demo = True
    return user


def _facility_row(home: Region, townships: list[Region], n: int, rng: random.Random) -> dict[str, Any]:
    ftype = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    township = townships[n % len(townships)]
    beds = rng.randint(40, 300) if ftype in GRADED_TYPES else rng.randint(8, 40)
    residents = int(beds * rng.uniform(0.45, 0.9))
    return {
        "name": f"{township.name}{_TYPE_WORDS[ftype]}{n + 1:05d}",
        "type": ftype,
        "ownership": rng.choice(list(Ownership)) if ftype in GRADED_TYPES else Ownership.PUBLIC,
        "region_id": township.id,
        "address": f"{township.name}（合成数据）",
        "person_in_charge": "负责人（合成）",
        "phone": "0000-0000000",
        "beds": beds,
        "residents": residents,
        "residents_disabled": residents // 6,
        "residents_semi_disabled": residents // 4,
        "has_canteen": ftype != FacilityType.DAY_CARE or rng.random() < 0.5,
        "has_medical_unit": ftype == FacilityType.WELFARE_CENTRE or rng.random() < 0.15,
        "has_special_equipment": beds >= 150,
        "offers_ten_services": ftype in GRADED_TYPES,
        "has_campus_roads": ftype in GRADED_TYPES,
        "is_key_fire_unit": beds >= 100,
        "fire_acceptance": FireAcceptance.ACCEPTED,
        "is_demo": True,
    }


_TYPE_WORDS = {
    FacilityType.NURSING_HOME: "敬老院",
    FacilityType.PRIVATE_HOME: "养老院",
    FacilityType.WELFARE_CENTRE: "社会福利中心",
    FacilityType.DAY_CARE: "日间照料中心",
    FacilityType.MUTUAL_AID: "农村老年人日间照料中心",
    FacilityType.RESETTLEMENT: "安置点养老服务站",
}


def _synthetic_plan(facility_id: int, row: dict[str, Any], years: int, rng: random.Random) -> FacilityPlan:
    from inspection.scoring import FacilityFacts

    facts = FacilityFacts(
        has_canteen=row["has_canteen"],
        has_medical_unit=row["has_medical_unit"],
        has_special_equipment=row["has_special_equipment"],
        has_campus_roads=row["has_campus_roads"],
        is_key_fire_unit=row["is_key_fire_unit"],
        beds=row["beds"],
        residents=row["residents"],
        offers_ten_services=row["offers_ten_services"],
    )
    plan = FacilityPlan(id=facility_id, facts=facts, quality=rng.choice((1, 2, 2, 3, 3)))
    plan.routine_phase, plan.routine_every = rng.randint(5, 360), 365 if years * 12 > 24 else 180
    plan.grading_phase, plan.grading_every = rng.randint(5, 500), 600
    if row["offers_ten_services"]:
        plan.gradings = list(_grades(rng, 1 + years * 365 // 600))
        plan.quality = QUALITY_OF_GRADE[plan.gradings[-1]]
        plan.pending_review = rng.random() < 0.04
        if plan.gradings[-1] == "withheld":
            plan.open_major_days = plan.grading_phase + rng.randint(5, 30)
    if plan.open_major_days is None and rng.random() < 0.01:
        plan.open_major_days = rng.randint(3, 60)
    return plan


def _grades(rng: random.Random, count: int) -> Iterator[Any]:
    """Yield `count` grading targets, oldest first, ending at a draw from GRADE_WEIGHTS."""
    final = rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()))[0]
    level = final if isinstance(final, int) else 2
    history = [final]
    for _ in range(count - 1):
        level = min(5, max(1, level + rng.choice((-1, 0, 0, 0, 1))))
        history.append(level)
    yield from reversed(history)
