"""Home page per role and the health check."""

from datetime import date

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from inspection.health import run_checks
from inspection.models import Role
from inspection.services.inspection_lists import active_facilities_by_township, upcoming_for

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role == Role.OPERATOR:
        return redirect(url_for("facilities.detail", facility_id=current_user.facility_id))
    by_township = active_facilities_by_township(current_user)
    total = sum(count for _, _, count in by_township)
    mine = upcoming_for(current_user, date.today()) if current_user.role == Role.INSPECTOR else None
    return render_template("main/index.html", by_township=by_township, total=total, mine=mine)


@bp.route("/healthz")
def healthz():
    """200 when every check passes, else 503; the body names each check's outcome."""
    checks = run_checks()
    healthy = all(outcome == "ok" for outcome in checks.values())
    return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503
