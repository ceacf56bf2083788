"""A stored result's explanation as a message, so that a page says it in the reader's language.

A result keeps its explanation twice. ``decided_by`` is the Chinese text, kept as written: the API, the exports and
the printed records give it as it was decided, and stored records are never rewritten. ``explanation`` is the same
as data (``i18n.message_data``: the msgids of ``scoring.verdicts`` and ``scoring.grades`` and their values), stored
with every result scored since; a page translates it.

Results stored before ``explanation`` existed are read back from their text: each msgid the engine writes becomes a
pattern whose values are matched as what they are (a number, a checklist's word, item codes, a nested explanation),
so the text parses into the very message the engine would store today (a test checks that on every shipped
checklist). A text that matches none (a result of older rules, worded otherwise) stays the Chinese it was written in.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from inspection.i18n import Joined, Message, message_from_data
from inspection.scoring import grades, verdicts

#: Reads a value matched in a text: returns it as the engine passed it, or None when it is no such value.
Reader = Callable[[str], object | None]


@dataclass(frozen=True)
class _Form:
    """A msgid the engine writes, with a reader for each of its values."""

    msgid: str
    values: Mapping[str, tuple[str, Reader]]  # name: (pattern, reader)

    def read(self, text: str) -> Message | None:
        match = self.pattern.fullmatch(text)
        if match is None:
            return None
        params = {}
        for name, (_pattern, reader) in self.values.items():
            value = reader(match[name])
            if value is None:
                return None
            params[name] = value
        message = Message(self.msgid, **params)
        return message if str(message) == text else None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts, seen = [], set()
        for literal, name in re.findall(r"((?:[^%]|%%)*)(?:%\((\w+)\)s|$)", self.msgid):
            parts.append(re.escape(literal.replace("%%", "%")))
            if name:
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{self.values[name][0]})")
                seen.add(name)
        return re.compile("".join(parts), re.S)


def _as_is(text: str) -> str:
    """A number or an item code: the engine passed its text."""
    return text


def _word(text: str) -> Message:
    return verdicts.word(text)


def _joined(separator: str, part: Reader) -> Reader:
    def read(text: str) -> Joined | None:
        parts = [part(piece) for piece in text.split(separator)]
        return None if any(p is None for p in parts) else Joined(parts, separator)

    return read


def _one_of(forms: Callable[[], Sequence[_Form]]) -> Reader:
    def read(text: str) -> Message | None:
        return next((m for form in forms() if (m := form.read(text)) is not None), None)

    return read


NUMBER = r"\d+(?:\.\d+)?"
#: A checklist's word (a verdict's label): no punctuation the explanations put around it.
WORD = r"[^\s（）：；，、“”→<≥]+"
CODES = r"[^\s（）：；，、]+(?:、[^\s（）：；，、]+)*"
FACTS = r"[a-z_]+(?:, [a-z_]+)*"
ANY = r".+?"

_number_value = (NUMBER, _as_is)
_word_value = (WORD, _word)
_codes_value = (CODES, _joined("、", _as_is))


@cache
def _totals() -> list[_Form]:
    return [
        _Form(grades.TOTAL_NONE, {}),
        _Form(grades.TOTAL, {"points": _number_value}),
        _Form(grades.TOTAL_SCALED, {"points": _number_value, "nominal": _number_value}),
    ]


@cache
def _shortfalls() -> list[_Form]:
    return [
        _Form(grades.TOTAL_BELOW, {"total": (ANY, _one_of(_totals)), "min": _number_value}),
        _Form(grades.SECTION_BELOW, {"section": (r"[^“”]+", _word), "percent": _number_value, "min": _number_value}),
        _Form(grades.OCCUPANCY_BELOW, {"percent": _number_value, "min": _number_value}),
        _Form(grades.OCCUPANCY_UNKNOWN, {"min": _number_value}),
        _Form(grades.FACTS_MISSING, {"facts": (FACTS, _joined(", ", _as_is))}),
    ]


@cache
def _decided() -> list[_Form]:
    """Every explanation but the provisional one, which wraps them."""
    shortfalls = (ANY, _joined("；", _one_of(_shortfalls)))
    reached = _Form(
        grades.GRADE_REACHED, {"total": (ANY, _one_of(_totals)), "level": _word_value, "verdict": _word_value}
    )
    band = {"percent": _number_value, "min": _number_value, "verdict": _word_value}
    bands = [_Form(verdicts.BAND_REACHED, band), _Form(verdicts.BAND_BELOW, band)]
    food = {"count": _number_value, "verdict": _word_value, "measure": _word_value}
    veto = _Form(verdicts.VETO, {"items": _codes_value})
    grade_vetoes = [veto, _Form(verdicts.BLACKLISTED, {}), _Form(verdicts.OPEN_MAJOR_HAZARDS, {"count": _number_value})]
    return [
        veto,
        _Form(verdicts.NOTHING_APPLIES, {}),
        *bands,
        _Form(
            verdicts.CAPPED, {"reason": (ANY, _one_of(lambda: bands)), "count": _number_value, "verdict": _word_value}
        ),
        _Form(
            verdicts.FOOD_2016_COUNTS,
            {n: _number_value for n in ("key", "max_key", "general", "max_general")} | {"verdict": _word_value},
        ),
        _Form(verdicts.FOOD_KEY_FAILED, food),
        _Form(verdicts.FOOD_AFFECTED, food | {"items": _codes_value}),
        _Form(verdicts.FOOD_GENERAL_ONLY, food),
        _Form(verdicts.FOOD_NONE_FAILED, {"verdict": _word_value}),
        _Form(
            verdicts.WITHHELD, {"verdict": _word_value, "reasons": (ANY, _joined("；", _one_of(lambda: grade_vetoes)))}
        ),
        _Form(
            grades.HIGHER_MISSED,
            {"reason": (ANY, _one_of(lambda: [reached])), "level": _word_value, "shortfalls": shortfalls},
        ),
        reached,
        _Form(grades.BELOW_LOWEST, {"level": _word_value, "shortfalls": shortfalls}),
    ]


@cache
def _explanations() -> list[_Form]:
    return [_Form(verdicts.PROVISIONAL, {"reason": (ANY, _one_of(_decided)), "count": _number_value}), *_decided()]


_read_explanation = _one_of(_explanations)


def parse_explanation(text: str) -> Message | None:
    """Return the message an explanation's Chinese text was written from, None when it matches no msgid."""
    return _read_explanation(text)  # type: ignore[return-value]


def explanation_of(result: Mapping[str, Any]) -> Message:
    """Return a stored result's explanation as a message: from its ``explanation`` data, else parsed from its
    ``decided_by`` text, else that text as it is (a message that no catalogue translates)."""
    text = str(result.get("decided_by") or "")
    data = result.get("explanation")
    if data is not None:
        try:
            message = message_from_data(data)
        except ValueError:
            message = None
        if isinstance(message, Message) and str(message) == text:
            return message
    return parse_explanation(text) or Message(text)
