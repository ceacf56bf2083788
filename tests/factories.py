"""Small factories that build test data through the services, as real use does.

Every factory has sensible defaults and takes keyword overrides; names are unique within a run (a counter), so
tests never clash even when a transaction outlives a test. Objects live in the current `db.session` (the test's
rolled-back transaction).

    county = base_county()
    home = make_facility(name="东风敬老院", beds=60)
    inspection = plan_inspection(home, ["fire_safety"])
    answer_all(inspection, fail=["F2"])
    submit(inspection)
"""

from __future__ import annotations

import io
import itertools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PIL import Image
from sqlalchemy import select

from inspection.checklists import GRADING_CHECKLIST, Checklist
from inspection.extensions import db
from inspection.identifiers import uscc_check_character
from inspection.models import (
    AnswerResult,
    ApplicationStatus,
    CreditGround,
    CreditListing,
    Department,
    Facility,
    FacilityType,
    FireAcceptance,
    GradeCertificate,
    GradingApplication,
    GradingObjection,
    Hazard,
    Inspection,
    InspectionChecklist,
    InspectionPurpose,
    Ownership,
    Region,
    Role,
    User,
)
from inspection.services import Actor
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.checklists import checklist_of, latest_version
from inspection.services.credit import list_party
from inspection.services.evidence import add_photo
from inspection.services.facilities import create_facility
from inspection.services.planning import start_inspection
from inspection.services.regions import create_department, create_region
from inspection.services.reviews import countersign_grading
from inspection.services.submission import submit_department
from inspection.services.users import create_user

#: The password of every account the factories create.
PASSWORD = "test-password-2026"
SETUP = Actor(None, "test-setup")
#: The base county every test can use (built once per run by `make_county`, see conftest).
BASE_COUNTY = "测试县"
#: code, name suffix, kind, short character for document numbers: the departments of a county.
DEPARTMENTS = (
    ("mz", "民政局", "民政", "民"),
    ("xf", "消防救援大队", "消防救援", "消"),
    ("sc", "市场监督管理局", "市场监管", "市"),
    ("wj", "卫生健康局", "卫健", "卫"),
    ("zj", "住房和城乡建设局", "住建", "住"),
)
#: Share of each grading section's points kept, per target level ("below": under 一级).
GRADE_SHARES = {"below": 0.3, 1: 0.45, 2: 0.55, 3: 0.7, 4: 0.85, 5: 0.95}

_counter = itertools.count(1)


def unique(prefix: str = "") -> str:
    """Return `prefix` followed by a number never returned before in this run."""
    return f"{prefix}{next(_counter)}"


@dataclass
class County:
    """A county, its townships and its departments by code."""

    region: Region
    townships: list[Region]
    departments: dict[str, Department] = field(default_factory=dict)

    def department(self, code: str) -> Department:
        return self.departments[code]


def make_county(
    name: str | None = None, *, townships: int = 2, short: str = "", departments: Iterable[str] | None = None
) -> County:
    """Create a county of 山西省/忻州市 (created when missing) with townships and departments.

    :param departments: codes of the departments to create (default: all of DEPARTMENTS).
    """
    name = name or unique("测试县")
    city = _region(_region(None, "山西省"), "忻州市")
    county = create_region(city, name, short or name[:1], SETUP)
    towns = [create_region(county, f"{name}第{n}镇", "", SETUP) for n in range(1, townships + 1)]
    wanted = set(DEPARTMENTS_CODES if departments is None else departments)
    made = {
        code: create_department(
            county, {"code": code, "name": f"{name}{suffix}", "kind": kind, "short_code": sc}, SETUP
        )
        for code, suffix, kind, sc in DEPARTMENTS
        if code in wanted
    }
    return County(county, towns, made)


DEPARTMENTS_CODES = tuple(code for code, *_ in DEPARTMENTS)


def _region(parent: Region | None, name: str) -> Region:
    found = db.session.scalar(
        select(Region).where(Region.name == name, Region.parent_id == (parent.id if parent else None))
    )
    return found or create_region(parent, name, name[:1], SETUP)


