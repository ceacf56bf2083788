"""Home page per role and the health check."""

from datetime import date

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from inspection.health import run_checks
from inspection.models import FIELD_ROLES, Role
from inspection.services.hazard_lists import latest_evidence
from inspection.services.hazards import MAX_EVIDENCE_PHOTOS, open_hazards
from inspection.services.inspection_lists import active_facilities_by_township, upcoming_for
from inspection.services.notice_lists import current_notices_of
from inspection.todo import todo_list

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role == Role.OPERATOR:
        return _operator_home()
    by_township = active_facilities_by_township(current_user)
    total = sum(count for _, _, count in by_township)
    mine = upcoming_for(current_user, date.today()) if current_user.role in FIELD_ROLES else None
    return render_template("main/index.html", by_township=by_township, total=total, mine=mine)


def _operator_home():
    """The operator's to-do list: the open hazards to report as rectified, overdue first, each with what to upload
    and the notice that ordered it (the facility's profile is one link away)."""
    facility = current_user.facility
    hazards = open_hazards(facility)
    return render_template(
        "main/operator.html",
        facility=facility,
        todos=todo_list(hazards, date.today()),
        reports=latest_evidence(hazards),
        notices=current_notices_of(hazards),
        max_photos=MAX_EVIDENCE_PHOTOS,
    )


@bp.route("/healthz")
def healthz():
    """200 when every check passes, else 503; the body names each check's outcome."""
    checks = run_checks()
    healthy = all(outcome == "ok" for outcome in checks.values())
    return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503
