"""Parse and validate checklist and criteria TOML files into frozen dataclasses.

Every problem is reported with the file, section, item and field it concerns, e.g.
``fire_safety.toml: section "evacuation" item "F5": field "points": must be a positive
integer, got -3``. All problems of a file are collected before :class:`ChecklistError`
is raised. The verdict rule registry (``inspection.scoring.verdicts``) validates the
``[verdict]`` parameters; it is imported lazily so this module stays stdlib-only at import.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from inspection.scoring.verdicts import VerdictRule

#: Folder of the shipped data files.
DATA_DIR = Path(__file__).resolve().parent / "data"
#: The criteria file's name; every other ``.toml`` in a folder is a checklist.
CRITERIA_FILENAME = "major_hazards.toml"


class _Bad(Exception):
    """A value failed a field check; the message completes ``field "x": …``."""


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"must be a non-empty string, got {_show(value)}")
    return value


def _note(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be a string, got {_show(value)}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, got {_show(value)}")
    return value


def _positive(value: Any) -> int:
    if type(value) is not int or value <= 0:  # bool is an int subclass: refuse it
        raise _Bad(f"must be a positive integer, got {_show(value)}")
    return value


def _days(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise _Bad(f"must be a non-negative integer, got {_show(value)}")
    return value


def _category(value: Any) -> int:
    if type(value) is not int or not 1 <= value <= 5:
        raise _Bad(f"must be an integer from 1 to 5, got {_show(value)}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Bad(f"must be an array of non-empty strings, got {_show(value)}")
    return tuple(value)


def _choice(enum: type[DepartmentCode] | type[ItemClass]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in {member.value for member in enum}:
            known = ", ".join(member.value for member in enum)
            raise _Bad(f"must be one of {known}, got {_show(value)}")
        return enum(value)

    return check


_KIND = re.compile(r"[a-z][a-z0-9_]{0,19}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _kind(value: Any) -> str:
    if not isinstance(value, str) or not _KIND.fullmatch(value):
        raise _Bad(f"must be 1 to 20 lower-case letters, digits or _ starting with a letter, got {_show(value)}")
    return value


def _colour(value: Any) -> str:
    if not isinstance(value, str) or not _COLOUR.fullmatch(value):
        raise _Bad(f'must be a colour "#rrggbb", got {_show(value)}')
    return value


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"must be a table, got {_show(value)}")
    return value


def _tables(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list) and not value:
        raise _Bad("must not be empty")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Bad(f"must be an array of tables, got {_show(value)}")
    return value


_REQUIRED = object()
Spec = Mapping[str, tuple[Callable[[Any], Any], Any]]
_TOP: Spec = {
    "code": (_text, _REQUIRED),
    "title": (_text, _REQUIRED),
    "department": (_choice(DepartmentCode), _REQUIRED),
    "verified": (_flag, _REQUIRED),
    "source_note": (_text, _REQUIRED),
    "standing": (_table, None),
    "verdict": (_table, _REQUIRED),
    "rectification_days": (_table, _REQUIRED),
    "sections": (_tables, _REQUIRED),
}
_STANDING: Spec = {
    "kind": (_kind, _REQUIRED),
    "label": (_text, _REQUIRED),
    "title": (_text, _REQUIRED),
    "order": (_days, _REQUIRED),
    "colour": (_colour, _REQUIRED),
}
#: Sort keys of the league table's own columns: a standing kind (its column's sort key) must not take one.
RESERVED_KINDS = frozenset(
    {"rank", "name", "township", "type", "ownership", "score", "open", "major", "overdue", "blacklisted"}
) | {"last", "trend"}
_SECTION: Spec = {
    "code": (_text, _REQUIRED),
    "title": (_text, _REQUIRED),
    "department": (_choice(DepartmentCode), None),
    "items": (_tables, _REQUIRED),
}
_ITEM: Spec = {
    "code": (_text, _REQUIRED),
    "text": (_text, _REQUIRED),
    "method": (_text, _REQUIRED),
    "basis": (_text, _REQUIRED),
    "class": (_choice(ItemClass), _REQUIRED),
    "points": (_positive, _REQUIRED),
    "na_allowed": (_flag, _REQUIRED),
    "na_when": (_texts, ()),
    "photo_on_fail": (_flag, _REQUIRED),
    "major_hazards": (_texts, ()),
    "canned_notes": (_texts, ()),
    "verified": (_flag, True),
    "source_note": (_note, ""),
}
_RECTIFICATION: Spec = {key: (_days, _REQUIRED) for key in ("major", "major_reinspect_within_days", "key", "general")}
_CRITERIA_TOP: Spec = {
    "title": (_text, _REQUIRED),
    "verified": (_flag, _REQUIRED),
    "source_note": (_text, _REQUIRED),
    "criteria": (_tables, _REQUIRED),
}
_CRITERION: Spec = {
    "code": (_text, _REQUIRED),
    "category": (_category, _REQUIRED),
    "text": (_text, _REQUIRED),
    "basis": (_text, _REQUIRED),
    "verified": (_flag, _REQUIRED),
}
_VERDICT_OWN_KEYS = {"rule", "verified", "source_note"}


class _Collector:
    """Collects problems of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(
        self, message: str, *, section: str | None = None, item: str | None = None, field: str | None = None
    ) -> None:
        self.problems.append(Problem(self.file, message, section, item, field))

    def read(self, table: Mapping[str, Any], spec: Spec, prefix: str = "", **where: str | None) -> dict[str, Any]:
        """Check ``table`` against ``spec``; return converted values of the valid fields."""
        values: dict[str, Any] = {}
        for key in table:
            if key not in spec:
                close = difflib.get_close_matches(key, list(spec), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(spec)})"
                self.add(f"unknown field{hint}", field=f"{prefix}{key}", **where)
        for key, (check, default) in spec.items():
            if key not in table:
                if default is _REQUIRED:
                    self.add("missing required field", field=f"{prefix}{key}", **where)
                else:
                    values[key] = default
                continue
            try:
                values[key] = check(table[key])
            except _Bad as bad:
                self.add(str(bad), field=f"{prefix}{key}", **where)
        return values

    def raise_if_any(self) -> None:
        if self.problems:
            raise ChecklistError(self.problems)


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


