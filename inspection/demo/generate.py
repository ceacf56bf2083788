"""Synthetic data: two years of history for the demo county, and `flask demo generate` data sets of any size.

Grades follow Beijing's 2020 star results (DOMAIN §1.1: most facilities at 二级, few at 四级/五级); a few
facilities have major hazards, some hazards are overdue, and a few facilities are blacklisted.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select

from inspection.demo import county
from inspection.demo.history import GRADING, ROUTINE, Context, FacilityPlan, HistoryWriter, insert_listings, listing_row
from inspection.extensions import db
from inspection.models import (
    Department,
    Facility,
    FacilityStanding,
    FacilityType,
    FireAcceptance,
    Hazard,
    Inspection,
    InspectionStatus,
    NoticeMode,
    Ownership,
    Region,
    RegionLevel,
    Role,
    User,
)
from inspection.permissions import in_region
from inspection.services import Actor
from inspection.services.checklists import latest_version
from inspection.services.notices import issue_notices, verification_url
from inspection.services.regions import create_department, create_region
from inspection.services.submission import facility_facts
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

#: The demo county's story: grades over two years (oldest first) and the cases every page should show.
DEMO_PROFILES: dict[str, dict[str, Any]] = {
    "五寨县社会福利中心": {"gradings": [3, 4], "quality": 4, "routine_phase": 35, "grading_phase": 40},
    "康宁老年公寓": {"gradings": [3, 3], "quality": 3, "routine_phase": 45, "grading_phase": 75},
    "清涟敬老院": {"gradings": [2, 2], "quality": 2, "routine_phase": 25, "grading_phase": 100, "newest_open": True},
    "北苑敬老院": {"gradings": [3, 2], "quality": 2, "routine_phase": 60, "grading_phase": 120},
    "三岔镇敬老院": {"gradings": [1, 2], "quality": 2, "routine_phase": 50, "grading_phase": 6, "pending_review": True},
    "韩家楼敬老院": {
        "gradings": [2, "withheld"],
        "quality": 1,
        "routine_phase": 90,
        "grading_phase": 20,
        "open_major_days": 50,
    },
    "颐和养老院": {"gradings": [2, 1], "quality": 0, "routine_phase": 70, "grading_phase": 150, "newest_open": True},
}
#: The demo facility on the credit blacklist, and how many days ago it was listed.
DEMO_BLACKLISTED = ("颐和养老院", 40)


def seed_demo_history(today: date | None = None) -> dict[str, int]:
    """Give the demo county two years of inspections, results, hazards, countersignatures and one blacklisted
    facility; does nothing when any stored result already exists (so the seed stays idempotent) or when the
    checklists are not imported yet.

    :return: rows created per table.
    """
    today = today or date.today()
    home = db.session.scalar(select(Region).where(Region.name == county.COUNTY, Region.level == RegionLevel.COUNTY))
    if home is None or db.session.scalar(select(FacilityStanding.id).limit(1)) is not None:
        return {}
    if any(latest_version(code) is None for code in (GRADING, *ROUTINE)):
        return {}
    departments = {d.code: d.id for d in db.session.scalars(select(Department).where(Department.region_id == home.id))}
    users = {u.username: u.id for u in db.session.scalars(select(User).where(User.is_demo))}
    inspectors = {code: [users[f"{code}{n}"] for n in (1, 2) if f"{code}{n}" in users] for code in departments}
    ctx = Context(
        today=today,
        years=2,
        lead_department_id=departments["mz"],
        detailed=True,
        rng=random.Random(2026),
        inspectors={code: ids for code, ids in inspectors.items() if ids},
        departments=departments,
        reviewer_id=users.get("reviewer"),
    )
    facilities = list(
        db.session.scalars(select(Facility).join(Facility.region).where(Facility.is_demo, in_region(home)))
    )
    plans = [_demo_plan(f, index, ctx.rng) for index, f in enumerate(sorted(facilities, key=lambda f: f.id))]
    HistoryWriter(ctx).write(plans)
    _blacklist_demo(facilities, ctx)
    issue_history_notices(ctx)
    db.session.flush()
    return ctx.counts


def _demo_plan(facility: Facility, index: int, rng: random.Random) -> FacilityPlan:
    profile = DEMO_PROFILES.get(facility.name)
    if profile is None:
        profile = {"quality": rng.choice((1, 2, 2, 3, 3, 4)), "routine_phase": 20 + (index * 37) % 150}
    return FacilityPlan(id=facility.id, facts=facility_facts(facility), **profile)


def _blacklist_demo(facilities: list[Facility], ctx: Context) -> None:
    name, days = DEMO_BLACKLISTED
    facility = next((f for f in facilities if f.name == name), None)
    if facility is None:
        return
    hazard_ids = db.session.scalars(select(Hazard.id).where(Hazard.facility_id == facility.id).limit(3))
    evidence = [{"type": "hazard", "id": hazard_id} for hazard_id in hazard_ids]
    insert_listings([listing_row(facility.id, ctx.today - timedelta(days=days), ctx.reviewer_id, evidence)])
    ctx.counts["credit_listings"] = 1


#: Where `make run` serves the demo, for the QR codes of demo notices when PUBLIC_BASE_URL is not set.
DEMO_BASE_URL = "http://127.0.0.1:5000"
#: How many of the newest demo inspections with hazards get their notices (rendering a PDF takes a moment).
DEMO_NOTICES = 6


def issue_history_notices(ctx: Context) -> int:
    """Issue, as the demo reviewer, the rectification notices of the newest demo inspections with hazards
    (one per responsible department, dated the day after the inspection), so the notice pages have content."""
    reviewer = db.session.get(User, ctx.reviewer_id) if ctx.reviewer_id else None
    if reviewer is None:
        return 0
    newest = (
        select(Inspection)
        .where(Inspection.status == InspectionStatus.COMPLETE, Inspection.id.in_(select(Hazard.inspection_id)))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(DEMO_NOTICES)
    )
    base = current_app.config["PUBLIC_BASE_URL"] or DEMO_BASE_URL
    issued = 0
    for inspection in reversed(db.session.scalars(newest).all()):  # oldest first, so numbers follow the dates
        on = min(inspection.inspected_on + timedelta(days=1), ctx.today)
        notices = issue_notices(
            inspection, NoticeMode.PER_DEPARTMENT, Actor(reviewer, "demo-seed"), on, partial(verification_url, base)
        )
        issued += len(notices)
    ctx.counts["notices"] = issued
    return issued


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
        "fire_acceptance": FireAcceptance.ACCEPTED,
        "is_demo": True,
    }


_TYPE_WORDS = {
    FacilityType.NURSING_HOME: "敬老院",
    FacilityType.PRIVATE_HOME: "养老院",
    FacilityType.WELFARE_CENTRE: "社会福利中心",
    FacilityType.DAY_CARE: "日间照料中心",
    FacilityType.MUTUAL_AID: "互助幸福院",
    FacilityType.RESETTLEMENT: "安置点养老服务站",
}


def _synthetic_plan(facility_id: int, row: dict[str, Any], years: int, rng: random.Random) -> FacilityPlan:
    from inspection.scoring import FacilityFacts

    facts = FacilityFacts(
        has_canteen=row["has_canteen"],
        has_medical_unit=row["has_medical_unit"],
        has_special_equipment=row["has_special_equipment"],
        has_campus_roads=True,
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
