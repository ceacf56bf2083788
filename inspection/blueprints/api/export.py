"""GET /api/v1/export: facilities, inspections, hazards and notices changed since a time, as JSON Lines for the
provincial system (schema docs/export/careinspect-export.v1.schema.json)."""

from flask import Response, request, stream_with_context

from inspection.blueprints import translated
from inspection.blueprints.api import bp
from inspection.blueprints.api.common import api_actor, api_error, api_user, token_required
from inspection.extensions import db
from inspection.i18n import N_
from inspection.orm import utcnow
from inspection.permissions import can_export
from inspection.services.audit import record_event
from inspection.services.provincial_export import SCHEMA_VERSION, SinceError, export_lines, next_since, parse_since


@bp.get("/export")
@token_required()
def export():
    user = api_user()
    if not can_export(user):
        api_error(403, "forbidden", N_("您的角色无权导出数据"))
    raw = request.args.get("since", "")
    try:
        since = parse_since(raw) if raw else None
    except SinceError as error:
        api_error(400, "bad_request", N_("请求参数有误"), {"since": translated(error.args[0])})
    started = utcnow()
    record_event(api_actor(), "export.provincial", object_type="export", detail=f"since={raw or '-'}")
    db.session.commit()
    headers = {
        "Cache-Control": "no-store",
        "X-Schema-Version": SCHEMA_VERSION,
        "X-Export-Next-Since": next_since(started),
    }
    return Response(stream_with_context(export_lines(user, since)), mimetype="application/x-ndjson", headers=headers)
