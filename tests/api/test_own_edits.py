"""One person's edits of an item never conflict with each other, and the server ends with the one made last
(issue 11 case 1): a phone edits while its previous save is in flight, a reply is lost, or two saves arrive in
the opposite order of their making."""

from tests.api.conftest import answer, assert_error

#: What a reply says of an answer given without a location or food-safety mark.
NO_PLACE = {"location": "", "affects_food_safety": False}


def at(second: int) -> str:
    """An edit time as the phone sends it."""
    return f"2026-12-04T08:00:{second:02d}.000Z"


def server_answer(api, inspection_id: int, item_code: str) -> dict:
    answers = {a["item_code"]: a for a in api.get(f"/inspections/{inspection_id}").json["answers"]}
    return answers[item_code]


def test_an_edit_made_while_the_previous_one_was_in_flight_is_stored(as_user, fire_inspection):
    iid, xf1 = fire_inspection["id"], as_user("xf1")
    first = answer("F4", "fail", note="压力不足", base_revision=0, edited_at=at(1))
    assert xf1.answers(iid, first).status_code == 200
    # the phone built this edit before the reply to the first arrived: it still believes revision 0
    second = answer("F4", "fail", deduction="1.5", note="压力不足，已过期", base_revision=0, edited_at=at(3))
    response = xf1.answers(iid, second)
    assert response.status_code == 200
    assert response.json["items"] == [
        {
            "item_code": "F4",
            "revision": 2,
            "result": "fail",
            "deduction": "1.50",
            "note": "压力不足，已过期",
            **NO_PLACE,
        }
    ]
    held = server_answer(xf1, iid, "F4")
    assert (held["note"], held["deduction"], held["revision"]) == ("压力不足，已过期", "1.50", 2)


def test_an_older_edit_arriving_after_a_newer_one_does_not_replace_it(as_user, fire_inspection):
    iid, xf1 = fire_inspection["id"], as_user("xf1")
    newer = answer("F4", "fail", note="最后的描述", base_revision=0, edited_at=at(5))
    older = answer("F4", "fail", note="较早的描述", base_revision=0, edited_at=at(2))
    assert xf1.answers(iid, newer).status_code == 200
    response = xf1.answers(iid, older)
    assert response.status_code == 200  # not a conflict with oneself
    assert response.json["items"][0]["note"] == "最后的描述"  # the reply says what the server holds
    assert server_answer(xf1, iid, "F4")["note"] == "最后的描述"


def test_a_resent_change_gets_the_servers_current_answer(as_user, fire_inspection):
    iid, xf1 = fire_inspection["id"], as_user("xf1")
    first = answer("F4", "pass", base_revision=0, edited_at=at(1))
    assert xf1.answers(iid, first).status_code == 200
    assert xf1.answers(iid, answer("F4", "fail", base_revision=1, edited_at=at(2))).status_code == 200
    replay = xf1.answers(iid, first)  # the reply to the first was lost; the phone sends it again
    assert replay.status_code == 200
    assert replay.json["items"] == [
        {"item_code": "F4", "revision": 2, "result": "fail", "deduction": None, "note": "", **NO_PLACE}
    ]


def test_another_persons_change_in_between_is_still_a_conflict(as_user, fire_inspection):
    iid, xf1, xf2 = fire_inspection["id"], as_user("xf1"), as_user("xf2")
    assert xf1.answers(iid, answer("F4", "pass", base_revision=0, edited_at=at(1))).status_code == 200
    assert xf2.answers(iid, answer("F4", "fail", note="灭火器过期", base_revision=1)).status_code == 200
    mine = answer("F4", "pass", note="复核合格", base_revision=0, edited_at=at(9))  # built on revision 0
    error = assert_error(xf1.answers(iid, mine), 409, "conflict")
    assert error["conflicts"][0]["server"]["note"] == "灭火器过期"
    assert server_answer(xf1, iid, "F4")["note"] == "灭火器过期"


def test_a_malformed_edit_time_is_400_naming_the_field(as_user, fire_inspection):
    error = assert_error(
        as_user("xf1").answers(fire_inspection["id"], answer("F4", edited_at="yesterday")), 400, "bad_request"
    )
    assert error["fields"] == {"answers[0].edited_at": "应为 ISO 8601 时间"}
