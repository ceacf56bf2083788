"""QR code for the verification link, as inline SVG (vector, so it stays sharp in print)."""

from __future__ import annotations

import qrcode
from markupsafe import Markup
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(data: str, *, size_mm: float = 22.0, label: str = "扫码核验") -> Markup:
    """Return an inline ``<svg>`` drawing `data` as a QR code with a 4-module quiet zone.

    The SVG is built from the module matrix only (no text from `data` enters the markup), so it is safe to mark up.

    :param data: the text to encode (the verification URL).
    :param size_mm: printed width and height in millimetres.
    :param label: accessible name of the image.
    :return: the SVG element as Markup for the Jinja template.
    :raises qrcode.exceptions.DataOverflowError: if `data` is too long for a QR code.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the border
    n = len(matrix)
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="{Markup.escape(label)}" '
        f'width="{size_mm}mm" height="{size_mm}mm" viewBox="0 0 {n} {n}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    )