def base_county() -> County:
    """Return the county the session fixture built (see conftest), loaded in the current session."""
    region = db.session.scalar(select(Region).where(Region.name == BASE_COUNTY))
    assert region is not None, "the base county is built by the session fixture `app`"
    towns = list(db.session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.id)))
    departments = {d.code: d for d in db.session.scalars(select(Department).where(Department.region_id == region.id))}
    return County(region, towns, departments)


def make_facility(county: County | None = None, **overrides: Any) -> Facility:
    """Register an active nursing home in the county's first township: canteen, 60 beds, 40 residents, the ten
    basic services, a valid 统一社会信用代码."""
    county = county or base_county()
    name = overrides.pop("name", None) or unique("测试敬老院")
    first17 = f"52149999MJY{next(_counter):06d}"
    data = {
        "name": name,
        "uscc": first17 + uscc_check_character(first17),
        "legal_representative": "法定代表人（测试）",
        "type": FacilityType.NURSING_HOME,
        "ownership": Ownership.PUBLIC,
        "region_id": county.townships[0].id,
        "address": f"{county.region.name}（测试地址）",
        "person_in_charge": "负责人（测试）",
        "phone": "0350-4700000",
        "beds": 60,
        "residents": 40,
        "has_canteen": True,
        "offers_ten_services": True,
        "fire_acceptance": FireAcceptance.ACCEPTED,
        **overrides,
    }
    return create_facility(data, SETUP)


def make_user(role: Role | str, county: County | None = None, **overrides: Any) -> User:
    """Create an active account of `role` in the county; `overrides` set any account field."""
    county = county or base_county()
    username = overrides.pop("username", None) or unique(f"{role}_")
    password = overrides.pop("password", PASSWORD)
    data = {
        "username": username,
        "display_name": username,
        "role": Role(role),
        "region_id": county.region.id,
        "active": True,
        **overrides,
    }
    return create_user(data, password, SETUP)


def make_inspector(department_code: str = "xf", county: County | None = None, **overrides: Any) -> User:
    """Create an inspector of the county's department `department_code`."""
    county = county or base_county()
    department = county.department(department_code)
    overrides.setdefault("username", unique(f"{department_code}_"))
    overrides.setdefault("credential_no", f"测试-{department.short_code}-{overrides['username']}")
    return make_user(Role.INSPECTOR, county, department_id=department.id, **overrides)


def make_reviewer(county: County | None = None, **overrides: Any) -> User:
    """Create a reviewer of the county's 民政 department."""
    county = county or base_county()
    return make_user(Role.REVIEWER, county, department_id=county.department("mz").id, **overrides)


def make_admin(county: County | None = None, **overrides: Any) -> User:
    """Create an administrator of the county."""
    return make_user(Role.ADMIN, county, **overrides)


def make_operator(facility: Facility, **overrides: Any) -> User:
    """Create the person in charge of `facility`, who logs in to see its results and report rectifications."""
    county_region = facility.region.parent or facility.region
    overrides.setdefault("region_id", county_region.id)
    return make_user(Role.OPERATOR, facility_id=facility.id, **overrides)


def checklist(code: str) -> Checklist:
    """Return the newest imported version of checklist `code`."""
    version = latest_version(code)
    assert version is not None, f"checklist {code} is not imported"
    return checklist_of(version)


def make_team(departments: Iterable[str], county: County | None = None, size: int = 2) -> dict[str, list[User]]:
    """Create `size` inspectors of each department: the assignments `start_inspection` takes."""
    return {code: [make_inspector(code, county) for _ in range(size)] for code in dict.fromkeys(departments)}


def plan_inspection(
    facility: Facility,
    checklists: Sequence[str] = ("fire_safety",),
    *,
    on: date | None = None,
    purpose: InspectionPurpose = InspectionPurpose.ROUTINE,
    team: Mapping[str, Sequence[User]] | None = None,
    lead: str = "mz",
    by: User | None = None,
    county: County | None = None,
) -> Inspection:
    """Plan an inspection of `facility` with `checklists`; a team of two inspectors per department owning a
    section is created unless given; planned by `by` (default: the setup actor), led by department `lead`."""
    county = county or _county_of(facility)
    if team is None:
        needed = [code for c in checklists for code in sorted(checklist(c).section_departments())]
        team = make_team(needed, county)
    return start_inspection(
        facility,
        list(checklists),
        on or date.today(),
        purpose,
        county.department(lead),
        team,
        Actor(by, "test") if by else SETUP,
    )


