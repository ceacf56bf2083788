"""Public pages, no login: what the QR code on a notice and the poster at a facility's door link to.

They show only what the public may know: the facility's name, type and township, its current countersigned grade
with the date, and how many hazards are open. No people, phone numbers, codes, addresses or findings.
"""

from datetime import date

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import Facility, FacilityStanding, Hazard, InspectionChecklist, StandingKind
from inspection.services.rankings import OPEN_HAZARD

bp = Blueprint("public", __name__)


@bp.route("/facilities/<int:facility_id>")
def facility(facility_id: int):
    row = db.session.get(Facility, facility_id)
    if row is None:
        abort(404)
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == row.id, FacilityStanding.kind == StandingKind.GRADE
        )
    )
    reviewed = standing is not None and db.session.scalar(
        select(InspectionChecklist.reviewed_at.is_not(None)).where(
            InspectionChecklist.id == standing.inspection_checklist_id
        )
    )
    open_hazards = db.session.scalar(
        select(func.count()).select_from(Hazard).where(Hazard.facility_id == row.id, Hazard.status.in_(OPEN_HAZARD))
    )
    return render_template(
        "public/facility.html",
        facility=row,
        standing=standing,
        reviewed=bool(reviewed),
        open_hazards=open_hazards or 0,
        today=date.today(),
    )
