"""The phone's verdict preview: each rule describes its verdict as data (``VerdictRule.preview``) that names no
rule, and that data read the way the phone reads it (``previewVerdict`` in static/js/summary.js) gives the
engine's verdict, or leaves the verdict to the server where the phone cannot know it."""

import json
from collections import Counter
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from inspection.checklists import Checklist, load_shipped
from inspection.checklists.schema import ItemClass
from inspection.scoring import VERDICT_RULES, Answer, AnswerResult, ScoreResult, score
from inspection.scoring.verdicts import AFFECTS_FOOD_SAFETY, SERVER_DECIDES, VerdictRule
from tests.scoring.facts import make_facts

SHIPPED = load_shipped()
CHECKLISTS = sorted(SHIPPED.checklists.values(), key=lambda checklist: checklist.code)
GRADE_BY_SERVER = "等级由服务器评定"


def preview_of(checklist: Checklist) -> dict[str, Any]:
    return VERDICT_RULES[checklist.verdict.rule].preview(checklist.verdict.params)


def phone_verdict(preview: dict[str, Any], result: ScoreResult) -> str:
    """Read ``preview`` for a scored checklist as summary.js ``previewVerdict`` does."""
    failed = Counter(str(item.item_class) for item in result.failed_items)
    failed[AFFECTS_FOOD_SAFETY] = sum(item.affects_food_safety for item in result.failed_items)
    if failed[ItemClass.MAJOR.value]:
        return preview["veto"]
    if result.percent is None and preview["none_applicable"] is not None:
        return preview["none_applicable"]
    for outcome in preview["outcomes"]:
        if "min_percent" in outcome and (result.percent is None or result.percent < outcome["min_percent"]):
            continue
        if any(failed[item_class] > most for item_class, most in outcome.get("max_failed", {}).items()):
            continue
        return outcome["label"]
    return ""


def test_shipped_previews_are_json_and_name_no_rule():
    for checklist in CHECKLISTS:
        preview = preview_of(checklist)
        assert json.loads(json.dumps(preview, ensure_ascii=False)) == preview
        assert checklist.verdict.rule not in json.dumps(preview)
        assert set(preview) == {"veto", "none_applicable", "outcomes"}
        assert preview["outcomes"] and all("label" in outcome for outcome in preview["outcomes"])


def test_percent_bands_preview_lists_the_bands_best_first_above_the_cap_only_without_failed_key_items():
    assert preview_of(SHIPPED.checklists["fire_safety"]) == {
        "veto": "不合格",
        "none_applicable": "无适用检查项",
        "outcomes": [
            {"label": "优秀", "min_percent": 90, "max_failed": {"key": 0}},
            {"label": "良好", "min_percent": 80, "max_failed": {"key": 0}},
            {"label": "合格", "min_percent": 60},
            {"label": "不合格", "min_percent": 0},
        ],
    }


def test_food_preview_allows_general_failures_unless_one_affects_food_safety():
    assert preview_of(SHIPPED.checklists["food_safety"]) == {
        "veto": "不符合",
        "none_applicable": "无适用检查项",
        "outcomes": [
            {"label": "符合", "max_failed": {"key": 0, "general": 0}},
            {"label": "基本符合", "max_failed": {"key": 0, "affects_food_safety": 0}},
            {"label": "不符合"},
        ],
    }


def test_grade_preview_shows_only_the_veto_and_leaves_the_level_to_the_server():
    assert preview_of(SHIPPED.checklists["grading_gbt37276"]) == {
        "veto": "暂缓评定",
        "none_applicable": None,
        "outcomes": [{"label": GRADE_BY_SERVER}],
    }


def test_a_rule_without_its_own_preview_leaves_the_verdict_to_the_server():
    class Untold(VerdictRule):
        key = "untold"

        def parse(self, raw):
            return ()

        def decide(self, params, tally):
            raise NotImplementedError

    assert Untold().preview(()) == {
        "veto": SERVER_DECIDES,
        "none_applicable": None,
        "outcomes": [{"label": SERVER_DECIDES}],
    }


