"""Plain data printed on a 食品经营监督检查结果记录表 (the result record of a food inspection, 总局令第49号).

The record states the result (符合 / 基本符合 / 不符合) in the words of the verdict, the failed items with the finding
and where it was seen, the measure that follows (当场整改 / 调查处理, 第32–33条), the inspectors and the date; the
operator signs it (第34条) and displays it at the premises until the next inspection (DOMAIN §5.2). Like a notice's
context it holds only strings, dates and tuples, and `inspection.notices.pdf` renders it with its own template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Final

from inspection.notices import context as ctx

TITLE: Final = "食品经营监督检查结果记录表"
#: The three results of 第32–33条 by the food rule's verdict code, in the order the record prints them (the one
#: found ticked): the record uses the regulation's words whatever labels a checklist file gives its verdicts.
RESULT_WORDS: Final = {"compliant": "符合", "basically_compliant": "基本符合", "non_compliant": "不符合"}
RESULTS: Final = tuple(RESULT_WORDS.values())
#: The measures of 第32–33条, in the order the record prints them.
MEASURES: Final = ("当场整改", "调查处理")
#: Why the record is displayed, printed under the result (总局令第49号, DOMAIN §5.2).
DISPLAY_NOTE: Final = "本记录表应当张贴或者公示在经营场所醒目位置，保持至下次监督检查。"


@dataclass(frozen=True)
class FailedItem:
    """One item the facility did not meet: the checklist item, the finding and where it was seen."""

    item: str  #: item code and requirement, e.g. "C7 冷藏设施温度符合要求"
    finding: str
    location: str
    item_class: ctx.HazardClass
    affects_food_safety: bool


@dataclass(frozen=True)
class FoodResultContext:
    """Everything printed on one result record."""

    authority: str  #: the 市场监管 department that inspected
    number: str  #: 文号
    issued_on: date
    facility: ctx.Facility
    inspection: ctx.InspectionInfo
    inspection_basis: str
    result: str  #: one of RESULTS
    explanation: str  #: the verdict's own words (what decided it)
    measure: str  #: one of MEASURES, or "" when nothing failed
    failed: tuple[FailedItem, ...]
    verification_url: str
    facility_signature: ctx.FacilitySignature = field(default_factory=ctx.FacilitySignature)

    kind: ClassVar[ctx.NoticeKind] = ctx.NoticeKind.FOOD_RESULT
    title: ClassVar[str] = TITLE
    result_choices: ClassVar[tuple[str, ...]] = RESULTS
    measure_choices: ClassVar[tuple[str, ...]] = MEASURES
    display_note: ClassVar[str] = DISPLAY_NOTE
    #: The record has no photo appendix; the renderer reads this as it does a notice's photos.
    photos: ClassVar[tuple[ctx.Photo, ...]] = ()

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"result must be one of {RESULTS}, not {self.result!r}")
        if self.measure not in ("", *MEASURES):
            raise ValueError(f"measure must be one of {MEASURES} or empty, not {self.measure!r}")
        if (self.result == RESULTS[0]) != (not self.failed):
            raise ValueError("a record is 符合 exactly when no item failed")
        if bool(self.measure) != bool(self.failed):
            raise ValueError("a measure is stated exactly when an item failed")

    @property
    def authorities(self) -> tuple[str, ...]:
        """Return the issuing department as the shared signature block reads it."""
        return (self.authority,)

    @property
    def document_title(self) -> str:
        """Return the PDF metadata title: 文号 followed by the title."""
        return f"{self.number} {self.title}"
