"""The annual inspection plan (年度检查计划) and 双随机、一公开 spot-check draws, for reviewers and admins.

/plan/              per facility and department: what the year requires, planned, done; overdue first
/plan/export.xlsx   the filtered plan as a workbook
"""

import tempfile
from datetime import date, datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.plan import DrawForm
from inspection.blueprints import paginate, query_number, translated, unit_of_work
from inspection.checklists import DEPARTMENT_NAMES
from inspection.exported_files import XLSX, content_disposition
from inspection.extensions import db
from inspection.models import Region, RegionLevel, Role, SpotCheckDraw
from inspection.models.facilities import FACILITY_TYPE_LABELS
from inspection.permissions import can_view_draw, visible_draws
from inspection.plan_rules.coverage import COVERAGE_STATUS_LABELS, CoverageStatus
from inspection.request_limits import BadParameter
from inspection.security import current_actor, refuse, role_required
from inspection.services.annual_plan import FIRST_YEAR, PlanFilters, coverage_rules, plan_page, plan_rows
from inspection.services.checklists import latest_version
from inspection.services.exports import write_plan_xlsx
from inspection.services.planning import spot_check_checklists
from inspection.services.regions import departments_within, regions_within, township_name_within
from inspection.services.sampling import (
    DrawRequest,
    draw_by_client_id,
    draw_results,
    inspectors_of,
    make_draw,
    matches_stored,
)

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
        name = township_name_within(current_user, filters.township)
        words.append(("乡镇", name or str(filters.township)))
    if filters.department:
        words.append(("部门", DEPARTMENT_NAMES[filters.department]))  # type: ignore[index]
    if filters.status:
        words.append(("状态", COVERAGE_STATUS_LABELS[CoverageStatus(filters.status)]))
    return words


@bp.route("/draws")
@role_required(Role.REVIEWER, Role.ADMIN)
def draws():
    page = paginate(visible_draws(current_user).order_by(SpotCheckDraw.drawn_at.desc(), SpotCheckDraw.id.desc()))
    return render_template("plan/draws.html", page=page, can_draw=current_user.role == Role.REVIEWER)


@bp.route("/draws/new", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def new_draw():
    departments = {d.id: d for d in departments_within(current_user)}
    townships = {r.id: r for r in regions_within(current_user, RegionLevel.TOWNSHIP)}
    form = DrawForm(
        departments=[(d.id, f"{d.name}") for d in departments.values()],
        checklists=[
            (v.code, f"{DEPARTMENT_NAMES.get(code, code)}：{v.title}")  # type: ignore[call-overload]
            for code in dict.fromkeys(d.code for d in departments.values())
            for v in spot_check_checklists(code)
        ],
        townships=[(r.id, r.name) for r in townships.values()],
        types=[(kind.value, _(text)) for kind, text in FACILITY_TYPE_LABELS.items()],
    )
    earlier = draw_by_client_id(form.client_id.data)
    if earlier is not None:  # this form was sent before (a double tap): show the draw it made
        return redirect(url_for("plan.draw", draw_id=earlier.id))
    if form.validate_on_submit():
        request_ = DrawRequest(
            department=departments[form.department_id.data],
            checklist_code=form.checklist_code.data,
            inspected_on=form.inspected_on.data,
            facility_count=form.facility_count.data,
            inspectors_per_facility=form.inspectors_per_facility.data,
            township=townships.get(form.township_id.data),
            facility_type=form.facility_type.data or None,
            client_id=form.client_id.data or None,
        )
        days_ahead = current_app.config["PLAN_DAYS_AHEAD"]
        with unit_of_work(flash_error=False) as outcome:
            record = make_draw(request_, current_actor(), today=date.today(), days_ahead=days_ahead)
        if outcome.ok:
            flash(_("已抽取 %(n)s 家机构并安排检查；抽取结果已记录并公示。", n=record.facility_count), "success")
            return redirect(url_for("plan.draw", draw_id=record.id))
        _show_refusal(form, outcome.error)
    status = 400 if request.method == "POST" else 200
    return render_template("plan/draw_form.html", form=form), status


#: The form field each refusal's field name is shown at.
_REFUSAL_FIELDS = {"date": "inspected_on"}


def _show_refusal(form: DrawForm, error: Exception | None) -> None:
    """Show a refusal at the fields it names, flashed when it names none of the form's."""
    shown = False
    for key, message in getattr(error, "fields", {}).items():
        field = getattr(form, _REFUSAL_FIELDS.get(key, key), None)
        if field is not None:
            field.errors = [*field.errors, translated(message)]
            shown = True
    if error is not None and not shown:
        flash(translated(error), "error")


@bp.route("/draws/<int:draw_id>")
@role_required(Role.REVIEWER, Role.ADMIN)
def draw(draw_id: int):
    record = db.session.get(SpotCheckDraw, draw_id)
    if record is None or not can_view_draw(current_user, record):
        refuse(404, f"draw {draw_id} not visible")
    township = record.filters.get("township_id")
    return render_template(
        "plan/draw.html",
        draw=record,
        results=draw_results(record),
        inspectors=inspectors_of([record]),
        reproduced=matches_stored(record),
        checklist=latest_version(record.checklist_code),
        township=db.session.get(Region, township) if township else None,
    )


#: Bytes read at a time from the spooled workbook.
EXPORT_CHUNK = 64 * 1024


def _read_chunks(handle):
    """Yield the workbook spooled to a temporary file, closing it when done."""
    with handle:
        while chunk := handle.read(EXPORT_CHUNK):
            yield chunk
