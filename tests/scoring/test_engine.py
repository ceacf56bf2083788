"""Worked examples for the scoring engine on the shipped checklists (no app needed)."""

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from inspection.checklists import load_shipped
from inspection.checklists.loader import load_checklist_text
from inspection.scoring import RULES_VERSION, Answer, AnswerResult, ScoringError, score
from tests.scoring.facts import make_facts
from tests.scoring.food_versions import food_2016_text

SHIPPED = load_shipped()
FIRE = SHIPPED.checklists["fire_safety"]
FOOD = SHIPPED.checklists["food_safety"]
SERVICE = SHIPPED.checklists["service_safety"]
FOOD_2016 = load_checklist_text(food_2016_text(), "food_safety.toml")
FOOD_GENERAL = [item.code for item in FOOD.items() if item.item_class == "general"]


def all_pass(checklist, **answers: Answer) -> dict[str, Answer]:
    """Every item passes, except the answers given by item code."""
    return {item.code: Answer(AnswerResult.PASS) for item in checklist.items()} | answers


FAIL = Answer(AnswerResult.FAIL)
NA = Answer(AnswerResult.NA)


# --- food: 总局令第49号 第32–33条 (the 2022 rule) ----------------------------------------


FLAGGED = Answer(AnswerResult.FAIL, note="冷藏柜温度 12℃", affects_food_safety=True)


def test_food_without_failures_is_compliant():
    result = score(FOOD, all_pass(FOOD), make_facts())
    assert (result.rule, result.verdict, result.verdict_code) == ("food_2022", "符合", "compliant")
    assert result.failed_items == () and result.complete
    assert result.decided_by == "未发现问题，判定为符合"


@pytest.mark.parametrize("count", [1, 9, len(FOOD_GENERAL)])
def test_food_general_failures_without_the_flag_are_basically_compliant_whatever_their_number(count):
    failures = {code: FAIL for code in FOOD_GENERAL[:count]}
    result = score(FOOD, all_pass(FOOD, **failures), make_facts())
    assert (result.verdict, result.verdict_code) == ("基本符合", "basically_compliant")
    assert result.decided_by == f"仅有 {count} 项一般项不符合，且不影响食品安全，判定为基本符合，应当场整改"


def test_one_general_failure_affecting_food_safety_is_non_compliant():
    first, second = FOOD_GENERAL[:2]
    result = score(FOOD, all_pass(FOOD, **{first: FAIL, second: FLAGGED}), make_facts())
    assert (result.verdict, result.verdict_code) == ("不符合", "non_compliant")
    assert (
        result.decided_by == f"有 2 项一般项不符合，其中 {second} 经检查人员认定影响食品安全，判定为不符合，应调查处理"
    )
    assert [failed.affects_food_safety for failed in result.failed_items] == [False, True]


def test_the_flag_on_a_passed_answer_decides_nothing():
    passed = Answer(AnswerResult.PASS, affects_food_safety=True)
    result = score(FOOD, all_pass(FOOD, **{FOOD_GENERAL[0]: passed}), make_facts())
    assert result.verdict == "符合"


def test_food_one_key_failure_is_non_compliant():
    result = score(FOOD, all_pass(FOOD, C3=FAIL), make_facts())
    assert (result.verdict, result.verdict_code) == ("不符合", "non_compliant")
    assert result.decided_by == "有 1 项重点项不符合，判定为不符合，应调查处理"
    assert result.vetoed_by == ()


def test_food_verdict_words_show_no_formula():
    for answers in (all_pass(FOOD), all_pass(FOOD, C3=FAIL), all_pass(FOOD, **{FOOD_GENERAL[0]: FLAGGED})):
        decided_by = score(FOOD, answers, make_facts()).decided_by
        assert not any(sign in decided_by for sign in "≤≥<>→%")


# --- food: the 2016 rule, kept for versions recorded under it -------------------------


