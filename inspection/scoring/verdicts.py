"""Verdict rules: a registry of small strategies that turn score tallies into a verdict.

Each rule validates its own parameters (``parse``, called by the checklist loader so a
bad file fails with a precise message), may cross-check them against the checklist's
sections (``check``), and decides the verdict (``decide``). Every rule vetoes on a failed
``major`` item (重大事故隐患), whatever the points (DOMAIN §12).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple

from inspection.checklists.schema import (
    DepartmentCode,
    ItemClass,
    ParamError,
    Section,
    check_param_keys,
    param_int,
    param_text,
)
from inspection.i18n import N_, Joined, Message
from inspection.scoring.grades import GradeParams, check_grade_sections, grade_for, parse_grade_params

_CODE_RE = re.compile(r"^[a-z][a-z_]*$")
NOT_APPLICABLE = ("not_applicable", "不适用")
#: Why a verdict says 不适用.
NOTHING_APPLIES = N_("无适用检查项")
#: What the phone's verdict preview shows where only the server can decide.
SERVER_DECIDES = N_("结论由服务器评定")


@dataclass(frozen=True, slots=True, kw_only=True)
class FacilityFacts:
    """What is known about the facility: drives auto-N/A items and grade preconditions."""

    has_canteen: bool
    has_medical_unit: bool
    has_special_equipment: bool
    has_campus_roads: bool
    #: Designated 消防安全重点单位: 《消防法》第17条 (daily patrol) binds only such units.
    is_key_fire_unit: bool
    beds: int = 0
    residents: int = 0
    blacklisted: bool = False
    open_major_hazards: int = 0
    offers_ten_services: bool = False

    def true_facts(self) -> frozenset[str]:
        """Return the names (see ``FACILITY_FACTS``) of the facts that hold."""
        return frozenset(
            {
                "has_canteen" if self.has_canteen else "no_canteen",
                "has_medical_unit" if self.has_medical_unit else "no_medical_unit",
                "has_special_equipment" if self.has_special_equipment else "no_special_equipment",
                "has_campus_roads" if self.has_campus_roads else "no_campus_roads",
                "is_key_fire_unit" if self.is_key_fire_unit else "not_key_fire_unit",
            }
            | ({"offers_ten_services"} if self.offers_ten_services else set())
        )


class SectionResult(NamedTuple):
    """Points per section; ``answered`` counts answered or auto-N/A items of ``total``."""

    code: str
    title: str
    department: DepartmentCode
    points: Decimal
    max_points: Decimal
    percent: Decimal | None
    answered: int
    total: int
    na: int


class Tally(NamedTuple):
    """What the engine counted; the input of every rule's ``decide``.

    ``failed_major`` names the failed major items in checklist order; ``failed_key``,
    ``failed_general`` and ``unanswered`` count items. ``affecting_food_safety`` names the
    failed items the inspector marked as affecting food safety (影响食品安全), in checklist order.
    """

    points: Decimal
    max_points: Decimal
    percent: Decimal | None
    sections: tuple[SectionResult, ...]
    failed_major: tuple[str, ...]
    failed_key: int
    failed_general: int
    affecting_food_safety: tuple[str, ...]
    unanswered: int
    facts: FacilityFacts


class Verdict(NamedTuple):
    """A rule's decision. ``rank`` orders verdicts of one rule (higher is better)."""

    code: str
    label: str
    rank: int
    grade: int | None
    vetoed_by: tuple[str, ...]
    #: Why, as a Message: its text is the Chinese explanation stored with the result, its msgid and values let a
    #: page say it in the reader's language (``inspection.scoring.explanations``).
    decided_by: Message


