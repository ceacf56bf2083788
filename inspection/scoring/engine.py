"""Score one inspection's answers against a checklist and decide the verdict.

Pure functions on plain data: no Flask, no SQLAlchemy. Points are ``int`` or
``Decimal``, never floats. Per checklist object, a compiled plan (flat item tuples,
auto-N/A variants per set of facility facts) is kept so that :func:`score` is a tight
loop; checklists are frozen, so a plan can never go stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

from inspection.checklists.schema import Checklist, Department, ItemClass
from inspection.scoring.verdicts import VERDICT_RULES, FacilityFacts, SectionResult, Tally, Verdict, VerdictRule

#: Bump when the engine's or a rule's behaviour changes; stored with every result.
RULES_VERSION = "1"

_TENTH = Decimal("0.1")
_CLASS_INDEX = {ItemClass.MAJOR: 0, ItemClass.KEY: 1, ItemClass.GENERAL: 2}


class ScoringError(ValueError):
    """Answers that cannot be scored (bad N/A, deduction out of range, unknown item)."""


class AnswerResult(StrEnum):
    """An inspector's answer to one item."""

    PASS = "pass"
    FAIL = "fail"
    NA = "na"


_PASS, _FAIL, _NA = AnswerResult.PASS, AnswerResult.FAIL, AnswerResult.NA


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to one item. A ``fail`` without ``deduction`` loses all the item's points."""

    result: AnswerResult
    deduction: int | Decimal | None = None
    note: str = ""
    photos: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "result", AnswerResult(self.result))
        except ValueError:
            raise ScoringError(f"answer result must be pass, fail or na, got {self.result!r}") from None
        object.__setattr__(self, "photos", tuple(self.photos))
        deduction = self.deduction
        if deduction is None:
            return
        if self.result is not _FAIL:
            if deduction == 0:  # a stored zero on a pass or N/A means "no deduction"
                object.__setattr__(self, "deduction", None)
                return
            raise ScoringError(f"a deduction is only allowed on a fail, got {self.result.value}")
        if type(deduction) is not int and not (isinstance(deduction, Decimal) and deduction.is_finite()):
            raise ScoringError(f"deduction must be an int or a finite Decimal, got {deduction!r}")
        if deduction < 0:
            raise ScoringError(f"deduction must not be negative, got {deduction}")


class FailedItem(NamedTuple):
    """A failed item; ``deduction`` is the points lost."""

    item_code: str
    section_code: str
    item_class: ItemClass
    deduction: Decimal
    note: str
    major_hazards: tuple[str, ...]
    photos: tuple[str, ...]


class _ItemPlan(NamedTuple):
    code: str
    points: int
    class_index: int
    na_allowed: bool
    major_hazards: tuple[str, ...]
    item_class: ItemClass
    section_index: int


class _SectionPlan(NamedTuple):
    code: str
    title: str
    department: Department
    points: int  # of the items not made N/A by facts
    count: int  # items not made N/A by facts
    auto_na: int
    total: int


class _Plan(NamedTuple):
    checklist: Checklist
    rule: VerdictRule
    params: Any
    scheme_unverified: bool
    items: tuple[_ItemPlan, ...]
    sections: tuple[_SectionPlan, ...]
    points: int
    codes: frozenset[str]
    unverified_codes: tuple[str, ...]
    rule_version: str


#: What the hot loop records, besides passes: (item, answer, points lost) per failure.
_Failure = tuple[_ItemPlan, "Answer", int | Decimal]


