"""Server-side SVG charts: horizontal bars, stacked bars, grouped bars and lines. Pure functions, no Flask.

Every chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``; colours are SVG presentation
attributes (the CSP forbids style attributes), so a chart needs no stylesheet. The page shows the same numbers as a
table behind a toggle. Sizes are in viewBox units: the SVG scales to its container's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 400
FONT = 14
ROW = 26
#: Colours of grades and groups, shared with the table badges and the Excel export.
PALETTE = {
    "g5": "#0b6e4f",
    "g4": "#2a9d8f",
    "g3": "#7fb069",
    "g2": "#e9c46a",
    "g1": "#f4a261",
    "below": "#e76f51",
    "pending": "#8d99ae",
    "withheld": "#b42318",
    "unrated": "#c9d1d9",
    "blacklisted": "#3d1f1f",
    "not_eligible": "#eef0f3",
    "opened": "#d1495b",
    "closed": "#2a9d8f",
    "s0": "#1d5c8c",
    "s1": "#d1495b",
    "s2": "#edae49",
    "s3": "#00798c",
}
Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    """One data series; `colour` is a key of PALETTE or a colour "#rrggbb" (e.g. from checklist data)."""

    name: str
    values: Sequence[Number | None]
    colour: str


#: Between a bar's or a dot's name and its value in its tooltip; callers pass the reader's language's.
COLON = "："


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    return [
        f'<svg class="chart-svg" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="{FONT}" font-family="system-ui, sans-serif">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
    ]


def _text(x: float, y: float, text: object, anchor: str = "start", fill: str = "#1a1a1a") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(str(text))}</text>'


def _fill(colour: str) -> str:
    return PALETTE.get(colour) or str(escape(colour))


def _rect(x: float, y: float, w: float, h: float, colour: str, label: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{_fill(colour)}">'
        f"<title>{escape(label)}</title></rect>"
    )


def _legend(series: Sequence[Series], y: float) -> list[str]:
    parts, x = [], 0.0
    for s in series:
        parts.append(_rect(x, y - FONT + 2, 12, 12, s.colour, s.name))
        parts.append(_text(x + 16, y, s.name))
        x += 28 + FONT * len(s.name)
    return parts


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[Number],
    colours: Sequence[str],
    *,
    colon: str = COLON,
) -> Markup:
    """Draw one horizontal bar per label, its value written after the bar."""
    label_width = FONT * max((len(label) for label in labels), default=2) + 8
    top = max((float(v) for v in values), default=0) or 1
    span = WIDTH - label_width - 40
    parts = _open(chart_id, title, desc, ROW * len(labels) + 8)
    for index, (label, value, colour) in enumerate(zip(labels, values, colours, strict=True)):
        y = 4 + index * ROW
        width = span * float(value) / top
        parts.append(_text(label_width - 6, y + 18, label, "end"))
        parts.append(_rect(label_width, y + 2, width, ROW - 6, colour, f"{label}{colon}{value}"))
        parts.append(_text(label_width + width + 4, y + 18, value))
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bar_chart(
    chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], *, colon: str = COLON
) -> Markup:
    """Draw one horizontal bar per label, split into the series' values, with the total after it and a legend."""
    label_width = FONT * max((len(label) for label in labels), default=2) + 8
    totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    span = WIDTH - label_width - 40
    legend_rows = _legend_rows(series)
    parts = _open(chart_id, title, desc, ROW * (len(labels) + len(legend_rows)) + 12)
    for row_index, row in enumerate(legend_rows):
        parts += _legend(row, 16 + row_index * ROW)
    offset = ROW * len(legend_rows) + 4
    for index, label in enumerate(labels):
        y, x = offset + index * ROW, float(label_width)
        parts.append(_text(label_width - 6, y + 18, label, "end"))
        for s in series:
            value = float(s.values[index] or 0)
            if value:
                width = span * value / top
                parts.append(_rect(x, y + 2, width, ROW - 6, s.colour, f"{label} · {s.name}{colon}{s.values[index]}"))
                x += width
        parts.append(_text(x + 4, y + 18, int(totals[index]) if totals[index] == int(totals[index]) else totals[index]))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend_rows(series: Sequence[Series]) -> list[list[Series]]:
    rows: list[list[Series]] = [[]]
    used = 0.0
    for s in series:
        width = 28 + FONT * len(s.name)
        if rows[-1] and used + width > WIDTH:
            rows.append([])
            used = 0.0
        rows[-1].append(s)
        used += width
    return rows if rows[0] else []


def grouped_bar_chart(
    chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], *, colon: str = COLON
) -> Markup:
    """Draw vertical bars side by side per label (e.g. hazards opened and closed per month), with a y axis."""
    height, bottom, left = 220, 190, 34
    top = max((float(v or 0) for s in series for v in s.values), default=0) or 1
    step = (WIDTH - left) / max(len(labels), 1)
    bar = (step - 4) / max(len(series), 1)
    parts = _open(chart_id, title, desc, height + 10)
    parts += _legend(series, 14)
    parts += _y_axis(left, bottom, 30, top)
    for index, label in enumerate(labels):
        x = left + index * step + 2
        for s_index, s in enumerate(series):
            value = float(s.values[index] or 0)
            h = (bottom - 30) * value / top
            parts.append(
                _rect(x + s_index * bar, bottom - h, bar - 1, h, s.colour, f"{label} · {s.name}{colon}{value:g}")
            )
        parts.append(_text(x + step / 2 - 2, bottom + 16, label, "middle"))
    parts.append("</svg>")
    return Markup("".join(parts))


def _y_axis(left: float, bottom: float, top_y: float, top: float) -> list[str]:
    parts = [f'<line x1="{left}" y1="{top_y}" x2="{left}" y2="{bottom}" stroke="#8c959f"/>']
    for fraction in (0, 0.5, 1):
        y = bottom - (bottom - top_y) * fraction
        value = top * fraction
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="#e1e4e8"/>')
        parts.append(_text(left - 4, y + 4, f"{value:.0f}" if top >= 10 else f"{value:.1f}", "end"))
    return parts


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_max: float = 100,
    colon: str = COLON,
) -> Markup:
    """Draw one line with dots per series over the labels (e.g. dates); missing values leave gaps."""
    height, bottom, left = 220, 180, 34
    step = (WIDTH - left - 12) / max(len(labels) - 1, 1)
    parts = _open(chart_id, title, desc, height + 10)
    parts += _legend(series, 14)
    parts += _y_axis(left, bottom, 30, y_max)
    for s in series:
        points = [
            (left + 6 + i * step, bottom - (bottom - 30) * float(v) / y_max) for i, v in enumerate(s.values)
            if v is not None
        ]  # fmt: skip
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{_fill(s.colour)}" stroke-width="2"/>')
        for (x, y), value in zip(points, [v for v in s.values if v is not None], strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{_fill(s.colour)}">'
                f"<title>{escape(s.name)}{escape(colon)}{escape(str(value))}</title></circle>"
            )
    every, last = max(1, len(labels) // 4), len(labels) - 1
    for i, label in enumerate(labels):
        # every few labels, and the last one, unless a regular one would print over it
        if i == last or (i % every == 0 and last - i >= every / 2):
            if i == last > 0:  # the last point sits near the edge: its label ends there instead of running past it
                parts.append(_text(WIDTH, bottom + 16, label, "end"))
            else:
                parts.append(_text(left + 6 + i * step, bottom + 16, label, "middle"))
    parts.append("</svg>")
    return Markup("".join(parts))
