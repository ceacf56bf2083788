"""验真 for anyone holding a copy: is this file, byte for byte, a document that was issued, and is it still in force?

Issued documents are stored as signed and never change, so the SHA-256 of the uploaded bytes either is the stored
hash of exactly one document or proves the copy differs (edited, re-saved, printed and scanned). The upload is read
in memory and never stored. Uploads are counted per address (`login_throttle.count_public_request`): hashing
10 MB is cheap, but an open form is a way to load the server.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from sqlalchemy import select

from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import GradeCertificate, Notice, NoticeStatus, ThrottleScope
from inspection.services.login_throttle import Refusal, count_public_request
from inspection.services.notice_lists import replacement_of

#: The largest file accepted (issued documents are well below: a notice with a photo appendix is ~1 MB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Uploads from one address let through before the delays start, and the window they are counted in.
FREE_UPLOADS = 30
UPLOAD_WINDOW = timedelta(minutes=15)
#: ISO 32000: the header ``%PDF-`` is within the first 1024 bytes of the file.
_HEADER_SPAN = 1024


class NotAPdf(ValueError):
    """The upload is not a PDF file."""


class UploadTooLarge(ValueError):
    """The upload is larger than `MAX_UPLOAD_BYTES`: no document issued here is."""


@dataclass(frozen=True)
class Verification:
    """What an upload turned out to be: a notice as issued (with its replacement, if superseded), a grade
    certificate as issued, or nothing."""

    notice: Notice | None
    replaced_by: Notice | None = None
    certificate: GradeCertificate | None = None

    @property
    def match(self) -> bool:
        return self.notice is not None or self.certificate is not None

    @property
    def superseded(self) -> bool:
        return self.notice is not None and self.notice.status == NoticeStatus.SUPERSEDED

    def summary(self) -> dict[str, str] | None:
        """The document as the API describes it: number, kind, status and date of issue; None without a match."""
        if self.certificate is not None:
            return {
                "number": self.certificate.number,
                "kind": "grade_certificate",
                "status": str(self.certificate.status_on(date.today())),
                "issued_on": _iso(self.certificate.published_on),
            }
        if self.notice is None:
            return None
        return {
            "number": self.notice.number,
            "kind": str(self.notice.kind),
            "status": str(self.notice.status),
            "issued_on": _iso(self.notice.issued_on),
        }


def count_upload(ip: str) -> Refusal | None:
    """Count an upload from `ip`; return the refusal if it came too soon after many others (the caller commits)."""
    return count_public_request(ThrottleScope.VERIFY_UPLOAD, ip, free=FREE_UPLOADS, window=UPLOAD_WINDOW)


def read_upload(stream: BinaryIO) -> bytes:
    """Read an uploaded file into memory, at most `MAX_UPLOAD_BYTES`.

    :raises UploadTooLarge: if there is more.
    """
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge(
            Message(N_("文件超过 %(size)s MB，不是本系统发出的文书"), size=MAX_UPLOAD_BYTES // (1024 * 1024))
        )
    return data


def verify_document(data: bytes) -> Verification:
    """Look the upload up by its SHA-256 among the issued documents.

    :param data: the whole uploaded file, as `read_upload` returns it.
    :raises NotAPdf: if the bytes do not start like a PDF.
    """
    if b"%PDF-" not in data[:_HEADER_SPAN]:
        raise NotAPdf(N_("上传的文件不是 PDF"))
    digest = hashlib.sha256(data).hexdigest()
    notice = db.session.scalar(select(Notice).where(Notice.pdf_sha256 == digest).order_by(Notice.id).limit(1))
    if notice is not None:
        return Verification(notice, replacement_of(notice))
    certificate = db.session.scalar(
        select(GradeCertificate).where(GradeCertificate.pdf_sha256 == digest).order_by(GradeCertificate.id).limit(1)
    )
    return Verification(None, certificate=certificate)


def _iso(value: date) -> str:
    return value.isoformat()