def _answers(checklist: Checklist, fail: dict[str, Decimal | None], na: tuple[str, ...] = ()) -> dict[str, Answer]:
    answers = {item.code: Answer(AnswerResult.PASS) for item in checklist.items()}
    answers.update({code: Answer(AnswerResult.NA) for code in na})
    answers.update({code: Answer(AnswerResult.FAIL, deduction) for code, deduction in fail.items()})
    return answers


def _codes(checklist: Checklist, item_class: ItemClass) -> list[str]:
    return [item.code for item in checklist.items() if item.item_class == item_class]


def test_worked_examples_agree_with_the_engine():
    food = SHIPPED.checklists["food_safety"]
    fire = SHIPPED.checklists["fire_safety"]
    general = _codes(food, ItemClass.GENERAL)
    cases = [
        (food, {}, "符合"),
        (food, dict.fromkeys(general[:1]), "基本符合"),
        (food, dict.fromkeys(_codes(food, ItemClass.KEY)[:1]), "不符合"),
        (food, dict.fromkeys(_codes(food, ItemClass.MAJOR)[:1]), "不符合"),
        (fire, {}, "优秀"),
        (fire, dict.fromkeys(_codes(fire, ItemClass.MAJOR)[:1], Decimal(0)), "不合格"),
        (fire, dict.fromkeys(_codes(fire, ItemClass.KEY)[:1], Decimal(1)), "合格"),
    ]
    for checklist, fail, expected in cases:
        result = score(checklist, _answers(checklist, fail), make_facts())
        assert result.verdict == expected
        assert phone_verdict(preview_of(checklist), result) == expected


def test_a_general_failure_affecting_food_safety_reads_as_non_compliant_on_the_phone():
    food = SHIPPED.checklists["food_safety"]
    answers = _answers(food, {}) | {
        _codes(food, ItemClass.GENERAL)[0]: Answer(AnswerResult.FAIL, affects_food_safety=True)
    }
    result = score(food, answers, make_facts())
    assert result.verdict == phone_verdict(preview_of(food), result) == "不符合"


def test_nothing_applicable_reads_as_no_applicable_items():
    food = SHIPPED.checklists["food_safety"]
    result = score(food, {"C15": Answer(AnswerResult.NA)}, make_facts(has_canteen=False))  # buys in no meals
    assert result.percent is None
    assert phone_verdict(preview_of(food), result) == "无适用检查项"


@st.composite
def scored(draw: st.DrawFn) -> tuple[Checklist, ScoreResult]:
    checklist = draw(st.sampled_from(CHECKLISTS))
    failing = st.sampled_from([0.0, 0.02, 0.1, 0.3, 0.7])
    fail_share, na_share, open_share = draw(failing), draw(st.sampled_from([0.0, 0.3])), draw(failing)
    answers = {}
    for item in checklist.items():
        roll = draw(st.floats(0, 1))
        if roll < open_share:
            continue
        if roll < open_share + fail_share:
            deduction = draw(st.one_of(st.none(), st.integers(0, item.points).map(Decimal)))
            answers[item.code] = Answer(AnswerResult.FAIL, deduction, affects_food_safety=draw(st.booleans()))
        elif item.na_allowed and roll < open_share + fail_share + na_share:
            answers[item.code] = Answer(AnswerResult.NA)
        else:
            answers[item.code] = Answer(AnswerResult.PASS)
    facts = make_facts(has_canteen=draw(st.booleans()), has_special_equipment=draw(st.booleans()))
    return checklist, score(checklist, answers, facts)


@settings(max_examples=300, deadline=None)
@given(scored())
def test_the_phone_reading_of_the_preview_gives_the_engines_verdict(case):
    checklist, result = case
    preview = preview_of(checklist)
    shown = phone_verdict(preview, result)
    if shown == GRADE_BY_SERVER:
        assert not result.vetoed_by
    else:
        assert shown == (
            "无适用检查项" if result.verdict_code == "not_applicable" and result.percent is None else result.verdict
        )
