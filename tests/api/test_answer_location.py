"""Where a failure was seen (`location`) and whether it affects food safety (`affects_food_safety`), issue 13: both
round-trip through the API, belong to failures only, are part of a change (replays and conflicts) and reach the
hazards; a hazard's requirement is the item's imperative requirement text."""

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.followup_rules import requirement_text
from inspection.models import AnswerChange, Hazard
from inspection.services import hazards
from tests.api.conftest import answer, assert_error, items_of, jpeg, plan_body
from tests.api.test_answers import changes_with, server_answers
from tests.api.test_submit import answer_section, submit
from tests.conftest import Login
from tests.factories import PASSWORD

EXIT = "二楼东侧安全出口"


@pytest.fixture
def food_inspection(as_user, ids) -> dict[str, Any]:
    """A food-safety inspection checked by 市场监管 (sc1, sc2)."""
    body = plan_body(ids, checklists=["food_safety"], inspectors=[ids["sc1"], ids["sc2"]])
    response = as_user("reviewer").post("/inspections", json=body)
    assert response.status_code == 201, response.json
    return response.json


def food_item(inspection: dict[str, Any]) -> str:
    """A food item that needs no photo when it fails."""
    return next(i["code"] for i in items_of(inspection, "sc") if not i["photo_on_fail"])


def form_page(app, username: str, path: str) -> str:
    """The page at `path` as `username` sees it in the browser (a client of their own)."""
    client = app.test_client()
    Login(client, app.config.get("TEST_LOGIN_PASSWORD", PASSWORD))(username)
    return client.get(path).get_data(as_text=True)


def test_location_and_food_flag_round_trip(as_user, food_inspection):
    api, iid, code = as_user("sc1"), food_inspection["id"], food_item(food_inspection)
    change = answer(code, "fail", note="冷藏柜温度 12℃", location=f"  后厨{EXIT}  ", affects_food_safety=True)
    response = api.answers(iid, change)
    assert response.status_code == 200, response.json
    (saved,) = response.json["items"]
    assert (saved["location"], saved["affects_food_safety"]) == (f"后厨{EXIT}", True)  # trimmed
    held = server_answers(api, iid)[code]
    assert (held["location"], held["affects_food_safety"], held["note"]) == (f"后厨{EXIT}", True, "冷藏柜温度 12℃")


def test_a_passed_item_keeps_no_location(as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    assert api.answers(iid, answer("F4", "fail", location=EXIT)).status_code == 200
    assert server_answers(api, iid)["F4"]["location"] == EXIT
    response = api.answers(iid, answer("F4", "pass", location=EXIT, base_revision=1))
    assert response.status_code == 200, response.json
    assert response.json["items"][0]["location"] == ""
    assert server_answers(api, iid)["F4"]["location"] == ""


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"location": 12}, "answers[0].location"),
        ({"location": ["一楼"]}, "answers[0].location"),
        ({"location": "走" * 201}, "answers[0].location"),
        ({"location": "一楼\x00"}, "answers[0].location"),
        ({"affects_food_safety": "yes"}, "answers[0].affects_food_safety"),
        ({"affects_food_safety": 1}, "answers[0].affects_food_safety"),
    ],
)
def test_bad_location_or_flag_is_400_naming_the_field(app, as_user, fire_inspection, extra, field):
    response = as_user("xf1").answers(fire_inspection["id"], answer("F4", "fail", **extra))
    assert field in assert_error(response, 400, "bad_request")["fields"]
    assert server_answers(as_user("xf1"), fire_inspection["id"]) == {}


def test_two_hundred_characters_are_accepted(as_user, fire_inspection):
    response = as_user("xf1").answers(fire_inspection["id"], answer("F4", "fail", location="走" * 200))
    assert response.status_code == 200, response.json


def test_a_control_character_in_a_location_is_422(as_user, fire_inspection):
    response = as_user("xf1").answers(fire_inspection["id"], answer("F4", "fail", location="一楼\x07走廊"))
    assert assert_error(response, 422, "rule_violation")["fields"] == {"location": "含有不允许的字符"}


def test_the_food_flag_on_a_passed_food_item_is_422(as_user, food_inspection):
    api, iid, code = as_user("sc1"), food_inspection["id"], food_item(food_inspection)
    error = assert_error(api.answers(iid, answer(code, "pass", affects_food_safety=True)), 422, "rule_violation")
    assert "未判为不合格" in error["message"] and "affects_food_safety" in error["fields"]
    assert code not in server_answers(api, iid)


