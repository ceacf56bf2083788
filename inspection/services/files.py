"""File content kept in the database, so every app server behind a load balancer serves the same bytes."""

import hashlib

from inspection.extensions import db
from inspection.media import ProcessedImage
from inspection.models import StoredFile


def store_file(image: ProcessedImage) -> StoredFile:
    """Add an image's bytes as a stored file (flushed with the caller's transaction)."""
    return store_bytes(image.data, image.content_type)


def store_bytes(data: bytes, content_type: str) -> StoredFile:
    """Add bytes as a stored file with their SHA-256."""
    stored = StoredFile(sha256=hashlib.sha256(data).hexdigest(), content_type=content_type, size=len(data), data=data)
    db.session.add(stored)
    return stored
