"""The 公示 of a committee decision, as pure rules: its working-day period, its states, what clears it, and the
contacts an objection may give."""

from datetime import date

import pytest

from inspection.campaign.publicity import (
    PublicityPeriod,
    PublicityState,
    normalised_contact,
    publicity_cleared,
    publicity_period,
    publicity_state,
)
from inspection.campaign.rules import load_rules

FRIDAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("recorded_on", "days", "starts_on", "ends_on"),
    [
        # recorded on a Friday: the period starts on Monday and runs Monday to Friday
        (FRIDAY, 5, date(2026, 12, 7), date(2026, 12, 11)),
        # recorded on a Monday: Tuesday to the next Monday, across the weekend
        (date(2026, 12, 7), 5, date(2026, 12, 8), date(2026, 12, 14)),
        # recorded on a Saturday or Sunday: as on the Friday before
        (date(2026, 12, 5), 5, date(2026, 12, 7), date(2026, 12, 11)),
        (date(2026, 12, 6), 1, date(2026, 12, 7), date(2026, 12, 7)),
        # recorded on a Wednesday, 7 days: Thursday, Friday, Monday … Friday minus two
        (date(2026, 12, 2), 7, date(2026, 12, 3), date(2026, 12, 11)),
        # across a year end
        (date(2026, 12, 31), 5, date(2027, 1, 1), date(2027, 1, 7)),
    ],
)
def test_the_period_counts_working_days_from_the_next_working_day(recorded_on, days, starts_on, ends_on):
    assert publicity_period(recorded_on, days) == PublicityPeriod(starts_on, ends_on)


def test_a_period_needs_a_day():
    with pytest.raises(ValueError, match="at least 1"):
        publicity_period(FRIDAY, 0)


def test_the_shipped_rules_give_five_working_days():
    assert load_rules("shanxi").campaign.publicity_working_days == 5


def test_objections_are_taken_from_the_recording_to_the_periods_last_day():
    period = publicity_period(FRIDAY, 5)
    assert period.takes_objections(FRIDAY, FRIDAY)  # published at once, before the period's first day
    assert period.takes_objections(FRIDAY, date(2026, 12, 11))
    assert not period.takes_objections(FRIDAY, date(2026, 12, 12))
    assert not period.takes_objections(FRIDAY, date(2026, 12, 3))


ENDS = date(2026, 12, 11)


@pytest.mark.parametrize(
    ("ends_on", "today", "pending", "upheld", "state", "cleared"),
    [
        (ENDS, date(2026, 12, 7), 0, 0, PublicityState.IN_PUBLICITY, False),
        (ENDS, ENDS, 2, 0, PublicityState.IN_PUBLICITY, False),
        (ENDS, date(2026, 12, 12), 1, 0, PublicityState.OBJECTIONS_PENDING, False),
        (ENDS, date(2026, 12, 12), 0, 0, PublicityState.CLEARED, True),
        (ENDS, date(2027, 6, 1), 0, 0, PublicityState.CLEARED, True),
        (ENDS, date(2026, 12, 12), 0, 1, PublicityState.REOPENED, False),
        (None, date(2026, 12, 12), 0, 1, PublicityState.REOPENED, False),
        (None, date(2026, 12, 12), 0, 0, None, False),
    ],
)
def test_states_and_what_clears(ends_on, today, pending, upheld, state, cleared):
    assert publicity_state(ends_on, today, pending=pending, upheld=upheld) == state
    assert publicity_cleared(ends_on, today, pending=pending, upheld=upheld) is cleared


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "+8613812345678"),
        ("0350-6612345", "0350-6612345"),
        ("zhang.san@example.cn", "zhang.san@example.cn"),
        ("12345678901", None),  # no mobile number starts with 12
        ("1381234567", None),  # ten digits
        ("someone@localhost", None),
        ("张三", None),
        ("", None),
    ],
)
def test_a_contact_is_a_phone_number_or_an_email_address(typed, kept):
    assert normalised_contact(typed) == kept
