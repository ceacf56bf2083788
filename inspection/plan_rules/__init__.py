"""Coverage rules of the annual inspection plan as data (``coverage.toml``), validated on load (stdlib only).

Every problem names the file, the rule and the field, e.g. ``coverage.toml: item "rules[2]": field "per_year": must
be one of 1, 2, 3, 4, 6, 12, got 5``; all problems of a file are collected before :class:`ChecklistError` is raised,
as the checklist loader does (it shares the collector). What a year requires, given these rules, is computed by
:mod:`inspection.plan_rules.coverage`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspection.checklists.fields import (
    _REQUIRED,
    Collector,
    Spec,
    _Bad,
    _choice,
    _flag,
    _note,
    _tables,
    _text,
    _texts,
    show,
)
from inspection.checklists.schema import FACILITY_FACTS, ChecklistError, DepartmentCode, Problem
from inspection.i18n import N_, labelled

#: The shipped rules.
RULES_FILE = Path(__file__).resolve().parent / "coverage.toml"
#: How many visits a year may require: each divides the year into equal periods of whole months.
PER_YEAR_CHOICES = (1, 2, 3, 4, 6, 12)

#: The facility facts a rule's `applies_when` may name, in words (the plan page's rule list).
FACILITY_FACT_LABELS = labelled(
    "facility_fact",
    {
        "has_canteen": N_("有食堂"),
        "no_canteen": N_("无食堂"),
        "has_medical_unit": N_("有内设医疗机构"),
        "no_medical_unit": N_("无内设医疗机构"),
        "has_special_equipment": N_("有特种设备"),
        "no_special_equipment": N_("无特种设备"),
        "has_campus_roads": N_("有院内道路"),
        "no_campus_roads": N_("无院内道路"),
        "is_key_fire_unit": N_("消防安全重点单位"),
        "not_key_fire_unit": N_("非消防安全重点单位"),
        "offers_ten_services": N_("提供十项基本服务"),
    },
)


@dataclass(frozen=True, slots=True)
class CoverageRule:
    """How many on-site inspections `department` makes of each facility it applies to, per year."""

    department: DepartmentCode
    per_year: int
    #: Facility types it applies to; empty: every type.
    facility_types: frozenset[str]
    #: Facility facts that must all hold for it to apply (``FACILITY_FACTS``).
    applies_when: frozenset[str]
    #: False for a county setting no source read supports (shown as 县级设置（未核实）).
    verified: bool
    basis: str
    source_note: str

    def applies_to(self, facility_type: str, facts: Collection[str]) -> bool:
        """Return True if the rule covers a facility of this type with these true facts."""
        type_ok = not self.facility_types or facility_type in self.facility_types
        return type_ok and self.applies_when <= set(facts)


def _per_year(value: Any) -> int:
    if type(value) is not int or value not in PER_YEAR_CHOICES:
        raise _Bad(f"must be one of {', '.join(map(str, PER_YEAR_CHOICES))}, got {show(value)}")
    return value


TOP: Spec = {"source_note": (_text, _REQUIRED), "rules": (_tables, _REQUIRED)}
RULE: Spec = {
    "department": (_choice(DepartmentCode), _REQUIRED),
    "per_year": (_per_year, _REQUIRED),
    "facility_types": (_texts, ()),
    "applies_when": (_texts, ()),
    "verified": (_flag, _REQUIRED),
    "basis": (_text, _REQUIRED),
    "source_note": (_note, ""),
}


def load_rules_text(text: str, file: str, facility_types: Collection[str]) -> tuple[CoverageRule, ...]:
    """Parse and validate coverage rules.

    :param file: the file name problems are reported under.
    :param facility_types: the facility type codes the register knows (``FacilityType`` values).
    :raises ChecklistError: listing every problem found.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError([Problem(file, f"invalid TOML: {error}")]) from None
    c = Collector(file)
    top = c.read(raw, TOP)
    rules = [
        rule
        for index, table in enumerate(top.get("rules") or ())
        if (rule := _read_rule(c, table, index, facility_types))
    ]
    _check_overlaps(c, rules)
    c.raise_if_any()
    return tuple(rules)


def _read_rule(c: Collector, table: dict[str, Any], index: int, known_types: Collection[str]) -> CoverageRule | None:
    where = {"item": f"rules[{index}]"}
    before = len(c.problems)
    v = c.read(table, RULE, **where)
    for kind in v.get("facility_types", ()):
        if kind not in known_types:
            c.add(
                f"unknown facility type {show(kind)} (known: {', '.join(sorted(known_types))})",
                field="facility_types",
                **where,
            )
    for fact in v.get("applies_when", ()):
        if fact not in FACILITY_FACTS:
            c.add(
                f"unknown facility fact {show(fact)} (known: {', '.join(sorted(FACILITY_FACTS))})",
                field="applies_when",
                **where,
            )
    if len(c.problems) > before:
        return None
    return CoverageRule(
        department=v["department"],
        per_year=v["per_year"],
        facility_types=frozenset(v["facility_types"]),
        applies_when=frozenset(v["applies_when"]),
        verified=v["verified"],
        basis=v["basis"],
        source_note=v["source_note"],
    )


def _check_overlaps(c: Collector, rules: Sequence[CoverageRule]) -> None:
    """Refuse two rules of one department that could both cover a facility type: a facility's requirement must
    come from one rule, not from whichever is read first."""
    for later, rule in enumerate(rules):
        for earlier in rules[:later]:
            if earlier.department != rule.department:
                continue
            shared = (earlier.facility_types or None, rule.facility_types or None)
            if None in shared or earlier.facility_types & rule.facility_types:
                c.add(
                    f"rule of department {rule.department.value!r} covers facility types of an earlier rule of the"
                    " same department",
                    item=f"rules[{later}]",
                    field="facility_types",
                )


def load_rules(facility_types: Collection[str], path: Path = RULES_FILE) -> tuple[CoverageRule, ...]:
    """Load and validate the rules file at `path` (the shipped one by default).

    :raises ChecklistError: the file is malformed.
    """
    return load_rules_text(path.read_text(encoding="utf-8"), path.name, facility_types)
