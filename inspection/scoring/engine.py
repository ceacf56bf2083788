"""Score one inspection's answers against a checklist and decide the verdict.

Pure functions on plain data: no Flask, no SQLAlchemy. Points are ``int`` or
``Decimal``, never floats: the points lost are summed exactly as given (an ``int``
deduction stays an ``int``), so a result carries the decimals of its deductions
(``131 - Decimal("2.5")`` is ``128.5``) and nothing is rounded but the percentages.

:func:`score` walks the checklist once, section by section, then builds the
sections, the failed items, the tally every verdict rule reads, and the result.
Nothing is cached between calls: scoring the largest checklist takes some tens of
microseconds (``benchmarks/bench_scoring.py`` prints the figure).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from inspection.checklists.schema import Checklist, Item, ItemClass, Section
from inspection.i18n import N_, labelled, message_data
from inspection.scoring.verdicts import VERDICT_RULES, FacilityFacts, SectionResult, Tally, VerdictRule

#: Bump when the engine's or a rule's behaviour changes; stored with every result.
RULES_VERSION = "2"

_TENTH = Decimal("0.1")
#: Failed items are listed most severe first.
_SEVERITY = {ItemClass.MAJOR: 0, ItemClass.KEY: 1, ItemClass.GENERAL: 2}


class ScoringError(ValueError):
    """Answers that cannot be scored (bad N/A, deduction out of range, unknown item)."""


class AnswerResult(StrEnum):
    """An inspector's answer to one item."""

    PASS = "pass"
    FAIL = "fail"
    NA = "na"


