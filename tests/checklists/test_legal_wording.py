"""Checklists in the words of the law (issue 13): every item cites a provision, reads as the requirement that holds
when it passes and orders an action when it fails; facts make items apply the right way round; each department
answers its own sections."""

import uuid
from pathlib import Path

import pytest

from inspection.checklists import ChecklistError, load_checklist_text, load_shipped
from inspection.checklists.diff import diff_checklists
from inspection.checklists.wording import DOUBLE_NEGATIVE, NO_PROVISION_NOTE, cites_provision, lacks_cited_provision
from inspection.extensions import db
from inspection.scoring import Answer, AnswerResult, score
from inspection.services import Actor, OtherDepartment
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.submission import facility_facts
from tests.conftest import facility
from tests.factories import OWN, inspector_of, make_facility, plan_inspection
from tests.scoring.facts import make_facts

SHIPPED = load_shipped()
#: The fire checklist as shipped before issue 13 (questions, no requirements): a stored old version.
OLD_FIRE = Path(__file__).parent / "data" / "fire_safety_2026_11.toml"
ITEMS = [(checklist.code, item) for checklist in SHIPPED.checklists.values() for item in checklist.items()]


def test_every_shipped_item_cites_an_article_or_clause():
    """A basis names 第…条/款/项/章 or a clause number; an item whose source gives none says so and is unverified."""
    missing = [f"{code} {item.code}: {item.basis}" for code, item in ITEMS if lacks_cited_provision(item)]
    assert missing == []


def test_an_item_without_a_provision_is_listed_unless_it_declares_it():
    fire = SHIPPED.checklists["fire_safety"]
    cited = fire.item("F5")
    assert cites_provision(cited.basis) and not lacks_cited_provision(cited)
    uncited = type(cited)(**{**_fields(cited), "basis": "《养老机构消防安全管理规定》（民发〔2023〕37号）"})
    assert lacks_cited_provision(uncited)
    declared = type(cited)(**{**_fields(uncited), "verified": False, "source_note": f"{NO_PROVISION_NOTE}：…"})
    assert not lacks_cited_provision(declared)


def _fields(item):
    return {name: getattr(item, name) for name in item.__slots__}


def test_shipped_items_state_requirements_and_order_actions():
    for code, item in ITEMS:
        for phrase in (item.text, item.requirement, *item.canned_notes):
            assert "是否" not in phrase and "？" not in phrase, (code, item.code, phrase)
            assert not DOUBLE_NEGATIVE.search(phrase), (code, item.code, phrase)
        assert item.requirement.strip(), (code, item.code)


def test_the_locked_exit_item_reads_as_the_law_does():
    item = SHIPPED.checklists["fire_safety"].item("F5")
    assert item.text.startswith("安全出口、疏散通道畅通，未上锁、未堵塞")
    assert item.requirement.startswith("立即拆除安全出口门锁")
    assert "安全出口门被上锁" in item.canned_notes


TEMPLATE = """
code = "demo"
title = "演示"
department = "xf"
verified = true
source_note = "test"

[verdict]
rule = "percent_bands"

[[verdict.bands]]
min_percent = 60
code = "pass"
label = "合格"

[[verdict.bands]]
min_percent = 0
code = "fail"
label = "不合格"

[rectification_days]
major = 0
major_reinspect_within_days = 7
key = 15
general = 30

[[sections]]
code = "evac"
title = "疏散"

[[sections.items]]
code = "A1"
text = "TEXT"
method = "现场查看"
basis = "《消防法》第28条"
class = "key"
points = 5
na_allowed = false
photo_on_fail = true
requirement = "REQUIREMENT"
"""


def _current(text: str = "安全出口畅通", requirement: str = "立即拆除门锁"):
    return load_checklist_text(
        TEMPLATE.replace("TEXT", text).replace("REQUIREMENT", requirement), "demo.toml", (), current=True
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("不得未经审批动火", "不得未"),
        ("无未经检验的特种设备", "无未"),
        ("员工不能不会使用灭火器", "不能不"),
        ("消防设施非不完好", "非不"),
        ("消防控制室没有无人值守的时段", "没有无"),
    ],
)
def test_validation_refuses_a_double_negative_naming_file_item_and_field(text, found):
    with pytest.raises(ChecklistError) as caught:
        _current(text)
    assert str(caught.value) == (
        f'demo.toml: section "evac" item "A1": field "text": must not contain a double negative (found {found!r})'
    )


@pytest.mark.parametrize(
    "text", ["安全出口、疏散通道畅通，未上锁、未堵塞", "动火作业办理审批，未经审批不动火", "无过期药品"]
)
def test_single_negatives_in_parallel_pass(text):
    assert _current(text).item("A1").text == text