class _Outcome(NamedTuple):
    na_items: tuple[_ItemPlan, ...]
    failures: tuple[_Failure, ...]  # major first, then key, then general
    unanswered: tuple[_ItemPlan, ...]
    earned: int | Decimal
    possible: int
    failed_major: tuple[str, ...]
    failed_key: int
    failed_general: int


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of :func:`score`; see :meth:`to_dict` for a JSON-safe form.

    ``sections`` and ``failed_items`` are derived from the recorded N/A items, failures
    and unanswered items on first access, then cached; this keeps :func:`score` a tight
    loop (passes need no bookkeeping). All other fields are computed eagerly.
    """

    checklist_code: str
    checklist_version: int
    points: Decimal
    max_points: Decimal
    percent: Decimal | None
    verdict: str
    verdict_code: str
    verdict_rank: int
    grade: int | None
    vetoed_by: tuple[str, ...]
    decided_by: str
    rule: str
    rule_version: str
    unverified: bool
    unanswered: tuple[str, ...]
    complete: bool
    _outcome: _Outcome = field(repr=False)
    _layout: tuple[_SectionPlan, ...] = field(repr=False, compare=False)

    @cached_property
    def sections(self) -> tuple[SectionResult, ...]:
        """Return the per-section breakdown in checklist order."""
        return _section_results(self._layout, self._outcome)

    @cached_property
    def failed_items(self) -> tuple[FailedItem, ...]:
        """Return the failed items: major first, then key, then general; checklist order within."""
        return tuple(
            FailedItem(
                item.code,
                self._layout[item.section_index].code,
                item.item_class,
                _decimal(lost),
                answer.note,
                item.major_hazards,
                answer.photos,
            )
            for item, answer, lost in self._outcome.failures
        )

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-safe data (Decimals as strings), deterministic in content."""
        public = [name for name in self.__dataclass_fields__ if not name.startswith("_")]
        data = {name: _plain(getattr(self, name)) for name in public}
        data["sections"] = [_plain(section._asdict()) for section in self.sections]
        data["failed_items"] = [_plain(failed._asdict()) for failed in self.failed_items]
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(element) for element in value]
    if isinstance(value, dict):
        return {key: _plain(element) for key, element in value.items()}
    return value


#: Compiled plans by (checklist identity, true facts). The plan holds the checklist, so
#: its id cannot be reused while the entry lives; the ``is`` check guards the rest.
_PLANS: dict[tuple[int, frozenset[str]], _Plan] = {}
_MAX_PLANS = 256


def _plan_for(checklist: Checklist, true_facts: frozenset[str]) -> _Plan:
    key = (id(checklist), true_facts)
    plan = _PLANS.get(key)
    if plan is None or plan.checklist is not checklist:
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        plan = _PLANS[key] = _compile(checklist, true_facts)
    return plan


def _compile(checklist: Checklist, true_facts: frozenset[str]) -> _Plan:
    """Flatten the checklist, dropping the items made N/A by the facility's facts."""
    items: list[_ItemPlan] = []
    sections, auto_na_codes = [], set()
    for index, section in enumerate(checklist.sections):
        kept = [item for item in section.items if not true_facts.intersection(item.na_when)]
        auto_na_codes.update(item.code for item in section.items if item not in kept)
        for item in kept:
            class_index = _CLASS_INDEX[item.item_class]
            plan = (item.code, item.points, class_index, item.na_allowed, item.major_hazards, item.item_class, index)
            items.append(_ItemPlan(*plan))
        points, total = sum(item.points for item in kept), len(section.items)
        sections.append(
            _SectionPlan(section.code, section.title, section.department, points, len(kept), total - len(kept), total)
        )
    verdict = checklist.verdict
    if verdict.rule not in VERDICT_RULES:
        raise ScoringError(f"unknown verdict rule {verdict.rule!r}")
    codes = frozenset(item.code for item in checklist.items())
    unverified = tuple(item.code for item in checklist.items() if not item.verified and item.code not in auto_na_codes)
    version = f"{checklist.code}@v{checklist.version}/rules-{RULES_VERSION}"
    rule, total_points = VERDICT_RULES[verdict.rule], sum(section.points for section in sections)
    return _Plan(
        checklist,
        rule,
        verdict.params,
        not verdict.verified,
        tuple(items),
        tuple(sections),
        total_points,
        codes,
        unverified,
        version,
    )