def test_the_food_flag_on_a_fire_item_is_422(as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    error = assert_error(api.answers(iid, answer("F4", "fail", affects_food_safety=True)), 422, "rule_violation")
    assert "不是食品安全检查条目" in error["message"]
    assert server_answers(api, iid) == {}


def test_a_replayed_change_is_stored_once_and_a_new_location_is_a_new_revision(app, as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    first = answer("F4", "fail", note="灭火器过期", location="一楼走廊")
    for _ in range(3):
        assert api.answers(iid, first).status_code == 200
    assert changes_with(app, first["client_id"]) == 1
    moved = answer("F4", "fail", note="灭火器过期", location="二楼走廊", base_revision=1)
    response = api.answers(iid, moved)
    assert response.json["items"][0]["revision"] == 2
    with app.app_context():  # the history keeps where each change said
        rows = db.session.scalars(select(AnswerChange.location).order_by(AnswerChange.revision)).all()
    assert rows == ["一楼走廊", "二楼走廊"]


def test_one_uuid_with_another_location_or_flag_is_409(as_user, food_inspection):
    api, iid, code = as_user("sc1"), food_inspection["id"], food_item(food_inspection)
    change = answer(code, "fail", location="后厨")
    assert api.answers(iid, change).status_code == 200
    for other in ({"location": "仓库"}, {"affects_food_safety": True}):
        response = api.answers(iid, {**change, **other})
        assert assert_error(response, 409, "conflict")["conflicts"][0]["reason"] == "client_id_reused"
    assert server_answers(api, iid)[code]["location"] == "后厨"


def test_a_stale_write_shows_the_servers_location(as_user, fire_inspection):
    iid, xf1, xf2 = fire_inspection["id"], as_user("xf1"), as_user("xf2")
    assert xf1.answers(iid, answer("F4", "pass", base_revision=0)).status_code == 200
    assert xf2.answers(iid, answer("F4", "fail", location=EXIT, base_revision=1)).status_code == 200
    error = assert_error(xf1.answers(iid, answer("F4", "fail", base_revision=1)), 409, "conflict")
    assert error["conflicts"][0]["server"]["location"] == EXIT


def test_a_correction_changes_the_location_and_the_hazard_follows(app, as_user, food_inspection):
    api, iid, code = as_user("sc1"), food_inspection["id"], food_item(food_inspection)
    answer_section(api, food_inspection, "sc", **{code: {"note": "冷藏柜温度 12℃", "location": "后厨"}})
    assert submit(api, food_inspection).status_code == 200
    correction = answer(code, "fail", note="冷藏柜温度 12℃", location="后厨西侧冷藏柜", affects_food_safety=True)
    response = api.post(f"/inspections/{iid}/corrections", json={**correction, "reason": "位置记错"})
    assert response.status_code == 200, response.json
    held = server_answers(api, iid)[code]
    assert (held["location"], held["affects_food_safety"]) == ("后厨西侧冷藏柜", True)
    with app.app_context():
        hazard = db.session.scalar(select(Hazard).where(Hazard.inspection_id == iid, Hazard.item_code == code))
        assert (hazard.location, hazard.finding) == ("后厨西侧冷藏柜", "冷藏柜温度 12℃")


def test_hazards_take_the_location_and_the_items_requirement(app, as_user, fire_inspection, monkeypatch):
    """A failed item becomes a hazard saying where it was seen; its requirement is the item's imperative text, and
    the generic sentence only for items of older versions, which have none."""
    shipped = hazards.checklist_of

    def with_requirement(version):
        checklist = shipped(version)
        sections = tuple(
            dataclasses.replace(
                section,
                items=tuple(
                    dataclasses.replace(item, requirement="立即更换过期灭火器" if item.code == "F4" else "")
                    for item in section.items
                ),
            )
            for section in checklist.sections
        )
        return dataclasses.replace(checklist, sections=sections)

    monkeypatch.setattr(hazards, "checklist_of", with_requirement)
    xf1, mz1, iid = as_user("xf1"), as_user("mz1"), fire_inspection["id"]
    fails = {"F4": {"note": "3具灭火器压力不足", "location": EXIT}, "F6": {"note": "应急照明不亮"}}
    answer_section(xf1, fire_inspection, "xf", **fails)
    for code in fails:  # a failed item may require a photo
        assert xf1.photo(iid, code, jpeg()).status_code == 201
    answer_section(mz1, fire_inspection, "mz")
    assert submit(xf1, fire_inspection).status_code == 200
    assert submit(mz1, fire_inspection).status_code == 200
    with app.app_context():
        found = {h.item_code: h for h in db.session.scalars(select(Hazard).where(Hazard.inspection_id == iid))}
        assert (found["F4"].location, found["F4"].finding) == (EXIT, "3具灭火器压力不足")
        assert found["F4"].requirement == "立即更换过期灭火器"
        item = shipped(found["F6"].inspection_checklist.version).item("F6")
        assert (found["F6"].location, found["F6"].finding) == ("", "应急照明不亮")
        assert found["F6"].requirement == requirement_text(item.text, item.basis)


def test_the_phone_form_offers_the_food_switch_on_food_items_only(app, as_user, ids):
    people = [ids[name] for name in ("mz1", "mz2", "xf1", "xf2", "sc1", "sc2")]
    body = plan_body(ids, checklists=["fire_safety", "food_safety"], inspectors=people)
    planned = as_user("reviewer").post("/inspections", json=body)
    assert planned.status_code == 201, planned.json
    form = f"/inspections/{planned.json['id']}/form"
    food = form_page(app, "sc1", form)  # each inspector's own, answerable items carry the fields
    assert food.count('class="food-input"') == food.count('class="location-input"') > 0
    fire = form_page(app, "xf1", form)
    assert fire.count('class="location-input"') > 0 and 'class="food-input"' not in fire
