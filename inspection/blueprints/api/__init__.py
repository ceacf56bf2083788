"""The JSON API (/api/v1): token auth, JSON errors {error: {code, message, fields}}; OpenAPI at /api/v1/openapi.json."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from inspection.blueprints.api import auth, inspections, openapi, reference  # noqa: E402,F401  (routes register on import)
