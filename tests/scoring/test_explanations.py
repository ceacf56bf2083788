"""A result's explanation is stored as Chinese text and as data; a result stored before the data existed is read
back from its text (issue 17: pages say it in the reader's language)."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspection.checklists import load_checklist_text
from inspection.i18n import Joined, Message, message_data, message_from_data
from inspection.scoring import Answer, AnswerResult, score
from inspection.scoring.explanations import explanation_of, parse_explanation
from inspection.scoring.verdicts import BLACKLISTED, VETO, WITHHELD
from tests.scoring.facts import make_facts
from tests.scoring.food_versions import food_2016_text
from tests.scoring.test_properties import CHECKLISTS, cases

FOOD_2016 = load_checklist_text(food_2016_text(), "food_safety.toml")


@st.composite
def results(draw: st.DrawFn):
    """Any shipped checklist (and the 2016 food rule) scored on any answers, some failures marked as affecting
    food safety."""
    checklist, answers, facts = draw(cases())
    if draw(st.booleans()):
        checklist = FOOD_2016 if draw(st.booleans()) else next(c for c in CHECKLISTS if c.code == "food_safety")
        answers = {
            item.code: draw(st.sampled_from([Answer(AnswerResult.PASS), Answer(AnswerResult.FAIL)]))
            for item in checklist.items()
            if draw(st.integers(0, 9))  # about one in ten left unanswered
        }
    flagged = {code: replace(a, affects_food_safety=True) for code, a in answers.items() if draw(st.booleans())}
    return score(checklist, answers | flagged, facts)


@given(results())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])  # drawing a whole checklist's answers
def test_every_explanation_the_engine_writes_reads_back_as_the_message_it_stores(result):
    assert str(message_from_data(result.explanation)) == result.decided_by
    parsed = parse_explanation(result.decided_by)
    assert parsed is not None, result.decided_by
    assert message_data(parsed) == result.explanation


def test_a_withheld_grade_is_stored_as_text_and_as_its_parts():
    grading = next(c for c in CHECKLISTS if c.code == "grading_gbt37276")
    result = score(grading, {}, make_facts(blacklisted=True))
    assert result.decided_by.startswith("暂缓评定：列入养老服务市场失信联合惩戒对象名单")
    assert result.explanation["msgid"] == WITHHELD
    reasons = result.explanation["params"]["reasons"]
    assert reasons["separator"] == "；" and reasons["parts"][0] == {"msgid": BLACKLISTED, "params": {}}


def test_a_stored_result_is_explained_by_its_data_else_by_its_text_else_as_written():
    veto = Message(VETO, items=Joined(["F2", "F5"], "、"))
    new = {"decided_by": str(veto), "explanation": message_data(veto)}
    old = {"decided_by": "一票否决：F2、F5 重大事故隐患"}
    older_rules = {"decided_by": "按旧规则评定为合格"}
    assert message_data(explanation_of(new)) == message_data(explanation_of(old)) == message_data(veto)
    assert explanation_of(older_rules).msgid == "按旧规则评定为合格"
    # data that does not say the stored text (edited by hand, or damaged) gives way to the text
    assert explanation_of(old | {"explanation": {"msgid": "别的"}}).params["items"].parts == ("F2", "F5")
    assert explanation_of(old | {"explanation": [1]}).msgid == VETO
