"""Reference data for clients: facilities with their standings, and checklists with their items."""

from flask import current_app, jsonify, request
from sqlalchemy import select

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import api_error, api_user, query_int, token_required
from inspection.blueprints.api.serializers import checklist_json, facility_json
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import ChecklistVersion, Facility, FacilityStatus
from inspection.permissions import visible_facilities
from inspection.services.checklists import checklist_of, latest_versions
from inspection.services.grade_certificates import current_certificates
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
    ids = [f.id for f in result.items]
    standings, certificates = standings_of(ids), current_certificates(ids)
    return jsonify(
        items=[facility_json(f, standings[f.id], certificates.get(f.id)) for f in result.items],
        total=result.total,
        page=page,
        per_page=per_page,
    )


@bp.get("/checklists")
@token_required()
def checklists():
    return jsonify(items=[checklist_json(checklist_of(row)) for row in latest_versions()])


@bp.get("/checklists/<code>/<int:version>")
@token_required()
def checklist_version(code: str, version: int):
    """One stored checklist version with every item. A version never changes: its content hash is the ETag and the
    reply may be cached for a year."""
    row = db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.code == code, ChecklistVersion.version == version)
    )
    if row is None:
        api_error(404, "not_found", N_("检查表版本不存在"))
    if request.if_none_match.contains(row.content_hash):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(checklist_json(checklist_of(row)))
    response.set_etag(row.content_hash)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
