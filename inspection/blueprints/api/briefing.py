"""GET /api/v1/briefing: the joint-meeting briefing's figures for a period, within the caller's region."""

from dataclasses import asdict
from datetime import date
from typing import Any

from flask import jsonify, request

from inspection.blueprints import translated
from inspection.blueprints.api import bp
from inspection.blueprints.api.common import api_error, api_user, token_required
from inspection.briefing import (
    GRADING_RULE,
    OVERDUE_RULE,
    REPEATED_MAJOR_RULE,
    Count,
    Figures,
    HazardCounts,
    ListingChange,
    period_problem,
)
from inspection.dates import DateRange
from inspection.i18n import N_
from inspection.models import Role
from inspection.services.briefing import briefing_figures


@bp.get("/briefing")
@token_required(Role.REVIEWER, Role.ADMIN)
def briefing():
    fields, days = {}, {}
    for name in ("start", "end"):
        raw = request.args.get(name, "")
        try:
            days[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            fields[name] = N_("日期格式应为 YYYY-MM-DD")
    if not fields and (problem := period_problem(days["start"], days["end"], date.today())):
        fields["start" if days["start"] is None else "end"] = problem
    if fields:
        api_error(400, "bad_request", N_("请求参数有误"), fields)
    return jsonify(figures_json(briefing_figures(api_user(), DateRange(days["start"], days["end"]))))


def _counts(counts: list[Count]) -> list[dict[str, Any]]:
    return [{"key": c.key, "name": translated(c.name), "count": c.count} for c in counts]


def _hazards(rows: list[HazardCounts]) -> list[dict[str, Any]]:
    return [
        {"key": h.key, "name": translated(h.name), "found": h.found, "closed": h.closed, "overdue": h.overdue}
        for h in rows
    ]


def _listing(change: ListingChange) -> dict[str, Any]:
    return {**asdict(change), "ground": translated(change.ground), "on": change.on.isoformat()}


def figures_json(f: Figures) -> dict[str, Any]:
    """Return the figures as the API answers them (names in the caller's language, dates as YYYY-MM-DD)."""
    r = f.reinspections
    return {
        "region": f.region,
        "period": {"start": f.period.first.isoformat(), "end": f.period.last.isoformat()},
        "inspections": {
            "total": f.inspections_total,
            "by_department": _counts(f.inspections_by_department),
            "by_township": _counts(f.inspections_by_township),
        },
        "hazards": {"by_class": _hazards(f.hazards_by_class), "by_department": _hazards(f.hazards_by_department)},
        "notices": {"by_kind": _counts(f.notices_by_kind), "by_department": _counts(f.notices_by_department)},
        "reinspections": {
            "total": r.total,
            "on_site": r.on_site,
            "accepted": r.accepted,
            "rejected": r.rejected,
            "by_department": _counts(r.by_department),
        },
        "grading": {"by_outcome": _counts(f.grading)},
        "blacklist": {
            "added": [_listing(c) for c in f.listings_added],
            "removed": [_listing(c) for c in f.listings_removed],
        },
        "repeated_major_hazards": [asdict(m) for m in f.repeated_major],
        "rules": {
            "overdue": translated(OVERDUE_RULE),
            "repeated_major_hazards": translated(REPEATED_MAJOR_RULE),
            "grading": translated(GRADING_RULE),
        },
    }
