"""Score one inspection's answers against a checklist and decide the verdict.

Pure functions on plain data: no Flask, no SQLAlchemy. Points are ``int`` or
``Decimal``, never floats. Per checklist object, a compiled plan (flat item tuples,
auto-N/A variants per set of facility facts) is kept so that :func:`score` is a tight
loop; checklists are frozen, so a plan can never go stale.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

from inspection.checklists.schema import Checklist, Department, ItemClass
from inspection.scoring.verdicts import VERDICT_RULES, FacilityFacts, SectionResult, Tally, Verdict, VerdictRule

#: Bump when the engine's or a rule's behaviour changes; stored with every result.
RULES_VERSION = "1"

_TENTH = Decimal("0.1")
#: The hot loop sums points lost as integers in units of 10**-_SCALE. For deductions
#: with at most _SCALE decimals and at most _MAX_EXACT_POINTS applicable points, every
#: partial sum stays far below Decimal's 28 digits, so the Decimal sum is exact too and
#: the integer sum (with the smallest exponent tracked) gives the very same Decimal.
_SCALE = 6
_UNIT = 10**_SCALE
_MAX_EXACT_POINTS = 10**12
_INEXACT = -(10**9)  # the exponent reported for a deduction that is not a plain Decimal
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
    """The fields of an item's plan. Plans store them as plain tuples, read by index: indexing
    a tuple subclass takes the slow generic path, a plain tuple the interpreter's fast one."""

    code: str
    points: int
    class_index: int
    na_allowed: bool
    major_hazards: tuple[str, ...]
    item_class: ItemClass
    section_index: int
    scaled_points: int  # points in units of 10**-_SCALE
    unverified: int  # 1 for an unverified item, else 0


#: An item's plan as stored: the fields of :class:`_ItemPlan` in a plain tuple.
_Item = tuple[Any, ...]


class _SectionPlan(NamedTuple):
    code: str
    title: str
    department: Department
    points: int  # of the items not made N/A by facts
    count: int  # items not made N/A by facts
    auto_na: int
    total: int


@dataclass(frozen=True, slots=True)
class _Plan:
    """A checklist compiled for one set of true facts (slots: its fields are read on every call)."""

    checklist: Checklist
    rule: VerdictRule
    params: Any
    scheme_unverified: bool
    items: tuple[_Item, ...]
    sections: tuple[_SectionPlan, ...]
    points: int
    codes: frozenset[str]
    unverified_codes: tuple[str, ...]
    rule_version: str
    unverified_count: int  # len(unverified_codes)
    count: int  # len(items)
    decide: Callable[[Any, Tally], Verdict]  # the rule's bound ``decide``
    decision_key: Callable[[Any, Tally], Hashable | None]  # the rule's bound ``decision_key``
    decisions: dict[Hashable, dict[str, Any]]  # memo of ``_decided`` by decision key (bounded)
    needs_sections: bool  # the rule's ``needs_sections``
    template: dict[str, Any]  # a result's ``__dict__`` with the per-plan fields filled in


#: What the hot loop records per applicable item that did not pass (N/A, failed or
#: unanswered), in checklist order; the answer is None when unanswered.
_Other = tuple[_Item, "Answer | None"]
#: A failure: the item and its answer.
_Failure = tuple[_Item, "Answer"]


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of :func:`score`; see :meth:`to_dict` for a JSON-safe form.

    ``sections`` and ``failed_items`` are derived from the recorded N/A, failed and
    unanswered items on first access, then cached; this keeps :func:`score` a tight
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
    _outcome: tuple[_Other, ...] = field(repr=False)  # the items that did not pass
    _layout: tuple[_SectionPlan, ...] = field(repr=False, compare=False)

    @cached_property
    def sections(self) -> tuple[SectionResult, ...]:
        """Return the per-section breakdown in checklist order."""
        return _section_results(self._layout, self._outcome)

    @cached_property
    def failed_items(self) -> tuple[FailedItem, ...]:
        """Return the failed items: major first, then key, then general; checklist order within."""
        failed = []
        for item, answer in _failures(self._outcome):
            plan = _ItemPlan._make(item)
            section_code = self._layout[plan.section_index].code
            lost = _decimal(_lost(item, answer))
            failed.append(
                FailedItem(
                    plan.code, section_code, plan.item_class, lost, answer.note, plan.major_hazards, answer.photos
                )
            )
        return tuple(failed)

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
#: Bound of each plan's memo of verdicts.
_MAX_DECISIONS = 4096


