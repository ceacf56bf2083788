"""Synthetic inspection history written with bulk inserts: inspections scored by the real engine, stored results,
hazards (closed, open, a few overdue), standings, countersignatures and credit listings.

The fast path of ``flask demo generate`` (any size; the big sets skip the per-item detail to stay fast). The demo
county's history (demo/seed.py) uses only the schedule and the answers of `HistoryWriter` and goes through the
services, so its standings and hazards come from the same code as in real use.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from hashlib import sha256
from typing import Any

from sqlalchemy import insert

from inspection.checklists import GRADING_CHECKLIST, Checklist, Item
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
    StoredFile,
)
from inspection.scoring import Answer as EngineAnswer
from inspection.scoring import AnswerResult, FacilityFacts, ScoreResult, score
from inspection.services.checklists import checklist_of, latest_version, shipped

GRADING = GRADING_CHECKLIST
ROUTINE = ("fire_safety", "service_safety", "food_safety")
#: Share of the section points kept, per grading target (low, high).
GRADE_BANDS = {
    "below": (0.30, 0.38),
    1: (0.42, 0.48),
    2: (0.51, 0.58),
    3: (0.62, 0.76),
    4: (0.82, 0.88),
    5: (0.92, 0.97),
    "withheld": (0.51, 0.58),
}
#: Chance that an item fails in a routine inspection, per facility quality (0 worst … 4 best) and item class.
FAIL_RATES = {"general": (0.35, 0.25, 0.15, 0.10, 0.05), "key": (0.15, 0.10, 0.07, 0.04, 0.02)}
POOL_SIZE = 24
#: Rows per INSERT … RETURNING call.
INSERT_BATCH = 1000


@dataclass
class FacilityPlan:
    """One facility's history to generate."""

    id: int
    facts: FacilityFacts
    #: Grading targets, oldest first (1–5, "below", "withheld"); empty when never graded.
    gradings: list[Any] = field(default_factory=list)
    #: 0 (poor) … 4 (very good): drives the failure rate of routine inspections.
    quality: int = 2
    #: Days before today of the newest routine inspection and of the newest grading.
    routine_phase: int = 30
    grading_phase: int = 60
    #: Days between routine inspections and between gradings.
    routine_every: int = 180
    grading_every: int = 365
    #: A routine inspection this many days ago finds a major hazard that stays open (None: no such case).
    open_major_days: int | None = None
    #: Keep every hazard of the newest routine inspection open (none closed yet).
    newest_open: bool = False
    #: The newest grading waits for its countersignature.
    pending_review: bool = False


@dataclass
class Context:
    """Ids and settings shared by the whole run."""

    today: date
    years: int
    lead_department_id: int
    detailed: bool
    rng: random.Random
    #: Inspector user ids per department code (detailed runs only).
    inspectors: dict[str, list[int]] = field(default_factory=dict)
    #: Department id per department code of the county.
    departments: dict[str, int] = field(default_factory=dict)
    reviewer_id: int | None = None
    before_file_id: int | None = None
    after_file_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


