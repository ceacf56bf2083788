"""Imported checklist versions: the TOML text as it was imported, numbered per checklist code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.extensions import db
from inspection.models.users import User
from inspection.orm import utcnow


class ChecklistVersion(db.Model):
    """One version of a checklist. Never changed after import, so old inspections re-score identically."""

    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("code", "version"), UniqueConstraint("code", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable checklist code from the file, e.g. fire_safety.
    code: Mapped[str] = mapped_column(String(50), index=True)
    #: 1, 2, 3 … per code, assigned on import.
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(100))
    #: Owning department code (mz, xf, sc, wj, zj).
    department: Mapped[str] = mapped_column(String(10))
    #: False when the file rests on figures marked unverified (评分标准待核实).
    verified: Mapped[bool]
    #: The file exactly as imported; parsed again whenever this version is needed.
    source_text: Mapped[str] = mapped_column(Text)
    #: Hash of the parsed content: whitespace and comments do not make a new version.
    content_hash: Mapped[str] = mapped_column(String(64))
    #: File name it came from.
    source_name: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    imported_by: Mapped[User | None] = relationship()
