"""双随机、一公开 spot-check draws: who drew, when, from which candidates, with which seed, and what came out.

A draw is a record, never edited: `inspection.services.sampling` only ever inserts it, and the listeners below
refuse any UPDATE or DELETE of a draw or its picks, so what the public page shows stays what was drawn.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.extensions import db
from inspection.models.facilities import Facility
from inspection.models.inspections import Inspection
from inspection.models.regions import Department, Region
from inspection.models.users import User
from inspection.orm import utcnow


class SpotCheckDraw(db.Model):
    """One draw: facilities from a filtered list, inspectors from one department's pool."""

    __tablename__ = "spot_check_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The region whose staff see the draw: the drawing department's (a county).
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    #: The department whose inspectors were drawn and whose checklist is used.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The checklist of the inspections the draw planned, and their day.
    checklist_code: Mapped[str] = mapped_column(String(50))
    inspected_on: Mapped[date]
    #: The filter the candidate facilities came from, as chosen: {"township_id", "facility_type"} (None: any).
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Candidate facility ids and the department's pool of inspector ids, ascending: with the seed and the counts
    #: they reproduce the draw (`inspection.sampling.draw`).
    facility_candidates: Mapped[list[int]] = mapped_column(JSON)
    inspector_candidates: Mapped[list[int]] = mapped_column(JSON)
    facility_count: Mapped[int]
    inspectors_per_facility: Mapped[int]
    #: 32 hexadecimal digits from a secure source, stored before it was used.
    seed: Mapped[str] = mapped_column(String(64))
    #: The UUID of the form that asked for the draw: sent again, it shows this draw instead of drawing anew.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)

    region: Mapped[Region] = relationship()
    department: Mapped[Department] = relationship()
    drawn_by: Mapped[User] = relationship()
    picks: Mapped[list[SpotCheckPick]] = relationship(back_populates="draw", order_by="SpotCheckPick.position")


class SpotCheckPick(db.Model):
    """A facility drawn, in the order drawn, with the inspectors drawn for it and the inspection planned."""

    __tablename__ = "spot_check_picks"
    __table_args__ = (UniqueConstraint("draw_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("spot_check_draws.id"), index=True)
    #: 0 for the first facility drawn.
    position: Mapped[int]
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    #: Ids of the inspectors drawn for it, in the order drawn.
    inspector_ids: Mapped[list[int]] = mapped_column(JSON)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), unique=True)

    draw: Mapped[SpotCheckDraw] = relationship(back_populates="picks")
    facility: Mapped[Facility] = relationship()
    inspection: Mapped[Inspection] = relationship()


class DrawIsFinal(Exception):
    """A draw or pick was about to be changed or deleted: draws are append-only."""


@event.listens_for(SpotCheckDraw, "before_update")
@event.listens_for(SpotCheckDraw, "before_delete")
@event.listens_for(SpotCheckPick, "before_update")
@event.listens_for(SpotCheckPick, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, target: SpotCheckDraw | SpotCheckPick) -> None:
    raise DrawIsFinal(f"{type(target).__name__} {target.id} is a record of a draw and may not change")
