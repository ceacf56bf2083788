"""The phone's summary (static/js/summary.js, run in Chromium) previews the verdict the scoring engine gives,
from the rules' ``preview`` data alone, for the shipped checklists and many answer patterns."""

import random
from decimal import Decimal

from playwright.sync_api import Page

from inspection.checklists import load_shipped
from inspection.scoring import VERDICT_RULES, Answer, AnswerResult, score
from tests.scoring.facts import make_facts

SCORE_IN_PAGE = """async (cases) => {
  const { score } = await import('/static/js/summary.js');
  return cases.map(({ cards, rule }) => score(cards, rule).verdict);
}"""


def _cases(count: int) -> list[tuple[dict, str]]:
    """``count`` random answer sets as the phone holds them, each with the verdict text the phone should show."""
    shipped = sorted(load_shipped().checklists.values(), key=lambda checklist: checklist.code)
    rng = random.Random(20260)
    cases = []
    for _ in range(count):
        checklist = rng.choice(shipped)
        facts = make_facts(has_canteen=rng.random() < 0.8)
        fail_share, open_share = rng.choice([0, 0.03, 0.1, 0.3, 0.7]), rng.choice([0, 0, 0.1])
        answers, cards = {}, []
        for item in checklist.items():
            roll, value = rng.random(), None
            if roll < fail_share:
                deduction = rng.choice([None, rng.randint(0, int(item.points))])
                flag = rng.random() < 0.2  # marked as affecting food safety
                lost = None if deduction is None else Decimal(deduction)
                answers[item.code] = Answer(AnswerResult.FAIL, lost, affects_food_safety=flag)
                value = {"result": "fail", "deduction": "" if deduction is None else str(deduction), "note": ""}
                value["affects_food_safety"] = flag
            elif roll >= fail_share + open_share:
                result = AnswerResult.NA if item.na_allowed and rng.random() < 0.1 else AnswerResult.PASS
                answers[item.code] = Answer(result)
                value = {"result": str(result), "deduction": "", "note": ""}
            auto_na = not item.applies_to(facts.true_facts())
            card = {"code": item.code, "itemClass": str(item.item_class), "points": float(item.points)}
            cards.append(card | {"autoNa": auto_na, "value": value})
        result = score(checklist, answers, facts)
        rule = VERDICT_RULES[checklist.verdict.rule]
        expected = result.verdict
        if result.percent is None and not result.vetoed_by:
            expected = "无适用检查项"
        if checklist.verdict.rule == "gbt37276_grade" and not result.vetoed_by:
            expected = "等级由服务器评定"
        if result.vetoed_by:
            expected += f"（一票否决：{'、'.join(result.vetoed_by)}）"
        if result.unanswered:
            expected += f"（{len(result.unanswered)} 项未答，结论为暂定）"
        preview = {"title": checklist.title, **rule.preview(checklist.verdict.params)}
        cases.append(({"cards": cards, "rule": preview}, expected))
    return cases


def test_the_phone_previews_the_engines_verdict(phone: Page, live_server: str):
    cases = _cases(400)
    phone.goto(f"{live_server}/auth/login")
    shown = phone.evaluate(SCORE_IN_PAGE, [case for case, _ in cases])
    expected = [verdict for _, verdict in cases]
    assert shown == expected
    assert len(set(expected)) > 20  # bands, food outcomes, vetoes and provisional verdicts all came up
