"""How long a published grade stands and when its certificate lapses (DOMAIN §14.2–§14.3: 3 years in the 2018 draft
standard, not verified; the figure is the province's ``validity_years``). Pure: no Flask, no DB."""

from __future__ import annotations

from datetime import date, timedelta

from inspection.campaign.eligibility import add_months


def valid_until(valid_from: date, years: int) -> date:
    """Return the last day a grade published on `valid_from` stands: `years` years later, the day before
    (2026-12-05 for 3 years: 2029-12-04; a 29 February start ends on 27 February)."""
    return add_months(valid_from, 12 * years) - timedelta(days=1)


def is_expired(last_day: date, today: date) -> bool:
    """Return True once `today` is after the grade's last day."""
    return today > last_day


def expires_soon(last_day: date, today: date, warning_days: int) -> bool:
    """Return True while the grade still stands on `today` and its last day is at most `warning_days` days away (the
    re-grading window the coverage page warns of)."""
    return not is_expired(last_day, today) and (last_day - today).days <= warning_days


def is_downgrade(previous_level: int, new_level: int) -> bool:
    """Return True when a re-grading's level is below the grade it replaces (its plaque is then returned)."""
    return new_level < previous_level
