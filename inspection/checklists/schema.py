"""Frozen data types for checklists and major-hazard criteria (pure Python, stdlib only).

The loader (:mod:`inspection.checklists.loader`) builds these from TOML files; the
scoring engine reads them. Nothing here touches Flask or the database.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from inspection.i18n import N_, labelled


class ItemClass(StrEnum):
    """Severity class of an item: 重大事故隐患 / 重点项 / 一般项."""

    MAJOR = "major"
    KEY = "key"
    GENERAL = "general"


#: Labels of the item classes (notices, UI).
ITEM_CLASS_LABELS: Mapping[ItemClass, str] = labelled(
    "item_class", {ItemClass.MAJOR: N_("重大事故隐患"), ItemClass.KEY: N_("重点项"), ItemClass.GENERAL: N_("一般项")}
)

#: Order used wherever findings are listed: major first, then key, then general.
ITEM_CLASS_ORDER: tuple[ItemClass, ...] = (ItemClass.MAJOR, ItemClass.KEY, ItemClass.GENERAL)


class DepartmentCode(StrEnum):
    """The codes of the departments taking part in a joint inspection (DOMAIN §10, §12), as checklist files and
    the `Department` model's `code` spell them."""

    CIVIL_AFFAIRS = "mz"
    FIRE_RESCUE = "xf"
    MARKET_REGULATION = "sc"
    HEALTH = "wj"
    HOUSING = "zj"


#: Code of the GB/T 37276 grading scheme: its result is a facility's grade, which rankings and reviews follow.
GRADING_CHECKLIST = "grading_gbt37276"

#: Short names of the departments, as people say them.
DEPARTMENT_NAMES: Mapping[DepartmentCode, str] = labelled(
    "department",
    {
        DepartmentCode.CIVIL_AFFAIRS: N_("民政"),
        DepartmentCode.FIRE_RESCUE: N_("消防救援"),
        DepartmentCode.MARKET_REGULATION: N_("市场监管"),
        DepartmentCode.HEALTH: N_("卫健"),
        DepartmentCode.HOUSING: N_("住建"),
    },
)

#: Facility facts a checklist may name in ``na_when`` or a grade level's ``requires``.
#: Each is true or false for a facility; ``FacilityFacts.true_facts()`` (scoring engine)
#: returns the true ones.
FACILITY_FACTS: frozenset[str] = frozenset(
    {
        "has_canteen",
        "no_canteen",
        "has_medical_unit",
        "no_medical_unit",
        "has_special_equipment",
        "no_special_equipment",
        "has_campus_roads",
        "no_campus_roads",
        "is_key_fire_unit",
        "not_key_fire_unit",
        "offers_ten_services",
    }
)


@dataclass(frozen=True, slots=True)
class Item:
    """One question an inspector answers on site."""

    code: str
    text: str
    method: str
    basis: str
    item_class: ItemClass
    points: int
    na_allowed: bool
    na_when: tuple[str, ...] = ()
    photo_on_fail: bool = False
    major_hazards: tuple[str, ...] = ()
    canned_notes: tuple[str, ...] = ()
    verified: bool = True
    source_note: str = ""
    #: 整改要求 as an imperative sentence ("立即拆除安全出口门锁，保持疏散通道畅通"); empty in versions before 2026-12.
    requirement: str = ""

    def applies_to(self, true_facts: frozenset[str]) -> bool:
        """Whether the item applies to a facility of these facts (else it is N/A whatever was answered)."""
        return true_facts.isdisjoint(self.na_when)


@dataclass(frozen=True, slots=True)
class Section:
    """A group of items owned by one department."""

    code: str
    title: str
    department: DepartmentCode
    items: tuple[Item, ...]

    @property
    def max_points(self) -> int:
        """Return the sum of the items' points."""
        return sum(item.points for item in self.items)


@dataclass(frozen=True, slots=True)
class RectificationDays:
    """Default rectification periods per item class, in days (0 = 立即)."""

    major: int
    major_reinspect_within_days: int
    key: int
    general: int


@dataclass(frozen=True, slots=True)
class VerdictSpec:
    """Which verdict rule decides, with its validated (hashable) parameters."""

    rule: str
    params: Hashable
    verified: bool = True
    source_note: str = ""


#: The standing kind a grading result sets: a facility's grade, which rankings, reviews and the public page treat
#: apart from the safety verdicts. Only the grading checklist (GRADING_CHECKLIST) may set it.
GRADE_STANDING = "grade"


