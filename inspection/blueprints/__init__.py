"""Blueprints: one module per area; name = module = URL prefix = template folder."""

from flask import Response

from inspection.models import StoredFile


def file_response(file: StoredFile) -> Response:
    """Answer with a stored photo or signature; the browser may keep it a day (the bytes of an id never change)."""
    return Response(file.data, mimetype=file.content_type, headers={"Cache-Control": "private, max-age=86400"})
