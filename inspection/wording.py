"""Texts built from rules and codes, as a person reads them: a scoring explanation without arrows and comparison
signs, a facility fact by its name, a major-hazard criterion by its article and clause. Pure: no Flask.

The scoring engine writes its explanations (`decided_by`) in a compact notation ("得分率 85.0% ≥ 80% → 良好",
"总分 523 < 570") that the API and exports keep; pages show `in_words` of it. The words are marked for the
catalogue: given a `gettext` (the web's), they come in the reader's language; without one, as written, in Chinese.
"""

import re
from collections.abc import Callable

from inspection.i18n import N_

#: Translates a msgid (``flask_babel.gettext``).
Gettext = Callable[[str], str]

#: The facility facts checklist rules name (checklists.schema.FACILITY_FACTS), as the facility register says them.
FACT_WORDS = {
    "has_canteen": N_("设有食堂"),
    "no_canteen": N_("未设食堂"),
    "has_medical_unit": N_("设有内设医疗机构"),
    "no_medical_unit": N_("未设内设医疗机构"),
    "has_special_equipment": N_("有特种设备"),
    "no_special_equipment": N_("没有特种设备"),
    "has_campus_roads": N_("有院区或内部道路"),
    "no_campus_roads": N_("没有院区或内部道路"),
    "is_key_fire_unit": N_("属消防安全重点单位"),
    "not_key_fire_unit": N_("不属消防安全重点单位"),
    "offers_ten_services": N_("提供十项基本服务"),
}

_NUMERALS = "零一二三四五六七八九十"
#: A major-hazard criterion code of 养老机构重大事故隐患判定标准 (2023): MH-<article>-<clause>.
_CRITERION = re.compile(r"\bMH-(\d{1,2})-(\d{1,2})\b")
#: A criterion by article and clause: Chinese numerals as the standard numbers them, digits in a translation.
CRITERION_WORDS = N_("重大事故隐患判定标准第%(article)s条（%(clause)s）")
#: Each sign of the compact notation, the words it reads as, and how they stand in the sentence.
_SIGNS = (
    (re.compile(r"\s*→\s*"), N_("，结论："), "{}"),
    (re.compile(r"\s*≥\s*"), N_("不低于"), " {} "),
    (re.compile(r"\s*<\s*"), N_("低于"), " {} "),
)


def _as_written(message: str) -> str:
    return message


def chinese_number(n: int) -> str:
    """Return 1–99 in Chinese numerals, as articles and clauses are numbered (第十二条, （三）)."""
    tens, ones = divmod(n, 10)
    if not tens:
        return _NUMERALS[ones]
    return f"{_NUMERALS[tens] if tens > 1 else ''}十{_NUMERALS[ones] if ones else ''}"


def criterion_words(code: str, gettext: Gettext = _as_written) -> str:
    """Return a major-hazard criterion by article and clause ("MH-4-3" → 重大事故隐患判定标准第四条（三）, in English
    "Major Accident Hazard Criteria, Art. 4 (3)"); any other text unchanged."""
    template = gettext(CRITERION_WORDS)
    number = chinese_number if template == CRITERION_WORDS else str
    return _CRITERION.sub(lambda m: template % {"article": number(int(m[1])), "clause": number(int(m[2]))}, code)


def in_words(text: str, gettext: Gettext = _as_written) -> str:
    """Return a scoring explanation with its signs as words, fact names and criterion codes by their names."""
    for sign, words, spacing in _SIGNS:
        replacement = spacing.format(gettext(words))
        text = sign.sub(lambda _match, replacement=replacement: replacement, text)
    for fact, words in FACT_WORDS.items():
        replacement = gettext(words)
        text = re.sub(rf"\b{fact}\b", lambda _match, replacement=replacement: replacement, text)
    return criterion_words(text, gettext)
