import pytest

from inspection.identifiers import IdentifierError, normalize_phone, normalize_uscc, uscc_check_character

# A code whose check character is computed by hand from GB 32100-2015 (weights 1,3,9,27,…; mod 31).
VALID = "91350100M000100Y43"


def test_a_valid_code_is_accepted_and_normalised():
    assert normalize_uscc(" 91350100m000100y43 ") == VALID


def test_the_check_character_is_computed_from_the_first_17():
    assert uscc_check_character(VALID[:17]) == VALID[17]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100Y44", "校验位错误：最后一位应为 3"),
        ("91350100M0001O0Y43", "不允许的字符：O"),
        ("913501A0M000100Y43", "行政区划码"),
    ],
)
def test_a_wrong_code_is_refused_with_a_clear_message(code, message):
    with pytest.raises(IdentifierError, match=message):
        normalize_uscc(code)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0350-4721234", "0350-4721234"),
        ("03504721234", "03504721234"),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "23800138000", "1380013800a", "0350-12"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(IdentifierError, match="电话号码格式不正确"):
        normalize_phone(raw)
