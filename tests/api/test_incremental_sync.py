"""Little mobile data (issue 17): a phone polls with the inspection's ETag and gets a bodiless 304 while nothing
changed; every write names the revision before and after it, so that the phone knows its copy is current; the
checklists' texts come once per version; a submission queued offline and sent twice is held once."""

from typing import Any

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import DepartmentSubmission
from tests.api.conftest import answer, assert_error, items_of, jpeg, new_id
from tests.api.test_signatures import png_base64, sign, signature
from tests.api.test_submit import answer_section


def _poll(api, inspection_id: int, etag: str | None = None):
    headers = {"If-None-Match": etag} if etag else {}
    return api.get(f"/inspections/{inspection_id}?checklists=ref", headers=headers)


def test_an_unchanged_inspection_answers_the_poll_with_304_and_any_change_gives_a_new_etag(
    as_user, fire_inspection: dict[str, Any]
):
    xf1, mz1 = as_user("xf1"), as_user("mz1")
    inspection_id = fire_inspection["id"]
    first = _poll(xf1, inspection_id)
    assert first.status_code == 200 and first.headers["ETag"] == f'"r{first.json["revision"]}"'
    unchanged = _poll(xf1, inspection_id, first.headers["ETag"])
    assert unchanged.status_code == 304 and unchanged.get_data() == b""

    xf_item = items_of(fire_inspection, "xf")[0]["code"]
    mz_item = items_of(fire_inspection, "mz")[0]["code"]
    changes = [
        lambda: mz1.answers(inspection_id, answer(mz_item)),
        lambda: xf1.photo(inspection_id, xf_item, jpeg()),
        lambda: xf1.post(f"/inspections/{inspection_id}/signatures", json=signature(image=png_base64())),
    ]
    etag = first.headers["ETag"]
    for change in changes:  # another inspector's answer, a photo, a signature: each one shows on the next poll
        assert change().status_code in (200, 201)
        polled = _poll(xf1, inspection_id, etag)
        assert polled.status_code == 200 and polled.headers["ETag"] != etag
        etag = polled.headers["ETag"]
    assert [a["item_code"] for a in polled.json["answers"]] == [mz_item]
    assert len(polled.json["photos"]) == 1 and len(polled.json["signatures"]) == 1


def test_each_write_names_the_revision_it_started_from(as_user, fire_inspection: dict[str, Any]):
    xf1, mz1 = as_user("xf1"), as_user("mz1")
    inspection_id = fire_inspection["id"]
    revision = _poll(xf1, inspection_id).json["revision"]
    codes = [item["code"] for item in items_of(fire_inspection, "xf")]

    saved = xf1.answers(inspection_id, answer(codes[0]))
    assert (saved.json["previous_revision"], saved.json["revision"]) == (revision, revision + 1)
    resent = xf1.answers(inspection_id, saved_request := answer(codes[1]))
    again = xf1.answers(inspection_id, saved_request)  # the same change sent twice changes nothing the second time
    assert again.json["previous_revision"] == again.json["revision"] == resent.json["revision"]

    mz1.answers(inspection_id, answer(items_of(fire_inspection, "mz")[0]["code"]))  # a colleague writes meanwhile
    photo = xf1.photo(inspection_id, codes[0], jpeg())
    assert photo.status_code == 201
    # the phone's copy (at resent's revision) missed the colleague's answer: the chain is broken, it downloads
    assert photo.json["previous_inspection_revision"] == resent.json["revision"] + 1
    assert photo.json["inspection_revision"] == resent.json["revision"] + 2
    signed = sign(xf1, fire_inspection, signature(image=png_base64()))
    assert signed.json["previous_inspection_revision"] == photo.json["inspection_revision"]


def test_the_poll_carries_checklists_by_reference_and_each_version_comes_once(
    as_user, anonymous, fire_inspection: dict[str, Any]
):
    xf1 = as_user("xf1")
    full = xf1.get(f"/inspections/{fire_inspection['id']}")  # without the option: the whole texts, as before
    polled = _poll(xf1, fire_inspection["id"])
    assert full.headers["ETag"] != polled.headers["ETag"]
    assert len(polled.get_data()) < len(full.get_data()) / 3
    (reference,) = polled.json["checklists"]
    assert "sections" not in reference and reference["code"] == "fire_safety"
    checklist = xf1.client.get(reference["url"], headers=xf1.headers())
    assert checklist.status_code == 200 and checklist.json == full.json["checklists"][0]
    assert (
        checklist.headers["ETag"] == f'"{reference["content_hash"]}"'
        and "immutable" in checklist.headers["Cache-Control"]
    )
    cached = xf1.client.get(reference["url"], headers=xf1.headers({"If-None-Match": checklist.headers["ETag"]}))
    assert cached.status_code == 304
    assert_error(xf1.get("/checklists/fire_safety/999"), 404, "not_found")
    assert anonymous.get(f"/checklists/fire_safety/{reference['version']}").status_code == 401