def _read_verdict(c: _Collector, raw: dict[str, Any]) -> VerdictSpec | None:
    own = {"rule": (_text, _REQUIRED), "verified": (_flag, True), "source_note": (_note, "")}
    values = c.read({k: v for k, v in raw.items() if k in _VERDICT_OWN_KEYS}, own, "verdict.")
    rules = _verdict_rules()
    rule = values.get("rule")
    if rule is None:
        return None
    if rule not in rules:
        c.add(f"unknown verdict rule {_show(rule)} (known: {', '.join(rules)})", field="verdict.rule")
        return None
    try:
        params = rules[rule].parse({k: v for k, v in raw.items() if k not in _VERDICT_OWN_KEYS})
    except ParamError as error:
        c.add(error.message, field=f"verdict.{error.field}")
        return None
    return VerdictSpec(rule, params, values["verified"], values["source_note"])


def _read_standing(c: _Collector, raw: dict[str, Any] | None, code: Any) -> Standing | None:
    """Read the ``[standing]`` table: which standing the checklist's result sets (none without the table)."""
    if raw is None:
        return None
    before = len(c.problems)
    v = c.read(raw, _STANDING, "standing.")
    kind = v.get("kind")
    if kind == GRADE_STANDING and code != GRADING_CHECKLIST:
        c.add(f"{_show(kind)} is set only by the grading checklist {GRADING_CHECKLIST!r}", field="standing.kind")
    elif kind in RESERVED_KINDS:
        c.add(f"{_show(kind)} names a column of the league table already", field="standing.kind")
    if len(c.problems) > before:
        return None
    return Standing(**v)


