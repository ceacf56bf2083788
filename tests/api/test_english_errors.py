"""The API answers refusals in the language of the token's user (issue 17): English for a user who chose it,
Chinese otherwise; the codes and field names, which programs read, stay the same."""

from inspection.extensions import db
from inspection.services.users import remember_locale
from tests.api.conftest import answer, assert_error, items_of
from tests.conftest import user


def speaks_english(username: str) -> None:
    remember_locale(user(username), "en")
    db.session.commit()


def test_a_service_refusal_comes_in_english_for_an_english_user(as_user, fire_inspection):
    speaks_english("xf1")
    error = assert_error(as_user("xf1").answers(fire_inspection["id"], answer("NOPE")), 422, "rule_violation")
    assert error["message"] == "The inspection has no item NOPE"


def test_the_same_refusal_is_chinese_by_default(as_user, fire_inspection):
    error = assert_error(as_user("xf1").answers(fire_inspection["id"], answer("NOPE")), 422, "rule_violation")
    assert error["message"] == "检查中没有条目 NOPE"


def test_input_errors_and_their_fields_come_in_english(as_user, fire_inspection):
    speaks_english("xf2")
    response = as_user("xf2").answers(fire_inspection["id"], {"item_code": "F2", "result": "pass"})
    error = assert_error(response, 400, "bad_request")
    assert error["message"] == "answers[0] is invalid"
    assert error["fields"] == {"answers[0].client_id": "required"}


def test_another_departments_items_are_refused_in_english(as_user, fire_inspection):
    speaks_english("mz1")
    fire_item = items_of(fire_inspection, "xf")[0]["code"]
    error = assert_error(as_user("mz1").answers(fire_inspection["id"], answer(fire_item)), 403, "forbidden")
    assert error["message"] == f"{fire_item} belongs to another department's section: you may only view it"