def score(checklist: Checklist, answers: Mapping[str, Answer], facts: FacilityFacts) -> ScoreResult:
    """Score ``answers`` (by item code) against ``checklist`` and decide the verdict.

    Items whose ``na_when`` fact holds are N/A whatever was answered. Unanswered
    applicable items stay in the denominator, earn 0 and are listed in ``unanswered``.

    :param checklist: a validated checklist.
    :param answers: one :class:`Answer` per answered item code.
    :param facts: the facility's facts (auto-N/A items, grade preconditions, vetoes).
    :return: the frozen :class:`ScoreResult`.
    :raises ScoringError: N/A on an item that does not allow it, a deduction above the
        item's points, or an answer for an item the checklist does not have.
    """
    plan = _plan_for(checklist, facts.true_facts())
    outcome = _walk(plan, answers)
    if len(plan.items) - len(outcome.unanswered) != len(answers):
        _check_codes(plan, answers)
    earned, possible = outcome.earned, outcome.possible
    points, max_points, percent = _decimal(earned), _decimal(possible), _percent(earned, possible)
    sections = _section_results(plan.sections, outcome) if plan.rule.needs_sections else ()
    counts = (outcome.failed_major, outcome.failed_key, outcome.failed_general, len(outcome.unanswered))
    tally = _new_tuple(Tally, (points, max_points, percent, sections, *counts, facts))
    verdict = plan.rule.decide(plan.params, tally)
    unverified = plan.scheme_unverified or _any_unverified_scored(plan, answers)
    result = _new_result(plan, tally, verdict, outcome, unverified)
    if sections:
        result.__dict__["sections"] = sections  # seed the cached_property
    return result


def _walk(plan: _Plan, answers: Mapping[str, Answer]) -> _Outcome:
    """The hot loop: record N/A items, failures and unanswered items; passes cost nothing.

    :raises ScoringError: N/A not allowed, or a deduction above the item's points.
    """
    get, passed, not_applicable = answers.get, _PASS, _NA
    failed: tuple[list[_Failure], list[_Failure], list[_Failure]] = ([], [], [])
    na_items: list[_ItemPlan] = []
    unanswered: list[_ItemPlan] = []
    na_points = missing_points = 0
    lost_points: int | Decimal = 0
    for item in plan.items:
        answer = get(item[0])
        if answer is None:
            unanswered.append(item)
            missing_points += item[1]
        elif answer.result is passed:
            continue
        elif answer.result is not_applicable:
            if not item[3]:
                raise ScoringError(f"item {item[0]} does not allow N/A")
            na_items.append(item)
            na_points += item[1]
        else:
            lost = item[1] if answer.deduction is None else answer.deduction
            if lost > item[1]:
                raise ScoringError(f"item {item[0]}: deduction {lost} exceeds the item's {item[1]} points")
            failed[item[2]].append((item, answer, lost))
            lost_points += lost
    major, key, general = failed
    possible = plan.points - na_points
    failed_major = tuple([failure[0][0] for failure in major]) if major else ()
    earned = possible - lost_points - missing_points
    failures = tuple(major + key + general)
    row = (tuple(na_items), failures, tuple(unanswered), earned, possible, failed_major, len(key), len(general))
    return _new_tuple(_Outcome, row)