def test_food_2016_eight_general_failures_is_basically_compliant():
    failures = {code: FAIL for code in FOOD_GENERAL[:8]}
    result = score(FOOD_2016, all_pass(FOOD_2016, **failures), make_facts())
    assert (result.rule, result.verdict, result.verdict_code) == ("food_2016", "基本符合", "basically_compliant")
    assert "一般项不符合 8 项" in result.decided_by


def test_food_2016_nine_general_failures_is_non_compliant_and_ignores_the_flag():
    failures = {code: FAIL for code in FOOD_GENERAL[:9]}
    result = score(FOOD_2016, all_pass(FOOD_2016, **failures), make_facts())
    assert (result.verdict, result.verdict_code) == ("不符合", "non_compliant")
    flagged = score(FOOD_2016, all_pass(FOOD_2016, **{FOOD_GENERAL[0]: FLAGGED}), make_facts())
    assert flagged.verdict == "基本符合"


def test_food_without_licence_is_vetoed():
    result = score(FOOD, all_pass(FOOD, C16=Answer(AnswerResult.FAIL, deduction=0)), make_facts())
    assert result.verdict == "不符合" and result.vetoed_by == ("C16",)
    assert result.decided_by == "一票否决：C16 重大事故隐患"
    assert result.failed_items[0].major_hazards == ("MH-5-2",)


def test_no_canteen_and_no_bought_in_meals_make_every_food_item_na_whatever_was_answered():
    answers = {item.code: FAIL for item in FOOD.items()} | {"C15": NA}
    result = score(FOOD, answers, make_facts(has_canteen=False))
    assert result.max_points == 0 and result.percent is None
    assert result.failed_items == () and result.complete
    assert (result.verdict, result.verdict_code) == ("不适用", "not_applicable")
    assert all(section.na == section.total == section.answered for section in result.sections)


# --- fire: percent bands and the veto --------------------------------------------------


def test_fire_all_pass_is_excellent():
    result = score(FIRE, all_pass(FIRE), make_facts())
    assert (result.points, result.max_points, result.percent) == (Decimal(137), Decimal(137), Decimal("100.0"))
    assert (result.verdict, result.verdict_code, result.grade) == ("优秀", "excellent", None)


def test_a_failed_major_item_vetoes_a_95_percent_fire_score():
    result = score(FIRE, all_pass(FIRE, F2=Answer(AnswerResult.FAIL, deduction=1, note="彩钢板房")), make_facts())
    assert result.percent >= 95
    assert (result.verdict, result.verdict_code) == ("不合格", "fail")
    assert result.vetoed_by == ("F2",)
    assert result.decided_by == "一票否决：F2 重大事故隐患"


def test_fire_bands_follow_the_displayed_percentage():
    # 137 - 6 × 3 = 119 → 86.9 % → 良好
    answers = all_pass(FIRE, F7=FAIL, F11=FAIL, F12=FAIL, F13=FAIL, F14=FAIL, F15=FAIL)
    result = score(FIRE, answers, make_facts())
    assert (result.percent, result.verdict) == (Decimal("86.9"), "良好")
    assert result.decided_by == "得分率 86.9% ≥ 80% → 良好"


# --- percent bands capped by a failed key item ---------------------------------------


@pytest.mark.parametrize("checklist", [FIRE, SERVICE], ids=["fire", "service"])
def test_a_failed_key_item_caps_a_95_percent_verdict_at_pass(checklist):
    key = next(item for item in checklist.items() if item.item_class == "key")
    result = score(checklist, all_pass(checklist, **{key.code: Answer(AnswerResult.FAIL, deduction=1)}), make_facts())
    assert result.percent >= 95
    assert (result.verdict, result.verdict_code, result.verdict_rank) == ("合格", "pass", 1)
    assert result.decided_by == f"得分率 {result.percent}% ≥ 90% → 优秀；但有 1 项重点项不合格，结论最高为合格"