def _county_of(facility: Facility) -> County:
    region = facility.region
    while region.parent is not None and region.level != "county":
        region = region.parent
    departments = {d.code: d for d in db.session.scalars(select(Department).where(Department.region_id == region.id))}
    return County(region, [facility.region], departments)


def inspector_of(inspection: Inspection, department_code: str) -> User:
    """Return the first inspector of `department_code` assigned to the inspection."""
    for assignment in inspection.assignments:
        if assignment.department.code == department_code:
            return assignment.user
    raise AssertionError(f"no inspector of {department_code} on inspection {inspection.id}")


def answer_all(
    inspection: Inspection,
    *,
    fail: Iterable[str] = (),
    deductions: Mapping[str, Decimal | int | str] | None = None,
    na: Iterable[str] = (),
    departments: Iterable[str] | None = None,
    note: str = "现场发现问题（测试）",
    by: User | None = None,
) -> None:
    """Answer every applicable item of the inspection's sections (of `departments`, default all): pass, except
    the item codes in `fail` (or with a deduction in `deductions`) and `na`. Each department's answers are saved
    by one of its assigned inspectors, or all by `by` (an operator in their self-inspection)."""
    from inspection.services.submission import facility_facts

    failing, not_applicable = set(fail), set(na)
    deductions = {code: Decimal(str(value)) for code, value in (deductions or {}).items()}
    facts = facility_facts(inspection.facility).true_facts()
    by_department: dict[str, list[AnswerInput]] = {}
    for ic in inspection.checklists:
        for section in checklist_of(ic.version).sections:
            code = section.department.value
            if departments is not None and code not in departments:
                continue
            for item in section.items:
                if not item.applies_to(facts):
                    continue
                if item.code in not_applicable:
                    result, deduction, text = AnswerResult.NA, None, ""
                elif item.code in failing or item.code in deductions:
                    result, deduction, text = AnswerResult.FAIL, deductions.get(item.code), note
                else:
                    result, deduction, text = AnswerResult.PASS, None, ""
                by_department.setdefault(code, []).append(
                    AnswerInput(item.code, result, str(uuid.uuid4()), deduction, text)
                )
    for code, inputs in by_department.items():
        save_answers(inspection, inputs, Actor(by or inspector_of(inspection, code), "test"))


def self_inspect(
    facility: Facility,
    operator: User,
    checklists: Sequence[str] = ("fire_safety",),
    *,
    on: date | None = None,
    fail: Iterable[str] = (),
    na: Iterable[str] = (),
) -> Inspection:
    """Run and submit the facility's self-inspection as its `operator` on day `on` (default today): every item
    passes except `fail` (photographed) and `na`."""
    from inspection.services.self_inspection import start_self_inspection, submit_self_inspection

    actor = Actor(operator, "test")
    inspection, _ = start_self_inspection(facility, list(checklists), on or date.today(), actor)
    answer_all(inspection, fail=fail, na=na, by=operator, note="自查发现（测试）")
    for ic in inspection.checklists:
        for answer in ic.answers:
            if answer.result == AnswerResult.FAIL:
                add_photo(inspection, answer.item_code, str(uuid.uuid4()), jpeg(), actor)
    submit_self_inspection(inspection, actor)
    return inspection


