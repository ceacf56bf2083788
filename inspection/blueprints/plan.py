"""The annual inspection plan (年度检查计划) and 双随机、一公开 spot-check draws, for reviewers and admins.

/plan/              per facility and department: what the year requires, planned, done; overdue first
/plan/export.xlsx   the filtered plan as a workbook
"""

import tempfile
from datetime import date, datetime

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from inspection.blueprints import query_number
from inspection.blueprints.rankings import XLSX, _read_chunks
from inspection.checklists import DEPARTMENT_NAMES
from inspection.exported_files import content_disposition
from inspection.models import RegionLevel, Role
from inspection.plan_rules.coverage import COVERAGE_STATUS_LABELS, CoverageStatus
from inspection.request_limits import BadParameter
from inspection.security import role_required
from inspection.services.annual_plan import FIRST_YEAR, PlanFilters, coverage_rules, plan_page, plan_rows
from inspection.services.exports import write_plan_xlsx
from inspection.services.regions import regions_within

bp = Blueprint("plan", __name__)


def plan_filters(today: date) -> PlanFilters:
    """Read the plan's filters from the query: `year` (this year by default), `township`, `department`, `status`.

    :raises BadParameter: a year out of range, or a department or status the plan does not know.
    """
    year = query_number("year", today.year)
    if not FIRST_YEAR <= year <= today.year + 1:
        raise BadParameter(
            _("查询参数 %(name)s 应为 %(low)s–%(high)s 年。", name="year", low=FIRST_YEAR, high=today.year + 1)
        )
    department = request.args.get("department", "")
    if department and department not in DEPARTMENT_NAMES:
        raise BadParameter(_("查询参数 %(name)s 不是可选的值。", name="department"))
    status = request.args.get("status", "")
    if status and status not in set(CoverageStatus):
        raise BadParameter(_("查询参数 %(name)s 不是可选的值。", name="status"))
    return PlanFilters(year=year, township=query_number("township"), department=department, status=status)


def _args(filters: PlanFilters) -> dict[str, object]:
    """Return the filters as URL arguments (empty ones left out)."""
    values = {"year": filters.year, "township": filters.township, "department": filters.department}
    return {key: value for key, value in (values | {"status": filters.status}).items() if value}


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN)
def index():
    today = date.today()
    filters = plan_filters(today)
    page = plan_page(current_user, filters, today, query_number("page", 1) or 1, current_app.config["PAGE_SIZE"])
    return render_template(
        "plan/index.html",
        page=page,
        filters=filters,
        args=_args(filters),
        today=today,
        years=range(today.year + 1, today.year - 5, -1),
        townships=regions_within(current_user, RegionLevel.TOWNSHIP),
        rules=coverage_rules(),
    )


@bp.route("/export.xlsx")
@role_required(Role.REVIEWER, Role.ADMIN)
def export():
    today = date.today()
    filters = plan_filters(today)
    rows = plan_rows(current_user, filters, today)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _read_chunks when the response is done)
    write_plan_xlsx(rows, spool, filters=_filter_words(filters), today=today)
    headers = {
        "Cache-Control": "no-store",
        "X-Total-Rows": str(len(rows)),
        "Content-Length": str(spool.tell()),
        "Content-Disposition": content_disposition(
            f"年度检查计划-{filters.year}-{datetime.now():%Y%m%d-%H%M}.xlsx", "plan.xlsx"
        ),
    }
    spool.seek(0)
    return Response(_read_chunks(spool), mimetype=XLSX, headers=headers, direct_passthrough=True)


def _filter_words(filters: PlanFilters) -> list[tuple[str, str]]:
    """Return the filters applied, in words (Chinese, as the workbook is), for the export's 筛选条件 sheet."""
    words = [("年度", str(filters.year))]
    if filters.township:
        names = {r.id: r.name for r in regions_within(current_user, RegionLevel.TOWNSHIP)}
        words.append(("乡镇", names.get(filters.township, str(filters.township))))
    if filters.department:
        words.append(("部门", DEPARTMENT_NAMES[filters.department]))  # type: ignore[index]
    if filters.status:
        words.append(("状态", COVERAGE_STATUS_LABELS[CoverageStatus(filters.status)]))
    return words
