"""Document numbers (文号) of notices: ``{county}{机关代字}{kind}〔{year}〕{seq}号`` (DOMAIN §15.2, GB/T 9704 §7.2.4).

Example: ``format_number("五", "民", "整", 2026, 12) == "五民整〔2026〕12号"``. The sequence has no leading zeros
("不编虚位"). Numbers issued before December 2026 were padded to three digits (``五民养整〔2026〕012号``); they keep
their text and `parse_number` still reads them. Pure functions, no database: allocating the next gapless sequence per
issuer and year is the caller's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_RE = re.compile(r"^(?P<prefix>[^\d〔〕\s]+)〔(?P<year>\d{4})〕(?P<seq>\d+)号$")
_FORBIDDEN_IN_PARTS = re.compile(r"[\d〔〕号\s]")


@dataclass(frozen=True)
class NoticeNumber:
    """The parts of a 文号."""

    county_short: str
    dept_short: str
    kind_char: str
    year: int
    seq: int

    def __str__(self) -> str:
        return format_number(self.county_short, self.dept_short, self.kind_char, self.year, self.seq)


def _check_part(name: str, value: str) -> None:
    """Reject an empty prefix part or one holding digits, brackets, 号 or whitespace."""
    if not value or _FORBIDDEN_IN_PARTS.search(value):
        raise ValueError(f"{name} must be non-empty text without digits, 〔〕, 号 or spaces: {value!r}")


def format_number(county_short: str, dept_short: str, kind_char: str, year: int, seq: int) -> str:
    """Format a 文号.

    :param county_short: county abbreviation, e.g. ``"五"`` for 五寨县.
    :param dept_short: the department's 机关代字, e.g. ``"民"``.
    :param kind_char: one character for the document kind, e.g. ``"整"`` (整改) or ``"复"`` (复查).
    :param year: four-digit year.
    :param seq: sequence number within issuer and year, starting at 1.
    :return: e.g. ``"五民整〔2026〕12号"``.
    :raises ValueError: on an empty or malformed part, a year outside 1000–9999, or a sequence below 1.
    """
    _check_part("county_short", county_short)
    _check_part("dept_short", dept_short)
    _check_part("kind_char", kind_char)
    if len(kind_char) != 1:
        raise ValueError(f"kind_char must be one character: {kind_char!r}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits: {year}")
    if seq < 1:
        raise ValueError(f"seq must be at least 1: {seq}")
    return f"{county_short}{dept_short}{kind_char}〔{year}〕{seq}号"


def parse_number(number: str, *, county_short: str | None = None) -> NoticeNumber:
    """Split a 文号 into its parts (the inverse of `format_number`).

    The prefix ``{county}{department}{kind}`` has no separators, so the county abbreviation is taken from
    `county_short` when given, and is otherwise assumed to be the first character (五 for 五寨县). The kind is always
    the last character before 〔.

    :param number: e.g. ``"五民整〔2026〕12号"``, or an older padded ``"五民养整〔2026〕012号"``.
    :param county_short: the known county abbreviation, when it may be longer than one character.
    :return: the parts.
    :raises ValueError: if the text is not a 文号 of this pattern or does not start with `county_short`.
    """
    match = _NUMBER_RE.match(number.strip())
    if match is None:
        raise ValueError(f"not a document number of the form 县部门类〔年〕序号号: {number!r}")
    prefix = match["prefix"]
    county = county_short if county_short is not None else prefix[:1]
    if not county or not prefix.startswith(county):
        raise ValueError(f"document number {number!r} does not start with county {county!r}")
    dept, kind = prefix[len(county) : -1], prefix[-1:]
    if not dept:
        raise ValueError(f"document number {number!r} has no department abbreviation")
    seq = match["seq"]
    if seq.startswith("0") and len(seq) != 3:  # the old numbers were padded to exactly three digits
        raise ValueError(f"a sequence is written without leading zeros: {number!r}")
    return NoticeNumber(county, dept, kind, int(match["year"]), int(seq))
