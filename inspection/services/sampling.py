"""双随机、一公开 spot checks: a reviewer draws facilities at random from a filtered list and, for each, inspectors
at random from one department's pool (`inspection.sampling`), which plans their inspections at once. The draw is
stored with its seed and candidate lists so that anyone can reproduce it (`rerun`), is never changed afterwards, and
is published with its results (`published_draws`, `draw_results`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from inspection.dates import PLAN_DAYS_AHEAD
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import (
    ChecklistStatus,
    Department,
    Facility,
    FacilityStatus,
    InspectionPurpose,
    Region,
    SpotCheckDraw,
    SpotCheckPick,
    User,
)
from inspection.orm import utcnow
from inspection.permissions import in_township, may_inspect, visible_facilities, visible_inspectors
from inspection.sampling import SEED_PATTERN, Pick, draw, new_seed
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event
from inspection.services.planning import (
    MIN_INSPECTORS_PER_DEPARTMENT,
    check_planned_date,
    check_spot_check_checklists,
    start_inspection,
)
from inspection.transactions import insert_once

#: Most facilities one draw may plan.
MAX_FACILITIES_PER_DRAW = 50
#: Most inspectors drawn for one facility.
MAX_INSPECTORS_PER_FACILITY = 5


@dataclass(frozen=True)
class DrawRequest:
    """What a reviewer asks to draw."""

    department: Department
    checklist_code: str
    inspected_on: date
    facility_count: int
    inspectors_per_facility: int = MIN_INSPECTORS_PER_DEPARTMENT
    #: The filter of the candidate facilities (None: any township, any type).
    township: Region | None = None
    facility_type: str | None = None
    #: Given only to reproduce a draw elsewhere (tests, an auditor's rerun); a new draw takes `new_seed()`.
    seed: str | None = None
    #: The UUID of the form sent: the same form again returns the draw it made.
    client_id: str | None = None


def candidates(user: User, request: DrawRequest) -> tuple[list[Facility], list[User]]:
    """Return the candidate facilities (active, within the user's region and the filter) and the department's pool
    (active inspectors of it within the user's region who may inspect every candidate), each by id."""
    stmt = visible_facilities(user).where(Facility.status == FacilityStatus.ACTIVE)
    if request.township is not None:
        stmt = stmt.where(in_township(request.township.id))
    if request.facility_type:
        stmt = stmt.where(Facility.type == request.facility_type)
    facilities = list(db.session.scalars(stmt.order_by(Facility.id)))
    people = db.session.scalars(
        visible_inspectors(user).where(User.department_id == request.department.id).order_by(User.id)
    )
    pool = [person for person in people if all(may_inspect(person, f) for f in facilities)]
    return facilities, pool


def make_draw(
    request: DrawRequest,
    actor: Actor,
    *,
    today: date,
    days_ahead: int = PLAN_DAYS_AHEAD,
    drawn_at: datetime | None = None,
) -> SpotCheckDraw:
    """Draw, store the draw and plan one inspection per facility drawn, with the inspectors drawn for it.

    :param today: the day the inspections are planned from (`start_inspection`).
    :param drawn_at: when it was drawn (naive UTC), for the demo's history; now by default.
    :raises ServiceError: naming the field: a checklist not wholly the department's, a date out of range, too few
        inspectors per facility, more facilities or inspectors than candidates, a malformed seed.
    """
    assert actor.user is not None, "a draw is made by a person"
    earlier = draw_by_client_id(request.client_id)
    if earlier is not None:  # the form sent again after its draw was stored: the counts may no longer allow it
        return earlier
    check_spot_check_checklists([request.checklist_code], request.department.code)
    check_planned_date(request.inspected_on, today, days_ahead, after_the_fact=False)
    facilities, pool = candidates(actor.user, request)
    _check_counts(request, len(facilities), len(pool))
    seed = request.seed or new_seed()
    if not SEED_PATTERN.fullmatch(seed):
        raise ServiceError(N_("随机种子应为32位十六进制数字"), fields={"seed": N_("随机种子应为32位十六进制数字")})
    record = SpotCheckDraw(
        region=request.department.region,
        department=request.department,
        drawn_by=actor.user,
        checklist_code=request.checklist_code,
        inspected_on=request.inspected_on,
        filters={
            "township_id": request.township.id if request.township else None,
            "facility_type": request.facility_type or None,
        },
        facility_candidates=[f.id for f in facilities],
        inspector_candidates=[p.id for p in pool],
        facility_count=request.facility_count,
        inspectors_per_facility=request.inspectors_per_facility,
        seed=seed,
        drawn_at=drawn_at or utcnow(),
        client_id=request.client_id,
    )
    facilities_by_id, pool_by_id = {f.id: f for f in facilities}, {p.id: p for p in pool}

    def planned() -> SpotCheckDraw:
        for position, pick in enumerate(rerun(record)):
            inspection = start_inspection(
                facilities_by_id[pick.facility_id],
                [request.checklist_code],
                request.inspected_on,
                InspectionPurpose.ROUTINE,
                request.department,
                {request.department.code: [pool_by_id[i] for i in pick.inspector_ids]},
                actor,
                today=today,
                days_ahead=days_ahead,
                after_the_fact=False,
            )
            record.picks.append(
                SpotCheckPick(
                    position=position,
                    facility_id=pick.facility_id,
                    inspector_ids=list(pick.inspector_ids),
                    inspection=inspection,
                )
            )
        db.session.add(record)
        db.session.flush()
        return record

    # The same form sent at the same moment: the request storing second waits for the first (the form's UUID is
    # unique), undoes its own planning and returns the first one's draw.
    record, created = insert_once(planned, lambda: draw_by_client_id(request.client_id))
    if not created:
        return record
    record_event(
        actor,
        "draw.create",
        object_type="spot_check_draw",
        object_id=record.id,
        region_path=record.region.path,
        after={
            "department": request.department.code,
            "seed": seed,
            "filters": record.filters,
            "facility_candidates": record.facility_candidates,
            "inspector_candidates": record.inspector_candidates,
            "picks": [{"facility_id": p.facility_id, "inspector_ids": p.inspector_ids} for p in record.picks],
            "inspections": [p.inspection_id for p in record.picks],
        },
    )
    return record


def draw_by_client_id(client_id: str | None) -> SpotCheckDraw | None:
    """The draw made by the form with this UUID, if any."""
    return db.session.scalar(select(SpotCheckDraw).where(SpotCheckDraw.client_id == client_id)) if client_id else None


def _check_counts(request: DrawRequest, facilities: int, pool: int) -> None:
    fields = {}
    if not 1 <= request.facility_count <= min(facilities, MAX_FACILITIES_PER_DRAW):
        fields["facility_count"] = Message(
            N_("符合条件的机构有 %(n)s 家，每次最多抽取 %(max)s 家"), n=facilities, max=MAX_FACILITIES_PER_DRAW
        )
    low, high = MIN_INSPECTORS_PER_DEPARTMENT, min(pool, MAX_INSPECTORS_PER_FACILITY)
    if not low <= request.inspectors_per_facility <= high:
        fields["inspectors_per_facility"] = Message(
            N_("每家机构须抽取至少 %(low)s 名检查员；该部门可抽取的检查员有 %(n)s 名"), low=low, n=pool
        )
    if fields:
        raise ServiceError(N_("抽取数量超出范围"), fields=fields)


def rerun(record: SpotCheckDraw) -> list[Pick]:
    """Compute the draw again from its stored seed, candidates and counts (what an auditor does)."""
    return draw(
        record.seed,
        record.facility_candidates,
        record.inspector_candidates,
        record.facility_count,
        record.inspectors_per_facility,
    )


def matches_stored(record: SpotCheckDraw) -> bool:
    """Return True if rerunning the draw gives exactly the stored picks, in order."""
    stored = [Pick(p.facility_id, tuple(p.inspector_ids)) for p in record.picks]
    return rerun(record) == stored


@dataclass(frozen=True)
class PickResult:
    """What a drawn facility's inspection came to: its stored verdict once the department submitted."""

    pick: SpotCheckPick
    done: bool
    verdict: str | None
    inspected_on: date


def draw_results(record: SpotCheckDraw) -> list[PickResult]:
    """Return each pick's result: the verdict of the draw's checklist once it is submitted."""
    results = []
    for pick in record.picks:
        checklist = next((c for c in pick.inspection.checklists if c.checklist_code == record.checklist_code), None)
        done = checklist is not None and checklist.status == ChecklistStatus.SUBMITTED
        results.append(PickResult(pick, done, checklist.verdict if done else None, pick.inspection.inspected_on))
    return results


def published_draws() -> Select[tuple[SpotCheckDraw]]:
    """Return a select of every draw, newest first, for the public page (which shows no people)."""
    return (
        select(SpotCheckDraw)
        .options(selectinload(SpotCheckDraw.picks).selectinload(SpotCheckPick.facility))
        .order_by(SpotCheckDraw.drawn_at.desc(), SpotCheckDraw.id.desc())
    )


def inspectors_of(records: Sequence[SpotCheckDraw]) -> dict[int, User]:
    """Return the inspectors drawn in `records`, by id (for the staff pages)."""
    ids = {i for record in records for pick in record.picks for i in pick.inspector_ids}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids or [-1])))}