def test_a_submission_sent_twice_under_one_client_id_is_held_once(app, as_user, fire_inspection: dict[str, Any]):
    xf1, xf2, mz1 = as_user("xf1"), as_user("xf2"), as_user("mz1")
    answer_section(xf1, fire_inspection, "xf")
    answer_section(mz1, fire_inspection, "mz")
    path = f"/inspections/{fire_inspection['id']}/submit"
    client_id = new_id()
    first = xf1.post(path, json={"client_id": client_id})
    assert first.status_code == 200, first.json
    resent = xf1.post(path, json={"client_id": client_id})  # the reply was lost: the phone sends it again
    assert resent.status_code == 200 and resent.json["result"] == first.json["result"]
    assert resent.json["previous_inspection_revision"] == resent.json["inspection_revision"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DepartmentSubmission)) == 1
    # a colleague's second submission of the department is still refused, and a UUID is one submission only
    assert_error(xf2.post(path, json={"client_id": new_id()}), 409, "conflict")
    assert_error(mz1.post(path, json={"client_id": client_id}), 409, "conflict")
    assert mz1.post(path).status_code == 200  # without a body, as before


def _put_minimal(api, inspection_id: int, *changes: dict[str, Any]):
    return api.put(
        f"/inspections/{inspection_id}/answers", json={"answers": list(changes)}, headers={"Prefer": "return=minimal"}
    )


def test_a_change_taken_as_sent_is_answered_without_a_body_when_the_phone_prefers_it(
    as_user, fire_inspection: dict[str, Any]
):
    xf1 = as_user("xf1")
    inspection_id = fire_inspection["id"]
    codes = [item["code"] for item in items_of(fire_inspection, "xf")]
    revision = _poll(xf1, inspection_id).json["revision"]

    passed = _put_minimal(xf1, inspection_id, answer(codes[0]))
    failed = _put_minimal(xf1, inspection_id, answer(codes[1], "fail", note="灭火器压力不足", location="二楼走廊"))
    for reply, expected in ((passed, revision + 1), (failed, revision + 2)):
        assert reply.status_code == 204 and reply.get_data() == b""
        assert reply.headers["Revision"] == str(expected) and "Content-Type" not in reply.headers
    # the server holds exactly what the phone sent: the next poll agrees with the phone's own copy
    polled = {a["item_code"]: a for a in _poll(xf1, inspection_id).json["answers"]}
    assert polled[codes[1]]["note"] == "灭火器压力不足" and polled[codes[1]]["location"] == "二楼走廊"
    assert polled[codes[1]]["revision"] == 1  # an item's first answer
    edited = _put_minimal(xf1, inspection_id, answer(codes[1], "pass", base_revision=1))
    assert edited.status_code == 204 and edited.headers["Revision"] == str(revision + 3)
    assert {a["item_code"]: a for a in _poll(xf1, inspection_id).json["answers"]}[codes[1]]["revision"] == 2


def test_a_change_the_server_did_not_take_as_sent_gets_the_full_reply_even_when_minimal_is_preferred(
    as_user, fire_inspection: dict[str, Any]
):
    xf1 = as_user("xf1")
    inspection_id = fire_inspection["id"]
    code = items_of(fire_inspection, "xf")[0]["code"]
    change = answer(code)
    assert _put_minimal(xf1, inspection_id, change).status_code == 204
    # sent again (the reply was lost on the way): nothing changes, so the phone needs the server's answer spelt out
    again = _put_minimal(xf1, inspection_id, change)
    assert again.status_code == 200
    assert again.json["previous_revision"] == again.json["revision"]
    assert again.json["items"][0]["item_code"] == code
    # a client that does not ask keeps today's reply
    plain = xf1.answers(inspection_id, answer(code, "fail", note="x"))
    assert plain.status_code == 200 and plain.json["items"][0]["result"] == "fail"
