"""The OpenAPI 3 document of the API, kept as a data file next to this module."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import jsonify

from inspection.blueprints.api import bp

SPEC_FILE = Path(__file__).with_name("openapi.json")


@cache
def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document (read once)."""
    return json.loads(SPEC_FILE.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