class VerdictRule(ABC):
    """Base of every verdict rule; instances are stateless."""

    key: ClassVar[str]

    @abstractmethod
    def parse(self, raw: Mapping[str, Any]) -> Hashable:
        """Validate the ``[verdict]`` parameters and return them frozen.

        :raises ParamError: naming the offending parameter.
        """

    def check(self, params: Any, sections: Sequence[Section]) -> list[tuple[str | None, str, str]]:
        """Cross-check parameters against the sections: ``(section, field, message)`` list."""
        return []

    @abstractmethod
    def decide(self, params: Any, tally: Tally) -> Verdict:
        """Return the verdict for these tallies."""

    def preview(self, params: Any) -> dict[str, Any]:
        """Return how the phone previews this rule's verdict: JSON-able data that names no rule.

        The phone knows the points and the failed items of each class, not the facility's other
        facts. It shows ``veto`` when a major item failed, ``none_applicable`` (when not None) when
        no item applies, and otherwise the ``label`` of the first of ``outcomes`` whose conditions
        all hold: ``min_percent`` (the percentage, rounded as the engine rounds it, is at least
        this) and ``max_failed`` (per item class, or ``affects_food_safety`` for the failed answers
        marked as affecting food safety: at most this many failed items). An outcome
        without conditions always holds; the last one should have none.

        The default leaves the verdict to the server; a rule overrides it to preview its own.
        """
        return {"veto": SERVER_DECIDES, "none_applicable": None, "outcomes": [{"label": SERVER_DECIDES}]}


VETO = N_("一票否决：%(items)s 重大事故隐患")
PROVISIONAL = N_("%(reason)s（%(count)s 项未答，结论为暂定）")
BAND_REACHED = N_("得分率 %(percent)s%% ≥ %(min)s%% → %(verdict)s")
BAND_BELOW = N_("得分率 %(percent)s%% < %(min)s%% → %(verdict)s")
CAPPED = N_("%(reason)s；但有 %(count)s 项重点项不合格，结论最高为%(verdict)s")
FOOD_2016_COUNTS = N_(
    "重点项不符合 %(key)s 项（允许 %(max_key)s），一般项不符合 %(general)s 项（允许 %(max_general)s） → %(verdict)s"
)
FOOD_KEY_FAILED = N_("有 %(count)s 项重点项不符合，判定为%(verdict)s，应%(measure)s")
FOOD_AFFECTED = N_(
    "有 %(count)s 项一般项不符合，其中 %(items)s 经检查人员认定影响食品安全，判定为%(verdict)s，应%(measure)s"
)
FOOD_GENERAL_ONLY = N_("仅有 %(count)s 项一般项不符合，且不影响食品安全，判定为%(verdict)s，应%(measure)s")
FOOD_NONE_FAILED = N_("未发现问题，判定为%(verdict)s")
WITHHELD = N_("%(verdict)s：%(reasons)s")
BLACKLISTED = N_("列入养老服务市场失信联合惩戒对象名单")
OPEN_MAJOR_HAZARDS = N_("尚有 %(count)s 项重大事故隐患未经复查销号")


def word(text: str) -> Message:
    """Return a word of a checklist file (a verdict's label, a section's title) as a message: the catalogue
    translates the words checklist files put on pages (``inspection.checklists.translations``)."""
    return Message(text)


def veto_text(codes: Sequence[str]) -> Message:
    """Explain a veto by failed major items, e.g. ``一票否决：F5 重大事故隐患``."""
    return Message(VETO, items=Joined(codes, "、"))


def _provisional(text: Message, tally: Tally) -> Message:
    if tally.unanswered:
        return Message(PROVISIONAL, reason=text, count=tally.unanswered)
    return text


@dataclass(frozen=True, slots=True)
class Band:
    """One percentage band: at least ``min_percent`` → ``label``."""

    min_percent: int
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class BandParams:
    """The bands, best first, and the band a failed key item caps the verdict at (None: no cap)."""

    bands: tuple[Band, ...]
    cap_on_failed_key: Band | None


