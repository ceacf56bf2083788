"""Evidence that holds (issue 18): a photo or signature keeps the SHA-256 of the bytes received and of the stored
image, and when and where it was taken; the audit log records the same hashes when it arrives."""

import base64
import hashlib
import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import AuditEvent, HazardPhoto, Photo, Signature, StoredFile
from inspection.orm import utcnow
from tests.api.conftest import assert_error, items_of, jpeg, new_id
from tests.api.test_signatures import sign, signature
from tests.factories import OWN, close_hazard, hazards_of, inspect
from tests.factories import jpeg as factory_jpeg


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(api, inspection: dict, data: bytes, **capture: str):
    """POST a photo of the inspection's first fire item, with the capture fields given."""
    code = items_of(inspection, "xf")[0]["code"]
    form = {"item_code": code, "client_id": new_id(), "file": (io.BytesIO(data), "photo.jpg")}
    return api.multipart(f"/inspections/{inspection['id']}/photos", {**form, **capture})


def last_event(action: str) -> AuditEvent:
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc()))


def test_a_photo_keeps_both_hashes_and_the_phones_time_and_place(as_user, fire_inspection):
    data = jpeg(2400, 1800)
    response = upload(
        as_user("xf1"),
        fire_inspection,
        data,
        captured_at="2026-11-20T09:41:05+08:00",
        latitude="38.9861427",
        longitude="111.8412",
    )
    assert response.status_code == 201, response.json
    photo = db.session.get(Photo, response.json["id"])
    stored = db.session.get(StoredFile, photo.file_id)
    assert photo.upload_sha256 == sha256(data)
    assert photo.image_sha256 == sha256(stored.data) != photo.upload_sha256  # re-encoded: a different image
    assert photo.taken_at == datetime(2026, 11, 20, 1, 41, 5)  # stored as UTC
    assert (str(photo.latitude), str(photo.longitude)) == ("38.986143", "111.841200")
    event = last_event("inspection.photo")
    assert event.after["image_sha256"] == photo.image_sha256 and event.after["received_sha256"] == sha256(data)


@pytest.mark.parametrize(
    ("capture", "field"),
    [
        ({"latitude": "91", "longitude": "111"}, "latitude"),
        ({"latitude": "38.9", "longitude": "-180.5"}, "longitude"),
        ({"latitude": "38.9"}, "longitude"),
        ({"latitude": "north", "longitude": "111"}, "latitude"),
        ({"captured_at": "yesterday"}, "captured_at"),
    ],
)
def test_an_impossible_time_or_place_is_refused_and_nothing_is_stored(as_user, fire_inspection, counts, capture, field):
    before = counts()
    response = upload(as_user("xf1"), fire_inspection, jpeg(), **capture)
    error = assert_error(response, 400, "bad_request")
    assert field in error["fields"]
    assert counts() == before


def test_a_capture_time_in_the_future_is_refused(as_user, fire_inspection):
    later = (utcnow() + timedelta(hours=3)).isoformat() + "Z"
    error = assert_error(upload(as_user("xf1"), fire_inspection, jpeg(), captured_at=later), 400, "bad_request")
    assert error["fields"]["captured_at"] == "拍摄时间晚于当前时间"


def test_a_signature_keeps_the_hash_of_the_png_received_and_stored(as_user, fire_inspection):
    body = signature()
    response = sign(as_user("xf1"), fire_inspection, body)
    assert response.status_code == 201, response.json
    stored = db.session.get(Signature, response.json["id"])
    assert stored.received_sha256 == sha256(base64.b64decode(body["image"]))
    assert stored.image_sha256 == sha256(stored.file.data)
    assert last_event("inspection.sign").after["image_sha256"] == stored.image_sha256


def test_a_refusal_to_sign_has_no_image_hashes(as_user, fire_inspection):
    response = sign(as_user("xf1"), fire_inspection, signature(refused=True, image=None))
    stored = db.session.get(Signature, response.json["id"])
    assert stored.refused and stored.received_sha256 is None and stored.image_sha256 is None


def test_rectification_photos_keep_their_hashes_too(cast):
    inspection = inspect(cast[OWN], ["fire_safety"], fail=["F5"])
    close_hazard(next(h for h in hazards_of(inspection) if h.item_code == "F5"))  # the operator's and xf's photo
    photos = db.session.scalars(select(HazardPhoto).order_by(HazardPhoto.id.desc()).limit(2)).all()
    assert len(photos) == 2
    for photo in photos:
        assert photo.upload_sha256 == sha256(factory_jpeg()) and photo.image_sha256 == sha256(photo.file.data)
    assert last_event("hazard.evidence").after["photo_sha256"] == [photos[1].image_sha256]
    assert last_event("hazard.reinspect").after["photo_sha256"] == [photos[0].image_sha256]


def test_a_stored_image_swapped_in_the_database_is_named(as_user, fire_inspection, runner):
    api = as_user("xf1")
    photo_id = upload(api, fire_inspection, jpeg()).json["id"]
    signature_id = sign(api, fire_inspection, signature()).json["id"]
    file_id = db.session.get(Photo, photo_id).file_id
    result = runner.invoke(args=["audit", "verify-evidence"])
    assert result.exit_code == 0, result.output
    db.session.execute(sa.update(StoredFile).where(StoredFile.id == file_id).values(data=jpeg(65, 48)))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify-evidence"])
    assert result.exit_code == 1
    assert f"ALTERED: photo {photo_id}:" in result.output and f"signature {signature_id}" not in result.output
