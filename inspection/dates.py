"""Which day an inspection may carry, and which result is a facility's standing on a given day. Pure: no Flask, no
database; "today" is always a parameter.

An inspection is planned for a day from EARLIEST_INSPECTION up to a configured number of days after today
(``PLAN_DAYS_AHEAD``); a person planning plans from today on, or records an inspection already done (补录), which is
marked as such; its result is recorded (submitted) only once that day has come, so a result never lies in the
future. A standing is the latest result on or before today: one dated later (older data may hold one) never holds.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from inspection.i18n import N_, Message

#: No inspection is dated before this day. Facilities hold no register (opening) date yet; when they do, the later
#: of the two is the bound.
EARLIEST_INSPECTION = date(2000, 1, 1)
#: How many days after today an inspection may be planned for, unless configured (``PLAN_DAYS_AHEAD``).
PLAN_DAYS_AHEAD = 366


@dataclass(frozen=True)
class DateRange:
    """The days from `first` to `last`, both included."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def __str__(self) -> str:
        return f"{self.first.isoformat()} 至 {self.last.isoformat()}"


def _days_after(today: date, days: int) -> date:
    try:
        return today + timedelta(days=max(0, days))
    except OverflowError:
        return date.max


def planning_range(today: date, days_ahead: int = PLAN_DAYS_AHEAD) -> DateRange:
    """Return the days an inspection may be planned for: EARLIEST_INSPECTION to `days_ahead` days after today."""
    return DateRange(EARLIEST_INSPECTION, _days_after(today, days_ahead))


def recording_range(today: date) -> DateRange:
    """Return the days an inspection's result may be recorded (submitted) for: EARLIEST_INSPECTION to today."""
    return DateRange(EARLIEST_INSPECTION, max(today, EARLIEST_INSPECTION))


def planning_problem(
    day: date, today: date, days_ahead: int = PLAN_DAYS_AHEAD, *, after_the_fact: bool | None = None
) -> str | None:
    """Return why an inspection may not be planned for `day`, or None when it may.

    :param after_the_fact: what a person planning says: False, a plan (today or later); True, the record of an
        inspection already done (补录: today or earlier). None when nobody says (history brought in, a phone's
        spot check synced days after it was made): then only the outer range holds.
    """
    allowed = planning_range(today, days_ahead)
    if day not in allowed:
        return Message(N_("检查日期应在 %(first)s 至 %(last)s 之间"), first=allowed.first, last=allowed.last)
    if after_the_fact is False and day < today:
        return Message(
            N_("检查日期 %(day)s 已过，不能安排；如是补录已完成的检查，请勾选“补录已完成的检查”"), day=day.isoformat()
        )
    if after_the_fact and day > today:
        return Message(N_("补录的是已完成的检查，检查日期不能晚于今天（%(today)s）"), today=today.isoformat())
    return None


def recording_problem(day: date, today: date) -> str | None:
    """Return why the result of an inspection of `day` may not be recorded today (the allowed range), or None."""
    allowed = recording_range(today)
    if day in allowed:
        return None
    if day > today:
        return Message(
            N_("检查日期 %(day)s 尚未到来，到当天才能提交结果（允许 %(first)s 至 %(last)s）"),
            day=day.isoformat(),
            first=allowed.first,
            last=allowed.last,
        )
    return Message(N_("检查日期应在 %(first)s 至 %(last)s 之间"), first=allowed.first, last=allowed.last)


def holds_on(decided_on: date, today: date) -> bool:
    """Return True if a result of `decided_on` may be a standing on `today` (it is not dated in the future)."""
    return decided_on <= today


def replaces_standing(held_on: date | None, result_on: date, today: date) -> bool:
    """Return True if a result of `result_on` becomes the standing held since `held_on` (None: none yet).

    The latest result on or before today is the standing; on the same day the later recorded one. A result dated
    after today never becomes it, and a standing dated after today (left by older data) gives way to any result.
    """
    if not holds_on(result_on, today):
        return False
    return held_on is None or not holds_on(held_on, today) or held_on <= result_on
