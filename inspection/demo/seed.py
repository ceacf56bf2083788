"""Create the demo county; running it again creates nothing new.

The county's two years of history go through the services real use calls (planning, answers, photos, department
submission, re-inspection, countersignature, credit listing, notices), one day at a time, so its standings and
hazards come from the same code as a real county's. Only the timestamps the services stamp with "now" are set
back to the day each step happened.
"""

import heapq
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import select

from inspection.checklists import GRADING_CHECKLIST
from inspection.demo import county
from inspection.demo.annual_plan import seed_demo_plan
from inspection.demo.campaign import seed_demo_campaign
from inspection.demo.history import HistoryWriter
from inspection.demo.photos import demo_jpeg
from inspection.demo.plan import ROUTINE, Context, FacilityPlan
from inspection.extensions import db
from inspection.identifiers import uscc_check_character
from inspection.models import (
    AnswerResult,
    CreditGround,
    Department,
    Facility,
    FacilityStanding,
    FacilityType,
    FireAcceptance,
    Hazard,
    HazardStatus,
    Inspection,
    InspectionPurpose,
    InspectionStatus,
    NoticeMode,
    Region,
    Role,
    User,
)
from inspection.permissions import facilities_within
from inspection.services import Actor
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.checklists import checklist_of, latest_version
from inspection.services.credit import list_party
from inspection.services.evidence import add_photo
from inspection.services.facilities import create_facility
from inspection.services.hazards import Decision, reinspect, submit_evidence
from inspection.services.notices import issue_notices, verification_url
from inspection.services.planning import departments_of, start_inspection
from inspection.services.regions import create_department, create_region
from inspection.services.reviews import countersign_grading
from inspection.services.self_inspection import start_self_inspection, submit_self_inspection
from inspection.services.submission import facility_facts, submit_department
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
    created["plan rows"] = sum(seed_demo_plan().values())
    created["grading applications"] = seed_demo_campaign(facilities, date.today())
    return created


def seed_demo_history(today: date | None = None) -> dict[str, int]:
    """Give the demo county two years of inspections, results, hazards and their follow-up, countersignatures,
    one blacklisted facility and notices, through the services; does nothing when any demo facility already has
    a standing (so the seed stays idempotent) or when the checklists are not imported yet.

    :return: rows created, by kind.
    """
    today = today or date.today()
    home = db.session.scalar(select(Region).where(Region.name == county.COUNTY, Region.parent_id.is_not(None)))
    if home is None or any(latest_version(code) is None for code in (GRADING_CHECKLIST, *ROUTINE)):
        return {}
    in_county = facilities_within(home).where(Facility.is_demo)
    facilities = list(db.session.scalars(in_county.order_by(Facility.id)))
    has_standing = select(FacilityStanding.id).where(FacilityStanding.facility_id.in_([f.id for f in facilities]))
    if not facilities or db.session.scalar(has_standing.limit(1)) is not None:
        return {}
    return DemoHistory(home, facilities, today).run()


