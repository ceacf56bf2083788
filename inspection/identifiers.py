"""Validation of identifiers people type: 统一社会信用代码 and phone numbers. Pure: no Flask."""

import re

from inspection.i18n import N_, Message

#: GB 32100-2015 code alphabet: digits and capitals without I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")


class IdentifierError(ValueError):
    """A typed identifier is malformed; the message (a `Message`) says what is wrong."""


def uscc_check_character(first17: str) -> str:
    """Return the 18th (check) character of a 统一社会信用代码 for its first 17 characters."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(raw: str) -> str:
    """Return the 统一社会信用代码 in canonical form, or raise IdentifierError saying why it is wrong."""
    code = raw.strip().upper().replace(" ", "")
    if len(code) != 18:
        raise IdentifierError(Message(N_("统一社会信用代码应为18位，当前为%(length)s位"), length=len(code)))
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        raise IdentifierError(
            Message(
                N_("统一社会信用代码含有不允许的字符：%(characters)s（不使用 I、O、Z、S、V）"), characters="".join(bad)
            )
        )
    if not code[2:8].isdigit():
        raise IdentifierError(N_("统一社会信用代码第3–8位应为行政区划码（数字）"))
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise IdentifierError(
            Message(N_("统一社会信用代码校验位错误：最后一位应为 %(expected)s，请核对"), expected=expected)
        )
    return code


def normalize_phone(raw: str) -> str:
    """Return a mobile (11 digits) or landline (区号-号码) number, or raise IdentifierError."""
    phone = re.sub(r"[\s()（）]", "", raw.strip())
    if phone.startswith("+86"):
        phone = phone[3:]
    if _MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone):
        return phone
    raise IdentifierError(N_("电话号码格式不正确：手机号为11位（1开头），座机为区号-号码，如 0350-1234567"))
