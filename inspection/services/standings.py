"""Facility standings as the checklist data declares them: which standing a checklist version sets, the kinds in
use (the league table's columns, the facility page's lines, the score chart's series), and the stored standings.

A checklist file's ``[standing]`` table names the kind its final result sets (``inspection.checklists.Standing``);
nothing in code lists the kinds. Only the grade (``GRADE_STANDING``) is treated apart, where grading differs.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from inspection.checklists import GRADE_STANDING, Standing
from inspection.extensions import db
from inspection.models import ChecklistVersion, FacilityStanding, InspectionChecklist
from inspection.services.checklists import checklist_of, shipped

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


def standing_kinds() -> list[Standing]:
    """Return the standings the newest version of each checklist declares, one per kind, in their order."""
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
    for version in db.session.scalars(stmt):
        standing = standing_of(version)
        if standing is not None and standing.kind not in by_kind:
            by_kind[standing.kind] = standing
    return sorted(by_kind.values(), key=lambda s: (s.order, s.kind))


def safety_standings() -> list[Standing]:
    """Return the standings in use other than the grade: the safety verdicts, in their order."""
    return [s for s in standing_kinds() if s.kind != GRADE_STANDING]


def standings_of(facility_ids: Sequence[int]) -> dict[int, dict[str, FacilityStanding]]:
    """Return the stored standings of the facilities, by facility and kind."""
    result: dict[int, dict[str, FacilityStanding]] = {fid: {} for fid in facility_ids}
    if facility_ids:
        stmt = select(FacilityStanding).where(FacilityStanding.facility_id.in_(facility_ids))
        for row in db.session.scalars(stmt):
            result[row.facility_id][row.kind] = row
    return result


def public_grade(facility_id: int) -> tuple[FacilityStanding | None, bool]:
    """Return the facility's grade standing and whether it was countersigned (the public may see only then)."""
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == facility_id, FacilityStanding.kind == GRADE_STANDING
        )
    )
    if standing is None:
        return None, False
    reviewed = db.session.scalar(
        select(InspectionChecklist.reviewed_at.is_not(None)).where(
            InspectionChecklist.id == standing.inspection_checklist_id
        )
    )
    return standing, bool(reviewed)
