"""What inspectors produce on site besides answers: assignments, department submissions, photos, signatures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from inspection.extensions import db
from inspection.models.inspections import Inspection
from inspection.models.regions import Department
from inspection.models.users import User
from inspection.orm import utcnow


class InspectionAssignment(db.Model):
    """An inspector of a department assigned to an inspection."""

    __tablename__ = "inspection_assignments"
    __table_args__ = (UniqueConstraint("inspection_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    inspection: Mapped[Inspection] = relationship(back_populates="assignments")
    department: Mapped[Department] = relationship()
    user: Mapped[User] = relationship()


class DepartmentSubmission(db.Model):
    """A department has submitted (and so locked) its sections of an inspection."""

    __tablename__ = "department_submissions"
    __table_args__ = (UniqueConstraint("inspection_id", "department_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    #: Department code of the sections (mz, xf, sc, wj, zj).
    department_code: Mapped[str] = mapped_column(String(10))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: UUID the phone chose for the submission, so that a queued submission sent again is held once.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)

    inspection: Mapped[Inspection] = relationship(back_populates="submissions")


class StoredFile(db.Model):
    """File content kept in the database, so every app server behind a load balancer can serve it."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Photo(db.Model):
    """A finding photo of one item, re-encoded as JPEG without EXIF (capture time and GPS kept as fields)."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: UUID the client generated; sending the same photo twice stores it once.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(30))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    #: sha256 of the bytes the client sent, to tell a repeat from different content under the same UUID.
    upload_sha256: Mapped[str] = mapped_column(String(64))
    #: sha256 of the stored (re-encoded) image, as it was stored; None for a photo stored before it was kept.
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    #: When (naive UTC) and where it was taken, as the phone sent it, else as the image's EXIF said.
    taken_at: Mapped[datetime | None]
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    file: Mapped[StoredFile] = relationship()


class SignerRole(StrEnum):
    """Who signs an inspection record."""

    INSPECTOR = "inspector"
    FACILITY = "facility"  # the facility's representative
    WITNESS = "witness"  # when the representative refuses to sign


class Signature(db.Model):
    """A signature drawn on the phone, stored as a PNG with the signer's name, role and time."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_role: Mapped[SignerRole] = mapped_column(String(20))
    #: The inspector's department code, for inspector signatures.
    department_code: Mapped[str] = mapped_column(String(10), default="")
    #: The representative refused to sign (拒绝签字); a witness signature is then expected.
    refused: Mapped[bool] = mapped_column(default=False)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    #: sha256 of the image bytes with the signer's name, role and refusal: tells a repeat from a different signature.
    upload_sha256: Mapped[str] = mapped_column(String(64))
    #: sha256 of the PNG bytes as received and of the stored PNG; None for a refusal, or a signature stored before
    #: they were kept (the stored one is then filled in from the stored bytes).
    received_sha256: Mapped[str | None] = mapped_column(String(64))
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    file: Mapped[StoredFile | None] = relationship()


class ApiToken(db.Model):
    """A bearer token for API clients (the offline phone client and other systems); only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The client address the token was issued to.
    created_ip: Mapped[str] = mapped_column(String(45), default="", server_default="")
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    #: The client address of the last recorded use.
    last_used_ip: Mapped[str] = mapped_column(String(45), default="", server_default="")

    user: Mapped[User] = relationship()