def _new_result(plan: _Plan, tally: Tally, verdict: Verdict, outcome: _Outcome, unverified: bool) -> ScoreResult:
    """Build the result by setting its ``__dict__`` once.

    The generated ``__init__`` sets each of the 18 fields through ``object.__setattr__``
    (the frozen guard), which is a third of the scoring time; the object is identical
    and stays frozen.
    """
    checklist = plan.checklist
    result = object.__new__(ScoreResult)
    object.__setattr__(
        result,
        "__dict__",
        {
            "checklist_code": checklist.code,
            "checklist_version": checklist.version,
            "points": tally[0],
            "max_points": tally[1],
            "percent": tally[2],
            "verdict": verdict[1],
            "verdict_code": verdict[0],
            "verdict_rank": verdict[2],
            "grade": verdict[3],
            "vetoed_by": verdict[4],
            "decided_by": verdict[5],
            "rule": checklist.verdict.rule,
            "rule_version": plan.rule_version,
            "unverified": unverified,
            "unanswered": tuple([item[0] for item in outcome.unanswered]) if outcome.unanswered else (),
            "complete": not outcome.unanswered,
            "_outcome": outcome,
            "_layout": plan.sections,
        },
    )
    return result


def _section_results(layout: tuple[_SectionPlan, ...], outcome: _Outcome) -> tuple[SectionResult, ...]:
    """Derive the per-section rows from the recorded N/A items, failures and unanswered items."""
    size = len(layout)
    na, na_points, lost, missing, missing_points = [0] * size, [0] * size, [0] * size, [0] * size, [0] * size
    for item in outcome.na_items:
        na[item[6]] += 1
        na_points[item[6]] += item[1]
    for item, _, points_lost in outcome.failures:
        lost[item[6]] += points_lost
    for item in outcome.unanswered:
        missing[item[6]] += 1
        missing_points[item[6]] += item[1]
    rows = []
    for index, section in enumerate(layout):
        possible = section.points - na_points[index]
        earned = possible - lost[index] - missing_points[index]
        answered = section.total - missing[index]
        points = (_decimal(earned), _decimal(possible), _percent(earned, possible))
        rows.append(
            SectionResult(
                section.code,
                section.title,
                section.department,
                *points,
                answered,
                section.total,
                na[index] + section.auto_na,
            )
        )
    return tuple(rows)


def _any_unverified_scored(plan: _Plan, answers: Mapping[str, Answer]) -> bool:
    """True when an unverified item is applicable (answered other than N/A, or unanswered)."""
    for code in plan.unverified_codes:
        answer = answers.get(code)
        if answer is None or answer.result is not _NA:
            return True
    return False


def _check_codes(plan: _Plan, answers: Mapping[str, Answer]) -> None:
    """Raise for answers to unknown items (answers to items made N/A by facts are ignored)."""
    unknown = sorted(set(answers) - plan.codes)
    if unknown:
        raise ScoringError(f"answers for items not in {plan.checklist.code}: {', '.join(unknown)}")


#: Building NamedTuples through ``tuple.__new__`` skips their Python-level ``__new__``.
_new_tuple = tuple.__new__
#: ``Decimal`` of small non-negative ints, looked up instead of constructed.
_SMALL_DECIMALS = tuple(Decimal(number) for number in range(2001))
#: Memo of integer percentages (immutable Decimals; bounded).
_INT_PERCENTS: dict[tuple[int, int], Decimal] = {}


def _decimal(value: int | Decimal) -> Decimal:
    if type(value) is int and 0 <= value <= 2000:
        return _SMALL_DECIMALS[value]
    return Decimal(value)


def _percent(points: int | Decimal, max_points: int | Decimal) -> Decimal | None:
    """Return ``points / max_points`` in percent, rounded half up to 0.1 (None if max is 0)."""
    if not max_points:
        return None
    if type(points) is int and type(max_points) is int:
        key = (points, max_points)
        percent = _INT_PERCENTS.get(key)
        if percent is None:
            # Exact half-up rounding in integers: tenths = floor((2000·p + m) / 2m).
            percent = Decimal((points * 2000 + max_points) // (2 * max_points)).scaleb(-1)
            if len(_INT_PERCENTS) < 65536:
                _INT_PERCENTS[key] = percent
        return percent
    return (Decimal(points) * 100 / Decimal(max_points)).quantize(_TENTH, ROUND_HALF_UP)
