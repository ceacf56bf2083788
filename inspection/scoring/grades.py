"""GB/T 37276-2018 facility grades: map a points result to 一级…五级 from a level table.

The level table (minimum total, minimum per-section percentage, occupancy floor and
required facility facts per level) is data from the grading checklist file; see
DOMAIN §14.2. Both the total test and the per-section test are applied (the source is
internally inconsistent, so neither may be dropped). Pure functions, no caching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from inspection.checklists.schema import (
    FACILITY_FACTS,
    ParamError,
    Section,
    check_param_keys,
    param_int,
    param_text,
)
from inspection.i18n import N_, Joined, Message

GRADE_REACHED = N_("%(total)s，满足%(level)s全部条件 → %(verdict)s")
HIGHER_MISSED = N_("%(reason)s（%(level)s未达：%(shortfalls)s）")
BELOW_LOWEST = N_("未达%(level)s：%(shortfalls)s")
TOTAL_BELOW = N_("%(total)s < %(min)s")
SECTION_BELOW = N_("“%(section)s”得分率 %(percent)s%% < %(min)s%%")
OCCUPANCY_BELOW = N_("入住率 %(percent)s%% < %(min)s%%")
OCCUPANCY_UNKNOWN = N_("入住率 无法计算（床位数为0） < %(min)s%%")
FACTS_MISSING = N_("不具备前置条件 %(facts)s")
TOTAL_NONE = N_("总分 无适用评分项")
TOTAL = N_("总分 %(points)s")
TOTAL_SCALED = N_("总分 %(points)s（按适用项折算为%(nominal)s分制）")

_TENTH = Decimal("0.1")
_LEVEL_KEYS = {
    "level",
    "label",
    "min_total",
    "min_section_pct",
    "min_occupancy_pct",
    "requires",
    "verified",
    "source_note",
}


@dataclass(frozen=True, slots=True)
class GradeLevel:
    """Thresholds and preconditions for one grade level."""

    level: int
    label: str
    min_total: int
    min_section_pct: int
    min_occupancy_pct: int
    requires: tuple[str, ...]
    verified: bool
    source_note: str


@dataclass(frozen=True, slots=True)
class GradeParams:
    """Validated parameters of the ``gbt37276_grade`` rule; levels ascend."""

    nominal_total: int
    section_points: tuple[tuple[str, int], ...]
    levels: tuple[GradeLevel, ...]
    withheld_label: str
    below_label: str


class GradeOutcome(NamedTuple):
    """The level reached (``None`` below 一级), its label and the reason (its text Chinese)."""

    level: int | None
    label: str
    reason: Message


def parse_grade_params(raw: Mapping[str, object]) -> GradeParams:
    """Validate the ``[verdict]`` table of a grading checklist.

    :raises ParamError: naming the offending key.
    """
    check_param_keys(raw, {"nominal_total", "section_points", "levels", "withheld_label", "below_label"})
    nominal = param_int(raw, "nominal_total", 1, 100_000)
    sections = raw.get("section_points")
    if not isinstance(sections, dict) or not sections:
        raise ParamError("section_points", "must be a table of section code = points")
    section_points = tuple((code, param_int(sections, code, 1, nominal, "section_points.")) for code in sections)
    if sum(points for _, points in section_points) != nominal:
        raise ParamError("section_points", f"sum {sum(p for _, p in section_points)} != nominal_total {nominal}")
    levels_raw = raw.get("levels")
    if not isinstance(levels_raw, list) or not levels_raw:
        raise ParamError("levels", "must be a non-empty array of tables")
    levels = tuple(_parse_level(entry, index, nominal) for index, entry in enumerate(levels_raw))
    _check_level_order(levels)
    return GradeParams(
        nominal_total=nominal,
        section_points=section_points,
        levels=levels,
        withheld_label=param_text(raw, "withheld_label", default="暂缓评定"),
        below_label=param_text(raw, "below_label", default="未达等级"),
    )


def _parse_level(entry: object, index: int, nominal: int) -> GradeLevel:
    prefix = f"levels[{index}]."
    if not isinstance(entry, dict):
        raise ParamError(f"levels[{index}]", "must be a table")
    check_param_keys(entry, _LEVEL_KEYS, prefix)
    requires = entry.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(fact, str) for fact in requires):
        raise ParamError(f"{prefix}requires", "must be an array of fact names")
    for fact in requires:
        if fact not in FACILITY_FACTS:
            raise ParamError(f"{prefix}requires", f"unknown facility fact {fact!r}")
    verified = entry.get("verified", True)
    if not isinstance(verified, bool):
        raise ParamError(f"{prefix}verified", f"must be true or false, got {verified!r}")
    return GradeLevel(
        level=param_int(entry, "level", 1, 5, prefix),
        label=param_text(entry, "label", prefix),
        min_total=param_int(entry, "min_total", 0, nominal, prefix),
        min_section_pct=param_int(entry, "min_section_pct", 0, 100, prefix),
        min_occupancy_pct=param_int(entry, "min_occupancy_pct", 0, 100, prefix),
        requires=tuple(requires),
        verified=verified,
        source_note=str(entry.get("source_note", "")),
    )


def _check_level_order(levels: tuple[GradeLevel, ...]) -> None:
    """Levels must be 1, 2, … in order, with thresholds that never fall as levels rise."""
    for index, level in enumerate(levels):
        if level.level != index + 1:
            raise ParamError(f"levels[{index}].level", f"levels must run 1, 2, … in order; got {level.level}")
        if index == 0:
            continue
        lower = levels[index - 1]
        for name in ("min_total", "min_section_pct", "min_occupancy_pct"):
            if getattr(level, name) < getattr(lower, name):
                raise ParamError(f"levels[{index}].{name}", f"lower than level {lower.level}'s value")


def check_grade_sections(params: GradeParams, sections: Sequence[Section]) -> list[tuple[str | None, str, str]]:
    """Cross-check declared section points against the items' points.

    :return: ``(section code or None, field, message)`` for each inconsistency.
    """
    problems: list[tuple[str | None, str, str]] = []
    declared = dict(params.section_points)
    for section in sections:
        if section.code not in declared:
            problems.append((section.code, "verdict.section_points", "section has no declared points"))
        elif section.max_points != declared[section.code]:
            message = f"items sum to {section.max_points}, declared {declared[section.code]}"
            problems.append((section.code, "points", message))
    for code in declared.keys() - {section.code for section in sections}:
        problems.append((None, f"verdict.section_points.{code}", "no section with this code"))
    return problems


def grade_for(
    params: GradeParams,
    points: Decimal,
    max_points: Decimal,
    sections: Iterable[tuple[str, Decimal, Decimal]],
    occupancy: tuple[int, int],
    true_facts: frozenset[str],
) -> GradeOutcome:
    """Return the highest level whose every test passes.

    The total test compares the score rescaled to ``nominal_total`` (so N/A points do
    not count against a facility; how the guide rescales is [U], DOMAIN §14.1).

    :param sections: ``(title, points, max_points)`` per section.
    :param occupancy: ``(residents, beds)``.
    """
    sections = tuple(sections)
    shortfalls: list[str] = []
    for level in reversed(params.levels):
        shortfalls = level_shortfalls(level, params, points, max_points, sections, occupancy, true_facts)
        if not shortfalls:
            label = Message(level.label)
            total = _describe(params, points, max_points)
            reason = Message(GRADE_REACHED, total=total, level=label, verdict=label)
            if level.level < len(params.levels):
                higher = params.levels[level.level]
                missing = level_shortfalls(higher, params, points, max_points, sections, occupancy, true_facts)
                reason = Message(HIGHER_MISSED, reason=reason, level=Message(higher.label), shortfalls=Joined(missing))
            return GradeOutcome(level.level, level.label, reason)
    lowest = Message(params.levels[0].label)
    return GradeOutcome(None, params.below_label, Message(BELOW_LOWEST, level=lowest, shortfalls=Joined(shortfalls)))


def level_shortfalls(
    level: GradeLevel,
    params: GradeParams,
    points: Decimal,
    max_points: Decimal,
    sections: Sequence[tuple[str, Decimal, Decimal]],
    occupancy: tuple[int, int],
    true_facts: frozenset[str],
) -> list[Message]:
    """List every test of ``level`` that fails (empty when all pass)."""
    failures: list[Message] = []
    if max_points <= 0 or points * params.nominal_total < level.min_total * max_points:
        failures.append(Message(TOTAL_BELOW, total=_describe(params, points, max_points), min=level.min_total))
    for title, section_points, section_max in sections:
        if section_max and section_points * 100 < level.min_section_pct * section_max:
            percent = _pct(section_points, section_max)
            failures.append(Message(SECTION_BELOW, section=Message(title), percent=percent, min=level.min_section_pct))
    residents, beds = occupancy
    if beds <= 0:
        failures.append(Message(OCCUPANCY_UNKNOWN, min=level.min_occupancy_pct))
    elif residents * 100 < level.min_occupancy_pct * beds:
        rate = _pct(Decimal(residents), Decimal(beds))
        failures.append(Message(OCCUPANCY_BELOW, percent=rate, min=level.min_occupancy_pct))
    missing = [fact for fact in level.requires if fact not in true_facts]
    if missing:
        # The facts keep their names, as the checklist file writes them; pages say them in words (wording.in_words).
        failures.append(Message(FACTS_MISSING, facts=Joined(missing, ", ")))
    return failures


def _describe(params: GradeParams, points: Decimal, max_points: Decimal) -> Message:
    if max_points <= 0:
        return Message(TOTAL_NONE)
    if max_points == params.nominal_total:
        return Message(TOTAL, points=points)
    scaled = (points * params.nominal_total / max_points).quantize(_TENTH, ROUND_HALF_UP)
    return Message(TOTAL_SCALED, points=scaled, nominal=params.nominal_total)


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(_TENTH, ROUND_HALF_UP)
