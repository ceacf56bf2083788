"""Stand-in photos for the demo's findings ("before") and rectifications ("after")."""

import io
from hashlib import sha256

from inspection.extensions import db
from inspection.models import StoredFile


def store_demo_photo(kind: str) -> int:
    """Store a small JPEG standing in for a before or after photo; return its StoredFile id."""
    data = demo_jpeg(kind)
    row = StoredFile(sha256=sha256(data).hexdigest(), content_type="image/jpeg", size=len(data), data=data)
    db.session.add(row)
    db.session.flush()
    return row.id


def demo_jpeg(kind: str) -> bytes:
    """Return a small JPEG standing in for a "before" (finding) or "after" (rectification) photo."""
    from PIL import Image, ImageDraw

    colour, mark = ((176, 84, 48), (250, 220, 120)) if kind == "before" else ((64, 140, 96), (225, 245, 230))
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    for x in range(-240, 320, 40):
        draw.line((x, 240, x + 240, 0), fill=mark, width=6 if kind == "before" else 2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()
