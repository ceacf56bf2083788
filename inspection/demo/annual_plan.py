"""The demo county's annual plan and 双随机 draws: two 住建 building-safety inspections planned for days already past
and never carried out (the plan page shows them overdue; the demo's history never inspects for 住建), a draw three
weeks ago whose inspections were done (the public page shows their verdicts), and a draw today for next week's food
inspections."""

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from inspection.demo import county
from inspection.extensions import db
from inspection.models import (
    AnswerResult,
    Department,
    Facility,
    Inspection,
    InspectionPurpose,
    Region,
    SpotCheckDraw,
    User,
)
from inspection.plan_rules.coverage import CoverageStatus
from inspection.services import Actor
from inspection.services.annual_plan import PlanFilters, plan_rows
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.checklists import checklist_of, latest_version
from inspection.services.planning import start_inspection
from inspection.services.sampling import DrawRequest, make_draw
from inspection.services.submission import facility_facts, submit_department

#: Days before today the two missed 住建 inspections were planned for.
MISSED_DAYS_AGO = (41, 12)


def seed_demo_plan(today: date | None = None) -> dict[str, int]:
    """Seed the plan's demo rows and draws once (nothing when the county has a draw already, or the checklists are
    not imported yet).

    :return: rows created, by kind.
    """
    today = today or date.today()
    home = db.session.scalar(select(Region).where(Region.name == county.COUNTY, Region.parent_id.is_not(None)))
    if home is None or any(
        latest_version(code) is None for code in ("service_safety", "food_safety", "building_safety")
    ):
        return {}
    if db.session.scalar(select(SpotCheckDraw.id).where(SpotCheckDraw.region_id == home.id).limit(1)) is not None:
        return {}
    reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
    departments = {d.code: d for d in db.session.scalars(select(Department).where(Department.region_id == home.id))}
    actor = Actor(reviewer, "demo-seed")
    missed = _plan_missed(reviewer, departments["zj"], actor, today)
    past = make_draw(
        DrawRequest(departments["mz"], "service_safety", today - timedelta(days=14), facility_count=2),
        actor,
        today=today - timedelta(days=21),
        drawn_at=datetime.combine(today - timedelta(days=21), time(2, 30)),
    )
    for pick in past.picks:
        _carry_out(pick.inspection, "mz", pick.inspector_ids[0], today)
    make_draw(
        DrawRequest(departments["sc"], "food_safety", today + timedelta(days=7), facility_count=2),
        actor,
        today=today,
    )
    return {"missed plans": missed, "draws": 2}


def _plan_missed(reviewer: User, department: Department, actor: Actor, today: date) -> int:
    """Plan the department's inspection of two facilities it has not inspected this year for days already past."""
    rows = plan_rows(reviewer, PlanFilters(year=today.year, department=department.code), today)
    due = [row for row in rows if row.coverage.status != CoverageStatus.DONE][: len(MISSED_DAYS_AGO)]
    usernames = [f"{department.code}1", f"{department.code}2"]
    team = list(db.session.scalars(select(User).where(User.username.in_(usernames))))
    for row, days in zip(due, MISSED_DAYS_AGO, strict=False):
        facility = db.session.get(Facility, row.coverage.facility_id)
        start_inspection(
            facility,
            ["building_safety"],
            today - timedelta(days=days),
            InspectionPurpose.ROUTINE,
            department,
            {department.code: team},
            actor,
            today=today,
        )
    return len(due)


def _carry_out(inspection: Inspection, department_code: str, inspector_id: int, today: date) -> None:
    """Answer every applicable item as passed and submit the department's section, as the drawn inspector."""
    inspector = Actor(db.session.get(User, inspector_id), "demo-seed")
    facts = facility_facts(inspection.facility).true_facts()
    inputs = [
        AnswerInput(item.code, AnswerResult.PASS, str(uuid.uuid4()), None, "")
        for ic in inspection.checklists
        for section in checklist_of(ic.version).sections
        for item in section.items
        if item.applies_to(facts)
    ]
    save_answers(inspection, inputs, inspector)
    submit_department(inspection, department_code, inspector, today=today)
