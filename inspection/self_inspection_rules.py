"""What a facility's self-inspection (隐患自查自改) tells the officials: pure rules, no Flask, no database.

民发〔2023〕37号 has facilities inspect themselves first and 民政 and 消防 inspect after (DOMAIN §4.3). An item the
officials fail that the facility's own recent self-inspection passed or skipped is a *gap*: the self-inspection
missed or hid it. Honest self-inspection is what the rules reward, so the gap count is shown beside the results.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from inspection.i18n import N_, labelled

#: The standings whose checklists a facility runs on itself: fire, food and service safety (not the grading).
SELF_CHECKED_KINDS = frozenset({"fire", "food", "service"})

#: How many days before an official inspection a self-inspection still counts, unless configured
#: (``SELF_INSPECTION_WINDOW_DAYS``).
WINDOW_DAYS = 90

#: What a self-inspection said about an item it covered but left unanswered (not applicable by the facility's facts).
SKIPPED = "skipped"

SELF_RESULT_LABELS = labelled(
    "self_result", {"pass": N_("合格"), "fail": N_("不合格"), "na": N_("不适用"), SKIPPED: N_("未检查")}
)

#: The self-inspection's answers that make an official failure a gap.
_GAP_RESULTS = frozenset({"pass", "na", SKIPPED})


@dataclass(frozen=True)
class SelfResult:
    """What the facility's latest self-inspection within the window said about one item."""

    item_code: str
    #: "pass", "fail", "na", or SKIPPED.
    result: str
    inspected_on: date
    inspection_id: int


def window_start(official_on: date, window_days: int) -> date:
    """Return the first day a self-inspection counts for an official inspection of `official_on`."""
    return official_on - timedelta(days=max(0, window_days))


def counts_for(self_on: date, official_on: date, window_days: int) -> bool:
    """Return True if a self-inspection of `self_on` is within the window before an official one of `official_on`
    (on the same day too: a facility may check itself the morning the officials come)."""
    return window_start(official_on, window_days) <= self_on <= official_on


def is_gap(official_result: str, self_result: SelfResult | None) -> bool:
    """Return True if the officials failed an item the facility's self-inspection passed or skipped."""
    return official_result == "fail" and self_result is not None and self_result.result in _GAP_RESULTS


def quarter_start(day: date) -> date:
    """Return the first day of the calendar quarter `day` lies in."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
