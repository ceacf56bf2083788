"""The 公示 of a 评定委员会 decision (DOMAIN §14.3: 等级评定和公示): when it runs, and where it stands. Pure: no Flask,
no DB.

- **Period.** The decided level is on the public site from the moment the decision is recorded. The 公示 period
  counts from the first working day *after* that day, so that a decision recorded late on a Friday still gets its
  full days: `publicity_working_days` (the rules' figure, default 5) working days, the last one included.
- **Working days** are Monday to Friday. Public holidays and the weekend days worked in their place (调休) are not
  counted: an unverified simplification, said on the public page.
- **Objections** (异议) are taken from the decision's recording until the end of the period's last day. The 公示 is
  *cleared* once that day has passed with no objection pending and none upheld; an upheld objection sends the
  case back (to the on-site assessment or to the committee) and its next decision starts a new period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from inspection.i18n import N_, labelled

#: A mainland mobile number (11 digits from 13…19), or a fixed line with its area code (0xx(x)-xxxxxxx(x)).
_PHONE = re.compile(r"(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")
#: Monday … Friday (``date.weekday()``).
WORKING_WEEKDAYS = frozenset(range(5))


class PublicityState(StrEnum):
    """Where a decision's 公示 stands."""

    IN_PUBLICITY = "in_publicity"  # the period runs (or starts the next working day): objections are taken
    OBJECTIONS_PENDING = "objections_pending"  # the period is over, an objection awaits its review
    CLEARED = "cleared"  # over, nothing pending or upheld: the level may be published (step 6)
    REOPENED = "reopened"  # an objection was upheld: the case went back; no decision stands


PUBLICITY_STATE_LABELS = labelled(
    "publicity_state",
    {
        PublicityState.IN_PUBLICITY: N_("公示中"),
        PublicityState.OBJECTIONS_PENDING: N_("公示期满，异议待处理"),
        PublicityState.CLEARED: N_("公示期满，无异议"),
        PublicityState.REOPENED: N_("异议成立，已退回重新评审"),
    },
)

#: The states in which the 公示 is not over yet: the application's stage is `Stage.PUBLICITY`.
NOT_CLEARED_YET = frozenset({PublicityState.IN_PUBLICITY, PublicityState.OBJECTIONS_PENDING})


@dataclass(frozen=True)
class PublicityPeriod:
    """A 公示 period: its first and last working day, both included."""

    starts_on: date
    ends_on: date

    def takes_objections(self, recorded_on: date, today: date) -> bool:
        """Return True if an objection may be submitted on `today`, the decision having been recorded on
        `recorded_on`: from that day to the end of the period's last day."""
        return recorded_on <= today <= self.ends_on


def is_working_day(day: date) -> bool:
    """Return True on Monday to Friday (public holidays are not known: see the module's note)."""
    return day.weekday() in WORKING_WEEKDAYS


def next_working_day(day: date) -> date:
    """Return the first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def publicity_period(recorded_on: date, working_days: int) -> PublicityPeriod:
    """Return the 公示 period of a decision recorded on `recorded_on`: `working_days` working days from the first
    working day after it.

    :raises ValueError: `working_days` is below 1.
    """
    if working_days < 1:
        raise ValueError(f"working_days must be at least 1, got {working_days}")
    starts_on = ends_on = next_working_day(recorded_on)
    for _ in range(working_days - 1):
        ends_on = next_working_day(ends_on)
    return PublicityPeriod(starts_on, ends_on)


def publicity_state(ends_on: date | None, today: date, *, pending: int, upheld: int) -> PublicityState | None:
    """Return where a decision's 公示 stands on `today`.

    :param ends_on: the last day of the current decision's period; None when no decision stands.
    :param pending: objections awaiting review.
    :param upheld: objections upheld against the current decision, or (without one) against the last decision.
    :return: None when there never was a decision (or it went back with no objection upheld).
    """
    if ends_on is None:
        return PublicityState.REOPENED if upheld else None
    if upheld:
        return PublicityState.REOPENED
    if today <= ends_on:
        return PublicityState.IN_PUBLICITY
    return PublicityState.OBJECTIONS_PENDING if pending else PublicityState.CLEARED


def publicity_cleared(ends_on: date | None, today: date, *, pending: int, upheld: int) -> bool:
    """Return True if a decided level may be published on `today`: its 公示 ended (`ends_on` has passed) with no
    objection pending (`pending`) and none upheld (`upheld`) against the decision. False without a period."""
    return publicity_state(ends_on, today, pending=pending, upheld=upheld) == PublicityState.CLEARED


def normalised_contact(text: str) -> str | None:
    """Return `text` as a contact the reviewer can use (a phone number without spaces or hyphens between digit
    groups, other than the area code's; or an e-mail address), or None when it is neither."""
    text = text.strip()
    if _EMAIL.fullmatch(text) and len(text) <= 100:
        return text
    phone = re.sub(r"[\s()]", "", text)
    if _PHONE.fullmatch(phone):
        return phone
    mobile = phone.replace("-", "")  # 138-1234-5678
    return mobile if _PHONE.fullmatch(mobile) else None