def jpeg(width: int = 64, height: int = 48) -> bytes:
    """Return a small valid JPEG."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


def photograph_failures(inspection: Inspection, department_code: str) -> None:
    """Add the photo every failed item of the department that requires one needs before submission."""
    inspector = inspector_of(inspection, department_code)
    for ic in inspection.checklists:
        items = {item.code: (item, s.department.value) for s in checklist_of(ic.version).sections for item in s.items}
        for answer in ic.answers:
            item, owner = items[answer.item_code]
            if owner == department_code and answer.result == AnswerResult.FAIL and item.photo_on_fail:
                add_photo(inspection, item.code, str(uuid.uuid4()), jpeg(), Actor(inspector, "test"))


def submit(inspection: Inspection, *departments: str) -> None:
    """Submit the sections of `departments` (default: every department of the inspection), each by one of its
    inspectors, after photographing failed items that need a photo. Scores, stores standings and hazards."""
    from inspection.services.planning import departments_of, submitted_departments

    for code in departments or departments_of(inspection):
        if code in submitted_departments(inspection):
            continue
        photograph_failures(inspection, code)
        submit_department(inspection, code, Actor(inspector_of(inspection, code), "test"))


def inspect(
    facility: Facility,
    checklists: Sequence[str] = ("fire_safety",),
    *,
    fail: Iterable[str] = (),
    deductions: Mapping[str, Decimal | int | str] | None = None,
    **plan: Any,
) -> Inspection:
    """Plan, answer (all pass except `fail`) and submit an inspection: a completed inspection with its results,
    standings and hazards, as an inspection team would leave it."""
    inspection = plan_inspection(facility, checklists, **plan)
    answer_all(inspection, fail=fail, deductions=deductions)
    submit(inspection)
    return inspection


def grading_deductions(level: int | str) -> dict[str, Decimal]:
    """Return deductions on the grading checklist that keep about GRADE_SHARES[level] of every section's points."""
    deductions: dict[str, Decimal] = {}
    for section in checklist(GRADING_CHECKLIST).sections:
        loss = Decimal(round(section.max_points * (1 - GRADE_SHARES[level])))
        for item in section.items:
            lost = min(Decimal(item.points), loss)
            loss -= lost
            if lost:
                deductions[item.code] = lost
    return deductions


def grade(
    facility: Facility, level: int | str, *, on: date | None = None, countersign: bool = True, **plan: Any
) -> InspectionChecklist:
    """Grade `facility` at `level` (1–5, or "below") through a grading inspection; countersigned by a new reviewer
    unless `countersign` is False. Returns the grading result."""
    inspection = inspect(
        facility,
        [GRADING_CHECKLIST],
        deductions=grading_deductions(level),
        on=on,
        purpose=InspectionPurpose.GRADING,
        **plan,
    )
    ic = inspection.checklists[0]
    if countersign:
        reviewer = make_reviewer(_county_of(facility))
        countersign_grading(ic, "材料齐全，同意（测试）", True, Actor(reviewer, "test"))
    return ic


def hazards_of(inspection: Inspection) -> list[Hazard]:
    """Return the hazards the inspection found, by id."""
    return list(db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection.id).order_by(Hazard.id)))


def close_hazard(hazard: Hazard, *, on: date | None = None, operator: User | None = None) -> Hazard:
    """Close a hazard as in real use: the facility's operator reports the rectification with an "after" photo,
    then an inspector of the responsible department accepts it on site (with a photo of their own)."""
    from inspection.services.hazards import Decision, reinspect, submit_evidence

    operator = operator or make_operator(hazard.facility)
    submit_evidence(hazard, "已整改（测试）", [jpeg()], Actor(operator, "test"))
    inspector = inspector_of(hazard.inspection, hazard.department_code)
    on = on or date.today()
    reinspect(hazard.facility, [Decision(hazard, True, "复查合格（测试）")], on, True, Actor(inspector, "test"),
              photos={hazard.id: [jpeg()]})  # fmt: skip
    return hazard


def blacklist(
    facility: Facility,
    *,
    ground: CreditGround = CreditGround.OBSTRUCTION,
    decided_on: date | None = None,
    reviewer: User | None = None,
) -> CreditListing:
    """List `facility` on the credit blacklist, as a reviewer of its county decides."""
    reviewer = reviewer or make_reviewer(_county_of(facility))
    return list_party(
        facility,
        ground,
        decided_on or date.today(),
        unique("民信〔2026〕") + "号（测试）",
        [],
        Actor(reviewer, "test"),
    )


#: The facilities of `make_cast`: the operator's own, another of the same county, one of the neighbour county.
OWN, SAME_COUNTY, OTHER_COUNTY = "东湖敬老院", "西山敬老院", "邻县敬老院"


