"""Reference data for clients: facilities with their standings, and checklists with their items."""

from flask import jsonify

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import api_user, query_int, token_required
from inspection.blueprints.api.serializers import checklist_json, facility_json
from inspection.extensions import db
from inspection.models import Facility, FacilityStatus
from inspection.permissions import visible_facilities
from inspection.services.checklists import checklist_of, latest_versions
from inspection.services.standings import standings_of

MAX_PER_PAGE = 500
MAX_PAGE = 100_000


@bp.get("/facilities")
@token_required()
def facilities():
    page = query_int("page", 1, 1, MAX_PAGE)
    per_page = query_int("per_page", 100, 1, MAX_PER_PAGE)
    stmt = (
        visible_facilities(api_user())
        .where(Facility.status == FacilityStatus.ACTIVE)
        .order_by(Facility.name, Facility.id)
    )
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    standings = standings_of([f.id for f in result.items])
    return jsonify(
        items=[facility_json(f, standings[f.id]) for f in result.items],
        total=result.total,
        page=page,
        per_page=per_page,
    )


@bp.get("/checklists")
@token_required()
def checklists():
    return jsonify(items=[checklist_json(checklist_of(row)) for row in latest_versions()])
