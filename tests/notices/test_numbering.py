"""文号 formatting and parsing (DOMAIN §15.2: no leading zeros; old padded numbers still read)."""

import re

import pytest

from inspection.notices.numbering import NoticeNumber, format_number, parse_number


def test_format_matches_domain_example() -> None:
    assert format_number("五", "民", "整", 2026, 12) == "五民整〔2026〕12号"


@pytest.mark.parametrize("seq", [1, 9, 10, 99, 999, 1000, 12345])
def test_sequence_has_no_leading_zeros(seq: int) -> None:
    assert re.fullmatch(r"五民整〔\d{4}〕[1-9]\d*号", format_number("五", "民", "整", 2026, seq))


@pytest.mark.parametrize(
    ("county", "dept", "kind", "year", "seq"),
    [("五", "民养", "整", 2026, 12), ("五", "消", "复", 2027, 1), ("五寨", "市监", "整", 2026, 1000)],
)
def test_parse_inverts_format(county: str, dept: str, kind: str, year: int, seq: int) -> None:
    text = format_number(county, dept, kind, year, seq)
    parsed = parse_number(text, county_short=county)
    assert parsed == NoticeNumber(county, dept, kind, year, seq)
    assert str(parsed) == text


def test_parse_without_county_takes_first_character() -> None:
    assert parse_number(" 五民整〔2026〕12号 ") == NoticeNumber("五", "民", "整", 2026, 12)


def test_numbers_issued_padded_before_still_parse() -> None:
    assert parse_number("五民养整〔2026〕012号") == NoticeNumber("五", "民养", "整", 2026, 12)


@pytest.mark.parametrize(
    "text",
    [
        "五民养整[2026]012号",  # ASCII brackets
        "五民养整〔26〕012号",  # two-digit year
        "五民养整〔2026〕012",  # no 号
        "〔2026〕012号",  # no prefix
        "五整〔2026〕012号",  # no department
        "五民养整〔2026〕0012号",  # zero-padded beyond the old three digits
        "五民整〔2026〕01号",  # zero-padded, and not an old three-digit number either
        "五民整〔2026〕0号",  # no sequence number 0
    ],
)
def test_parse_rejects_malformed_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_rejects_wrong_county() -> None:
    with pytest.raises(ValueError, match="county"):
        parse_number("五民养整〔2026〕012号", county_short="忻")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "民", "整", 2026, 1), "county_short"),
        (("五", "民1", "整", 2026, 1), "dept_short"),
        (("五", "民", "整改", 2026, 1), "one character"),
        (("五", "民", "整", 26, 1), "four digits"),
        (("五", "民", "整", 2026, 0), "at least 1"),
    ],
)
def test_format_rejects_bad_parts(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        format_number(*args)
