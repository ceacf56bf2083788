"""Home page per role and the health check."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from inspection.blueprints.inspections import upcoming_for
from inspection.extensions import db
from inspection.models import Facility, FacilityStatus, Region, Role
from inspection.permissions import visible_facilities

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role == Role.OPERATOR:
        return redirect(url_for("facilities.detail", facility_id=current_user.facility_id))
    active = visible_facilities(current_user).where(Facility.status == FacilityStatus.ACTIVE).subquery()
    by_township = db.session.execute(
        select(Region.id, Region.name, func.count(active.c.id))
        .join(active, active.c.region_id == Region.id)
        .group_by(Region.id, Region.name)
        .order_by(func.count(active.c.id).desc(), Region.name)
    ).all()
    total = sum(row[2] for row in by_township)
    mine = upcoming_for(current_user) if current_user.role == Role.INSPECTOR else None
    return render_template("main/index.html", by_township=by_township, total=total, mine=mine)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