def _new_plan(checklist: Checklist, true_facts: frozenset[str]) -> _Plan:
    """Compile and keep the plan of ``checklist`` for these facts (:func:`score` looks it up)."""
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    plan = _PLANS[id(checklist), true_facts] = _compile(checklist, true_facts)
    return plan


def _compile(checklist: Checklist, true_facts: frozenset[str]) -> _Plan:
    """Flatten the checklist, dropping the items made N/A by the facility's facts."""
    verdict = checklist.verdict
    if verdict.rule not in VERDICT_RULES:
        raise ScoringError(f"unknown verdict rule {verdict.rule!r}")
    items, sections, auto_na_codes = _flatten(checklist, true_facts)
    codes = frozenset(item.code for item in checklist.items())
    unverified = tuple(item.code for item in checklist.items() if not item.verified and item.code not in auto_na_codes)
    version = f"{checklist.code}@v{checklist.version}/rules-{RULES_VERSION}"
    rule, total_points = VERDICT_RULES[verdict.rule], sum(section.points for section in sections)
    template: dict[str, Any] = dict.fromkeys(result_field.name for result_field in fields(ScoreResult))
    template.update(
        checklist_code=checklist.code,
        checklist_version=checklist.version,
        rule=verdict.rule,
        rule_version=version,
        _layout=sections,
    )
    return _Plan(
        checklist,
        rule,
        verdict.params,
        not verdict.verified,
        items,
        sections,
        total_points,
        codes,
        unverified,
        version,
        len(unverified),
        len(items),
        rule.decide,
        rule.decision_key,
        {},
        rule.needs_sections,
        template,
    )


def _flatten(
    checklist: Checklist, true_facts: frozenset[str]
) -> tuple[tuple[_Item, ...], tuple[_SectionPlan, ...], set[str]]:
    """Return the applicable items, the section layout and the codes of the auto-N/A items."""
    items: list[_Item] = []
    sections, auto_na_codes = [], set()
    for index, section in enumerate(checklist.sections):
        kept = [item for item in section.items if item.applies_to(true_facts)]
        auto_na_codes.update(item.code for item in section.items if item not in kept)
        for item in kept:
            class_index = _CLASS_INDEX[item.item_class]
            plan = (item.code, item.points, class_index, item.na_allowed, item.major_hazards, item.item_class, index)
            items.append(tuple(_ItemPlan(*plan, item.points * _UNIT, int(not item.verified))))
        points, total = sum(item.points for item in kept), len(section.items)
        sections.append(
            _SectionPlan(section.code, section.title, section.department, points, len(kept), total - len(kept), total)
        )
    return tuple(items), tuple(sections), auto_na_codes


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
    true_facts = facts.true_facts()
    plan = _PLANS.get((id(checklist), true_facts))
    if plan is None or plan.checklist is not checklist:
        plan = _new_plan(checklist, true_facts)
    others, unanswered, totals, tally, unverified = _walk(plan, answers, facts)
    if plan.count - len(unanswered) != len(answers):
        _check_codes(plan, answers)
    if plan.needs_sections:
        tally = tally._replace(sections=_section_results(plan.sections, others))
    key = plan.decision_key(plan.params, tally)
    decided = plan.decisions.get(key) if key is not None else None
    if decided is None:
        decided = _decided(plan, tally, key)
    # The result's __dict__ is set at once: the generated __init__ would set each field
    # through object.__setattr__ (the frozen guard). The object is identical and frozen.
    data = decided.copy()  # keeps the field order; only the per-inspection values change
    data["points"], data["max_points"], data["percent"] = totals
    data["unverified"] = unverified
    data["unanswered"] = unanswered
    data["complete"] = not unanswered
    data["_outcome"] = others
    if plan.needs_sections:
        data["sections"] = tally.sections  # seed the cached_property
    result = _new_object(ScoreResult)
    _set_attribute(result, "__dict__", data)
    return result


