"""The ranking rule and the trend, on plain data (no app)."""

from decimal import Decimal

import pytest

from inspection.scoring.rankings import (
    GradingPoint,
    RankGroup,
    RankInput,
    TrendDirection,
    grade_trend,
    group_reason,
    rank_facilities,
    rank_group,
)


def row(fid, name, *, code="grade", grade=2, score="500", reviewed=True, major=0, blacklisted=False, eligible=True):
    return RankInput(
        facility_id=fid,
        name=name,
        grade_code=code,
        grade=grade if code == "grade" else None,
        grade_score=None if score is None else Decimal(score),
        reviewed=reviewed,
        open_major_hazards=major,
        blacklisted=blacklisted,
        eligible=eligible,
    )


def names(rows):
    return [r.name for _, r in rank_facilities(rows)]


def test_the_higher_grade_ranks_first_whatever_the_score():
    assert names([row(1, "甲", grade=2, score="590"), row(2, "乙", grade=3, score="571")]) == ["乙", "甲"]


def test_at_the_same_grade_the_higher_score_ranks_first():
    assert names([row(1, "甲", score="480"), row(2, "乙", score="520")]) == ["乙", "甲"]


def test_at_the_same_grade_and_score_fewer_open_major_hazards_rank_first():
    assert names([row(1, "甲", major=2), row(2, "乙", major=0), row(3, "丙", major=1)]) == ["乙", "丙", "甲"]


def test_a_full_tie_is_broken_by_name_by_code_point_then_id():
    assert "乙" < "甲"  # U+4E59 < U+7532: code-point order, the same on SQLite and PostgreSQL (COLLATE "C")
    ranked = rank_facilities([row(3, "乙"), row(2, "甲"), row(1, "乙")])
    assert [(rank, r.facility_id) for rank, r in ranked] == [(1, 1), (2, 3), (3, 2)]


def test_ranks_are_consecutive_with_no_shared_places():
    ranked = rank_facilities([row(i, "同名") for i in range(5)])
    assert [rank for rank, _ in ranked] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("kwargs", "group"),
    [
        ({}, RankGroup.GRADED),
        ({"code": "below_grade"}, RankGroup.BELOW_GRADE),
        ({"reviewed": False}, RankGroup.PENDING),
        ({"code": None, "score": None}, RankGroup.UNRATED),
        ({"code": "withheld"}, RankGroup.WITHHELD),
        ({"code": "withheld", "reviewed": False}, RankGroup.WITHHELD),
        ({"blacklisted": True, "grade": 5}, RankGroup.BLACKLISTED),
        ({"blacklisted": True, "code": "withheld"}, RankGroup.BLACKLISTED),
        ({"eligible": False, "grade": 5, "score": "950"}, RankGroup.NOT_ELIGIBLE),
        ({"eligible": False, "blacklisted": True}, RankGroup.NOT_ELIGIBLE),
    ],
)
def test_each_special_case_falls_in_its_group(kwargs, group):
    assert rank_group(row(1, "甲", **kwargs)) == group


def test_the_groups_come_in_the_documented_order():
    rows = [
        row(1, "失信五级", grade=5, score="950", blacklisted=True),
        row(2, "暂缓", code="withheld", score="700"),
        row(3, "未评定", code=None, score=None),
        row(4, "待审核五级", grade=5, score="960", reviewed=False),
        row(5, "未达", code="below_grade", score="300"),
        row(6, "一级", grade=1, score="400"),
    ]
    assert names(rows) == ["一级", "未达", "待审核五级", "未评定", "暂缓", "失信五级"]


def test_grade_and_score_do_not_order_the_pending_withheld_or_blacklisted_groups():
    rows = [
        row(1, "乙", reviewed=False, grade=5, score="990"),
        row(2, "甲", reviewed=False, grade=1, score="380", major=0),
        row(3, "丙", reviewed=False, grade=3, score="600", major=1),
    ]
    assert names(rows) == ["乙", "甲", "丙"]  # by open majors, then name


def test_below_grade_results_are_ordered_by_score():
    assert names([row(1, "甲", code="below_grade", score="300"), row(2, "乙", code="below_grade", score="350")]) == [
        "乙",
        "甲",
    ]


def test_a_facility_outside_the_grading_has_no_rank_and_follows_every_ranked_one():
    rows = [
        row(1, "日间照料中心", grade=5, score="990", eligible=False),
        row(2, "失信", blacklisted=True),
        row(3, "未评定", code=None, score=None),
        row(4, "村日间照料中心", code=None, score=None, eligible=False),
    ]
    assert [(rank, r.name) for rank, r in rank_facilities(rows)] == [
        (1, "未评定"), (2, "失信"), (None, "日间照料中心"), (None, "村日间照料中心"),
    ]  # fmt: skip
    assert "不参加等级评定" in group_reason(RankGroup.NOT_ELIGIBLE)


def test_the_reason_names_the_group_and_the_blacklist_ground():
    assert "失信" in group_reason(RankGroup.BLACKLISTED, blacklist_ground="重大火灾隐患逾期未改正")
    assert group_reason(RankGroup.WITHHELD, withheld_reason="暂缓评定：尚有 1 项") == "暂缓评定：尚有 1 项"
    assert group_reason(RankGroup.PENDING) and group_reason(RankGroup.GRADED) == ""


G = GradingPoint


@pytest.mark.parametrize(
    ("history", "direction", "change"),
    [
        ([], TrendDirection.NONE, 0),
        ([G("grade", 2, Decimal(500))], TrendDirection.NEW, 0),
        ([G("grade", 2, Decimal(500)), G("grade", 3, Decimal(600))], TrendDirection.UP, 1),
        ([G("grade", 3, Decimal(600)), G("grade", 2, Decimal(590))], TrendDirection.DOWN, -1),
        ([G("grade", 2, Decimal(500)), G("withheld", None, Decimal(520))], TrendDirection.DOWN, -3),
        ([G("below_grade", None, Decimal(300)), G("grade", 1, Decimal(400))], TrendDirection.UP, 1),
        ([G("grade", 2, Decimal(500)), G("grade", 2, Decimal(480))], TrendDirection.DOWN, 0),
        ([G("grade", 2, Decimal(500)), G("grade", 2, Decimal(500))], TrendDirection.SAME, 0),
    ],
)
def test_the_trend_compares_the_last_two_gradings(history, direction, change):
    trend = grade_trend(history)
    assert trend.direction == direction and trend.level_change == change


def test_the_trend_label_reads_naturally():
    assert grade_trend([G("grade", 3, None), G("grade", 2, None)]).label == "下降 1 级"
    assert grade_trend([G("grade", 2, Decimal(500)), G("grade", 2, Decimal("487.5"))]).label == "下降（-12.5 分）"
