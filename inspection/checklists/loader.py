"""Parse and validate checklist and criteria TOML files into frozen dataclasses.

Every problem is reported with the file, section, item and field it concerns, e.g.
``fire_safety.toml: section "evacuation" item "F5": field "points": must be a non-negative
integer, got -3``. All problems of a file are collected before :class:`ChecklistError`
is raised. What each field may hold is checked by :mod:`inspection.checklists.fields`;
this module adds the rules across fields, items and files. The verdict rule registry
(``inspection.scoring.verdicts``) validates the ``[verdict]`` parameters; it is imported
lazily so this module stays stdlib-only at import.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from inspection.checklists.fields import (
    CRITERIA_TOP,
    CRITERION,
    ITEM,
    RECTIFICATION_DAYS,
    SECTION,
    STANDING,
    TOP,
    VERDICT_OWN,
    Collector,
    show,
)
from inspection.checklists.schema import (
    FACILITY_FACTS,
    GRADE_STANDING,
    GRADING_CHECKLIST,
    Checklist,
    ChecklistError,
    Criterion,
    DepartmentCode,
    Item,
    ItemClass,
    ParamError,
    Problem,
    RectificationDays,
    Section,
    ShippedChecklists,
    Standing,
    VerdictSpec,
)
from inspection.checklists.wording import wording_problems

if TYPE_CHECKING:
    from inspection.scoring.verdicts import VerdictRule

#: Folder of the shipped data files.
DATA_DIR = Path(__file__).resolve().parent / "data"
#: The criteria file's name; every other ``.toml`` in a folder is a checklist.
CRITERIA_FILENAME = "major_hazards.toml"
#: Sort keys of the league table's own columns: a standing kind (its column's sort key) must not take one.
RESERVED_KINDS = frozenset(
    {"rank", "name", "township", "type", "ownership", "score", "open", "major", "overdue", "blacklisted"}
) | {"last", "trend"}


def _parse_toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError([Problem(file, f"invalid TOML: {exc}")]) from None


def _name(table: Mapping[str, Any], index: int) -> str:
    code = table.get("code")
    return code if isinstance(code, str) and code.strip() else f"#{index + 1}"


def _verdict_rules() -> Mapping[str, VerdictRule]:
    from inspection.scoring.verdicts import VERDICT_RULES  # lazy: scoring imports this package

    return VERDICT_RULES


def _read_verdict(c: Collector, raw: dict[str, Any]) -> VerdictSpec | None:
    values = c.read({k: v for k, v in raw.items() if k in VERDICT_OWN}, VERDICT_OWN, "verdict.")
    rules = _verdict_rules()
    rule = values.get("rule")
    if rule is None:
        return None
    if rule not in rules:
        c.add(f"unknown verdict rule {show(rule)} (known: {', '.join(rules)})", field="verdict.rule")
        return None
    try:
        params = rules[rule].parse({k: v for k, v in raw.items() if k not in VERDICT_OWN})
    except ParamError as error:
        c.add(error.message, field=f"verdict.{error.field}")
        return None
    return VerdictSpec(rule, params, values["verified"], values["source_note"])


def _read_standing(c: Collector, raw: dict[str, Any] | None, code: Any) -> Standing | None:
    """Read the ``[standing]`` table: which standing the checklist's result sets (none without the table)."""
    if raw is None:
        return None
    before = len(c.problems)
    v = c.read(raw, STANDING, "standing.")
    kind = v.get("kind")
    if kind == GRADE_STANDING and code != GRADING_CHECKLIST:
        c.add(f"{show(kind)} is set only by the grading checklist {GRADING_CHECKLIST!r}", field="standing.kind")
    elif kind in RESERVED_KINDS:
        c.add(f"{show(kind)} names a column of the league table already", field="standing.kind")
    if len(c.problems) > before:
        return None
    return Standing(**v)


