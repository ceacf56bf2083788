"""What the synthetic history holds: when each facility was inspected, and what was answered.

`HistoryPlanner` draws the schedule of a `FacilityPlan` and answers that land near each visit's target (a grading
level, or a routine quality), scored by the real engine. The demo county (demo/seed.py) takes only these and goes
through the services; `flask demo generate` writes them in bulk (demo/history.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from inspection.checklists import GRADING_CHECKLIST, Checklist, Item
from inspection.scoring import Answer as EngineAnswer
from inspection.scoring import AnswerResult, FacilityFacts, ScoreResult, score
from inspection.services.checklists import checklist_of, latest_version

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


class HistoryPlanner:
    """Draw the schedule and the answers of facilities' histories; results are pooled per kind of visit."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.versions = {code: latest_version(code) for code in (GRADING, *ROUTINE)}
        self.checklists: dict[str, Checklist] = {code: checklist_of(v) for code, v in self.versions.items() if v}
        self.pools: dict[tuple[Any, ...], list[tuple[dict[str, EngineAnswer], ScoreResult, dict[str, Any]]]] = {}

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

    def scored_answers(
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
                answers[item.code] = EngineAnswer(AnswerResult.FAIL, None, finding_note(item))
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


def _fail_rate(checklist: Checklist, item: Item, quality: int) -> float:
    rate = FAIL_RATES[item.item_class][quality]
    # one failed key item already makes a canteen 不符合 (DOMAIN §5.4), so inspectors rarely see them
    return rate / 3 if checklist.code == "food_safety" and item.item_class == "key" else rate


def finding_note(item: Item) -> str:
    """The note an inspector writes on a failed item: its first canned phrase, marked as demo data."""
    return f"{item.canned_notes[0]}（演示）" if item.canned_notes else "现场检查发现不符合要求（演示）"
