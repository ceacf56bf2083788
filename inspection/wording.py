"""Texts built from rules and codes, as a person reads them: a scoring explanation without arrows and comparison
signs, a facility fact by its name, a major-hazard criterion by its article and clause. Pure: no Flask.

The scoring engine writes its explanations (`decided_by`) in a compact notation ("得分率 85.0% ≥ 80% → 良好",
"总分 523 < 570") that the API and exports keep; pages show `in_words` of it. Every text is Chinese, as the
engine's are.
"""

import re

#: The facility facts checklist rules name (checklists.schema.FACILITY_FACTS), as the facility register says them.
FACT_WORDS = {
    "has_canteen": "设有食堂",
    "no_canteen": "未设食堂",
    "has_medical_unit": "设有内设医疗机构",
    "no_medical_unit": "未设内设医疗机构",
    "has_special_equipment": "有特种设备",
    "no_special_equipment": "没有特种设备",
    "has_campus_roads": "有院区或内部道路",
    "no_campus_roads": "没有院区或内部道路",
    "is_key_fire_unit": "属消防安全重点单位",
    "not_key_fire_unit": "不属消防安全重点单位",
    "offers_ten_services": "提供十项基本服务",
}

_NUMERALS = "零一二三四五六七八九十"
#: A major-hazard criterion code of 养老机构重大事故隐患判定标准 (2023): MH-<article>-<clause>.
_CRITERION = re.compile(r"\bMH-(\d{1,2})-(\d{1,2})\b")
_SIGNS = (
    (re.compile(r"\s*→\s*"), "，结论："),
    (re.compile(r"\s*≥\s*"), " 不低于 "),
    (re.compile(r"\s*<\s*"), " 低于 "),
)


def chinese_number(n: int) -> str:
    """Return 1–99 in Chinese numerals, as articles and clauses are numbered (第十二条, （三）)."""
    tens, ones = divmod(n, 10)
    if not tens:
        return _NUMERALS[ones]
    return f"{_NUMERALS[tens] if tens > 1 else ''}十{_NUMERALS[ones] if ones else ''}"


def criterion_words(code: str) -> str:
    """Return a major-hazard criterion by article and clause ("MH-4-3" → 重大事故隐患判定标准第四条（三）); any other
    text unchanged."""
    return _CRITERION.sub(
        lambda m: f"重大事故隐患判定标准第{chinese_number(int(m[1]))}条（{chinese_number(int(m[2]))}）", code
    )


def in_words(text: str) -> str:
    """Return a scoring explanation with its signs as words, fact names and criterion codes by their names."""
    for sign, words in _SIGNS:
        text = sign.sub(words, text)
    for fact, words in FACT_WORDS.items():
        text = re.sub(rf"\b{fact}\b", words, text)
    return criterion_words(text)
