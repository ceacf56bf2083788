"""Change times of the records the provincial export sends (facility, inspection, hazard, notice): one mechanism.

Each of the four tables has an `updated_at` column that its own UPDATEs move (`onupdate`, also for UPDATE statements
such as the inspection's revision count). A record also changes when a row it contains changes: an inspection when
one of its checklists is submitted, scored, countersigned or returned, or when a correction withdraws one of its
hazards (the export's inspection line lists its hazards, so a receiver learns of the withdrawal). Before every
flush this listener moves the containing record's `updated_at` for those rows, whichever service changed them.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from inspection.models.followup import Hazard
from inspection.models.inspections import Inspection, InspectionChecklist
from inspection.orm import utcnow


@event.listens_for(Session, "before_flush")
def _touch_containing_records(session: Session, _context: Any, _instances: Any) -> None:
    inspection_ids = {
        ic.inspection_id
        for ic in (*session.new, *session.dirty)
        if isinstance(ic, InspectionChecklist) and ic.inspection_id is not None and session.is_modified(ic)
    }
    inspection_ids |= {h.inspection_id for h in session.deleted if isinstance(h, Hazard)}
    if not inspection_ids:
        return
    now = utcnow()
    for inspection_id in inspection_ids:
        inspection = session.get(Inspection, inspection_id)
        if inspection is not None and inspection not in session.deleted:
            inspection.updated_at = now
