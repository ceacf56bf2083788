"""Photo uploads: a corpus of bad files (each refused with a clear 400 or 413 and nothing stored), EXIF stripped
while capture time and GPS survive as fields, downscaling, idempotency per photo UUID, and who may upload."""

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageFile

from inspection.media import MAX_UPLOAD_BYTES, PHOTO_LONG_SIDE
from tests.api.conftest import assert_error, items_of, jpeg, new_id


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG whose header claims width × height grey pixels, with a tiny compressed body (a few hundred bytes)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * (width + 1) * 4, 9)  # four rows; the decoder never gets that far
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


def jpeg_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A small valid JPEG whose frame header (SOF0) is patched to claim width × height pixels."""
    data = bytearray(jpeg(16, 16))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


CORPUS = {
    "empty": b"",
    "truncated_jpeg": jpeg(640, 480, quality=95)[:2000],
    "html_renamed_jpg": b"<!DOCTYPE html><html><body><script>alert(1)</script><img src=x></body></html>",
    "svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<rect width="100" height="100" fill="red"/></svg>'
    ),
    "png_bomb_20000": png_bomb(),
    "jpeg_bomb_20000": jpeg_bomb(),
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
    b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
}


def test_corpus_files_are_small():
    """The bombs are cheap: a few hundred bytes each."""
    assert len(CORPUS["png_bomb_20000"]) < 2000 and len(CORPUS["jpeg_bomb_20000"]) < 2000


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_files_are_refused_and_nothing_is_stored(as_user, fire_inspection, counts, name):
    before = counts()
    response = as_user("xf1").photo(fire_inspection["id"], "F2", CORPUS[name])
    error = assert_error(response, 400, "bad_image")
    assert error["fields"]["file"] == error["message"]
    if "bomb" in name:
        assert "像素过多" in error["message"]
    assert counts() == before


def test_truncated_jpeg_is_refused_even_after_weasyprint_relaxed_pillow(as_user, fire_inspection, counts, monkeypatch):
    """Importing WeasyPrint (notice PDFs) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES; the check must not
    depend on it."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    before = counts()
    assert_error(as_user("xf1").photo(fire_inspection["id"], "F2", CORPUS["truncated_jpeg"]), 400, "bad_image")
    assert counts() == before
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's own setting is left as it was


def test_file_over_the_upload_limit_is_413_and_nothing_is_stored(as_user, fire_inspection, counts):
    before = counts()
    big = jpeg() + b"\x00" * (MAX_UPLOAD_BYTES + 1)
    assert_error(as_user("xf1").photo(fire_inspection["id"], "F2", big), 413, "too_large")
    assert counts() == before


def test_request_over_the_request_limit_is_413_and_nothing_is_stored(
    app, as_user, fire_inspection, counts, monkeypatch
):
    api = as_user("xf1")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    before = counts()
    assert_error(api.photo(fire_inspection["id"], "F2", b"\xff" * 100_000), 413, "too_large")
    assert counts() == before


def exif_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A camera-like JPEG with EXIF: make, capture time and GPS 38°55'30"N 111°50'15"E."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Software] = "SecretSoftware 1.0"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:11:20 09:41:05"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (38.0, 55.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (111.0, 50.0, 15.0)
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 30)).save(out, "JPEG", exif=exif, quality=70)
    return out.getvalue()


def test_exif_is_stripped_while_time_and_gps_survive_as_fields(as_user, fire_inspection):
    api = as_user("xf1")
    upload = exif_jpeg()
    assert Image.open(io.BytesIO(upload)).getexif()[ExifTags.Base.Make] == "SecretCam"  # the fixture has EXIF
    response = api.photo(fire_inspection["id"], "F2", upload)
    assert response.status_code == 201, response.json
    photo = response.json
    assert photo["taken_at"] == "2026-11-20T01:41:05"  # the camera's Beijing time, stored as UTC
    assert (photo["latitude"], photo["longitude"]) == ("38.925000", "111.837500")
    assert (photo["width"], photo["height"]) == (PHOTO_LONG_SIDE, 1200)

    stored = api.get(photo["url"].removeprefix("/api/v1"))
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    data = stored.get_data()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and max(image.size) <= PHOTO_LONG_SIDE
    assert not image.getexif() and "exif" not in image.info
    assert b"Exif" not in data and b"SecretCam" not in data and b"SecretSoftware" not in data


@pytest.mark.parametrize("size", [(1200, 5000), (800, 600)])
def test_stored_photos_are_at_most_1600_px_on_the_long_side(as_user, fire_inspection, size):
    response = as_user("xf1").photo(fire_inspection["id"], "F2", jpeg(*size))
    assert response.status_code == 201
    width, height = response.json["width"], response.json["height"]
    assert max(width, height) == min(PHOTO_LONG_SIDE, max(size))