def _read_item(c: Collector, raw: dict[str, Any], section: str, index: int, hazards: Collection[str]) -> Item | None:
    where = {"section": section, "item": _name(raw, index)}
    before = len(c.problems)
    v = c.read(raw, ITEM, **where)
    if v.get("na_when") and v.get("na_allowed") is False:
        c.add("na_when requires na_allowed = true", field="na_when", **where)
    for fact in v.get("na_when", ()):
        if fact not in FACILITY_FACTS:
            c.add(
                f"unknown facility fact {show(fact)} (known: {', '.join(sorted(FACILITY_FACTS))})",
                field="na_when",
                **where,
            )
    for code in v.get("major_hazards", ()):
        if code not in hazards:
            c.add(f"unknown major-hazard criterion {show(code)}", field="major_hazards", **where)
    if v.get("major_hazards") and v.get("class") not in (None, ItemClass.MAJOR):
        c.add("major_hazards is only allowed on class = major items", field="major_hazards", **where)
    if v.get("canned_notes") and not 2 <= len(v["canned_notes"]) <= 4:
        c.add(f"must hold 2 to 4 phrases, got {len(v['canned_notes'])}", field="canned_notes", **where)
    if v.get("points") == 0 and v.get("class") not in (None, ItemClass.MAJOR):
        c.add("only a class = major item may carry 0 points (a placeholder carrying a veto)", field="points", **where)
    if len(c.problems) > before:
        return None
    item_class = v.pop("class")
    tuples = {key: tuple(v.pop(key)) for key in ("na_when", "major_hazards", "canned_notes")}
    return Item(item_class=item_class, **tuples, **v)


def _read_sections(
    c: Collector, raw: list[dict[str, Any]], department: DepartmentCode | None, hazards: Collection[str]
) -> list[Section]:
    sections: list[Section] = []
    seen_sections: set[str] = set()
    seen_items: set[str] = set()
    for index, table in enumerate(raw):
        name = _name(table, index)
        if name in seen_sections:
            c.add("duplicate section code", section=name, field="code")
        seen_sections.add(name)
        v = c.read(table, SECTION, "", section=name)
        items = []
        for item_index, item_table in enumerate(v.get("items", ())):
            item_name = _name(item_table, item_index)
            if item_name in seen_items:
                c.add("duplicate item code in this checklist", section=name, item=item_name, field="code")
            seen_items.add(item_name)
            items.append(_read_item(c, item_table, name, item_index, hazards))
        if all(items) and items and "title" in v and department is not None:
            sections.append(Section(name, v["title"], v.get("department") or department, tuple(items)))
    return sections


def load_checklist_text(
    text: str, source: str, hazard_codes: Collection[str] | None = None, *, current: bool = False
) -> Checklist:
    """Parse and validate one checklist.

    :param source: the file name used in error messages.
    :param hazard_codes: valid ``major_hazards`` codes (default: the shipped criteria).
    :param current: the text is to become a current version (validated, imported or shipped), so its items must
        also be worded as :mod:`inspection.checklists.wording` says; versions stored before those rules load without.
    :raises ChecklistError: listing every problem found.
    """
    c = Collector(source)
    raw = _parse_toml(text, source)
    if hazard_codes is None:
        hazard_codes = load_criteria_file(DATA_DIR / CRITERIA_FILENAME).keys()
    top = c.read(raw, TOP)
    standing = _read_standing(c, top.get("standing"), top.get("code"))
    verdict = _read_verdict(c, top["verdict"]) if "verdict" in top else None
    rectification = c.read(top.get("rectification_days", {}), RECTIFICATION_DAYS, "rectification_days.")
    sections = _read_sections(c, top.get("sections", []), top.get("department"), hazard_codes)
    if verdict is not None and not c.problems:
        for section, field, message in _verdict_rules()[verdict.rule].check(verdict.params, sections):
            c.add(message, section=section, field=field)
    if current:
        for section in sections:
            for item in section.items:
                for field, message in wording_problems(item):
                    c.add(message, section=section.code, item=item.code, field=field)
    c.raise_if_any()
    return Checklist(
        code=top["code"],
        title=top["title"],
        department=top["department"],
        verified=top["verified"],
        source_note=top["source_note"],
        verdict=verdict,
        rectification_days=RectificationDays(**rectification),
        sections=tuple(sections),
        standing=standing,
    )