def _walk(
    plan: _Plan, answers: Mapping[str, Answer], facts: FacilityFacts
) -> tuple[tuple[_Other, ...], tuple[str, ...], _Totals, Tally, bool]:
    """The hot loop: a pass costs one lookup; N/A, failed and unanswered items are recorded.

    Return them, the unanswered codes, (points, max points, percent), the tally (without
    sections) and whether the result is unverified. Points lost are summed as integers in
    units of ``10**-_SCALE``; ``low`` is the smallest exponent of a Decimal deduction. One
    function, as calls cost time here.

    :raises ScoringError: N/A not allowed, or a deduction above the item's points.
    """
    get, passed, failed = answers.get, _PASS, _FAIL
    others: list[_Other] = []
    majors: list[str] = []
    missing: list[str] = []
    key_failures = general_failures = na_points = missing_points = lost = low = unverified_na = 0
    for item in plan.items:
        answer = get(item[0])
        if answer is None:
            missing.append(item[0])
            missing_points += item[1]
        elif answer.result is passed:
            continue
        elif answer.result is failed:
            deduction = answer.deduction
            if deduction is None:
                lost += item[7]
            elif type(deduction) is int:
                if deduction > item[1]:
                    raise _excess(item, deduction)
                lost += deduction * _UNIT
            else:
                scaled, exponent = _SCALED.get(str(deduction)) or _scaled(deduction)
                if scaled > item[7] or (exponent < -_SCALE and deduction > item[1]):
                    raise _excess(item, deduction)
                lost += scaled
                low = exponent if exponent < low else low
            if item[2] == 1:
                key_failures += 1
            elif item[2]:
                general_failures += 1
            else:
                majors.append(item[0])
        elif item[3]:
            na_points += item[1]
            unverified_na += item[8]
        else:
            raise ScoringError(f"item {item[0]} does not allow N/A")
        others.append((item, answer))
    recorded, possible = tuple(others), plan.points - na_points
    totals = _TOTALS.get(((possible - missing_points) * _UNIT - lost, low, possible))
    if totals is None:
        totals = _totals(recorded, possible, missing_points, lost, low)
    row = (totals[0], totals[1], totals[2], (), tuple(majors), key_failures, general_failures, len(missing), facts)
    unverified = plan.scheme_unverified or unverified_na < plan.unverified_count
    return recorded, tuple(missing), totals, _new_tuple(Tally, row), unverified


def _excess(item: _Item, deduction: int | Decimal) -> ScoringError:
    return ScoringError(f"item {item[0]}: deduction {deduction} exceeds the item's {item[1]} points")


def _totals(
    others: tuple[_Other, ...], possible: int, missing_points: int, lost: int, low: int
) -> tuple[Decimal, Decimal, Decimal | None]:
    """Return (points, max points, percent) exactly as Decimal arithmetic gives them.

    :param lost: the points lost in units of ``10**-_SCALE`` (exact unless ``low < -_SCALE``).
    :param low: the smallest exponent of a Decimal deduction (0 if none).
    """
    if low < -_SCALE or possible > _MAX_EXACT_POINTS:
        return _decimal_totals(others, possible, missing_points)
    key = ((possible - missing_points) * _UNIT - lost, low, possible)
    totals = _exact_totals(*key)
    if len(_TOTALS) < _MAX_MEMO:
        _TOTALS[key] = totals
    return totals