def test_the_cap_never_raises_a_verdict_below_it():
    # 137 - 9 × 5 (key) = 92 → 67.2 % → 合格; 137 - 10 × 5 - 4 × 3 = 75 → 54.7 % → 不合格 stays
    keys = [item.code for item in FIRE.items() if item.item_class == "key"]
    generals = ["F7", "F11", "F12", "F13"]
    result = score(FIRE, all_pass(FIRE, **dict.fromkeys(keys[:9], FAIL)), make_facts())
    assert (result.percent, result.verdict) == (Decimal("67.2"), "合格")
    assert "结论最高" not in result.decided_by
    result = score(FIRE, all_pass(FIRE, **dict.fromkeys(keys[:10] + generals, FAIL)), make_facts())
    assert (result.percent, result.verdict) == (Decimal("54.7"), "不合格")


def test_general_failures_alone_are_not_capped():
    result = score(
        SERVICE,
        all_pass(SERVICE, **{next(i.code for i in SERVICE.items() if i.item_class == "general"): FAIL}),
        make_facts(),
    )
    assert result.verdict == "优秀"


def test_failed_items_list_major_then_key_then_general_in_checklist_order():
    answers = all_pass(FIRE, F15=FAIL, F7=FAIL, F5=FAIL, F4=FAIL, F24=FAIL, F2=FAIL)
    result = score(FIRE, answers, make_facts())
    assert [failed.item_code for failed in result.failed_items] == ["F2", "F24", "F4", "F5", "F7", "F15"]
    assert [failed.item_class for failed in result.failed_items[:3]] == ["major", "major", "key"]
    assert result.vetoed_by == ("F2", "F24")


def test_deduction_loses_only_that_many_points():
    result = score(FIRE, all_pass(FIRE, F4=Answer(AnswerResult.FAIL, deduction=Decimal("2.5"))), make_facts())
    assert result.points == Decimal("134.5") and result.failed_items[0].deduction == Decimal("2.5")
    assert result.percent == Decimal("98.2")


def test_points_keep_the_decimals_of_the_deductions():
    answers = all_pass(
        FIRE, F4=Answer(AnswerResult.FAIL, deduction=Decimal("1.50")), F5=Answer(AnswerResult.FAIL, deduction=2)
    )
    result = score(FIRE, answers, make_facts())
    assert (str(result.points), str(result.max_points), str(result.percent)) == ("133.50", "137", "97.4")
    assert [str(failed.deduction) for failed in result.failed_items] == ["1.50", "2"]
    assert {section.code: str(section.points) for section in result.sections}["facilities"] == "24.50"


def test_sections_break_the_score_down_by_department():
    result = score(FIRE, all_pass(FIRE, F13=FAIL), make_facts())
    management = {section.code: section for section in result.sections}["management"]
    assert (management.department, management.points, management.max_points) == ("mz", Decimal(30), Decimal(33))
    assert management.percent == Decimal("90.9")
    assert sum(section.points for section in result.sections) == result.points


# --- N/A, unanswered and bad answers ---------------------------------------------------


def test_allowed_na_leaves_the_denominator():
    result = score(FIRE, all_pass(FIRE, F25=NA), make_facts())  # no automatic alarm or sprinkler system
    assert result.max_points == 127 and result.points == 127
    facilities = {section.code: section for section in result.sections}["facilities"]
    assert (facilities.na, facilities.answered, facilities.total) == (1, 5, 5)


def test_na_on_an_item_that_does_not_allow_it_raises():
    with pytest.raises(ScoringError, match="F2 does not allow N/A"):
        score(FIRE, all_pass(FIRE, F2=NA), make_facts())


def test_items_na_by_facts_ignore_the_answer():
    medical = SHIPPED.checklists["medical_care"]
    result = score(medical, all_pass(medical, W1=FAIL), make_facts(has_medical_unit=False))
    assert result.vetoed_by == () and result.max_points == 0