def test_png_and_webp_are_accepted_and_stored_as_jpeg(as_user, fire_inspection):
    api = as_user("xf1")
    for kind in ("PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (50, 40), (1, 2, 3)).save(out, kind)
        response = api.photo(fire_inspection["id"], "F2", out.getvalue())
        assert response.status_code == 201, (kind, response.json)
        assert api.get(response.json["url"].removeprefix("/api/v1")).mimetype == "image/jpeg"


def test_same_photo_uuid_and_bytes_five_times_store_one_photo(as_user, fire_inspection, counts):
    api, data, client_id = as_user("xf1"), jpeg(), new_id()
    before = counts()
    statuses = [api.photo(fire_inspection["id"], "F2", data, client_id).status_code for _ in range(5)]
    assert statuses == [201, 200, 200, 200, 200]
    assert counts() == (before[0] + 1, before[1] + 1)


def test_same_photo_uuid_with_other_bytes_is_409(as_user, fire_inspection, counts):
    api, client_id = as_user("xf1"), new_id()
    assert api.photo(fire_inspection["id"], "F2", jpeg(), client_id).status_code == 201
    before = counts()
    error = assert_error(api.photo(fire_inspection["id"], "F2", jpeg(32, 32), client_id), 409, "conflict")
    assert error["conflicts"][0]["reason"] == "client_id_reused"
    assert counts() == before


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"item_code": "F2", "client_id": "not-a-uuid"}, "client_id"),
        ({"client_id": "UUID"}, "item_code"),
        ({"item_code": "F2"}, "client_id"),
    ],
)
def test_bad_form_fields_are_400(as_user, fire_inspection, form, field):
    form = {k: new_id() if v == "UUID" else v for k, v in form.items()}
    form["file"] = (io.BytesIO(jpeg()), "a.jpg")
    response = as_user("xf1").multipart(f"/inspections/{fire_inspection['id']}/photos", form)
    assert field in assert_error(response, 400, "bad_request")["fields"]


def test_missing_file_is_400(as_user, fire_inspection):
    response = as_user("xf1").multipart(
        f"/inspections/{fire_inspection['id']}/photos", {"item_code": "F2", "client_id": new_id()}
    )
    assert "file" in assert_error(response, 400, "bad_request")["fields"]


def test_photo_of_another_departments_item_is_403(as_user, fire_inspection, counts):
    before = counts()
    mz_item = items_of(fire_inspection, "mz")[0]["code"]
    assert_error(as_user("xf1").photo(fire_inspection["id"], mz_item, jpeg()), 403, "forbidden")
    assert counts() == before


def test_photo_of_an_unknown_item_is_422(as_user, fire_inspection, counts):
    before = counts()
    assert_error(as_user("xf1").photo(fire_inspection["id"], "NOPE", jpeg()), 422, "rule_violation")
    assert counts() == before


def test_photos_need_an_assigned_inspector(as_user, fire_inspection):
    assert_error(as_user("sc1").photo(fire_inspection["id"], "F2", jpeg()), 404, "not_found")
    assert_error(as_user("reviewer").photo(fire_inspection["id"], "F2", jpeg()), 403, "forbidden")
    assert_error(as_user("xf1").photo(999999, "F2", jpeg()), 404, "not_found")


def test_stored_photo_is_served_only_within_scope(as_user, fire_inspection):
    response = as_user("xf1").photo(fire_inspection["id"], "F2", jpeg())
    path = response.json["url"].removeprefix("/api/v1")
    assert as_user("mz1").get(path).status_code == 200
    assert as_user("reviewer").get(path).status_code == 200
    for username in ("sc1", "operator", "other_reviewer"):
        assert_error(as_user(username).get(path), 404, "not_found")
    assert_error(as_user("xf1").get("/photos/999999"), 404, "not_found")


def test_where_a_photo_was_taken_is_shown_only_to_who_may_see_the_inspection(as_user, fire_inspection, ids, client):
    """GPS and capture time are evidence: the inspection's readers get them, nobody else, and no public page."""
    photo = as_user("xf1").photo(fire_inspection["id"], "F2", exif_jpeg(800, 600)).json
    path = f"/inspections/{fire_inspection['id']}"
    assert as_user("reviewer").get(path).json["photos"][0]["latitude"] == "38.925000"
    for outsider in ("other_reviewer", "other_operator"):
        assert_error(as_user(outsider).get(path), 404, "not_found")
        assert_error(as_user(outsider).get(photo["url"].removeprefix("/api/v1")), 404, "not_found")
    public = client.get(f"/public/facilities/{ids['facility_own']}")
    assert public.status_code == 200
    assert "38.925" not in public.get_data(as_text=True) and "111.8375" not in public.get_data(as_text=True)