def _exact_totals(earned: int, exponent: int, possible: int) -> tuple[Decimal, Decimal, Decimal | None]:
    """Return (points, max points, percent) from ``earned`` in units of ``10**-_SCALE``.

    ``points`` gets ``exponent``, as the exact Decimal sum would; the percentage is rounded
    half up to 0.1 in integers: tenths = floor((2000·e + m) / 2m).
    """
    points = Decimal(earned // 10 ** (_SCALE + exponent)).scaleb(exponent)
    if not possible:
        return points, _decimal(possible), None
    tenths = (earned * 2000 + possible * _UNIT) // (2 * possible * _UNIT)
    return points, _decimal(possible), Decimal(tenths).scaleb(-1)


def _decimal_totals(
    others: tuple[_Other, ...], possible: int, missing_points: int
) -> tuple[Decimal, Decimal, Decimal | None]:
    """Return (points, max points, percent) by summing the points lost as Decimals, in checklist order.

    The fallback for deductions with more than ``_SCALE`` decimals, whose sum may round.
    """
    lost_points: int | Decimal = 0
    for item, answer in others:
        if answer is not None and answer.result is _FAIL:
            lost_points += _lost(item, answer)
    earned = possible - lost_points - missing_points
    return _decimal(earned), _decimal(possible), _percent(earned, possible)


def _failures(others: tuple[_Other, ...]) -> list[_Failure]:
    """Return the failures: major first, then key, then general; checklist order within."""
    failures = [(item, answer) for item, answer in others if answer is not None and answer.result is _FAIL]
    failures.sort(key=_class_index_of)  # stable
    return failures


def _class_index_of(failure: _Failure) -> int:
    return failure[0][2]


def _lost(item: _Item, answer: Answer) -> int | Decimal:
    """Return the points a failed item lost."""
    return item[1] if answer.deduction is None else answer.deduction


def _scaled(deduction: Decimal) -> tuple[int, int]:
    """Return ``deduction`` in units of ``10**-_SCALE`` and its exponent (memoised by its text).

    A deduction with more decimals (or not a plain Decimal) gives ``(0, exponent)`` with an
    exponent below ``-_SCALE``, which sends the caller to the Decimal fallback.
    """
    if type(deduction) is not Decimal:
        return 0, _INEXACT
    text = str(deduction)
    scaled = _SCALED.get(text)
    if scaled is None:
        exponent = deduction.as_tuple().exponent
        assert isinstance(exponent, int)  # a finite Decimal, checked by Answer
        scaled = (int(deduction.scaleb(_SCALE)) if exponent >= -_SCALE else 0, exponent)
        if len(_SCALED) < _MAX_MEMO:
            _SCALED[text] = scaled
    return scaled


def _decided(plan: _Plan, tally: Tally, key: Hashable | None) -> dict[str, Any]:
    """Return the plan's result template with the verdict filled in; memoised by decision key.

    The rule's ``decision_key`` names what its verdict depends on; the template is only ever
    copied, never changed.
    """
    verdict = plan.decide(plan.params, tally)
    decided = plan.template.copy()
    decided["verdict"] = verdict.label
    decided["verdict_code"] = verdict.code
    decided["verdict_rank"] = verdict.rank
    decided["grade"] = verdict.grade
    decided["vetoed_by"] = verdict.vetoed_by
    decided["decided_by"] = verdict.decided_by
    if key is not None and len(plan.decisions) < _MAX_DECISIONS:
        plan.decisions[key] = decided
    return decided


def _section_results(layout: tuple[_SectionPlan, ...], others: tuple[_Other, ...]) -> tuple[SectionResult, ...]:
    """Derive the per-section rows from the recorded N/A, failed and unanswered items."""
    size = len(layout)
    na, na_points, lost, missing, missing_points = [0] * size, [0] * size, [0] * size, [0] * size, [0] * size
    for item, answer in others:
        if answer is None:
            missing[item[6]] += 1
            missing_points[item[6]] += item[1]
        elif answer.result is _NA:
            na[item[6]] += 1
            na_points[item[6]] += item[1]
    for item, answer in _failures(others):  # summed in this order, as always
        lost[item[6]] += _lost(item, answer)
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


def _check_codes(plan: _Plan, answers: Mapping[str, Answer]) -> None:
    """Raise for answers to unknown items (answers to items made N/A by facts are ignored)."""
    unknown = sorted(set(answers) - plan.codes)
    if unknown:
        raise ScoringError(f"answers for items not in {plan.checklist.code}: {', '.join(unknown)}")


#: Building NamedTuples through ``tuple.__new__`` skips their Python-level ``__new__``.
_new_tuple = tuple.__new__
_new_object = object.__new__
_set_attribute = object.__setattr__
#: (points, max points, percent) of a result.
_Totals = tuple[Decimal, Decimal, Decimal | None]
#: ``Decimal`` of small non-negative ints, looked up instead of constructed.
_SMALL_DECIMALS = tuple(Decimal(number) for number in range(2001))
#: Memo of integer percentages (immutable Decimals; bounded).
_INT_PERCENTS: dict[tuple[int, int], Decimal] = {}
#: Memos of the hot path (bounded; keys and values immutable): (points, max points,
#: percent) by (points earned in units of 10**-_SCALE, exponent, max points), and
#: Decimal deductions by their text (exact, and far cheaper than a Decimal's hash).
_TOTALS: dict[tuple[int, int, int], tuple[Decimal, Decimal, Decimal | None]] = {}
_SCALED: dict[str, tuple[int, int]] = {}
_MAX_MEMO = 65536


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