class PercentBands(VerdictRule):
    """优秀/良好/合格/不合格 by percentage of applicable points (DOMAIN §12).

    Bands compare the displayed percentage (rounded to 0.1, half up), so the band always
    agrees with the number printed on the notice. A veto gives the lowest band. With
    ``cap_on_failed_key`` (a band code), a failed key item caps the verdict at that band: a
    locked exit never reads 良好 however many points the rest earned (issue 13).
    """

    key = "percent_bands"

    def parse(self, raw: Mapping[str, Any]) -> BandParams:
        check_param_keys(raw, {"bands", "cap_on_failed_key"})
        entries = raw.get("bands")
        if not isinstance(entries, list) or len(entries) < 2:
            raise ParamError("bands", "must be an array of at least two tables")
        bands = tuple(_parse_band(entry, index) for index, entry in enumerate(entries))
        for index in range(1, len(bands)):
            if bands[index].min_percent >= bands[index - 1].min_percent:
                raise ParamError(f"bands[{index}].min_percent", "bands must be in strictly descending order")
        if bands[-1].min_percent != 0:
            raise ParamError(f"bands[{len(bands) - 1}].min_percent", "the last band must start at 0")
        if len({band.code for band in bands}) != len(bands):
            raise ParamError("bands", "band codes must be unique")
        return BandParams(bands, _cap_band(raw, bands))

    def decide(self, params: BandParams, tally: Tally) -> Verdict:
        bands = params.bands
        if tally.failed_major:
            last = bands[-1]
            return Verdict(last.code, last.label, 0, None, tally.failed_major, veto_text(tally.failed_major))
        percent = tally.percent
        if percent is None:
            return Verdict(*NOT_APPLICABLE, len(bands) - 1, None, (), Message(NOTHING_APPLIES))
        cap = params.cap_on_failed_key if tally.failed_key else None
        for index, band in enumerate(bands):
            if percent >= band.min_percent:
                if band is bands[-1]:
                    reason = Message(BAND_BELOW, percent=percent, min=bands[-2].min_percent, verdict=word(band.label))
                else:
                    reason = Message(BAND_REACHED, percent=percent, min=band.min_percent, verdict=word(band.label))
                if cap is not None and band.min_percent > cap.min_percent:
                    band, index = cap, bands.index(cap)
                    reason = Message(CAPPED, reason=reason, count=tally.failed_key, verdict=word(cap.label))
                return Verdict(band.code, band.label, len(bands) - 1 - index, None, (), _provisional(reason, tally))
        raise AssertionError("the last band starts at 0")  # pragma: no cover

    def preview(self, params: BandParams) -> dict[str, Any]:
        cap = params.cap_on_failed_key
        outcomes = []
        for band in params.bands:
            outcome: dict[str, Any] = {"label": band.label, "min_percent": band.min_percent}
            if cap is not None and band.min_percent > cap.min_percent:
                outcome["max_failed"] = {ItemClass.KEY.value: 0}
            outcomes.append(outcome)
        return {"veto": params.bands[-1].label, "none_applicable": NOTHING_APPLIES, "outcomes": outcomes}


def _cap_band(raw: Mapping[str, Any], bands: tuple[Band, ...]) -> Band | None:
    """Return the band named by ``cap_on_failed_key``, or None when the file sets no cap."""
    if "cap_on_failed_key" not in raw:
        return None
    code = param_text(raw, "cap_on_failed_key")
    for band in bands:
        if band.code == code:
            return band
    known = ", ".join(band.code for band in bands)
    raise ParamError("cap_on_failed_key", f"must be the code of one of the bands ({known}), got {code!r}")


def _parse_band(entry: object, index: int) -> Band:
    prefix = f"bands[{index}]."
    if not isinstance(entry, dict):
        raise ParamError(f"bands[{index}]", "must be a table")
    check_param_keys(entry, {"min_percent", "code", "label"}, prefix)
    code = param_text(entry, "code", prefix)
    if not _CODE_RE.match(code):
        raise ParamError(f"{prefix}code", f"must be lower-case ascii letters and _, got {code!r}")
    return Band(param_int(entry, "min_percent", 0, 100, prefix), code, param_text(entry, "label", prefix))


@dataclass(frozen=True, slots=True)
class FoodParams:
    """Thresholds and labels of the 2016 food rule."""

    max_general_failures: int
    max_key_failures: int
    compliant: str
    basically_compliant: str
    non_compliant: str