def make_cast(county: County | None = None) -> dict[str, Any]:
    """Create the people most web and API tests act as, with the usernames the tests log in with:

    - admin, reviewer, and two inspectors per department (mz1, mz2, xf1, xf2, sc1, sc2, wj1, wj2) of the county;
    - the facilities OWN (its person in charge: operator) and SAME_COUNTY;
    - a neighbouring county with the facility OTHER_COUNTY, other_reviewer and other_operator, to prove that
      nobody sees outside their region.

    :return: the users by username and the facilities by name (ORM objects of the current session: a request
        ends the session, so read what a test needs, e.g. ids, before its first request).
    """
    county = county or base_county()
    people: dict[str, Any] = {
        "admin": make_admin(county, username="admin", display_name="管理员（测试）"),
        "reviewer": make_reviewer(county, username="reviewer", display_name="民政审核员（测试）"),
    }
    for code, kind in (("mz", "民政"), ("xf", "消防"), ("sc", "市场监管"), ("wj", "卫健")):
        for n, numeral in ((1, "一"), (2, "二")):
            people[f"{code}{n}"] = make_inspector(
                code, county, username=f"{code}{n}", display_name=f"{kind}检查员{numeral}"
            )
    own = make_facility(county, name=OWN)
    same = make_facility(county, name=SAME_COUNTY, region_id=county.townships[-1].id)
    people["operator"] = make_operator(own, username="operator", display_name=f"{OWN}负责人")
    neighbour = make_county(townships=1, short="邻", departments=["mz"])
    other = make_facility(neighbour, name=OTHER_COUNTY, beds=10, residents=5)
    people["other_reviewer"] = make_reviewer(neighbour, username="other_reviewer")
    people["other_operator"] = make_operator(other, username="other_operator")
    return {**people, OWN: own, SAME_COUNTY: same, OTHER_COUNTY: other}


def objection_row(application: GradingApplication) -> GradingObjection:
    """An objection to `application` as the public form stores one (the sweeps need a row, not its path)."""
    return GradingObjection(
        application_id=application.id,
        submitter_name="公众甲（测试）",
        contact="13800000000",
        text="异议内容（测试）",
        client_hash="0" * 64,
        review_reason="",
    )


def certify(facility: Facility, level: int, published_on: date, *, years: int = 3) -> GradeCertificate:
    """Give `facility` a grade certificate at `level` published on `published_on` and valid `years`, as rows only
    (a decided application and the certificate with a stand-in file): for tests of what reads certificates. The
    publication itself is tested through its route (tests/web/test_grade_certificates.py)."""
    from inspection.campaign.validity import valid_until
    from inspection.services.files import store_bytes
    from inspection.services.numbering import next_sequence

    reviewer = make_reviewer(_county_of(facility))
    decided_at = datetime.combine(published_on, datetime.min.time())
    application = GradingApplication(
        facility_id=facility.id,
        level=level,
        status=ApplicationStatus.DECIDED,
        checklist_version=1,
        self_assessment={},
        self_score=Decimal(0),
        applied_by_id=reviewer.id,
        applied_at=decided_at,
        refusals=[],
        committee_met_on=published_on,
        committee_members="评定委员（测试）",
        decided_level=level,
        decided_by_id=reviewer.id,
        decided_at=decided_at,
    )
    db.session.add(application)
    db.session.flush()
    sequence = next_sequence("测民证", published_on.year)
    stored = store_bytes(b"%PDF-1.7 stand-in " + uuid.uuid4().bytes, "application/pdf")
    certificate = GradeCertificate(
        facility_id=facility.id,
        application_id=application.id,
        level=level,
        number=f"测民证〔{published_on.year}〕{sequence}号",
        issuer="测民证",
        year=published_on.year,
        sequence=sequence,
        decision_number=f"测民发〔{published_on.year}〕{sequence}号",
        published_on=published_on,
        valid_from=published_on,
        valid_until=valid_until(published_on, years),
        pdf_file=stored,
        pdf_sha256=stored.sha256,
        signing_certificate_serial="00",
        signing_certificate_sha256="0" * 64,
        published_by_id=reviewer.id,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate
