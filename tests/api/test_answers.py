"""Answers: idempotent per change UUID, stale writes refused with the server's value, whole batches all or nothing,
and each inspector only in his own department's sections."""

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Answer, AnswerChange
from tests.api.conftest import answer, assert_error, items_of, new_id, plan_body


def stored(app) -> tuple[int, int]:
    """Return how many answers and answer changes exist."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Answer)),
            db.session.scalar(select(func.count()).select_from(AnswerChange)),
        )


def changes_with(app, client_id: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(AnswerChange.client_id == client_id))


def server_answers(api, inspection_id: int) -> dict[str, dict]:
    return {a["item_code"]: a for a in api.get(f"/inspections/{inspection_id}").json["answers"]}


def test_answers_are_stored_and_read_back(as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    response = api.answers(iid, answer("F2"), answer("F4", "fail", deduction="2.5", note="灭火器过期"))
    assert response.status_code == 200, response.json
    assert response.json["revision"] == 1
    assert {i["item_code"]: i["revision"] for i in response.json["items"]} == {"F2": 1, "F4": 1}
    answers = server_answers(api, iid)
    assert answers["F4"] == {
        "item_code": "F4",
        "result": "fail",
        "deduction": "2.50",
        "note": "灭火器过期",
        "location": "",
        "affects_food_safety": False,
        "revision": 1,
    }
    assert answers["F2"]["result"] == "pass" and answers["F2"]["deduction"] is None


def test_same_answer_uuid_five_times_stores_one_row_and_one_change(app, as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    change = answer("F4", "fail", deduction=3, note="过期")
    before = stored(app)
    for _ in range(5):
        response = api.answers(iid, change)
        assert response.status_code == 200
    assert stored(app) == (before[0] + 1, before[1] + 1)
    assert changes_with(app, change["client_id"]) == 1
    assert server_answers(api, iid)["F4"]["revision"] == 1


def test_same_uuid_with_other_content_is_409_and_stores_nothing(app, as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    change = answer("F4", "fail", deduction=3)
    assert api.answers(iid, change).status_code == 200
    before = stored(app)
    response = api.answers(iid, answer("F2"), {**change, "deduction": 1})
    error = assert_error(response, 409, "conflict")
    assert error["conflicts"] == [{"item_code": "F4", "client_id": change["client_id"], "reason": "client_id_reused"}]
    assert stored(app) == before
    assert "F2" not in server_answers(api, iid)


def test_a_resent_change_with_its_old_base_revision_is_no_conflict(app, as_user, fire_inspection):
    """The phone lost the reply to its first save and sends that change again with the next one."""
    api, iid = as_user("xf1"), fire_inspection["id"]
    first = answer("F4", "fail", deduction=3, note="过期", base_revision=0)
    assert api.answers(iid, first).status_code == 200
    before = stored(app)
    response = api.answers(iid, first, answer("F4", "pass", base_revision=1), answer("F6"))
    assert response.status_code == 200, response.json
    assert {i["item_code"]: i["revision"] for i in response.json["items"]} == {"F4": 2, "F6": 1}
    assert stored(app) == (before[0] + 1, before[1] + 2)
    assert server_answers(api, iid)["F4"]["result"] == "pass"


def test_a_uuid_used_in_another_inspection_is_409_and_stores_nothing(app, as_user, ids, fire_inspection):
    api = as_user("xf1")
    change = answer("F4", "pass")
    assert api.answers(fire_inspection["id"], change).status_code == 200
    other = as_user("reviewer").post("/inspections", json=plan_body(ids)).json["id"]
    before = stored(app)
    error = assert_error(api.answers(other, answer("F2"), change), 409, "conflict")
    assert error["conflicts"] == [{"item_code": "F4", "client_id": change["client_id"], "reason": "client_id_reused"}]
    assert stored(app) == before
    assert server_answers(api, other) == {}


def test_one_uuid_with_two_contents_in_one_batch_is_409(app, as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    change = answer("F4", "pass")
    before = stored(app)
    assert_error(api.answers(iid, change, {**change, "result": "fail"}), 409, "conflict")
    assert stored(app) == before
    assert api.answers(iid, change, dict(change)).status_code == 200  # the same change twice is stored once
    assert changes_with(app, change["client_id"]) == 1


def test_stale_write_is_409_showing_the_servers_value(app, as_user, fire_inspection):
    iid = fire_inspection["id"]
    xf1, xf2 = as_user("xf1"), as_user("xf2")
    assert xf1.answers(iid, answer("F4", "pass", base_revision=0)).status_code == 200
    assert xf2.answers(iid, answer("F4", "fail", deduction=2, note="压力不足", base_revision=1)).status_code == 200
    before = stored(app)
    stale = answer("F4", "pass", base_revision=1)  # xf1 still believes revision 1
    error = assert_error(xf1.answers(iid, answer("F6"), stale), 409, "conflict")
    assert error["conflicts"] == [
        {
            "item_code": "F4",
            "client_id": stale["client_id"],
            "reason": "stale_revision",
            "server": {
                "result": "fail",
                "deduction": "2.00",
                "note": "压力不足",
                "location": "",
                "affects_food_safety": False,
                "revision": 2,
            },
        }
    ]
    assert stored(app) == before  # F6 was not stored either
    assert xf1.answers(iid, {**stale, "client_id": new_id(), "base_revision": 2}).status_code == 200


def test_base_revision_zero_on_an_answered_item_is_stale(as_user, fire_inspection):
    iid = fire_inspection["id"]
    assert as_user("xf1").answers(iid, answer("F4")).status_code == 200
    error = assert_error(as_user("xf2").answers(iid, answer("F4", base_revision=0)), 409, "conflict")
    assert error["conflicts"][0]["server"]["result"] == "pass"


def test_a_different_department_never_conflicts(as_user, fire_inspection):
    """Both departments work from revision 0 of their own items; the inspection's revision moving on is no clash."""
    iid = fire_inspection["id"]
    xf1, mz1 = as_user("xf1"), as_user("mz1")
    xf_items = [i["code"] for i in items_of(fire_inspection, "xf")]
    mz_items = [i["code"] for i in items_of(fire_inspection, "mz")]
    for xf_code, mz_code in zip(xf_items, mz_items, strict=False):
        assert xf1.answers(iid, answer(xf_code, base_revision=0)).status_code == 200
        assert mz1.answers(iid, answer(mz_code, base_revision=0)).status_code == 200
    assert len(server_answers(xf1, iid)) == 2 * min(len(xf_items), len(mz_items))


def test_a_batch_with_one_bad_answer_stores_nothing(app, as_user, fire_inspection):
    api, iid = as_user("xf1"), fire_inspection["id"]
    before = stored(app)
    too_much = answer("F4", "fail", deduction=999)
    error = assert_error(api.answers(iid, answer("F2"), answer("F6"), too_much), 422, "rule_violation")
    assert "F4" in error["message"]
    assert_error(api.answers(iid, answer("F2"), answer("NOPE")), 422, "rule_violation")
    assert_error(api.answers(iid, answer("F2"), answer("F6", "maybe")), 400, "bad_request")
    assert stored(app) == before


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"result": "pass", "client_id": "x"}, "answers[0].item_code"),
        ({"item_code": "F2", "client_id": "x"}, "answers[0].result"),
        ({"item_code": "F2", "result": "pass"}, "answers[0].client_id"),
        ({"item_code": "F2", "result": "pass", "client_id": "no-uuid"}, "answers[0].client_id"),
        ({"item_code": "F2", "result": "fail", "client_id": "UUID", "deduction": "1.234"}, "answers[0].deduction"),
        ({"item_code": "F2", "result": "fail", "client_id": "UUID", "deduction": True}, "answers[0].deduction"),
        ({"item_code": "F2", "result": "pass", "client_id": "UUID", "base_revision": -1}, "answers[0].base_revision"),
        ({"item_code": "F2", "result": "pass", "client_id": "UUID", "note": "x" * 2001}, "answers[0].note"),
        ({"item_code": "F2", "result": ["pass"], "client_id": "UUID"}, "answers[0].result"),
        ({"item_code": "F2", "result": {"pass": 1}, "client_id": "UUID"}, "answers[0].result"),
    ],
)
def test_bad_answer_input_is_400_naming_the_field(as_user, fire_inspection, entry, field):
    entry = {k: new_id() if v == "UUID" else v for k, v in entry.items()}
    response = as_user("xf1").answers(fire_inspection["id"], entry)
    assert field in assert_error(response, 400, "bad_request")["fields"]


@pytest.mark.parametrize("body", [{}, {"answers": []}, {"answers": "F2"}, {"answers": [1]}])
def test_malformed_batches_are_400(as_user, fire_inspection, body):
    response = as_user("xf1").put(f"/inspections/{fire_inspection['id']}/answers", json=body)
    assert_error(response, 400, "bad_request")


def test_pass_with_a_deduction_is_422(as_user, fire_inspection):
    assert_error(as_user("xf1").answers(fire_inspection["id"], answer("F2", deduction=2)), 422, "rule_violation")


def test_na_where_not_allowed_is_422(as_user, fire_inspection):
    assert_error(as_user("xf1").answers(fire_inspection["id"], answer("F2", "na")), 422, "rule_violation")


def test_inspector_cannot_answer_another_departments_section(app, as_user, fire_inspection):
    before = stored(app)
    mz_item = items_of(fire_inspection, "mz")[0]["code"]
    error = assert_error(as_user("xf1").answers(fire_inspection["id"], answer("F2"), answer(mz_item)), 403, "forbidden")
    assert error["fields"] == {"answers[1].item_code": mz_item}
    assert_error(as_user("mz1").answers(fire_inspection["id"], answer("F2")), 403, "forbidden")
    assert stored(app) == before


def test_sc1_cannot_answer_a_fire_item(app, as_user, ids):
    """In a joint fire and food inspection 市场监管 is assigned, yet the fire items stay out of its reach."""
    people = [ids[name] for name in ("mz1", "mz2", "xf1", "xf2", "sc1", "sc2")]
    body = plan_body(ids, checklists=["fire_safety", "food_safety"], inspectors=people)
    inspection = as_user("reviewer").post("/inspections", json=body)
    assert inspection.status_code == 201, inspection.json
    iid = inspection.json["id"]
    sc1 = as_user("sc1")
    assert sc1.get(f"/inspections/{iid}").status_code == 200
    assert_error(sc1.answers(iid, answer("F2")), 403, "forbidden")
    assert sc1.answers(iid, answer(items_of(inspection.json, "sc")[0]["code"])).status_code == 200


def test_unassigned_inspector_gets_404(as_user, fire_inspection):
    assert_error(as_user("sc1").answers(fire_inspection["id"], answer("F2")), 404, "not_found")


@pytest.mark.parametrize("username", ["reviewer", "admin"])
def test_only_inspectors_answer(as_user, fire_inspection, username):
    assert_error(as_user(username).answers(fire_inspection["id"], answer("F2")), 403, "forbidden")


def test_an_operator_answers_only_self_inspections(as_user, fire_inspection):
    """The operator answers their own self-inspection (tests/api/test_self_inspection.py); an official inspection of
    their facility in progress is not theirs to see."""
    assert_error(as_user("operator").answers(fire_inspection["id"], answer("F2")), 404, "not_found")


def test_answers_to_an_unknown_inspection_are_404(as_user):
    assert_error(as_user("xf1").answers(999999, answer("F2")), 404, "not_found")