class HistoryWriter:
    """Generate and insert the history of facilities, a chunk at a time."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.versions = {code: latest_version(code) for code in (GRADING, *ROUTINE)}
        self.checklists: dict[str, Checklist] = {code: checklist_of(v) for code, v in self.versions.items() if v}
        self.pools: dict[tuple[Any, ...], list[tuple[dict[str, EngineAnswer], ScoreResult, dict[str, Any]]]] = {}
        if ctx.detailed and ctx.before_file_id is None:
            ctx.before_file_id, ctx.after_file_id = _demo_photo("before"), _demo_photo("after")

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
                answers, result, stored = self._result(code, target, plan.facts)
                ic_rows.append(self._checklist_row(inspection_id, code, result, stored, row, flags))
                pending.append((inspection_id, row, code, answers, result, flags, plan))
        ic_ids = self._insert(InspectionChecklist, ic_rows)
        self._details(ic_ids, pending)
        self._standings(ic_ids, ic_rows, pending)

    # -- scheduling ----------------------------------------------------------------------------------------------

    def schedule(self, plan: FacilityPlan) -> list[tuple[date, list[str], dict[str, Any], dict[str, bool]]]:
        today, start = self.ctx.today, self.ctx.today - timedelta(days=365 * self.ctx.years)
        visits = []
        routine = [c for c in ROUTINE if c != "food_safety" or plan.facts.has_canteen]
        day, first = today - timedelta(days=plan.routine_phase), True
        while day >= start:
            targets = {code: self._routine_target(plan) for code in routine}
            visits.append((day, routine, targets, {"open": plan.newest_open and first}))
            day, first = day - timedelta(days=plan.routine_every), False
        if plan.open_major_days is not None:
            on = today - timedelta(days=plan.open_major_days)
            visits.append((on, ["fire_safety"], {"fire_safety": "major"}, {"open": True}))
        day = today - timedelta(days=plan.grading_phase)
        for index, target in enumerate(reversed(plan.gradings)):
            if day < start - timedelta(days=30):
                break
            visits.append((day, [GRADING], {GRADING: target}, {"pending": plan.pending_review and index == 0}))
            day -= timedelta(days=plan.grading_every)
        return sorted(visits, key=lambda visit: visit[0])

    def _routine_target(self, plan: FacilityPlan) -> str:
        return "major" if self.ctx.rng.random() < 0.02 + 0.01 * (2 - plan.quality) else f"q{plan.quality}"

    # -- results -------------------------------------------------------------------------------------------------

    def _result(
        self, code: str, target: Any, facts: FacilityFacts
    ) -> tuple[dict[str, EngineAnswer], ScoreResult, dict[str, Any]]:
        """Return answers and their score for `target`, from a pool of a few dozen per kind (scoring is real)."""
        key = (code, target, facts.true_facts(), facts.residents * 10 >= facts.beds * 4)
        pool = self.pools.setdefault(key, [])
        if len(pool) < POOL_SIZE:
            checklist = self.checklists[code]
            answers = self.answers_for(checklist, target)
            if target == "withheld":
                facts = replace(facts, open_major_hazards=1)
            result = score(checklist, answers, facts)
            stored = result.to_dict()
            if not self.ctx.detailed:  # big sets: the per-section breakdown is left out to keep rows small
                stored["sections"] = []
            pool.append((answers, result, stored))
            return pool[-1]
        return self.ctx.rng.choice(pool)

    def answers_for(self, checklist: Checklist, target: Any) -> dict[str, EngineAnswer]:
        """Return answers to `checklist` that land near `target` (a grading level, or a routine quality)."""
        if checklist.code == GRADING:
            return self._grading_answers(checklist, target)
        rng, answers = self.ctx.rng, {}
        quality = 2 if target == "major" else int(str(target)[1:])
        majors = [item for item in checklist.items() if item.item_class == "major"]
        failing_major = rng.choice(majors).code if target == "major" and majors else None
        for item in checklist.items():
            if item.code == failing_major or (
                item.item_class != "major" and rng.random() < _fail_rate(checklist, item, quality)
            ):
                answers[item.code] = EngineAnswer(AnswerResult.FAIL, None, _note(item))
            else:  # the engine makes items N/A whose na_when fact holds
                answers[item.code] = EngineAnswer(AnswerResult.PASS)
        return answers

    def _grading_answers(self, checklist: Checklist, target: Any) -> dict[str, EngineAnswer]:
        """Deduct about (1 − kept share) of every section, concentrated on a few items as assessors do."""
        rng, answers = self.ctx.rng, {}
        low, high = GRADE_BANDS[target]
        for section in checklist.sections:
            loss = Decimal(round(section.max_points * (1 - rng.uniform(low, high))))
            items = list(section.items)
            rng.shuffle(items)
            for item in items:
                lost = min(Decimal(item.points), loss)
                loss -= lost
                if lost:
                    answers[item.code] = EngineAnswer(AnswerResult.FAIL, lost, "评估扣分（演示）")
                else:
                    answers[item.code] = EngineAnswer(AnswerResult.PASS)
        return answers

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
            "finding": _note(item),
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
        if not rows:
            return []
        if db.session.get_bind().dialect.name == "postgresql":
            return _copy(model, rows, returning)
        if not returning:
            db.session.execute(insert(model), rows)
            return []
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids: list[int] = []
        for start in range(0, len(rows), INSERT_BATCH):  # one batch per call: splicing many batches is quadratic
            ids += db.session.scalars(stmt, rows[start : start + INSERT_BATCH])
        return ids


def _copy(model: Any, rows: list[dict[str, Any]], returning: bool) -> list[int]:
    """Insert `rows` with PostgreSQL's COPY (an order of magnitude faster than INSERT), in the session's
    transaction; ids are reserved from the table's sequence first when the caller needs them."""
    from psycopg.types.json import Json

    table = model.__table__
    connection = db.session.connection()
    ids: list[int] = []
    if returning:
        sequence = connection.exec_driver_sql(f"SELECT pg_get_serial_sequence('{table.name}', 'id')").scalar()
        first = connection.exec_driver_sql(f"SELECT nextval('{sequence}')").scalar()
        connection.exec_driver_sql(f"SELECT setval('{sequence}', {first + len(rows) - 1})")
        ids = list(range(first, first + len(rows)))
        rows = [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)]
    columns = [c for c in table.columns if c.name in rows[0] or c.default is not None]
    json_columns = {c.name for c in columns if c.type.__class__.__name__ == "JSON"}
    defaults = {c.name: c.default.arg for c in columns if c.name not in rows[0]}
    names = ", ".join(c.name for c in columns)
    with (
        connection.connection.driver_connection.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([_copy_value(row, c.name, defaults, json_columns, Json) for c in columns])
    return ids


def _copy_value(row: dict[str, Any], name: str, defaults: dict[str, Any], json_columns: set[str], wrap: Any) -> Any:
    if name in row:
        value = row[name]
    else:
        default = defaults[name]
        value = default(None) if callable(default) else default
    if name in json_columns and value is not None:
        return wrap(value)
    return value.value if isinstance(value, StrEnum) else value


def _fail_rate(checklist: Checklist, item: Item, quality: int) -> float:
    rate = FAIL_RATES[item.item_class][quality]
    # one failed key item already makes a canteen 不符合 (DOMAIN §5.4), so inspectors rarely see them
    return rate / 3 if checklist.code == "food_safety" and item.item_class == "key" else rate


def _note(item: Item) -> str:
    return f"{item.canned_notes[0]}（演示）" if item.canned_notes else "现场检查发现不符合要求（演示）"


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


def _demo_photo(kind: str) -> int:
    """Store a small JPEG standing in for a before or after photo; return its StoredFile id."""
    data = demo_jpeg(kind)
    row = StoredFile(sha256=sha256(data).hexdigest(), content_type="image/jpeg", size=len(data), data=data)
    db.session.add(row)
    db.session.flush()
    return row.id


def demo_jpeg(kind: str) -> bytes:
    """Return a small JPEG standing in for a "before" (finding) or "after" (rectification) photo."""
    from PIL import Image, ImageDraw

    colour, mark = ((176, 84, 48), (250, 220, 120)) if kind == "before" else ((64, 140, 96), (225, 245, 230))
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    for x in range(-240, 320, 40):
        draw.line((x, 240, x + 240, 0), fill=mark, width=6 if kind == "before" else 2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


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
