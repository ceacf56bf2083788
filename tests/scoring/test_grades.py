"""The GB/T 37276 grade rule on the shipped grading scheme: both tests, preconditions, vetoes."""

from decimal import Decimal

from inspection.checklists import load_checklist_text, load_shipped
from inspection.scoring import Answer, AnswerResult, score
from tests.scoring.facts import make_facts

GRADING = load_shipped().checklists["grading_gbt37276"]


def deduct(points: int | Decimal) -> Answer:
    return Answer(AnswerResult.FAIL, deduction=points)


def assessed(**deductions: Answer) -> dict[str, Answer]:
    """Full marks everywhere except the given deductions (item codes with - for .)."""
    answers = {item.code: Answer(AnswerResult.PASS) for item in GRADING.items()}
    answers.update({code.replace("_", "-"): answer for code, answer in deductions.items()})
    return answers


def test_full_marks_with_every_precondition_is_grade_five():
    result = score(GRADING, assessed(), make_facts())
    assert (result.verdict, result.verdict_code, result.grade) == ("五级", "grade", 5)
    assert result.points == 1000 and "满足五级全部条件" in result.decided_by


def test_grading_results_are_always_unverified():
    assert score(GRADING, assessed(), make_facts()).unverified is True


def test_a_high_total_does_not_lift_a_section_below_the_floor():
    # 环境 55/120 = 45.8 % (< 50 % for 二级, ≥ 40 % for 一级); total 935 is far above 二级's 450.
    result = score(GRADING, assessed(ENV_REST=deduct(65)), make_facts())
    assert result.points == 935
    assert (result.verdict, result.grade) == ("一级", 1)
    assert "二级未达" in result.decided_by and "“环境”得分率 45.8% < 50%" in result.decided_by


def test_both_tests_are_reported_when_both_fail():
    answers = assessed(ENV_REST=deduct(70), FAC_ALL=deduct(77), OPS_ALL=deduct(89))
    answers.update({f"SVC-{n:02d}": deduct(35) for n in range(1, 11)})
    result = score(GRADING, answers, make_facts())
    assert result.points == 414 and result.grade == 1
    assert "二级未达：总分 414 < 450；“环境”得分率 41.7% < 50%" in result.decided_by


SMALL_SCHEME = """
code = "small"
title = "等级评定（测试）"
department = "mz"
verified = false
source_note = "test"

[verdict]
rule = "gbt37276_grade"
nominal_total = 10

[verdict.section_points]
env = 4
svc = 6

[[verdict.levels]]
level = 1
label = "一级"
min_total = 8
min_section_pct = 50
min_occupancy_pct = 0

[rectification_days]
major = 0
major_reinspect_within_days = 7
key = 15
general = 30

[[sections]]
code = "env"
title = "环境"

[[sections.items]]
code = "E1"
text = "环境"
method = "查看"
basis = "实施指南"
class = "general"
points = 4
na_allowed = false
photo_on_fail = false

[[sections]]
code = "svc"
title = "服务"

[[sections.items]]
code = "S1"
text = "服务"
method = "查看"
basis = "实施指南"
class = "general"
points = 6
na_allowed = false
photo_on_fail = false
"""


def test_the_total_test_binds_even_when_every_section_passes():
    scheme = load_checklist_text(SMALL_SCHEME, "small.toml", set())
    reached = score(scheme, {"E1": deduct(2), "S1": Answer(AnswerResult.PASS)}, make_facts())
    assert reached.grade == 1
    missed = score(scheme, {"E1": deduct(2), "S1": deduct(1)}, make_facts())
    assert missed.grade is None and missed.decided_by == "未达一级：总分 7 < 8"


def test_occupancy_precondition():
    assert score(GRADING, assessed(), make_facts(beds=100, residents=32)).grade == 1
    below = score(GRADING, assessed(), make_facts(beds=100, residents=20))
    assert (below.verdict, below.verdict_code, below.grade) == ("未达等级", "below_grade", None)
    assert "入住率 20.0% < 30%" in below.decided_by


def test_no_beds_means_no_grade():
    result = score(GRADING, assessed(), make_facts(beds=0, residents=0))
    assert result.verdict_code == "below_grade" and "床位数为0" in result.decided_by


def test_grade_five_requires_a_medical_unit():
    result = score(GRADING, assessed(), make_facts(has_medical_unit=False))
    assert result.grade == 4
    assert "五级未达：不具备前置条件 has_medical_unit" in result.decided_by


def test_every_grade_requires_the_ten_services():
    result = score(GRADING, assessed(), make_facts(offers_ten_services=False))
    assert result.verdict_code == "below_grade"


def test_blacklisted_facility_is_withheld():
    result = score(GRADING, assessed(), make_facts(blacklisted=True))
    assert (result.verdict, result.verdict_code, result.grade) == ("暂缓评定", "withheld", None)
    assert result.vetoed_by == ("blacklisted",)
    assert "失信联合惩戒" in result.decided_by


def test_open_major_hazards_withhold_the_grade():
    result = score(GRADING, assessed(), make_facts(open_major_hazards=2))
    assert result.verdict == "暂缓评定" and result.vetoed_by == ("open_major_hazards",)
    assert "2 项重大事故隐患" in result.decided_by


def test_all_veto_reasons_are_named():
    result = score(GRADING, assessed(), make_facts(open_major_hazards=1, blacklisted=True))
    assert result.vetoed_by == ("blacklisted", "open_major_hazards")


def test_point_not_scored_without_campus_roads_is_rescaled():
    result = score(GRADING, assessed(), make_facts(has_campus_roads=False))
    assert result.max_points == 999 and result.points == 999 and result.grade == 5
    environment = result.sections[0]
    assert (environment.na, environment.answered, environment.total) == (1, 8, 8)
    assert "按适用项折算" in result.decided_by


def test_half_points_are_decimals():
    result = score(GRADING, assessed(**{"1.1.1.2": deduct(Decimal("1.5"))}), make_facts())
    assert result.points == Decimal("998.5") and result.percent == Decimal("99.9")
    assert result.to_dict()["points"] == "998.5"
