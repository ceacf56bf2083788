"""GET /api/v1/plan: the annual inspection plan with the web page's filters as query parameters."""

from datetime import date

from flask import jsonify, request

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import api_error, api_user, query_int, token_required
from inspection.checklists import DEPARTMENT_NAMES
from inspection.i18n import N_, Message
from inspection.models import Role
from inspection.plan_rules.coverage import CoverageStatus
from inspection.record_ids import MAX_ID
from inspection.services.annual_plan import FIRST_YEAR, PlanFilters, PlanRow, plan_page

MAX_PAGE = 100_000
MAX_PER_PAGE = 200


@bp.get("/plan")
@token_required(Role.REVIEWER, Role.ADMIN)
def plan():
    today = date.today()
    filters = PlanFilters(
        year=query_int("year", today.year, FIRST_YEAR, today.year + 1),
        township=query_int("township", 0, 0, MAX_ID) or None,
        department=_choice("department", DEPARTMENT_NAMES),
        status=_choice("status", [status.value for status in CoverageStatus]),
    )
    page = plan_page(
        api_user(), filters, today, query_int("page", 1, 1, MAX_PAGE), query_int("per_page", 50, 1, MAX_PER_PAGE)
    )
    return jsonify(
        year=filters.year,
        today=today.isoformat(),
        items=[_item(row) for row in page.rows],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        counts=page.counts,
    )


def _choice(name: str, choices) -> str:
    value = request.args.get(name, "")
    if value and value not in choices:
        known = ", ".join(str(choice) for choice in choices)
        api_error(400, "bad_request", N_("请求参数有误"), {name: Message(N_("应为 %(choices)s 之一"), choices=known)})
    return value


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _item(row: PlanRow) -> dict:
    c = row.coverage
    return {
        "facility_id": c.facility_id,
        "facility_name": row.facility_name,
        "township": row.township,
        "department": c.department,
        "status": c.status.value,
        "required": c.required,
        "done": c.done,
        "planned": c.planned,
        "due": c.due,
        "next_due": _day(c.next_due),
        "missed_plan": _day(c.missed_plan),
        "last_done": _day(c.last_done),
        "next_planned": _day(c.next_planned),
        "rule": {"verified": c.rule.verified, "basis": c.rule.basis},
    }