ANSWER_RESULT_LABELS = labelled(
    "answer_result", {AnswerResult.PASS: N_("合格"), AnswerResult.FAIL: N_("不合格"), AnswerResult.NA: N_("不适用")}
)


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to one item. A ``fail`` without ``deduction`` loses all the item's points.

    ``affects_food_safety`` is the inspector's judgement that a failure affects food safety (影响食品安全,
    总局令第49号 第33条); only a failed answer's flag counts.
    """

    result: AnswerResult
    deduction: int | Decimal | None = None
    note: str = ""
    photos: tuple[str, ...] = ()
    affects_food_safety: bool = False

    def __post_init__(self) -> None:
        # A frozen dataclass normalises its own fields through object.__setattr__.
        try:
            object.__setattr__(self, "result", AnswerResult(self.result))
        except ValueError:
            raise ScoringError(f"answer result must be pass, fail or na, got {self.result!r}") from None
        object.__setattr__(self, "photos", tuple(self.photos))
        deduction = self.deduction
        if deduction is None:
            return
        if self.result is not AnswerResult.FAIL:
            if deduction == 0:  # a stored zero on a pass or N/A means "no deduction"
                object.__setattr__(self, "deduction", None)
                return
            raise ScoringError(f"a deduction is only allowed on a fail, got {self.result.value}")
        # bool is an int subclass and float is inexact: neither is a deduction.
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
    affects_food_safety: bool


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of :func:`score`; see :meth:`to_dict` for a JSON-safe form."""

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
    #: Why, in Chinese: kept as written, by the API and the exports.
    decided_by: str
    #: The same as data (``i18n.message_data``), from which pages say it in the reader's language.
    explanation: object
    rule: str
    rule_version: str
    unverified: bool
    unanswered: tuple[str, ...]
    complete: bool
    #: Per section, in checklist order.
    sections: tuple[SectionResult, ...]
    #: Major first, then key, then general; checklist order within a class.
    failed_items: tuple[FailedItem, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-safe data (Decimals as strings), deterministic in content."""
        return {result_field.name: _plain(getattr(self, result_field.name)) for result_field in fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, SectionResult | FailedItem):
        return _plain(value._asdict())
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(element) for element in value]
    if isinstance(value, dict):
        return {key: _plain(element) for key, element in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class _Failure:
    """A failed applicable item and the points it lost (``int`` or ``Decimal``, as answered)."""

    item: Item
    section_code: str
    answer: Answer
    lost: int | Decimal


@dataclass(slots=True)
class _SectionCount:
    """What the walk counts in one section (points are ``int``: the items' own points)."""

    section: Section
    possible: int = 0  # points of the applicable items not answered N/A
    missing_points: int = 0  # points of the unanswered applicable items
    unanswered: int = 0
    na: int = 0  # made N/A by the facility's facts or answered N/A


@dataclass(slots=True)
class _Walk:
    """Everything :func:`score` needs from one pass over the checklist's items."""

    sections: list[_SectionCount] = field(default_factory=list)
    failures: list[_Failure] = field(default_factory=list)  # checklist order
    unanswered: list[str] = field(default_factory=list)  # item codes, checklist order
    unverified: bool = False  # an unverified item was scored (answered other than N/A, or not answered)


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
    spec = checklist.verdict
    rule = _rule(spec.rule)
    walk = _walk(checklist, answers, facts.true_facts())
    _check_codes(checklist, answers)

    # The total sums the points lost in checklist order, a section in the order failed items
    # are listed (major first), as the engine always has: with deductions of more digits than
    # Decimal's precision the order decides the last digit, and stored results must be
    # reproducible.
    lost: int | Decimal = 0
    for failure in walk.failures:
        lost += failure.lost
    failures = sorted(walk.failures, key=_severity)
    possible = sum(count.possible for count in walk.sections)
    earned = possible - lost - sum(count.missing_points for count in walk.sections)
    sections = tuple(_section_result(count, failures) for count in walk.sections)

    tally = Tally(
        points=Decimal(earned),
        max_points=Decimal(possible),
        percent=_percent(earned, possible),
        sections=sections,
        failed_major=tuple(failure.item.code for failure in failures if failure.item.item_class is ItemClass.MAJOR),
        failed_key=sum(1 for failure in failures if failure.item.item_class is ItemClass.KEY),
        failed_general=sum(1 for failure in failures if failure.item.item_class is ItemClass.GENERAL),
        affecting_food_safety=tuple(f.item.code for f in walk.failures if f.answer.affects_food_safety),
        unanswered=len(walk.unanswered),
        facts=facts,
    )
    verdict = rule.decide(spec.params, tally)
    return ScoreResult(
        checklist_code=checklist.code,
        checklist_version=checklist.version,
        points=tally.points,
        max_points=tally.max_points,
        percent=tally.percent,
        verdict=verdict.label,
        verdict_code=verdict.code,
        verdict_rank=verdict.rank,
        grade=verdict.grade,
        vetoed_by=verdict.vetoed_by,
        decided_by=str(verdict.decided_by),
        explanation=message_data(verdict.decided_by),
        rule=spec.rule,
        rule_version=f"{checklist.code}@v{checklist.version}/rules-{RULES_VERSION}",
        unverified=walk.unverified or not spec.verified,
        unanswered=tuple(walk.unanswered),
        complete=not walk.unanswered,
        sections=sections,
        failed_items=tuple(_failed_item(failure) for failure in failures),
    )


def _rule(key: str) -> VerdictRule:
    try:
        return VERDICT_RULES[key]
    except KeyError:
        raise ScoringError(f"unknown verdict rule {key!r}") from None


def _walk(checklist: Checklist, answers: Mapping[str, Answer], true_facts: frozenset[str]) -> _Walk:
    """Count every item of ``checklist`` by its answer, in checklist order.

    Answers to items made N/A by the facility's facts are not looked at.

    :raises ScoringError: N/A on an item that does not allow it, or a deduction above the
        item's points (for the first such item in checklist order).
    """
    walk = _Walk()
    for section in checklist.sections:
        count = _SectionCount(section)
        walk.sections.append(count)
        for item in section.items:
            if not item.applies_to(true_facts):
                count.na += 1
                continue
            answer = answers.get(item.code)
            if answer is not None and answer.result is AnswerResult.NA:
                if not item.na_allowed:
                    raise ScoringError(f"item {item.code} does not allow N/A")
                count.na += 1
                continue
            count.possible += item.points
            if not item.verified:
                walk.unverified = True
            if answer is None:
                count.unanswered += 1
                count.missing_points += item.points
                walk.unanswered.append(item.code)
            elif answer.result is AnswerResult.FAIL:
                walk.failures.append(_Failure(item, section.code, answer, _points_lost(item, answer)))
    return walk


def _points_lost(item: Item, answer: Answer) -> int | Decimal:
    """Return what a failed item loses: its deduction, or without one all its points."""
    if answer.deduction is None:
        return item.points
    if answer.deduction > item.points:
        raise ScoringError(f"item {item.code}: deduction {answer.deduction} exceeds the item's {item.points} points")
    return answer.deduction


def _check_codes(checklist: Checklist, answers: Mapping[str, Answer]) -> None:
    """Raise for answers to unknown items (answers to items made N/A by facts are ignored)."""
    unknown = sorted(set(answers) - {item.code for item in checklist.items()})
    if unknown:
        raise ScoringError(f"answers for items not in {checklist.code}: {', '.join(unknown)}")


def _severity(failure: _Failure) -> int:
    return _SEVERITY[failure.item.item_class]


def _section_result(count: _SectionCount, failures: list[_Failure]) -> SectionResult:
    """Return one section's row; ``failures`` are all the checklist's, major first."""
    section = count.section
    lost: int | Decimal = 0
    for failure in failures:
        if failure.section_code == section.code:
            lost += failure.lost
    earned = count.possible - lost - count.missing_points
    return SectionResult(
        code=section.code,
        title=section.title,
        department=section.department,
        points=Decimal(earned),
        max_points=Decimal(count.possible),
        percent=_percent(earned, count.possible),
        answered=len(section.items) - count.unanswered,
        total=len(section.items),
        na=count.na,
    )


def _failed_item(failure: _Failure) -> FailedItem:
    item, answer = failure.item, failure.answer
    return FailedItem(
        item_code=item.code,
        section_code=failure.section_code,
        item_class=item.item_class,
        deduction=Decimal(failure.lost),
        note=answer.note,
        major_hazards=item.major_hazards,
        photos=answer.photos,
        affects_food_safety=answer.affects_food_safety,
    )


def _percent(points: int | Decimal, max_points: int) -> Decimal | None:
    """Return ``points / max_points`` in percent, rounded half up to 0.1 (None if max is 0)."""
    if not max_points:
        return None
    return (Decimal(points) * 100 / max_points).quantize(_TENTH, ROUND_HALF_UP)