class DemoHistory:
    """The demo county's history as a queue of dated steps, run in date order: a grading then sees exactly the
    hazards still open on its day, as the scoring engine's vetoes require."""

    def __init__(self, home: Region, facilities: list[Facility], today: date) -> None:
        self.today, self.facilities = today, facilities
        self.departments = {d.code: d for d in db.session.scalars(select(Department).where(Department.region == home))}
        people = {u.username: u for u in db.session.scalars(select(User).where(User.is_demo))}
        self.teams = {
            code: [people[f"{code}{n}"] for n in (1, 2) if f"{code}{n}" in people] for code in self.departments
        }
        self.reviewer = people["reviewer"]
        self.operators = {u.facility_id: u for u in people.values() if u.role == Role.OPERATOR}
        rng = random.Random(2026)
        self.ctx = Context(
            today=today, years=2, lead_department_id=self.departments["mz"].id, detailed=False, rng=rng,
            reviewer_id=self.reviewer.id,
        )  # fmt: skip
        self.writer = HistoryWriter(self.ctx)  # its schedule and answers; the services do the rest
        self.photos = {kind: demo_jpeg(kind) for kind in ("before", "after")}
        self.queue: list[tuple[date, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.counts: Counter[str] = Counter()

    def run(self) -> dict[str, int]:
        for index, facility in enumerate(self.facilities):
            profile = county.DEMO_PROFILES.get(facility.name)
            if profile is None:
                profile = {"quality": self.ctx.rng.choice((1, 2, 2, 3, 3, 4)), "routine_phase": 20 + (index * 37) % 150}
            plan = FacilityPlan(id=facility.id, facts=facility_facts(facility), **profile)
            for on, codes, targets, flags in self.writer.schedule(plan):
                self._at(on, partial(self._inspect, facility, on, codes, targets, flags))
        name, days = county.DEMO_BLACKLISTED
        listed = next((f for f in self.facilities if f.name == name), None)
        if listed is not None:
            self._at(self.today - timedelta(days=days), partial(self._blacklist, listed, days))
        while self.queue:
            _, _, step = heapq.heappop(self.queue)
            step()
        db.session.flush()
        self.counts["self-inspections"] = self._self_inspections()
        self.ctx.counts = {}
        self.counts["notices"] = issue_history_notices(self.ctx)
        db.session.flush()
        return dict(self.counts)

    def _self_inspections(self) -> int:
        """Self-inspections 20 days before the latest official inspection of the two facilities with an operator
        inspected most recently with fire failures: the first honest (it found what the officials found and closed
        it with its own evidence), the other passing what they failed (its gaps)."""
        candidates = []
        for facility_id, operator in self.operators.items():
            official = db.session.scalar(
                select(Inspection)
                .where(
                    Inspection.facility_id == facility_id,
                    Inspection.status == InspectionStatus.COMPLETE,
                    Inspection.purpose != InspectionPurpose.SELF_INSPECTION,
                )
                .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
                .limit(1)
            )
            fire = [ic for ic in official.checklists if ic.checklist_code == "fire_safety"] if official else []
            failed = {a.item_code for ic in fire for a in ic.answers if a.result == AnswerResult.FAIL}
            if failed:
                candidates.append((official.inspected_on, official.id, operator, official, failed))
        made = 0
        for _on, _id, operator, official, failed in sorted(candidates, key=lambda c: c[:2], reverse=True)[:2]:
            honest = made == 0
            actor = Actor(operator, "demo-seed")
            on = official.inspected_on - timedelta(days=20)
            own, _ = start_self_inspection(official.facility, ["fire_safety"], on, actor, today=self.today)
            checklist = checklist_of(own.checklists[0].version)
            facts = facility_facts(official.facility).true_facts()
            inputs = [
                AnswerInput(item.code, AnswerResult.FAIL if honest and item.code in failed else AnswerResult.PASS,
                            str(uuid.uuid4()), None,
                            "自查发现（演示）" if honest and item.code in failed else "")
                for item in checklist.items() if item.applies_to(facts)
            ]  # fmt: skip
            save_answers(own, inputs, actor)
            for change in inputs:
                if change.result == AnswerResult.FAIL:
                    add_photo(own, change.item_code, str(uuid.uuid4()), self.photos["before"], actor)
            submit_self_inspection(own, actor, today=self.today)
            for hazard in db.session.scalars(select(Hazard).where(Hazard.inspection_id == own.id)):
                fixed_on = min(on + timedelta(days=6), self.today)  # 自查自改: the facility closes what it found
                submit_evidence(hazard, "已自行整改（演示）", [self.photos["after"]], actor, on=fixed_on)
            made += 1
        return made

    def _at(self, on: date, step: Callable[[], None]) -> None:
        heapq.heappush(self.queue, (on, next(self.order), step))

    def _actor(self, department_code: str) -> Actor:
        return Actor(self.teams[department_code][0], "demo-seed")

    def _inspect(self, facility: Facility, on: date, codes: list[str], targets: dict, flags: dict) -> None:
        """Plan, answer (with photos of the failures), submit, and schedule what follows for the hazards found."""
        purpose = InspectionPurpose.GRADING if codes == [GRADING_CHECKLIST] else InspectionPurpose.ROUTINE
        actor = Actor(self.reviewer, "demo-seed")
        inspection = start_inspection(
            facility, codes, on, purpose, self.departments["mz"], self.teams, actor, today=self.today
        )
        failed: dict[str, list[str]] = {}
        for ic in inspection.checklists:
            checklist = checklist_of(ic.version)
            given = self.writer.answers_for(checklist, targets[ic.checklist_code])
            for section in checklist.sections:
                code = section.department.value
                inputs = [
                    AnswerInput(item.code, given[item.code].result, str(uuid.uuid4()), given[item.code].deduction,
                                given[item.code].note or "")
                    for item in section.items
                ]  # fmt: skip
                save_answers(inspection, inputs, self._actor(code))
                failed.setdefault(code, []).extend(
                    item.code for item in section.items if item.photo_on_fail and given[item.code].result == "fail"
                )
        for code in departments_of(inspection):
            for item_code in failed.get(code, []):
                add_photo(inspection, item_code, str(uuid.uuid4()), self.photos["before"], self._actor(code))
            submit_department(inspection, code, self._actor(code), today=self.today)
        self.counts["inspections"] += 1
        done = datetime.combine(on, time(15, self.ctx.rng.randint(0, 59)))
        self._backdate(inspection, done)
        if codes == [GRADING_CHECKLIST] and not flags.get("pending"):
            review_on = on + timedelta(days=self.ctx.rng.randint(2, 9))
            if review_on < self.today:
                self._at(review_on, partial(self._countersign, inspection, review_on))
        for hazard in db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection.id)):
            self.counts["hazards"] += 1
            self._follow_up(hazard, on, flags)

    def _backdate(self, inspection: Inspection, done: datetime) -> None:
        """The services stamp "now": set the inspection's own times back to its day."""
        inspection.created_at = datetime.combine(done.date() - timedelta(days=7), time(9))
        inspection.completed_at = done if inspection.status == InspectionStatus.COMPLETE else None
        for ic in inspection.checklists:
            ic.submitted_at = done
        for submission in inspection.submissions:
            submission.submitted_at = done
        for hazard in db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection.id)):
            hazard.created_at = done

    def _follow_up(self, hazard: Hazard, on: date, flags: dict) -> None:
        """Most hazards are rectified and closed by a re-inspection before their deadline; a few stay open, and some
        recent ones wait for their re-inspection with the facility's evidence in."""
        rng, days = self.ctx.rng, max(1, (hazard.deadline - on).days)
        fixed_on = on + timedelta(days=rng.randint(max(1, days // 3), days))
        if not flags.get("open") and fixed_on < self.today and rng.random() > 0.02:
            self._at(fixed_on, partial(self._rectify, hazard, fixed_on, close=True))
        elif not flags.get("open") and rng.random() < 0.4:
            sent = max(on + timedelta(days=1), min(self.today, hazard.deadline) - timedelta(days=1))
            self._at(sent, partial(self._rectify, hazard, sent, close=False))

    def _rectify(self, hazard: Hazard, on: date, *, close: bool) -> None:
        """The person in charge reports the rectification with an "after" photo; an inspector of the responsible
        department accepts it on site when `close`."""
        if hazard.status == HazardStatus.CLOSED:
            return
        at = datetime.combine(on, time(10))
        update = submit_evidence(hazard, "已整改，附整改后照片（演示）", [self.photos["after"]], self._operator(hazard))
        update.created_at = at
        self.counts["evidence"] += 1
        if close:
            decision = Decision(hazard, True, "复查合格，予以销号（演示）")
            visit = reinspect(hazard.facility, [decision], on, True, self._actor(hazard.department_code))
            visit.created_at = hazard.updates[-1].created_at = at
            self.counts["closed"] += 1

    def _operator(self, hazard: Hazard) -> Actor:
        """The facility's person in charge; a demo account is made for a facility that has none yet."""
        operator = self.operators.get(hazard.facility_id)
        if operator is None:
            number = self.facilities.index(hazard.facility) + 1
            data = {
                "username": f"operator{number:02d}",
                "display_name": f"{hazard.facility.name}负责人（演示）",
                "role": Role.OPERATOR,
                "region_id": hazard.facility.region.parent_id,
                "facility_id": hazard.facility_id,
                "active": True,
            }
            operator = self.operators[hazard.facility_id] = create_user(data, county.DEMO_PASSWORD, SEED_ACTOR)
            operator.is_demo = True
        return Actor(operator, "demo-seed")

    def _countersign(self, inspection: Inspection, on: date) -> None:
        ic = inspection.checklists[0]
        countersign_grading(ic, "材料齐全，评定结果属实，同意（演示）", True, Actor(self.reviewer, "demo-seed"))
        ic.reviewed_at = datetime.combine(on, time(11))

    def _blacklist(self, facility: Facility, days: int) -> None:
        """List the facility for a major fire hazard left uncorrected (ground 4), as the reviewer decides."""
        decided_on = self.today - timedelta(days=days)
        hazards = db.session.scalars(select(Hazard.id).where(Hazard.facility_id == facility.id).limit(3))
        list_party(
            facility,
            CreditGround.FIRE_HAZARD_UNCORRECTED,
            decided_on,
            f"民信〔{decided_on.year}〕001号（演示）",
            [{"type": "hazard", "id": hazard_id} for hazard_id in hazards],
            Actor(self.reviewer, "demo-seed"),
            note="重大火灾隐患经责令改正逾期未改正（演示）",
        )
        self.counts["credit listings"] += 1


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
        "is_key_fire_unit": beds >= 100,  # invented: the larger homes are designated 消防安全重点单位
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
        .where(
            Inspection.status == InspectionStatus.COMPLETE,
            Inspection.id.in_(select(Hazard.inspection_id).where(Hazard.self_found.is_(False))),
        )
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
