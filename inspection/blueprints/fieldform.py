"""The offline-capable inspection form on the phone, its service worker and web app manifest."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inspection.extensions import db
from inspection.models import Inspection
from inspection.security import can_view_inspection, refuse

bp = Blueprint("fieldform", __name__)


@bp.route("/inspections/<int:inspection_id>/form")
@login_required
def form(inspection_id: int):
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not can_view_inspection(current_user, inspection):
        refuse(404, f"inspection {inspection_id} not visible")
    return render_template("inspections/form.html", inspection=inspection)
