"""How long a published grade stands (DOMAIN §14.2–§14.3: the rules' validity_years, 3 in the shipped file)."""

from datetime import date

from inspection.campaign.validity import expires_soon, is_downgrade, is_expired, valid_until
from inspection.services.campaign import campaign_rules


def test_a_grade_stands_until_the_day_before_its_anniversary():
    years = campaign_rules("shanxi").campaign.validity_years
    assert years == 3  # the 2018 draft's figure, flagged unverified in the file
    assert valid_until(date(2026, 12, 5), years) == date(2029, 12, 4)
    assert valid_until(date(2024, 2, 29), 1) == date(2025, 2, 27)  # no 29 February: the 28th is the anniversary
    assert valid_until(date(2026, 1, 1), 5) == date(2030, 12, 31)


def test_expiry_is_the_day_after_the_last_valid_day():
    last = date(2029, 12, 4)
    assert not is_expired(last, date(2029, 12, 4))
    assert is_expired(last, date(2029, 12, 5))


def test_the_warning_window_counts_only_grades_still_standing():
    last = date(2029, 12, 4)
    assert expires_soon(last, date(2029, 9, 5), 90) and not expires_soon(last, date(2029, 9, 4), 90)
    assert not expires_soon(last, date(2029, 12, 5), 90)  # lapsed: expired, not expiring


def test_a_lower_level_is_a_downgrade():
    assert is_downgrade(3, 2) and not is_downgrade(2, 2) and not is_downgrade(2, 3)