def _read_item(c: _Collector, raw: dict[str, Any], section: str, index: int, hazards: Collection[str]) -> Item | None:
    where = {"section": section, "item": _name(raw, index)}
    before = len(c.problems)
    v = c.read(raw, _ITEM, **where)
    if v.get("na_when") and v.get("na_allowed") is False:
        c.add("na_when requires na_allowed = true", field="na_when", **where)
    for fact in v.get("na_when", ()):
        if fact not in FACILITY_FACTS:
            c.add(
                f"unknown facility fact {_show(fact)} (known: {', '.join(sorted(FACILITY_FACTS))})",
                field="na_when",
                **where,
            )
    for code in v.get("major_hazards", ()):
        if code not in hazards:
            c.add(f"unknown major-hazard criterion {_show(code)}", field="major_hazards", **where)
    if v.get("major_hazards") and v.get("class") not in (None, ItemClass.MAJOR):
        c.add("major_hazards is only allowed on class = major items", field="major_hazards", **where)
    if v.get("canned_notes") and not 2 <= len(v["canned_notes"]) <= 4:
        c.add(f"must hold 2 to 4 phrases, got {len(v['canned_notes'])}", field="canned_notes", **where)
    if len(c.problems) > before:
        return None
    item_class = v.pop("class")
    tuples = {key: tuple(v.pop(key)) for key in ("na_when", "major_hazards", "canned_notes")}
    return Item(item_class=item_class, **tuples, **v)


def _read_sections(
    c: _Collector, raw: list[dict[str, Any]], department: DepartmentCode | None, hazards: Collection[str]
) -> list[Section]:
    sections: list[Section] = []
    seen_sections: set[str] = set()
    seen_items: set[str] = set()
    for index, table in enumerate(raw):
        name = _name(table, index)
        if name in seen_sections:
            c.add("duplicate section code", section=name, field="code")
        seen_sections.add(name)
        v = c.read(table, _SECTION, "", section=name)
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


def load_checklist_text(text: str, source: str, hazard_codes: Collection[str] | None = None) -> Checklist:
    """Parse and validate one checklist.

    :param source: the file name used in error messages.
    :param hazard_codes: valid ``major_hazards`` codes (default: the shipped criteria).
    :raises ChecklistError: listing every problem found.
    """
    c = _Collector(source)
    raw = _parse_toml(text, source)
    if hazard_codes is None:
        hazard_codes = load_criteria_file(DATA_DIR / CRITERIA_FILENAME).keys()
    top = c.read(raw, _TOP)
    standing = _read_standing(c, top.get("standing"), top.get("code"))
    verdict = _read_verdict(c, top["verdict"]) if "verdict" in top else None
    rectification = c.read(top.get("rectification_days", {}), _RECTIFICATION, "rectification_days.")
    sections = _read_sections(c, top.get("sections", []), top.get("department"), hazard_codes)
    if verdict is not None and not c.problems:
        for section, field, message in _verdict_rules()[verdict.rule].check(verdict.params, sections):
            c.add(message, section=section, field=field)
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


def load_checklist_file(path: str | Path, hazard_codes: Collection[str] | None = None) -> Checklist:
    """Load one checklist file; its ``code`` must equal the file's stem.

    :raises ChecklistError: the file is malformed.
    """
    path = Path(path)
    checklist = load_checklist_text(path.read_text(encoding="utf-8"), path.name, hazard_codes)
    if checklist.code != path.stem:
        raise ChecklistError([Problem(path.name, f"must equal the file name {path.stem!r}", field="code")])
    return checklist


def load_criteria_file(path: str | Path) -> Mapping[str, Criterion]:
    """Load the major-hazard criteria list, by code in file order.

    :raises ChecklistError: the file is malformed.
    """
    path = Path(path)
    c = _Collector(path.name)
    top = c.read(_parse_toml(path.read_text(encoding="utf-8"), path.name), _CRITERIA_TOP)
    criteria: dict[str, Criterion] = {}
    for index, table in enumerate(top.get("criteria", ())):
        name = _name(table, index)
        v = c.read(table, _CRITERION, "criteria.", item=name)
        if name in criteria:
            c.add("duplicate criterion code", item=name, field="criteria.code")
        elif len(v) == len(_CRITERION):
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
            checklist = load_checklist_file(path, criteria.keys())
            checklists[checklist.code] = checklist
            if checklist.standing is not None:
                if checklist.standing.kind in kinds:
                    message = f"kind {checklist.standing.kind!r} is set by {kinds[checklist.standing.kind]} already"
                    raise ChecklistError([Problem(path.name, message, field="standing.kind")])
                kinds[checklist.standing.kind] = path.name
    return ShippedChecklists(MappingProxyType(checklists), criteria)


def validate_paths(paths: Iterable[str | Path]) -> list[str]:
    """Validate files (a directory means every ``.toml`` in it); return error messages.

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
            errors.extend(_attempt(lambda file=file: load_checklist_file(file, hazard_codes)))
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