class Food2016(VerdictRule):
    """符合 / 基本符合 / 不符合 by counts of failed 一般项 and 重点项 (DOMAIN §5.4), the 2016 rule.

    Replaced by :class:`Food2022` and kept for the checklist versions recorded under it (DOMAIN §15.4).

    符合: no failure. 基本符合: failures, but general ≤ ``max_general_failures`` and key ≤
    ``max_key_failures``. 不符合: more than either, or any failed major item (veto).
    """

    key = "food_2016"

    def parse(self, raw: Mapping[str, Any]) -> FoodParams:
        check_param_keys(raw, {"max_general_failures", "max_key_failures", "labels"})
        labels = _food_labels(raw)
        return FoodParams(
            max_general_failures=param_int(raw, "max_general_failures", 0, 1000),
            max_key_failures=param_int(raw, "max_key_failures", 0, 1000),
            compliant=labels.compliant,
            basically_compliant=labels.basically_compliant,
            non_compliant=labels.non_compliant,
        )

    def decide(self, params: FoodParams, tally: Tally) -> Verdict:
        if tally.failed_major:
            reason = veto_text(tally.failed_major)
            return Verdict("non_compliant", params.non_compliant, 0, None, tally.failed_major, reason)
        if tally.max_points == 0:
            return Verdict(*NOT_APPLICABLE, 2, None, (), Message(NOTHING_APPLIES))
        key, general = tally.failed_key, tally.failed_general
        if key > params.max_key_failures or general > params.max_general_failures:
            code, label, rank = "non_compliant", params.non_compliant, 0
        elif key or general:
            code, label, rank = "basically_compliant", params.basically_compliant, 1
        else:
            code, label, rank = "compliant", params.compliant, 2
        counts = Message(
            FOOD_2016_COUNTS,
            key=key,
            max_key=params.max_key_failures,
            general=general,
            max_general=params.max_general_failures,
            verdict=word(label),
        )
        return Verdict(code, label, rank, None, (), _provisional(counts, tally))

    def preview(self, params: FoodParams) -> dict[str, Any]:
        allowed = {ItemClass.KEY.value: params.max_key_failures, ItemClass.GENERAL.value: params.max_general_failures}
        none_failed = dict.fromkeys(allowed, 0)
        outcomes = [
            {"label": params.compliant, "max_failed": none_failed},
            {"label": params.basically_compliant, "max_failed": allowed},
            {"label": params.non_compliant},
        ]
        return {"veto": params.non_compliant, "none_applicable": NOTHING_APPLIES, "outcomes": outcomes}


#: The preview's count of failed answers marked as affecting food safety (see ``Food2022.preview``).
AFFECTS_FOOD_SAFETY = "affects_food_safety"


class FoodMeasure(StrEnum):
    """What follows a food verdict under 总局令第49号 第32–33条 (DOMAIN §15.4 [V]); the value is printed (the
    record is Chinese) and translated on pages."""

    ON_THE_SPOT = N_("当场整改")
    INVESTIGATION = N_("调查处理")


#: The measure each verdict code of the 2022 food rule calls for; a compliant result calls for none.
FOOD_2022_MEASURES: dict[str, FoodMeasure] = {
    "basically_compliant": FoodMeasure.ON_THE_SPOT,
    "non_compliant": FoodMeasure.INVESTIGATION,
}


@dataclass(frozen=True, slots=True)
class FoodLabels:
    """The printed words of the three food verdicts."""

    compliant: str
    basically_compliant: str
    non_compliant: str


class Food2022(VerdictRule):
    """符合 / 基本符合 / 不符合 under 总局令第49号 第32–33条 (in force 2022-03-15, DOMAIN §15.4 [V]).

    Any failed 重点项 → 不符合, and the case goes to 调查处理. Failed 一般项 only → 基本符合, corrected on the
    spot (当场整改), unless the inspector marked a failure as affecting food safety: then 不符合 and 调查处理.
    Nothing failed → 符合. A failed major item vetoes (不符合), as in every rule. Unlike the 2016 rule it counts
    no thresholds: the verdict says in words which failures decided it.
    """

    key = "food_2022"

    def parse(self, raw: Mapping[str, Any]) -> FoodLabels:
        check_param_keys(raw, {"labels"})
        return _food_labels(raw)

    def decide(self, params: FoodLabels, tally: Tally) -> Verdict:
        investigate, on_the_spot = word(FoodMeasure.INVESTIGATION.value), word(FoodMeasure.ON_THE_SPOT.value)
        if tally.failed_major:
            reason = veto_text(tally.failed_major)
            return Verdict("non_compliant", params.non_compliant, 0, None, tally.failed_major, reason)
        if tally.max_points == 0:
            return Verdict(*NOT_APPLICABLE, 2, None, (), Message(NOTHING_APPLIES))
        key, general, flagged = tally.failed_key, tally.failed_general, tally.affecting_food_safety
        non_compliant = word(params.non_compliant)
        if key:
            reason = Message(FOOD_KEY_FAILED, count=key, verdict=non_compliant, measure=investigate)
            code, label, rank = "non_compliant", params.non_compliant, 0
        elif flagged:
            items = Joined(flagged, "、")
            reason = Message(FOOD_AFFECTED, count=general, items=items, verdict=non_compliant, measure=investigate)
            code, label, rank = "non_compliant", params.non_compliant, 0
        elif general:
            verdict = word(params.basically_compliant)
            reason = Message(FOOD_GENERAL_ONLY, count=general, verdict=verdict, measure=on_the_spot)
            code, label, rank = "basically_compliant", params.basically_compliant, 1
        else:
            reason = Message(FOOD_NONE_FAILED, verdict=word(params.compliant))
            code, label, rank = "compliant", params.compliant, 2
        return Verdict(code, label, rank, None, (), _provisional(reason, tally))

    def preview(self, params: FoodLabels) -> dict[str, Any]:
        # Beside the item classes, max_failed bounds the failed answers marked as affecting food safety.
        none_key = {ItemClass.KEY.value: 0}
        outcomes = [
            {"label": params.compliant, "max_failed": {**none_key, ItemClass.GENERAL.value: 0}},
            {"label": params.basically_compliant, "max_failed": {**none_key, AFFECTS_FOOD_SAFETY: 0}},
            {"label": params.non_compliant},
        ]
        return {"veto": params.non_compliant, "none_applicable": NOTHING_APPLIES, "outcomes": outcomes}


