"""The JSON API (/api/v1): token auth, JSON errors {error: {code, message, fields}}; OpenAPI at /api/v1/openapi.json."""

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from inspection.blueprints.api.common import http_error, routing_error

bp = Blueprint("api", __name__)
bp.register_error_handler(HTTPException, http_error)
bp.before_app_request(routing_error)

from inspection.blueprints.api import auth, inspections, notices, openapi, rankings, reference  # noqa: E402,F401  (routes register on import)
