"""The JSON API (/api/v1): token auth, JSON errors {error: {code, message, fields}}; OpenAPI at /api/v1/openapi.json."""

from flask import Blueprint
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from inspection.blueprints.api.common import concurrent_write, http_error, media_error, routing_error, service_error
from inspection.media import MediaError
from inspection.services import ServiceError

bp = Blueprint("api", __name__)
bp.register_error_handler(HTTPException, http_error)
# Routes let service errors propagate: these handlers roll back and answer each kind one way everywhere.
bp.register_error_handler(ServiceError, service_error)
bp.register_error_handler(IntegrityError, concurrent_write)
bp.register_error_handler(MediaError, media_error)
bp.before_app_request(routing_error)

from inspection.blueprints.api import (  # noqa: E402,F401  (routes register on import)
    auth,
    briefing,
    export,
    grading,
    inspections,
    notices,
    openapi,
    plan,
    rankings,
    reference,
    verify,
)
