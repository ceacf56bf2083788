"""Facility standings as the checklist data declares them: which standing a checklist version sets, the kinds in
use (the league table's columns, the facility page's lines, the score chart's series), and the stored standings.

A checklist file's ``[standing]`` table names the kind its final result sets (``inspection.checklists.Standing``);
nothing in code lists the kinds. Only the grade (``GRADE_STANDING``) is treated apart, where grading differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, RowMapping, Subquery, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased, defer

from inspection.checklists import GRADE_STANDING, Standing
from inspection.dates import replaces_standing
from inspection.extensions import db
from inspection.models import (
    ChecklistStatus,
    ChecklistVersion,
    FacilityStanding,
    Inspection,
    InspectionChecklist,
    InspectionPurpose,
)
from inspection.services.checklists import checklist_of, shipped
from inspection.transactions import insert_once

#: The standing each checklist content declares, by content hash (a version's content never changes).
_declared: dict[str, Standing | None] = {}


def standing_of(version: ChecklistVersion) -> Standing | None:
    """Return the standing a checklist version's result sets, or None when it sets none.

    A version imported before checklist files declared their standing sets the standing of the shipped checklist
    with its code, as it did then.
    """
    if version.content_hash not in _declared:
        _declared[version.content_hash] = checklist_of(version).standing
    declared = _declared[version.content_hash]
    if declared is None and version.code in shipped().checklists:
        return shipped().checklists[version.code].standing
    return declared


def standing_kinds(session: Session | None = None) -> list[Standing]:
    """Return the standings the newest version of each checklist declares, one per kind, in their order (read with
    `session`, by default the app's)."""
    newest = (
        select(ChecklistVersion.code, func.max(ChecklistVersion.version).label("version"))
        .group_by(ChecklistVersion.code)
        .subquery()
    )
    stmt = (
        select(ChecklistVersion)
        .join(newest, (ChecklistVersion.code == newest.c.code) & (ChecklistVersion.version == newest.c.version))
        .options(defer(ChecklistVersion.source_text))
        .order_by(ChecklistVersion.code)
    )
    by_kind: dict[str, Standing] = {}
    for version in (session or db.session).scalars(stmt):
        standing = standing_of(version)
        if standing is not None and standing.kind not in by_kind:
            by_kind[standing.kind] = standing
    return sorted(by_kind.values(), key=lambda s: (s.order, s.kind))


def safety_standings(session: Session | None = None) -> list[Standing]:
    """Return the standings in use other than the grade: the safety verdicts, in their order (read with `session`,
    by default the app's)."""
    return [s for s in standing_kinds(session) if s.kind != GRADE_STANDING]


@dataclass(frozen=True)
class HeldStanding:
    """A facility's standing of one kind as it holds on a day (a row of :func:`standings_on`)."""

    facility_id: int
    kind: str
    inspection_checklist_id: int
    #: Date of the inspection the standing comes from.
    decided_on: date
    verdict: str
    verdict_code: str
    grade: int | None
    points: Decimal | None
    unverified: bool


#: The columns of a standing that a replacement (the latest result on or before today) gives.
_REPLACED = ("inspection_checklist_id", "decided_on", "verdict", "verdict_code", "grade", "points", "unverified")


def standings_on(name: str = "standings", kind: str | None = None) -> Subquery:
    """The standings as they hold on the day bound as ``today`` (of `kind`, or every kind): one row per facility and
    kind, with the columns of ``FacilityStanding``; execute with ``{"today": …}``.

    A standing is the latest result on or before today (``dates.holds_on``). The stored one is that, unless it is
    dated after today, which older data may hold: then the latest submitted result of the same checklist on or
    before today stands in its place, and none when there is no such result.

    The stored row stays the base of each row (so a join on the facility uses its unique index), corrected by the
    few replacements, which are found once.
    """
    today = bindparam("today", type_=Date)
    stored = FacilityStanding
    stored_ic, earlier = aliased(InspectionChecklist), aliased(InspectionChecklist)
    latest_first = func.row_number().over(
        partition_by=stored.id, order_by=(Inspection.inspected_on.desc(), earlier.id.desc())
    )
    candidates = (
        select(
            stored.id.label("standing_id"),
            earlier.id.label("inspection_checklist_id"),
            Inspection.inspected_on.label("decided_on"),
            earlier.verdict,
            earlier.verdict_code,
            earlier.grade,
            earlier.points,
            earlier.result["unverified"].as_boolean().label("unverified"),
            latest_first.label("n"),
        )
        .join(stored_ic, stored_ic.id == stored.inspection_checklist_id)
        .join(
            Inspection,
            and_(
                Inspection.facility_id == stored.facility_id,
                Inspection.inspected_on <= today,
                Inspection.purpose != InspectionPurpose.SELF_INSPECTION,
            ),
        )
        .join(
            earlier,
            and_(
                earlier.inspection_id == Inspection.id,
                earlier.checklist_code == stored_ic.checklist_code,
                earlier.status == ChecklistStatus.SUBMITTED,
            ),
        )
        .where(stored.decided_on > today)
    )
    if kind is not None:
        candidates = candidates.where(stored.kind == kind)
    ranked = candidates.subquery(f"{name}_later")
    instead = select(ranked).where(ranked.c.n == 1).subquery(f"{name}_instead")
    holds = stored.decided_on <= today

    def current(column: str) -> Any:
        return case((holds, getattr(stored, column)), else_=instead.c[column]).label(column)

    held = (
        select(
            stored.id,
            stored.facility_id,
            stored.kind,
            *(current(c) for c in _REPLACED),
        )
        .outerjoin(instead, instead.c.standing_id == stored.id)
        .where(or_(holds, instead.c.standing_id.is_not(None)))
    )
    if kind is not None:
        held = held.where(stored.kind == kind)
    return held.subquery(name)


def _held(row: RowMapping) -> HeldStanding:
    values = {f.name: row[f.name] for f in fields(HeldStanding)}
    return HeldStanding(**{**values, "unverified": bool(values["unverified"])})


def standings_of(facility_ids: Sequence[int], today: date | None = None) -> dict[int, dict[str, HeldStanding]]:
    """Return the standings of the facilities as they hold on `today` (default: the server's), by facility and
    kind."""
    result: dict[int, dict[str, HeldStanding]] = {fid: {} for fid in facility_ids}
    if facility_ids:
        held = standings_on()
        stmt = select(held).where(held.c.facility_id.in_(facility_ids))
        for row in db.session.execute(stmt, {"today": today or date.today()}).mappings():
            result[row["facility_id"]][row["kind"]] = _held(row)
    return result


def public_grade(facility_id: int, today: date | None = None) -> tuple[HeldStanding | None, bool]:
    """Return the facility's grade standing on `today` (default: the server's) and whether it was countersigned
    (the public may see only then)."""
    held = standings_on(kind=GRADE_STANDING)
    row = (
        db.session.execute(select(held).where(held.c.facility_id == facility_id), {"today": today or date.today()})
        .mappings()
        .first()
    )
    if row is None:
        return None, False
    standing = _held(row)
    reviewed = db.session.scalar(
        select(InspectionChecklist.reviewed_at.is_not(None)).where(
            InspectionChecklist.id == standing.inspection_checklist_id
        )
    )
    return standing, bool(reviewed)


def replace_standing(
    facility_id: int, kind: str, decided_on: date, today: date, fill: Callable[[FacilityStanding], None]
) -> bool:
    """Make a result decided on `decided_on` the facility's standing of `kind` (`fill` writes its verdict), unless a
    later one decided (`dates.replaces_standing`); return whether it did.

    The standing row is read locked, so two submissions for one facility and kind decide one after the other. Two
    first-ever ones at the same moment both find no row: the second's insert waits on the (facility_id, kind) key
    until the first commits, then compares with that standing and updates it (never a conflict for the phone).
    """

    def stored() -> FacilityStanding | None:
        stmt = select(FacilityStanding).where(
            FacilityStanding.facility_id == facility_id, FacilityStanding.kind == kind
        )
        return db.session.scalar(stmt.with_for_update().execution_options(populate_existing=True))

    def create() -> FacilityStanding:
        standing = FacilityStanding(facility_id=facility_id, kind=kind, decided_on=decided_on)
        fill(standing)
        db.session.add(standing)
        db.session.flush()
        return standing

    standing = stored()
    if not replaces_standing(standing.decided_on if standing else None, decided_on, today):
        return False
    if standing is None:
        standing, created = insert_once(create, stored)
        if created:
            return True
        if not replaces_standing(standing.decided_on, decided_on, today):
            return False
    standing.decided_on = decided_on
    fill(standing)
    return True
