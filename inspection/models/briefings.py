"""Issued joint-meeting briefings (联席会议通报): the signed PDF as issued, kept with its SHA-256 like the others."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.extensions import db
from inspection.models.fieldwork import StoredFile
from inspection.models.regions import Region
from inspection.models.users import User
from inspection.orm import utcnow


class Briefing(db.Model):
    """A briefing issued for a region and period; its PDF never changes (a new period or a later count is a new
    briefing)."""

    __tablename__ = "briefings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The issuing user's region: whoever sees it sees this briefing.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[date]
    period_end: Mapped[date]
    issued_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pdf_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    #: SHA-256 of the PDF as issued (signed); downloads return exactly these bytes.
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: The certificate it is signed with (serial in hex, SHA-256 of the DER): the 民政 department's, which hosts the
    #: joint meeting's office.
    signing_certificate_serial: Mapped[str] = mapped_column(String(64))
    signing_certificate_sha256: Mapped[str] = mapped_column(String(64))
    #: The UUID of the form that asked for it: sent again, it returns this briefing instead of issuing another.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)

    region: Mapped[Region] = relationship()
    issued_by: Mapped[User | None] = relationship()
    pdf_file: Mapped[StoredFile] = relationship()
