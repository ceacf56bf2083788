"""Synthetic inspection history written with bulk inserts: inspections scored by the real engine, stored results,
hazards (closed, open, a few overdue), standings, countersignatures and credit listings.

The fast path of ``flask demo generate`` (any size; the big sets skip the per-item detail to stay fast): what
happened comes from `HistoryPlanner` (demo/plan.py), and `HistoryWriter` turns it into rows. The demo county's
history (demo/seed.py) uses only the planner's schedule and answers and goes through the services, so its standings
and hazards come from the same code as in real use.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert

from inspection.checklists import Checklist, Item
from inspection.demo.bulk import bulk_insert
from inspection.demo.photos import store_demo_photo
from inspection.demo.plan import GRADING, Context, FacilityPlan, HistoryPlanner, finding_note
from inspection.extensions import db
from inspection.followup_rules import default_deadline, removal_eligible_on
from inspection.models import (
    Answer,
    ChecklistStatus,
    CreditListing,
    DepartmentSubmission,
    FacilityStanding,
    Hazard,
    HazardPhoto,
    HazardStatus,
    HazardUpdate,
    Inspection,
    InspectionAssignment,
    InspectionChecklist,
    InspectionPurpose,
    InspectionStatus,
    Photo,
)
from inspection.scoring import Answer as EngineAnswer
from inspection.scoring import ScoreResult
from inspection.services.checklists import shipped


class HistoryWriter(HistoryPlanner):
    """Generate and insert the history of facilities, a chunk at a time."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        if ctx.detailed and ctx.before_file_id is None:
            ctx.before_file_id, ctx.after_file_id = store_demo_photo("before"), store_demo_photo("after")

    def write(self, plans: Sequence[FacilityPlan]) -> None:
        """Generate and insert the inspections, results, hazards and standings of `plans`."""
        inspections, checklists = [], []
        for plan in plans:
            for on, codes, targets, flags in self.schedule(plan):
                inspections.append(_inspection_row(plan.id, on, codes, self.ctx))
                checklists.append([(code, targets[code], flags, plan) for code in codes])
        ids = self._insert(Inspection, [row for row in inspections])
        ic_rows, pending = [], []
        for inspection_id, row, parts in zip(ids, inspections, checklists, strict=True):
            for code, target, flags, plan in parts:
                answers, result, stored = self.scored_answers(code, target, plan.facts)
                ic_rows.append(self._checklist_row(inspection_id, code, result, stored, row, flags))
                pending.append((inspection_id, row, code, answers, result, flags, plan))
        ic_ids = self._insert(InspectionChecklist, ic_rows)
        self._details(ic_ids, pending)
        self._standings(ic_ids, ic_rows, pending)

    # -- results -------------------------------------------------------------------------------------------------

    def _checklist_row(
        self, inspection_id: int, code: str, result: ScoreResult, stored: dict[str, Any], row: dict, flags: dict
    ) -> dict[str, Any]:
        submitted = row["completed_at"]
        reviewed = code == GRADING and not flags.get("pending")
        review_at = submitted + timedelta(days=self.ctx.rng.randint(2, 9)) if reviewed else None
        if review_at is not None and review_at.date() >= self.ctx.today:
            review_at = None
        return {
            "inspection_id": inspection_id,
            "checklist_version_id": self.versions[code].id,  # type: ignore[union-attr]
            "checklist_code": code,
            "status": ChecklistStatus.SUBMITTED,
            "submitted_at": submitted,
            "points": result.points,
            "max_points": result.max_points,
            "percent": result.percent,
            "verdict": result.verdict,
            "verdict_code": result.verdict_code,
            "grade": result.grade,
            "result": stored,
            "reviewed_at": review_at,
            "reviewed_by_id": self.ctx.reviewer_id if review_at else None,
            "review_comment": "材料齐全，评定结果属实，同意（演示）" if review_at else "",
        }

    # -- hazards, answers, photos, people --------------------------------------------------------------------------

    def _details(self, ic_ids: list[int], pending: list[tuple]) -> None:
        hazards, answers, photos = [], [], []
        for ic_id, (inspection_id, row, code, given, result, flags, plan) in zip(ic_ids, pending, strict=True):
            if self.ctx.detailed:
                answers += [_answer_row(ic_id, item_code, answer) for item_code, answer in given.items()]
            if code == GRADING:
                continue
            checklist = self.checklists[code]
            for failed in result.failed_items:
                item = checklist.item(failed.item_code)
                department = checklist.section_of(item.code).department.value
                hazards.append(self._hazard_row(plan.id, inspection_id, ic_id, checklist, item, department, row, flags))
                if self.ctx.detailed:
                    photos.append(_photo_row(inspection_id, item.code, self.ctx.before_file_id, row))
        self._insert(Answer, answers, returning=False)
        self._insert(Photo, photos, returning=False)
        hazard_ids = self._insert(Hazard, hazards)
        if self.ctx.detailed:
            self._updates(hazard_ids, hazards)
        if self.ctx.detailed and self.ctx.inspectors:
            self._people(pending)

    def _hazard_row(
        self,
        facility_id: int,
        inspection_id: int,
        ic_id: int,
        checklist: Checklist,
        item: Item,
        department: str,
        row: dict,
        flags: dict,
    ) -> dict[str, Any]:
        rng, on = self.ctx.rng, row["inspected_on"]
        immediate, deadline = default_deadline(item.item_class, on, checklist.rectification_days)
        days = (deadline - on).days
        status, closed_on = HazardStatus.OPEN, None
        fixed_on = on + timedelta(days=rng.randint(max(1, days // 3), days))
        if not flags.get("open") and fixed_on < self.ctx.today and rng.random() > 0.02:
            status, closed_on = HazardStatus.CLOSED, fixed_on
        elif not flags.get("open") and rng.random() < 0.4:
            status = HazardStatus.EVIDENCE_SUBMITTED
        return {
            "facility_id": facility_id,
            "inspection_id": inspection_id,
            "inspection_checklist_id": ic_id,
            "item_code": item.code,
            "department_code": department,
            "item_class": item.item_class.value,
            "item_text": item.text,
            "finding": finding_note(item),
            "basis": item.basis,
            "requirement": "立即采取措施消除隐患，并于期限内申请复查"
            if item.item_class == "major"
            else "按检查依据限期整改",
            "immediate": immediate,
            "deadline": deadline,
            "status": status,
            "created_at": row["completed_at"],
            "closed_on": closed_on,
            "closed_by_id": self._someone(department) if closed_on else None,
        }

    def _someone(self, department: str) -> int | None:
        people = self.ctx.inspectors.get(department) or self.ctx.inspectors.get("mz") or []
        return self.ctx.rng.choice(people) if people else None

    def _updates(self, hazard_ids: list[int], hazards: list[dict[str, Any]]) -> None:
        """Evidence with an 'after' photo for closed and evidence-submitted hazards; the acceptance for closed ones."""
        updates, kinds = [], []
        for hazard_id, hazard in zip(hazard_ids, hazards, strict=True):
            if hazard["status"] == HazardStatus.OPEN:
                continue
            sent = hazard["closed_on"] or min(self.ctx.today, hazard["deadline"]) - timedelta(days=1)
            updates.append(_update_row(hazard_id, "evidence", "已整改，附整改后照片（演示）", None, sent))
            kinds.append("evidence")
            if hazard["closed_on"]:
                note = "复查合格，予以销号（演示）"
                updates.append(_update_row(hazard_id, "accepted", note, self._someone(hazard["department_code"]), sent))
                kinds.append("accepted")
        update_ids = self._insert(HazardUpdate, updates)
        photos = [
            {"update_id": update_id, "file_id": self.ctx.after_file_id, "width": 320, "height": 240}
            for update_id, kind in zip(update_ids, kinds, strict=True)
            if kind == "evidence"
        ]
        self._insert(HazardPhoto, photos, returning=False)

    def _people(self, pending: list[tuple]) -> None:
        """Two inspectors of each department that took part, and each department's submission."""
        assignments, submissions, seen = [], [], set()
        for inspection_id, row, code, *_ in pending:
            checklist = self.checklists[code]
            for department in dict.fromkeys(s.department.value for s in checklist.sections):
                if (inspection_id, department) in seen or department not in self.ctx.inspectors:
                    continue
                seen.add((inspection_id, department))
                department_id = self.ctx.departments[department]
                for user_id in self.ctx.inspectors[department][:2]:
                    assignments.append(
                        {"inspection_id": inspection_id, "department_id": department_id, "user_id": user_id}
                    )
                submissions.append(
                    {
                        "inspection_id": inspection_id,
                        "department_code": department,
                        "submitted_by_id": self.ctx.inspectors[department][0],
                        "submitted_at": row["completed_at"],
                    }
                )
        self._insert(InspectionAssignment, assignments, returning=False)
        self._insert(DepartmentSubmission, submissions, returning=False)

    # -- standings --------------------------------------------------------------------------------------------------

    def _standings(self, ic_ids: list[int], ic_rows: list[dict], pending: list[tuple]) -> None:
        """Each facility's newest result per kind, as `_update_standing` would have stored it."""
        latest: dict[tuple[int, str], tuple[date, int, dict[str, Any], ScoreResult]] = {}
        for ic_id, row, (_, inspection, code, _, result, _, plan) in zip(ic_ids, ic_rows, pending, strict=True):
            key = (plan.id, shipped().checklists[code].standing.kind)  # type: ignore[union-attr]
            candidate = (inspection["inspected_on"], ic_id, row, result)
            if key not in latest or candidate[:2] >= latest[key][:2]:
                latest[key] = candidate
        rows = [
            {
                "facility_id": facility_id,
                "kind": kind,
                "inspection_checklist_id": ic_id,
                "decided_on": on,
                "verdict": row["verdict"],
                "verdict_code": row["verdict_code"],
                "grade": row["grade"],
                "points": row["points"],
                "unverified": result.unverified,
            }
            for (facility_id, kind), (on, ic_id, row, result) in latest.items()
        ]
        self._insert(FacilityStanding, rows, returning=False)

    def _insert(self, model: Any, rows: list[dict[str, Any]], *, returning: bool = True) -> list[int]:
        self.ctx.counts[model.__tablename__] = self.ctx.counts.get(model.__tablename__, 0) + len(rows)
        return bulk_insert(model, rows, returning=returning)


def _inspection_row(facility_id: int, on: date, codes: list[str], ctx: Context) -> dict[str, Any]:
    done = datetime.combine(on, time(15, ctx.rng.randint(0, 59)))
    return {
        "facility_id": facility_id,
        "inspected_on": on,
        "purpose": InspectionPurpose.GRADING if codes == [GRADING] else InspectionPurpose.ROUTINE,
        "status": InspectionStatus.COMPLETE,
        "lead_department_id": ctx.lead_department_id,
        "created_at": datetime.combine(on - timedelta(days=7), time(9)),
        "completed_at": done,
        "revision": 1,
    }


def _answer_row(ic_id: int, item_code: str, answer: EngineAnswer) -> dict[str, Any]:
    return {
        "inspection_checklist_id": ic_id,
        "item_code": item_code,
        "result": answer.result,
        "deduction": answer.deduction,
        "note": answer.note,
        "revision": 1,
    }


def _photo_row(inspection_id: int, item_code: str, file_id: int | None, row: dict) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "inspection_id": inspection_id,
        "item_code": item_code,
        "file_id": file_id,
        "upload_sha256": "0" * 64,
        "width": 320,
        "height": 240,
        "taken_at": row["completed_at"] - timedelta(hours=2),
    }


def _update_row(hazard_id: int, kind: str, note: str, user_id: int | None, on: date) -> dict[str, Any]:
    return {
        "hazard_id": hazard_id,
        "kind": kind,
        "note": note,
        "user_id": user_id,
        "created_at": datetime.combine(on, time(10)),
    }


def listing_row(facility_id: int, decided_on: date, reviewer_id: int | None, evidence: list[dict]) -> dict[str, Any]:
    """Return an active credit listing (ground 4: 重大火灾隐患逾期未改正) as a row for a bulk insert."""
    return {
        "facility_id": facility_id,
        "ground": "4",
        "status": "active",
        "decided_on": decided_on,
        "decision_document": f"民信〔{decided_on.year}〕001号（演示）",
        "evidence": evidence,
        "removal_eligible_on": removal_eligible_on(decided_on),
        "note": "重大火灾隐患经责令改正逾期未改正（演示）",
        "decided_by_id": reviewer_id,
    }


def insert_listings(rows: list[dict[str, Any]]) -> None:
    """Insert credit listings in bulk."""
    if rows:
        db.session.execute(insert(CreditListing), rows)