def load_checklist_file(
    path: str | Path, hazard_codes: Collection[str] | None = None, *, current: bool = False
) -> Checklist:
    """Load one checklist file; its ``code`` must equal the file's stem.

    :param current: as for :func:`load_checklist_text`.
    :raises ChecklistError: the file is malformed.
    """
    path = Path(path)
    checklist = load_checklist_text(path.read_text(encoding="utf-8"), path.name, hazard_codes, current=current)
    if checklist.code != path.stem:
        raise ChecklistError([Problem(path.name, f"must equal the file name {path.stem!r}", field="code")])
    return checklist


def load_criteria_file(path: str | Path) -> Mapping[str, Criterion]:
    """Load the major-hazard criteria list, by code in file order.

    :raises ChecklistError: the file is malformed.
    """
    path = Path(path)
    c = Collector(path.name)
    top = c.read(_parse_toml(path.read_text(encoding="utf-8"), path.name), CRITERIA_TOP)
    criteria: dict[str, Criterion] = {}
    for index, table in enumerate(top.get("criteria", ())):
        name = _name(table, index)
        v = c.read(table, CRITERION, "criteria.", item=name)
        if name in criteria:
            c.add("duplicate criterion code", item=name, field="criteria.code")
        elif len(v) == len(CRITERION):
            criteria[name] = Criterion(**v)
    c.raise_if_any()
    return MappingProxyType(criteria)


def load_shipped() -> ShippedChecklists:
    """Load and validate every shipped checklist and the criteria.

    :raises ChecklistError: a shipped file is malformed or two share a code.
    """
    criteria = load_criteria_file(DATA_DIR / CRITERIA_FILENAME)
    checklists: dict[str, Checklist] = {}
    kinds: dict[str, str] = {}
    for path in sorted(DATA_DIR.glob("*.toml")):
        if path.name != CRITERIA_FILENAME:
            checklist = load_checklist_file(path, criteria.keys(), current=True)
            checklists[checklist.code] = checklist
            if checklist.standing is not None:
                if checklist.standing.kind in kinds:
                    message = f"kind {checklist.standing.kind!r} is set by {kinds[checklist.standing.kind]} already"
                    raise ChecklistError([Problem(path.name, message, field="standing.kind")])
                kinds[checklist.standing.kind] = path.name
    return ShippedChecklists(MappingProxyType(checklists), criteria)


def validate_paths(paths: Iterable[str | Path]) -> list[str]:
    """Validate files (a directory means every ``.toml`` in it) as current versions; return error messages.

    ``major_hazards`` references resolve against the criteria files among ``paths``,
    or the shipped criteria when none is given.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    errors: list[str] = []
    hazard_codes: set[str] = set()
    criteria_files = [file for file in files if file.name == CRITERIA_FILENAME] or [DATA_DIR / CRITERIA_FILENAME]
    for file in criteria_files:
        errors.extend(_attempt(lambda file=file: hazard_codes.update(load_criteria_file(file))))
    for file in files:
        if file.name != CRITERIA_FILENAME:
            errors.extend(_attempt(lambda file=file: load_checklist_file(file, hazard_codes, current=True)))
    return errors


def _attempt(action: Callable[[], object]) -> list[str]:
    try:
        action()
    except ChecklistError as error:
        return [str(problem) for problem in error.problems]
    except OSError as error:
        return [f"{error.filename}: cannot read: {error.strerror}"]
    return []


def content_hash(text: str) -> str:
    """Return the sha256 of the parsed content, so comments and layout do not count.

    :raises ChecklistError: the text is not valid TOML.
    """
    data = _parse_toml(text, "<text>")
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
