"""The fields each table of a checklist or criteria file may hold, how each value is checked and converted, and the
collector that reports every problem with the file, section, item and field it concerns."""

import difflib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from inspection.checklists.schema import ChecklistError, DepartmentCode, ItemClass, Problem


class _Bad(Exception):
    """A value failed a field check; the message completes ``field "x": …``."""


def show(value: Any) -> str:
    """Show a value as TOML wrote it, for problem messages."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"must be a non-empty string, got {show(value)}")
    return value


def _note(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be a string, got {show(value)}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, got {show(value)}")
    return value


def _points(value: Any) -> int:
    if type(value) is not int or value < 0:  # bool is an int subclass: refuse it
        raise _Bad(f"must be a non-negative integer, got {show(value)}")
    return value


def _days(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise _Bad(f"must be a non-negative integer, got {show(value)}")
    return value


def _category(value: Any) -> int:
    if type(value) is not int or not 1 <= value <= 5:
        raise _Bad(f"must be an integer from 1 to 5, got {show(value)}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Bad(f"must be an array of non-empty strings, got {show(value)}")
    return tuple(value)


def _choice(enum: type[DepartmentCode] | type[ItemClass]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in {member.value for member in enum}:
            known = ", ".join(member.value for member in enum)
            raise _Bad(f"must be one of {known}, got {show(value)}")
        return enum(value)

    return check


_KIND = re.compile(r"[a-z][a-z0-9_]{0,19}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _kind(value: Any) -> str:
    if not isinstance(value, str) or not _KIND.fullmatch(value):
        raise _Bad(f"must be 1 to 20 lower-case letters, digits or _ starting with a letter, got {show(value)}")
    return value


def _colour(value: Any) -> str:
    if not isinstance(value, str) or not _COLOUR.fullmatch(value):
        raise _Bad(f'must be a colour "#rrggbb", got {show(value)}')
    return value


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"must be a table, got {show(value)}")
    return value


def _tables(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list) and not value:
        raise _Bad("must not be empty")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Bad(f"must be an array of tables, got {show(value)}")
    return value


_REQUIRED = object()
#: Each field a table may hold: its check, and its default when left out (``_REQUIRED``: must be given).
Spec = Mapping[str, tuple[Callable[[Any], Any], Any]]
TOP: Spec = {
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
STANDING: Spec = {
    "kind": (_kind, _REQUIRED),
    "label": (_text, _REQUIRED),
    "title": (_text, _REQUIRED),
    "order": (_days, _REQUIRED),
    "colour": (_colour, _REQUIRED),
}
SECTION: Spec = {
    "code": (_text, _REQUIRED),
    "title": (_text, _REQUIRED),
    "department": (_choice(DepartmentCode), None),
    "items": (_tables, _REQUIRED),
}
ITEM: Spec = {
    "code": (_text, _REQUIRED),
    "text": (_text, _REQUIRED),
    "method": (_text, _REQUIRED),
    "basis": (_text, _REQUIRED),
    "class": (_choice(ItemClass), _REQUIRED),
    "points": (_points, _REQUIRED),
    "na_allowed": (_flag, _REQUIRED),
    "na_when": (_texts, ()),
    "photo_on_fail": (_flag, _REQUIRED),
    "major_hazards": (_texts, ()),
    "canned_notes": (_texts, ()),
    "verified": (_flag, True),
    "source_note": (_note, ""),
    "requirement": (_note, ""),
}
RECTIFICATION_DAYS: Spec = {
    key: (_days, _REQUIRED) for key in ("major", "major_reinspect_within_days", "key", "general")
}
CRITERIA_TOP: Spec = {
    "title": (_text, _REQUIRED),
    "verified": (_flag, _REQUIRED),
    "source_note": (_text, _REQUIRED),
    "criteria": (_tables, _REQUIRED),
}
CRITERION: Spec = {
    "code": (_text, _REQUIRED),
    "category": (_category, _REQUIRED),
    "text": (_text, _REQUIRED),
    "basis": (_text, _REQUIRED),
    "verified": (_flag, _REQUIRED),
}
#: The ``[verdict]`` keys every rule shares; the others are the rule's parameters.
VERDICT_OWN: Spec = {"rule": (_text, _REQUIRED), "verified": (_flag, True), "source_note": (_note, "")}


class Collector:
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