@dataclass(frozen=True, slots=True)
class Standing:
    """What a checklist's final result means to a facility: the standing it sets, and how the pages name it.

    A facility keeps one standing of each kind, from its latest submitted checklist of that kind. Every kind but
    ``grade`` is a safety verdict: a column of the league table (its sort key is the kind), a line of the facility
    page, and a series of the facility's score chart.
    """

    #: Stored as ``FacilityStanding.kind``; lower-case letters, digits and "_" (e.g. "fire").
    kind: str
    #: Short name: column heading and chart series (e.g. "消防").
    label: str
    #: Long name on the facility page (e.g. "消防安全").
    title: str
    #: Place among the standings (columns, lines, series), smallest first.
    order: int
    #: Colour of the chart series, "#rrggbb".
    colour: str


@dataclass(frozen=True, slots=True)
class Checklist:
    """A validated checklist; ``version`` is filled in by the database layer."""

    code: str
    title: str
    department: DepartmentCode
    verified: bool
    source_note: str
    verdict: VerdictSpec
    rectification_days: RectificationDays
    sections: tuple[Section, ...]
    version: int = 0
    #: The standing its final result sets, or None when it sets none.
    standing: Standing | None = None

    def items(self) -> Iterator[Item]:
        """Yield every item in checklist order."""
        for section in self.sections:
            yield from section.items

    def section_departments(self) -> frozenset[str]:
        """Return the codes of the departments owning the checklist's sections."""
        return frozenset(section.department.value for section in self.sections)

    def item(self, code: str) -> Item:
        """Return the item with this code.

        :raises KeyError: no such item.
        """
        for candidate in self.items():
            if candidate.code == code:
                return candidate
        raise KeyError(code)

    def section_of(self, code: str) -> Section:
        """Return the section holding the item with this code.

        :raises KeyError: no such item.
        """
        for section in self.sections:
            if any(item.code == code for item in section.items):
                return section
        raise KeyError(code)

    @property
    def max_points(self) -> int:
        """Return the sum of all items' points (before any N/A)."""
        return sum(section.max_points for section in self.sections)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One 重大事故隐患 criterion of the 2023 MCA 判定标准 (DOMAIN §3, §13.1)."""

    code: str
    category: int
    text: str
    basis: str
    verified: bool


@dataclass(frozen=True, slots=True)
class ShippedChecklists:
    """Everything under ``checklists/data``: checklists by code and criteria by code."""

    checklists: Mapping[str, Checklist]
    criteria: Mapping[str, Criterion]


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem, located by file, section, item and field."""

    file: str
    message: str
    section: str | None = None
    item: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.section is not None:
            where.append(f'section "{self.section}"')
        if self.item is not None:
            where.append(f'item "{self.item}"')
        parts = [self.file]
        if where:
            parts.append(" ".join(where))
        if self.field is not None:
            parts.append(f'field "{self.field}"')
        parts.append(self.message)
        return ": ".join(parts)


class ChecklistError(ValueError):
    """A checklist or criteria file is malformed; ``problems`` lists every finding."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class ParamError(ValueError):
    """A verdict rule's parameters are invalid; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def check_param_keys(raw: Mapping[str, object], allowed: set[str], prefix: str = "") -> None:
    """Reject keys a verdict rule does not know (typos must not pass silently).

    :raises ParamError: naming the first unknown key.
    """
    for key in raw:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ParamError(f"{prefix}{key}", f"unknown parameter (known: {known})")


def param_int(raw: Mapping[str, object], key: str, low: int, high: int, prefix: str = "") -> int:
    """Return ``raw[key]`` as an int within ``[low, high]`` (bools and floats refused).

    :raises ParamError: missing, wrong type or out of range.
    """
    if key not in raw:
        raise ParamError(f"{prefix}{key}", "missing")
    value = raw[key]
    if type(value) is not int or not low <= value <= high:
        raise ParamError(f"{prefix}{key}", f"must be an integer in [{low}, {high}], got {value!r}")
    return value


def param_text(raw: Mapping[str, object], key: str, prefix: str = "", default: str | None = None) -> str:
    """Return ``raw[key]`` as a non-empty string (or ``default`` when absent and given).

    :raises ParamError: missing (without default) or not a non-empty string.
    """
    if key not in raw and default is not None:
        return default
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ParamError(f"{prefix}{key}", f"must be a non-empty string, got {value!r}")
    return value
