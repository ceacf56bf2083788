"""A province's grading-campaign rules as data (``inspection/campaign/data/<province>.toml``): who may apply for a
grade, and the campaign's figures (target date, 公示 period, validity, team size). Pure: no Flask, no DB.

The file is validated on load; every problem names the file, the item and the field. What each rule means is code
(:mod:`inspection.campaign.eligibility`); the file says which rules a province applies, their figures, their basis
and whether the basis was verified (DOMAIN §14.3: none of Shanxi's figures is).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


class RuleCode(StrEnum):
    """The eligibility rules the checker knows (DOMAIN §14.3)."""

    MIN_OPERATING_MONTHS = "min_operating_months"
    FIRST_TIME_MAX_LEVEL = "first_time_max_level"
    UNFILED = "unfiled_or_licence_expired"
    RECENT_PENALTY = "penalty_within_months"
    BLACKLISTED = "credit_blacklisted"
    PLAQUE_NOT_RETURNED = "plaque_not_returned"


#: The rules that carry a figure (`value`), and the range it must lie in.
VALUE_RANGES = {
    RuleCode.MIN_OPERATING_MONTHS: (0, 120),
    RuleCode.FIRST_TIME_MAX_LEVEL: (1, 5),
    RuleCode.RECENT_PENALTY: (1, 120),
}


@dataclass(frozen=True)
class Rule:
    """One eligibility rule a province applies."""

    code: RuleCode
    #: The rule's figure (months, a level), or None for a rule without one.
    value: int | None
    basis: str
    verified: bool


@dataclass(frozen=True)
class CampaignSettings:
    """The campaign's figures."""

    target_date: date
    publicity_working_days: int
    validity_years: int
    min_assessors: int
    expiry_warning_days: int
    verified: bool
    source_note: str


@dataclass(frozen=True)
class CampaignRules:
    """A province's rules: eligibility in file order, and the campaign's figures."""

    province: str
    name: str
    verified: bool
    source_note: str
    rules: tuple[Rule, ...]
    campaign: CampaignSettings

    def rule(self, code: RuleCode) -> Rule | None:
        """Return the rule `code` if the province applies it."""
        return next((r for r in self.rules if r.code == code), None)


class CampaignRulesError(ValueError):
    """A rules file is malformed; ``problems`` lists every finding, each naming file, item and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems))


class _Bad(Exception):
    """A value failed its check; the message completes ``field "x": …``."""


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"must be a non-empty string, got {value!r}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, got {value!r}")
    return value


def _count(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:  # bool is an int subclass: refuse it
            raise _Bad(f"must be an integer from {low} to {high}, got {value!r}")
        return value

    return check


def _day(value: Any) -> date:
    if type(value) is not date:
        raise _Bad(f"must be a date (YYYY-MM-DD), got {value!r}")
    return value


def _code(value: Any) -> RuleCode:
    if value not in {c.value for c in RuleCode}:
        raise _Bad(f"must be one of {', '.join(RuleCode)}, got {value!r}")
    return RuleCode(value)


TOP = {"province": _text, "name": _text, "verified": _flag, "source_note": _text}
CAMPAIGN = {
    "target_date": _day,
    "publicity_working_days": _count(1, 30),
    "validity_years": _count(1, 10),
    "min_assessors": _count(1, 15),
    "expiry_warning_days": _count(1, 365),
    "verified": _flag,
    "source_note": _text,
}


class _Collector:
    """Reads fields of one table, collecting every problem instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []

    def read(self, table: Mapping[str, Any], spec: Mapping[str, Callable[[Any], Any]], where: str) -> dict[str, Any]:
        values = {}
        for key in table:
            if key not in spec:
                self.problems.append(f'{self.file}: {where}: unknown field "{key}"')
        for key, check in spec.items():
            if key not in table:
                self.problems.append(f'{self.file}: {where}: field "{key}" is missing')
                continue
            try:
                values[key] = check(table[key])
            except _Bad as bad:
                self.problems.append(f'{self.file}: {where}: field "{key}" {bad}')
        return values


def _rule(c: _Collector, raw: Any, index: int, seen: set[str]) -> Rule | None:
    where = f"rules[{index}]"
    if not isinstance(raw, dict):
        c.problems.append(f"{c.file}: {where}: must be a table")
        return None
    if isinstance(raw.get("code"), str):
        where += f' (code "{raw["code"]}")'
    spec: dict[str, Callable[[Any], Any]] = {"code": _code, "basis": _text, "verified": _flag}
    code = raw.get("code")
    if code in VALUE_RANGES:
        spec["value"] = _count(*VALUE_RANGES[RuleCode(code)])
    values = c.read(raw, spec, where)
    if code in seen:
        c.problems.append(f'{c.file}: {where}: field "code" repeats an earlier rule')
    seen.add(code)
    if len(values) != len(spec):
        return None
    return Rule(values["code"], values.get("value"), values["basis"], values["verified"])


def parse_rules(text: str, file: str) -> CampaignRules:
    """Return the rules in `text` (the content of `file`, named in every problem).

    :raises CampaignRulesError: listing every problem found.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignRulesError([f"{file}: not valid TOML: {exc}"]) from exc
    c = _Collector(file)
    top = c.read({k: v for k, v in raw.items() if k not in ("rules", "campaign")}, TOP, "top level")
    rules_raw = raw.get("rules", [])
    if not isinstance(rules_raw, list):
        c.problems.append(f'{file}: top level: field "rules" must be an array of tables')
        rules_raw = []
    seen: set[str] = set()
    rules = [_rule(c, item, index, seen) for index, item in enumerate(rules_raw)]
    campaign_raw = raw.get("campaign")
    if not isinstance(campaign_raw, dict):
        c.problems.append(f'{file}: top level: table "campaign" is missing')
        campaign_raw = {}
    campaign = c.read(campaign_raw, CAMPAIGN, "campaign")
    if c.problems:
        raise CampaignRulesError(c.problems)
    return CampaignRules(
        province=top["province"],
        name=top["name"],
        verified=top["verified"],
        source_note=top["source_note"],
        rules=tuple(r for r in rules if r is not None),
        campaign=CampaignSettings(**campaign),
    )


def load_rules(province: str, data_dir: Path = DATA_DIR) -> CampaignRules:
    """Load and validate the rules of `province` (the file ``<province>.toml`` in `data_dir`).

    :raises CampaignRulesError: the file is missing or malformed.
    """
    path = data_dir / f"{province}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CampaignRulesError([f"{path}: cannot be read: {exc.strerror}"]) from exc
    rules = parse_rules(text, str(path))
    if rules.province != province:
        raise CampaignRulesError([f'{path}: top level: field "province" must be "{province}", got "{rules.province}"'])
    return rules