def test_unanswered_items_stay_in_the_denominator():
    answers = all_pass(FIRE)
    del answers["F5"], answers["F7"]
    result = score(FIRE, answers, make_facts())
    assert result.unanswered == ("F7", "F5") and not result.complete  # checklist order
    assert (result.points, result.max_points) == (Decimal(129), Decimal(137))
    assert "2 项未答" in result.decided_by


def test_unanswered_are_listed_in_checklist_order():
    result = score(FIRE, {}, make_facts())
    assert result.unanswered == tuple(item.code for item in FIRE.items())
    assert result.points == 0 and result.verdict == "不合格"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda: Answer(AnswerResult.FAIL, deduction=6), "exceeds the item's 5 points"),
        (lambda: Answer(AnswerResult.FAIL, deduction=-1), "must not be negative"),
        (lambda: Answer(AnswerResult.FAIL, deduction=1.5), "int or a finite Decimal"),
        (lambda: Answer(AnswerResult.FAIL, deduction=True), "int or a finite Decimal"),
        (lambda: Answer(AnswerResult.FAIL, deduction=Decimal("NaN")), "int or a finite Decimal"),
        (lambda: Answer(AnswerResult.PASS, deduction=2), "only allowed on a fail"),
        (lambda: Answer("maybe"), "pass, fail or na"),
    ],
)
def test_bad_answers_raise(answer, message):
    with pytest.raises(ScoringError, match=message):
        score(FIRE, all_pass(FIRE, F4=answer()), make_facts())


def test_a_stored_zero_deduction_on_a_pass_is_ignored():
    assert Answer("pass", deduction=Decimal("0.00")).deduction is None


def test_answers_for_unknown_items_raise():
    with pytest.raises(ScoringError, match="F99"):
        score(FIRE, all_pass(FIRE, F99=FAIL), make_facts())


# --- provenance and serialisation ------------------------------------------------------


def test_unverified_when_an_unverified_item_is_scored():
    unverified = [item.code for item in FOOD.items() if not item.verified]  # C10, C11, C17, C18: [S] sources
    assert score(FOOD, all_pass(FOOD), make_facts()).unverified is True
    assert score(FOOD, all_pass(FOOD, **dict.fromkeys(unverified, NA)), make_facts()).unverified is False


def test_rule_version_names_checklist_version_and_engine_rules():
    versioned = replace(FIRE, version=3)
    result = score(versioned, all_pass(versioned), make_facts())
    assert result.rule_version == f"fire_safety@v3/rules-{RULES_VERSION}"
    assert (result.rule, result.checklist_version) == ("percent_bands", 3)


def test_to_dict_is_json_safe_and_deterministic():
    answers = all_pass(FIRE, F2=Answer(AnswerResult.FAIL, deduction=Decimal("0.5"), note="n", photos=("a.jpg",)))
    first = score(FIRE, answers, make_facts()).to_dict()
    second = score(FIRE, dict(reversed(answers.items())), make_facts()).to_dict()
    assert first == second
    dumped = json.dumps(first, sort_keys=True, ensure_ascii=False)
    assert dumped == json.dumps(second, sort_keys=True, ensure_ascii=False)
    assert first["points"] == "136.5" and first["failed_items"][0]["photos"] == ["a.jpg"]
    assert first["sections"][0]["department"] == "xf"
    assert "_outcome" not in first and "_layout" not in first


def test_results_compare_equal_and_are_frozen():
    one = score(FIRE, all_pass(FIRE, F4=FAIL), make_facts())
    two = score(FIRE, all_pass(FIRE, F4=FAIL), make_facts())
    assert one == two
    with pytest.raises(AttributeError):
        one.points = Decimal(0)  # type: ignore[misc]


def test_true_facts_name_each_fact_that_holds():
    facts = make_facts(has_canteen=False, has_special_equipment=False)
    assert facts.true_facts() == {
        "no_canteen",
        "has_medical_unit",
        "no_special_equipment",
        "has_campus_roads",
        "is_key_fire_unit",
        "offers_ten_services",
    }
    assert "offers_ten_services" not in make_facts(offers_ten_services=False).true_facts()