def test_validation_refuses_a_question_and_a_missing_requirement():
    with pytest.raises(ChecklistError) as caught:
        _current("安全出口是否畅通", requirement="")
    problems = [str(problem) for problem in caught.value.problems]
    assert problems == [
        'demo.toml: section "evac" item "A1": field "text": must not be a question (found \'是否\'): '
        "state what holds or what to do",
        'demo.toml: section "evac" item "A1": field "requirement": missing: '
        "an imperative sentence of the action to take (整改要求)",
    ]


def test_a_stored_old_version_still_loads_with_its_old_wording():
    """Old inspections keep their version: the wording rules bind only what becomes current."""
    old = TEMPLATE.replace("TEXT", "安全出口是否畅通？").replace('requirement = "REQUIREMENT"\n', "")
    assert load_checklist_text(old, "demo.toml", ()).item("A1").requirement == ""


# --- facts the right way round ----------------------------------------------------------------------------------

FOOD = SHIPPED.checklists["food_safety"]
FAIL = Answer(AnswerResult.FAIL)


@pytest.mark.parametrize(("has_canteen", "applies"), [(False, True), (True, False)])
def test_the_bought_in_meals_item_applies_exactly_without_a_canteen(has_canteen, applies):
    """食品安全法 第57条第二款: a facility that buys in meals must buy from licensed providers and check them."""
    result = score(FOOD, {"C15": FAIL}, make_facts(has_canteen=has_canteen))
    assert ([f.item_code for f in result.failed_items] == ["C15"]) is applies
    canteen_items_apply = any(
        item.applies_to(make_facts(has_canteen=has_canteen).true_facts()) for item in FOOD.items() if item.code != "C15"
    )
    assert canteen_items_apply is has_canteen


@pytest.mark.usefixtures("app")
def test_register_facts_decide_the_daily_patrol_and_campus_road_items():
    fire, grading = SHIPPED.checklists["fire_safety"], SHIPPED.checklists["grading_gbt37276"]
    home = make_facility(is_key_fire_unit=False, has_campus_roads=False)
    facts = facility_facts(home).true_facts()
    assert not fire.item("F11").applies_to(facts) and fire.item("F30").applies_to(facts)
    assert not grading.item("1.1.1.5").applies_to(facts)
    home.is_key_fire_unit, home.has_campus_roads = True, True
    facts = facility_facts(home).true_facts()
    assert fire.item("F11").applies_to(facts) and grading.item("1.1.1.5").applies_to(facts)


@pytest.mark.usefixtures("cast")
def test_the_register_form_shows_and_saves_the_new_facts(client, login):
    login("admin")
    target = facility(OWN)
    page = client.get(f"/facilities/{target.id}/edit").get_data(as_text=True)
    assert 'name="has_campus_roads"' in page and 'name="is_key_fire_unit"' in page
    form = {
        "name": target.name,
        "type": target.type,
        "ownership": target.ownership,
        "region_id": str(target.region_id),
        "address": target.address,
        "uscc": target.uscc or "",
        "person_in_charge": target.person_in_charge,
        "phone": target.phone,
        "beds": str(target.beds),
        "residents": str(target.residents),
        "fire_acceptance": target.fire_acceptance,
        "is_key_fire_unit": "y",
    }
    assert client.post(f"/facilities/{target.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    saved = facility(OWN)
    assert saved.is_key_fire_unit and not saved.has_campus_roads
    detail = client.get(f"/facilities/{target.id}").get_data(as_text=True)
    assert "消防安全重点单位" in detail and "院区或内部道路" in detail


# --- every joint-meeting department answers its own sections ----------------------------------------------------


@pytest.mark.parametrize(
    ("checklist", "item", "owner"), [("building_safety", "F1", "zj"), ("medical_care", "W1", "wj")]
)
@pytest.mark.usefixtures("app")
def test_the_housing_and_health_sections_are_answered_only_by_their_departments(checklist, item, owner):
    home = make_facility(has_medical_unit=True)
    inspection = plan_inspection(home, [checklist, "fire_safety"])
    change = AnswerInput(item, AnswerResult.PASS, str(uuid.uuid4()))
    with pytest.raises(OtherDepartment):
        save_answers(inspection, [change], Actor(inspector_of(inspection, "xf"), "test"))
    saved = save_answers(inspection, [change], Actor(inspector_of(inspection, owner), "test"))
    assert [answer.item_code for answer in saved] == [item]


def test_the_diff_of_the_fire_checklist_keeps_reworded_items_under_their_codes():
    """Items whose wording changed keep their codes, so history and the version diff stay readable."""
    previous = load_checklist_text(OLD_FIRE.read_text(encoding="utf-8"), "fire_safety.toml", SHIPPED.criteria.keys())
    changes = {change.item_code: change for change in diff_checklists(previous, SHIPPED.checklists["fire_safety"])}
    reworded = changes["F5"]
    assert reworded.kind == "changed"
    assert {field.field for field in reworded.fields} >= {"text", "requirement"}
    assert changes["F1"].kind == changes["F16"].kind == changes["F17"].kind == "removed"
    assert changes["F25"].kind == changes["F26"].kind == "added"
