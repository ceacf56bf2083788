"""Scoring explanations and criterion codes as people read them (inspection/wording.py, no app)."""

import pytest

from inspection.checklists.schema import FACILITY_FACTS
from inspection.wording import FACT_WORDS, chinese_number, criterion_words, in_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("得分率 85.0% ≥ 80% → 良好", "得分率 85.0% 不低于 80%，结论：良好"),
        ("未达一级：总分 523 < 570；入住率 40.0% < 50%", "未达一级：总分 523 低于 570；入住率 40.0% 低于 50%"),
        ("不具备前置条件 offers_ten_services, has_medical_unit", "不具备前置条件 提供十项基本服务, 设有内设医疗机构"),
        ("一票否决：MH-4-3", "一票否决：重大事故隐患判定标准第四条（三）"),
        (
            "重点项不符合 1 项（允许 2），一般项不符合 0 项（允许 5）",
            "重点项不符合 1 项（允许 2），一般项不符合 0 项（允许 5）",
        ),
    ],
)
def test_explanations_read_as_words(text, words):
    assert in_words(text) == words
    assert not any(sign in in_words(text) for sign in "→≥<")


def test_criteria_are_named_by_article_and_clause():
    assert criterion_words("MH-5-12") == "重大事故隐患判定标准第五条（十二）"
    assert criterion_words("MH-10-1") == "重大事故隐患判定标准第十条（一）"
    assert [chinese_number(n) for n in (1, 10, 11, 20, 22)] == ["一", "十", "十一", "二十", "二十二"]


def test_every_facility_fact_has_words():
    assert set(FACT_WORDS) == set(FACILITY_FACTS)
