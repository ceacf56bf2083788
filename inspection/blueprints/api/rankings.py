"""GET /api/v1/rankings: the league table with the web page's filters as query parameters."""

from datetime import date

from flask import current_app, jsonify, request

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import api_error, api_user, query_int, token_required
from inspection.i18n import N_, Message
from inspection.security import may_see_rankings
from inspection.services.rankings import MAX_PER_PAGE, RankingFilters, RankingRow, ranking_page, safety_kinds, sort_keys
from inspection.services.self_inspection import gap_counts

MAX_PAGE = 100_000


@bp.get("/rankings")
@token_required()
def rankings():
    user = api_user()
    if not may_see_rankings(user):
        api_error(403, "forbidden", N_("您的角色无权查看等级排名"))
    sort, sorts = request.args.get("sort", "rank"), sort_keys(safety_kinds())
    if sort not in sorts:
        api_error(
            400,
            "bad_request",
            N_("请求参数有误"),
            {"sort": Message(N_("应为 %(choices)s 之一"), choices=", ".join(sorts))},
        )
    page = ranking_page(
        user,
        RankingFilters.from_args(request.args),
        sort=sort,
        direction="desc" if request.args.get("dir") == "desc" else "asc",
        page=query_int("page", 1, 1, MAX_PAGE),
        per_page=query_int("per_page", 50, 1, MAX_PER_PAGE),
    )
    gaps = gap_counts(
        [row.facility_id for row in page.rows], current_app.config["SELF_INSPECTION_WINDOW_DAYS"], date.today()
    )
    items = [_item(row) | {"self_inspection_gaps": gaps[row.facility_id]} for row in page.rows]
    return jsonify(items=items, total=page.total, page=page.page, per_page=page.per_page)


def _item(row: RankingRow) -> dict:
    return {
        "rank": row.rank,
        "facility_id": row.facility_id,
        "name": row.name,
        "township": row.township,
        "grade": row.grade if row.group == 0 else None,
        "grade_label": row.grade_label or None,
        "status": row.group.name.lower(),
        "grade_score": None if row.grade_score is None else str(row.grade_score),
        "open_hazards": row.open_hazards,
        "overdue_hazards": row.overdue,
        "blacklisted": row.blacklisted,
        "standings": {
            kind: {"verdict": v.label, "verdict_code": v.code, "date": v.decided_on.isoformat()}
            for kind, v in row.standings.items()
        },
    }
