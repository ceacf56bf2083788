"""Signatures: a PNG drawn on the phone (base64 or a data URL), idempotent per UUID, refusals to sign, bad images."""

import base64
import io
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Signature
from tests.api.conftest import assert_error, jpeg, new_id
from tests.api.test_submit import answer_section, submit


def png_base64(size: tuple[int, int] = (300, 120)) -> str:
    out = io.BytesIO()
    Image.new("LA", size, (0, 0)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def signature(**extra: Any) -> dict[str, Any]:
    body = {"client_id": new_id(), "signer_name": "张三", "role": "facility", "image": png_base64()}
    return {**body, **extra}


def sign(api, inspection: dict[str, Any], body: dict[str, Any]):
    return api.post(f"/inspections/{inspection['id']}/signatures", json=body)


def test_signature_is_stored_and_served(as_user, fire_inspection):
    api = as_user("xf1")
    response = sign(api, fire_inspection, signature(signed_at="2026-11-20T10:30:00+08:00"))
    assert response.status_code == 201, response.json
    assert response.json["signed_at"] == "2026-11-20T02:30:00" and response.json["refused"] is False
    image = api.get(response.json["url"].removeprefix("/api/v1"))
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert Image.open(io.BytesIO(image.get_data())).size == (300, 120)
    assert as_user("reviewer").get(response.json["url"].removeprefix("/api/v1")).status_code == 200
    assert_error(as_user("sc1").get(response.json["url"].removeprefix("/api/v1")), 404, "not_found")


def test_inspector_signature_records_the_department(as_user, fire_inspection):
    response = sign(
        as_user("xf1"), fire_inspection, signature(role="inspector", image=f"data:image/png;base64,{png_base64()}")
    )
    assert response.status_code == 201 and response.json["department"] == "xf"


def test_same_signature_twice_is_stored_once(as_user, fire_inspection):
    api, body = as_user("xf1"), signature()
    first, second = sign(api, fire_inspection, body), sign(api, fire_inspection, body)
    assert (first.status_code, second.status_code) == (201, 200) and first.json["id"] == second.json["id"]
    other = sign(api, fire_inspection, {**body, "signer_name": "李四"})
    assert assert_error(other, 409, "conflict")["conflicts"][0]["reason"] == "client_id_reused"


def test_facility_may_refuse_to_sign(as_user, fire_inspection):
    body = signature(refused=True)
    del body["image"]
    response = sign(as_user("xf1"), fire_inspection, body)
    assert response.status_code == 201 and response.json["refused"] is True and response.json["url"] is None


def test_only_the_facility_refuses(as_user, fire_inspection):
    body = signature(refused=True, role="witness")
    del body["image"]
    assert_error(sign(as_user("xf1"), fire_inspection, body), 422, "rule_violation")


@pytest.mark.parametrize(
    "image",
    [
        "not base64!",
        base64.b64encode(jpeg()).decode(),
        base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode(),
        png_base64((3000, 10)),
    ],
)
def test_bad_signature_images_are_400(as_user, fire_inspection, image):
    assert_error(sign(as_user("xf1"), fire_inspection, signature(image=image)), 400, "bad_image")


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"signer_name": None}, "signer_name"),
        ({"role": "boss"}, "role"),
        ({"image": None}, "image"),
        ({"refused": "yes"}, "refused"),
        ({"signed_at": "yesterday"}, "signed_at"),
        ({"signed_at": "0001-01-01T00:00:00+14:00"}, "signed_at"),
        ({"client_id": "x"}, "client_id"),
    ],
)
def test_bad_signature_fields_are_400(as_user, fire_inspection, override, field):
    body = {k: v for k, v in signature(**override).items() if v is not None}
    error = assert_error(sign(as_user("xf1"), fire_inspection, body), 400, "bad_request")
    assert field in error["fields"]


def test_signatures_need_an_assigned_inspector(as_user, fire_inspection):
    assert_error(sign(as_user("sc1"), fire_inspection, signature()), 404, "not_found")
    # an operator signs only their self-inspection; an official one in progress is not theirs to see
    assert_error(sign(as_user("operator"), fire_inspection, signature()), 404, "not_found")
    assert_error(as_user("xf1").get("/signatures/999999"), 404, "not_found")


def test_no_signature_is_added_or_changed_once_the_inspection_is_complete(app, as_user, fire_inspection):
    """Signatures lock with the inspection, as answers and photos lock with their section: once the last department
    has submitted, a new signature (or another content under a UUID already used) is refused and nothing is written;
    a phone sending again a signature it sent before still gets it back."""
    xf1, mz1 = as_user("xf1"), as_user("mz1")
    before = signature()
    assert sign(xf1, fire_inspection, before).status_code == 201
    for api, department in ((xf1, "xf"), (mz1, "mz")):
        answer_section(api, fire_inspection, department)
        assert submit(api, fire_inspection).status_code == 200
    stored = _signature_rows(app, fire_inspection["id"])

    error = assert_error(sign(xf1, fire_inspection, signature(role="inspector")), 422, "rule_violation")
    assert "检查已完成" in error["message"]
    assert_error(sign(mz1, fire_inspection, {**before, "signer_name": "李四"}), 422, "rule_violation")
    refusal = {k: v for k, v in signature(refused=True).items() if k != "image"}
    assert_error(sign(xf1, fire_inspection, refusal), 422, "rule_violation")
    assert _signature_rows(app, fire_inspection["id"]) == stored

    again = sign(xf1, fire_inspection, before)
    assert again.status_code == 200 and again.json["signer_name"] == "张三"
    assert _signature_rows(app, fire_inspection["id"]) == stored


def _signature_rows(app, inspection_id: int) -> list[tuple[str, str, bool]]:
    with app.app_context():
        rows = db.session.scalars(select(Signature).where(Signature.inspection_id == inspection_id))
        return sorted((s.client_id, s.signer_name, s.refused) for s in rows)