def _food_labels(raw: Mapping[str, Any]) -> FoodLabels:
    labels = raw.get("labels")
    if not isinstance(labels, dict):
        raise ParamError("labels", "must be a table with compliant, basically_compliant, non_compliant")
    check_param_keys(labels, {"compliant", "basically_compliant", "non_compliant"}, "labels.")
    return FoodLabels(
        compliant=param_text(labels, "compliant", "labels."),
        basically_compliant=param_text(labels, "basically_compliant", "labels."),
        non_compliant=param_text(labels, "non_compliant", "labels."),
    )


class Gbt37276Grade(VerdictRule):
    """GB/T 37276 grade (一级…五级) with the 暂缓评定 veto (DOMAIN §12, §14.2).

    Withheld when a major item failed, the facility is on the credit blacklist, or major
    hazards from earlier inspections are still open. Rank: withheld 0 < below 1 < level+1.
    """

    key = "gbt37276_grade"

    def parse(self, raw: Mapping[str, Any]) -> GradeParams:
        return parse_grade_params(raw)

    def check(self, params: GradeParams, sections: Sequence[Section]) -> list[tuple[str | None, str, str]]:
        return check_grade_sections(params, sections)

    def decide(self, params: GradeParams, tally: Tally) -> Verdict:
        facts = tally.facts
        vetoes, reasons = list(tally.failed_major), []
        if tally.failed_major:
            reasons.append(veto_text(tally.failed_major))
        if facts.blacklisted:
            vetoes.append("blacklisted")
            reasons.append(Message(BLACKLISTED))
        if facts.open_major_hazards > 0:
            vetoes.append("open_major_hazards")
            reasons.append(Message(OPEN_MAJOR_HAZARDS, count=facts.open_major_hazards))
        if vetoes:
            text = Message(WITHHELD, verdict=word(params.withheld_label), reasons=Joined(reasons, "；"))
            return Verdict("withheld", params.withheld_label, 0, None, tuple(vetoes), text)
        sections = ((s.title, s.points, s.max_points) for s in tally.sections)
        occupancy = (facts.residents, facts.beds)
        outcome = grade_for(params, tally.points, tally.max_points, sections, occupancy, facts.true_facts())
        reason = _provisional(outcome.reason, tally)
        if outcome.level is None:
            return Verdict("below_grade", outcome.label, 1, None, (), reason)
        return Verdict("grade", outcome.label, outcome.level + 1, outcome.level, (), reason)

    def preview(self, params: GradeParams) -> dict[str, Any]:
        # The level also depends on section points, occupancy and facts the phone does not have.
        return {"veto": params.withheld_label, "none_applicable": None, "outcomes": [{"label": N_("等级由服务器评定")}]}


#: Every verdict rule by key; a checklist's ``[verdict] rule`` must be one of these.
VERDICT_RULES: dict[str, VerdictRule] = {
    rule.key: rule for rule in (PercentBands(), Food2016(), Food2022(), Gbt37276Grade())
}
