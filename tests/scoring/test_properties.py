"""Property tests: bounds, N/A arithmetic, monotonicity of failures, determinism."""

import json
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from inspection.checklists import Checklist, load_shipped
from inspection.scoring import Answer, AnswerResult, FacilityFacts, ScoreResult, score

SHIPPED = load_shipped()
CHECKLISTS = sorted(SHIPPED.checklists.values(), key=lambda checklist: checklist.code)


def answer_for(item) -> st.SearchStrategy[Answer | None]:
    """None (unanswered), a pass, a fail with or without a deduction, or N/A where allowed."""
    deductions = st.one_of(
        st.none(),
        st.integers(0, item.points),
        st.integers(0, item.points * 2).map(lambda halves: Decimal(halves) / 2),
    )
    options = [
        st.none(),
        st.just(Answer(AnswerResult.PASS)),
        st.builds(Answer, st.just(AnswerResult.FAIL), deductions),
    ]
    if item.na_allowed:
        options.append(st.just(Answer(AnswerResult.NA)))
    return st.one_of(options)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Checklist, dict[str, Answer], FacilityFacts]:
    checklist = draw(st.sampled_from(CHECKLISTS))
    answers = {}
    for item in checklist.items():
        answer = draw(answer_for(item))
        if answer is not None:
            answers[item.code] = answer
    beds = draw(st.integers(0, 300))
    facts = FacilityFacts(
        has_canteen=draw(st.booleans()),
        has_medical_unit=draw(st.booleans()),
        has_special_equipment=draw(st.booleans()),
        has_campus_roads=draw(st.booleans()),
        is_key_fire_unit=draw(st.booleans()),
        beds=beds,
        residents=draw(st.integers(0, beds)),
        blacklisted=draw(st.booleans()),
        open_major_hazards=draw(st.sampled_from([0, 0, 0, 1])),
        offers_ten_services=draw(st.booleans()),
    )
    return checklist, answers, facts


def applicable(checklist: Checklist, facts: FacilityFacts) -> list[str]:
    true_facts = facts.true_facts()
    return [item.code for item in checklist.items() if not true_facts.intersection(item.na_when)]


def ratio(result: ScoreResult) -> Fraction | None:
    return Fraction(result.points) / Fraction(result.max_points) if result.max_points else None


@given(cases())
def test_points_stay_within_zero_and_max(case):
    result = score(*case)
    assert 0 <= result.points <= result.max_points
    assert sum(section.points for section in result.sections) == result.points
    assert sum(section.max_points for section in result.sections) == result.max_points
    for section in result.sections:
        assert 0 <= section.points <= section.max_points
        assert section.answered <= section.total and section.na <= section.total
    if result.percent is not None:
        assert abs(Fraction(result.percent) - ratio(result) * 100) <= Fraction(1, 20)


@given(cases(), st.data())
def test_marking_an_item_na_removes_exactly_that_item(case, data):
    """Percentage over the remaining items = (points − item's points) / (max − item's max);
    N/A on a full failure never lowers the percentage, N/A on a pass never raises it."""
    checklist, answers, facts = case
    candidates = [
        code
        for code in applicable(checklist, facts)
        if checklist.item(code).na_allowed and code in answers and answers[code].result != AnswerResult.NA
    ]
    if not candidates:
        return
    code = data.draw(st.sampled_from(candidates))
    before = score(checklist, answers, facts)
    after = score(checklist, answers | {code: Answer(AnswerResult.NA)}, facts)
    item, answer = checklist.item(code), answers[code]
    lost = 0 if answer.result == AnswerResult.PASS else (item.points if answer.deduction is None else answer.deduction)
    assert after.max_points == before.max_points - item.points
    assert after.points == before.points - (item.points - lost)
    if after.max_points and answer.result == AnswerResult.FAIL and answer.deduction is None:
        assert ratio(after) >= ratio(before)
    if after.max_points and answer.result == AnswerResult.PASS:
        assert ratio(after) <= ratio(before)


@given(cases(), st.data())
def test_adding_a_failure_never_raises_points_or_the_verdict(case, data):
    checklist, answers, facts = case
    codes = applicable(checklist, facts)
    passes = [code for code in codes if code in answers and answers[code].result == AnswerResult.PASS]
    missing = [code for code in codes if code not in answers]
    if not passes and not missing:
        return
    code = data.draw(st.sampled_from(passes + missing))
    points = checklist.item(code).points
    deduction = data.draw(st.integers(0, points)) if code in passes else None
    before = score(checklist, answers, facts)
    after = score(checklist, answers | {code: Answer(AnswerResult.FAIL, deduction=deduction)}, facts)
    assert after.points <= before.points
    assert after.verdict_rank <= before.verdict_rank
    assert code in {failed.item_code for failed in after.failed_items}


@given(cases())
@settings(max_examples=50)
def test_results_are_deterministic(case):
    checklist, answers, facts = case
    first = score(checklist, answers, facts)
    second = score(checklist, dict(reversed(list(answers.items()))), facts)
    assert first == second
    assert first.to_dict() == second.to_dict()
    dump = json.dumps(first.to_dict(), sort_keys=True, ensure_ascii=False)
    assert dump == json.dumps(second.to_dict(), sort_keys=True, ensure_ascii=False)
    assert first.decided_by and first.verdict


@given(cases())
@settings(max_examples=50)
def test_a_failed_major_item_always_vetoes(case):
    checklist, answers, facts = case
    result = score(checklist, answers, facts)
    failed_major = tuple(failed.item_code for failed in result.failed_items if failed.item_class == "major")
    if failed_major:
        assert result.verdict_code in {"fail", "non_compliant", "withheld"}
        assert result.vetoed_by[: len(failed_major)] == failed_major
