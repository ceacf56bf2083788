"""Issued documents are signed and can be verified by anyone holding a copy: the public page's upload and
POST /api/v1/verify, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Notice
from inspection.services import document_verification
from inspection.signing import key_setting_names
from tests.api.test_contract import assert_documented
from tests.factories import OWN
from tests.signing.pdfsig import pdfsig, tampered
from tests.web.test_followup import _inspected

pytestmark = pytest.mark.usefixtures("cast")


@dataclass(frozen=True)
class Issued:
    """What the tests read of an issued notice, read once (the requests after it end the session it came from)."""

    id: int
    number: str
    pdf: bytes
    department_code: str
    issued_on: str
    public_token: str
    facility_name: str
    certificate_serial: str | None
    certificate_sha256: str | None


@pytest.fixture
def issued(app, client, login) -> Issued:
    """A joint rectification notice of a completed fire inspection, issued through the web by the lead (mz1)."""
    with app.app_context():
        inspection_id = _inspected(facility_name=OWN).id
        db.session.commit()
    login("mz1")
    response = client.post(f"/inspections/{inspection_id}/notices", data={"mode": "joint"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    client.post("/logout")
    notice = db.session.get(Notice, int(response.headers["Location"].rsplit("/", 1)[1]))
    return Issued(
        notice.id,
        notice.number,
        notice.pdf_file.data,
        notice.department.code,
        notice.issued_on.isoformat(),
        notice.public_token,
        notice.facility.name,
        notice.signing_certificate_serial,
        notice.signing_certificate_sha256,
    )


def _api_verify(client, data: bytes):
    return client.post("/api/v1/verify", data={"file": (io.BytesIO(data), "n.pdf")}, content_type="multipart/form-data")


def test_the_issued_pdf_carries_a_valid_signature_of_the_issuing_department(issued, signing_keys, tmp_path):
    report = pdfsig(issued.pdf, tmp_path)
    assert report.valid and report.whole_document, report.output
    assert report.common_name == signing_keys.common_name(issued.department_code)
    assert issued.certificate_serial and issued.certificate_sha256


def test_an_uploaded_copy_verifies_as_the_issued_document(client, issued):
    response = _api_verify(client, issued.pdf)
    assert_documented(response, "post", "/verify")
    body = response.get_json()
    assert body == {
        "match": True,
        "document": {
            "number": issued.number,
            "kind": "rectification",
            "status": "issued",
            "issued_on": issued.issued_on,
        },
    }
    page = client.post("/verify", data={"file": (io.BytesIO(issued.pdf), "n.pdf")}, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "与发出的文书逐字节一致" in text
    assert issued.number in text and issued.facility_name in text and "有效" in text


def test_one_changed_byte_fails_pdfsig_and_verification(client, issued, tmp_path):
    changed = tampered(issued.pdf)
    assert not pdfsig(changed, tmp_path).valid
    response = _api_verify(client, changed)
    assert_documented(response, "post", "/verify")
    assert response.get_json() == {"match": False, "document": None}
    page = client.post("/verify", data={"file": (io.BytesIO(changed), "n.pdf")}, content_type="multipart/form-data")
    assert "不是本系统发出的文书，或发出后已被改动" in page.get_data(as_text=True)


def test_a_superseded_notice_verifies_as_issued_with_status_superseded(client, login, issued):
    original = issued.pdf
    login("mz1")
    response = client.post(f"/notices/{issued.id}/supersede", data={"reason": "期限笔误"})
    assert response.status_code == 302
    replacement_number = db.session.get(Notice, int(response.headers["Location"].rsplit("/", 1)[1])).number
    body = _api_verify(client, original).get_json()
    assert body["match"] is True and body["document"]["status"] == "superseded"
    assert body["document"]["number"] == issued.number
    page = client.post("/verify", data={"file": (io.BytesIO(original), "n.pdf")}, content_type="multipart/form-data")
    assert "已作废" in page.get_data(as_text=True) and replacement_number in page.get_data(as_text=True)


def test_the_qr_page_offers_the_upload_and_names_the_certificate(client, issued):
    text = client.get(f"/n/{issued.public_token}").get_data(as_text=True)
    assert 'action="/verify"' in text and 'enctype="multipart/form-data"' in text
    assert issued.certificate_serial and issued.certificate_serial in text


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (None, 400, "bad_request"),
        (b"GIF89a not a pdf", 400, "not_pdf"),
        (b"%PDF-1.7\n" + b"0" * 2048, 413, "too_large"),
    ],
)
def test_the_api_refuses_bad_uploads_clearly(client, monkeypatch, data, status, code):
    monkeypatch.setattr(document_verification, "MAX_UPLOAD_BYTES", 2048)  # the limit, not 10 MB of test data
    if data is None:
        response = client.post("/api/v1/verify", data={}, content_type="multipart/form-data")
    else:
        response = _api_verify(client, data)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["fields"]["file"]


def test_the_web_form_rerenders_with_a_message_for_a_file_that_is_no_pdf(client):
    page = client.post("/verify", data={"file": (io.BytesIO(b"hello"), "x.pdf")}, content_type="multipart/form-data")
    assert page.status_code == 400 and "上传的文件不是 PDF" in page.get_data(as_text=True)
    empty = client.post("/verify", data={}, content_type="multipart/form-data")
    assert empty.status_code == 200 and "请选择要核验的 PDF 文件" in empty.get_data(as_text=True)


def test_uploads_from_one_address_are_throttled(client, monkeypatch):
    monkeypatch.setattr(document_verification, "FREE_UPLOADS", 2)
    answers = [_api_verify(client, b"%PDF-1.7\n%%EOF\n").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    page = client.post("/verify", data={"file": (io.BytesIO(b"%PDF-1.7"), "x.pdf")}, content_type="multipart/form-data")
    assert page.status_code == 429 and re.search(r"请 \d+ 秒后再试", page.get_data(as_text=True))


def test_a_department_without_a_key_issues_nothing_and_is_told_why(app, client, login, monkeypatch):
    with app.app_context():
        inspection_id = _inspected(facility_name=OWN).id
        db.session.commit()
    for name in key_setting_names("mz"):
        monkeypatch.delenv(name)
    login("mz1")
    before = db.session.scalar(select(func.count()).select_from(Notice))
    response = client.post(f"/inspections/{inspection_id}/notices", data={"mode": "joint"}, follow_redirects=True)
    assert "没有配置签名证书（SIGNING_P12_MZ、SIGNING_P12_PASSWORD_MZ）" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Notice)) == before
