"""Grade rankings for civil affairs: the league table with filters and charts, its exports, countersigning grading
results, and the item-by-item comparison of two inspections.

URL map (prefix /rankings):
    /                      league table (filters, sorting, pagination in the URL)
    /charts                charts of the same filtered set
    /export.xlsx  .csv     the filtered table as a file
    /reviews               grading results waiting for a countersignature; POST /reviews/<id> countersigns,
                           POST /reviews/<id>/return returns one (退回) with a reason
    /compare               two inspections of one facility, item by item
    /hazard-photos/<id>    an 'after' photo of a hazard's rectification
"""

from datetime import date, datetime
from functools import cache

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.common import ConfirmForm
from forms.reviews import ReturnGradingForm
from inspection.blueprints import file_response, query_number, translated, unit_of_work
from inspection.charts import PALETTE, Series, bar_chart, grouped_bar_chart, stacked_bar_chart
from inspection.exported_files import XLSX, content_disposition
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import FacilityType, InspectionChecklist, Ownership, RegionLevel, Role
from inspection.permissions import can_view_facility
from inspection.scoring.rankings import GRADE_LABELS, GROUP_KEYS, GROUP_LABELS, RankGroup, group_key
from inspection.security import current_actor, get_facility_or_404, may_see_rankings, refuse, role_required
from inspection.services.exports import RULE_TEXT, csv_chunks, ranking_xlsx
from inspection.services.facility_history import compare_inspections, facility_inspections, visible_hazard_photo
from inspection.services.rankings import (
    RankingFilters,
    count_rows,
    grade_counts,
    hazards_per_month,
    iter_ranking,
    last_months,
    ranking_page,
)
from inspection.services.regions import region_names_within, township_name_within
from inspection.services.reviews import countersign_grading, pending_reviews, return_grading
from inspection.services.self_inspection import gap_counts
from inspection.templating import label
from inspection.wording import in_words

bp = Blueprint("rankings", __name__)


def _require_rankings() -> None:
    if not may_see_rankings(current_user):
        refuse(403, "rankings not visible to this role")


def _table_args() -> tuple[RankingFilters, str, str]:
    """Return the filters, sort and direction of the URL (the table's services ignore a sort they do not know)."""
    return RankingFilters.from_args(request.args), request.args.get("sort", "rank"), request.args.get("dir", "asc")


@bp.route("/")
@login_required
def index():
    _require_rankings()
    filters, sort, direction = _table_args()
    page = ranking_page(current_user, filters, sort=sort, direction=direction, page=query_number("page", 1))
    window = current_app.config["SELF_INSPECTION_WINDOW_DAYS"]
    return render_template(
        "rankings/index.html",
        page=page,
        gaps=gap_counts([row.facility_id for row in page.rows], window, date.today()),
        filters=filters,
        args=filters.to_args(),
        rule=_(RULE_TEXT),
        choices=_filter_choices(),
        can_review=current_user.role == Role.REVIEWER,
        # a page shows the same few verdicts, grades, trends and reasons on its rows: each is put in words once
        words=cache(translated),
        reason_words=cache(lambda reason: in_words(translated(reason), _)),
    )


def _filter_choices() -> dict:
    grades = [(str(level), label(level, "grade")) for level in range(5, 0, -1)]
    groups = [
        (GROUP_KEYS[group], label(group, "rank_group"))
        for group in (
            RankGroup.BELOW_GRADE,
            RankGroup.PENDING,
            RankGroup.UNRATED,
            RankGroup.WITHHELD,
            RankGroup.BLACKLISTED,
            RankGroup.NOT_ELIGIBLE,
        )
    ]
    return {
        "townships": region_names_within(current_user, RegionLevel.TOWNSHIP),
        "types": [(t.value, label(t, "facility_type")) for t in FacilityType],
        "ownerships": [(o.value, label(o, "ownership")) for o in Ownership],
        "grades": [*grades, *groups],
    }


@bp.route("/charts")
@login_required
def charts():
    _require_rankings()
    filters = RankingFilters.from_args(request.args)
    counts = grade_counts(current_user, filters)
    months = last_months(date.today())
    monthly = hazards_per_month(current_user, filters, months)
    return render_template(
        "rankings/charts.html",
        filters=filters,
        args=filters.to_args(),
        choices=_filter_choices(),
        **_distribution(counts),
        **_monthly(months, monthly),
    )


#: Order and colour of the grade categories in the charts.
CATEGORIES = [(f"g{level}", GRADE_LABELS[level]) for level in range(5, 0, -1)] + [
    ("below", GROUP_LABELS[RankGroup.BELOW_GRADE]),
    ("pending", GROUP_LABELS[RankGroup.PENDING]),
    ("withheld", GROUP_LABELS[RankGroup.WITHHELD]),
    ("blacklisted", N_("失信名单")),
    ("unrated", GROUP_LABELS[RankGroup.UNRATED]),
    ("not_eligible", GROUP_LABELS[RankGroup.NOT_ELIGIBLE]),
]


def _distribution(counts) -> dict:
    """County distribution and per-township stacked bars, with the numbers for the text tables."""
    keys = [key for key, _ in CATEGORIES]
    total = dict.fromkeys(keys, 0)
    towns: dict[str, dict[str, int]] = {}
    for c in counts:
        key = group_key(c.group, c.grade)
        total[key] += c.count
        towns.setdefault(c.township, dict.fromkeys(keys, 0))[key] += c.count
    categories = [(key, _(name)) for key, name in CATEGORIES]
    names = [name for _key, name in categories]
    town_names = sorted(towns)
    series = [Series(name, [towns[t][key] for t in town_names], key) for key, name in categories if total[key]]
    desc = _("各等级的机构数：%(counts)s", counts=_("，").join(f"{name} {total[key]}" for key, name in categories))
    return {
        "category_names": names,
        "grade_rows": [(name, total[key]) for key, name in categories],
        "town_rows": [[t, *towns[t].values()] for t in town_names],
        "grade_chart": bar_chart(
            "grade-dist", _("全县等级分布"), desc, names, list(total.values()), keys, colon=_("：")
        ),
        "town_chart": stacked_bar_chart(
            "town-dist",
            _("各乡镇等级分布"),
            _("每个乡镇一行，按等级分段；数字为机构总数。"),
            town_names,
            series,
            colon=_("："),
        )
        if town_names
        else None,
    }


def _monthly(months: list[str], monthly: dict[str, tuple[int, int]]) -> dict:
    labels = [_("%(month)s月", month=int(m[5:])) for m in months]
    opened = Series(_("新发现"), [monthly[m][0] for m in months], "opened")
    closed = Series(_("已销号"), [monthly[m][1] for m in months], "closed")
    desc = _("%(first)s 至 %(last)s 每月新发现与销号的隐患数；数据同下表。", first=months[0], last=months[-1])
    return {
        "months": [(m, *monthly[m]) for m in months],
        "hazard_chart": grouped_bar_chart(
            "hazards-month", _("每月隐患新发现与销号"), desc, labels, [opened, closed], colon=_("：")
        ),
        "palette": PALETTE,
    }


@bp.route("/export.<any(xlsx, csv):fmt>")
@login_required
def export(fmt: str):
    _require_rankings()
    filters, sort, direction = _table_args()
    labels = {t.value: label(t, "facility_type") for t in FacilityType} | {
        o.value: label(o, "ownership") for o in Ownership
    }
    rows = iter_ranking(current_user, filters, sort=sort, direction=direction)
    name = f"等级排名-{datetime.now():%Y%m%d-%H%M}.{fmt}"
    headers = {
        "X-Total-Rows": str(count_rows(current_user, filters)),
        "Cache-Control": "no-store",
        "Content-Disposition": content_disposition(name, f"rankings.{fmt}"),
    }
    if fmt == "csv":
        body = stream_with_context(csv_chunks(rows, labels))
        return Response(body, mimetype="text/csv; charset=utf-8", headers=headers)
    body = stream_with_context(ranking_xlsx(rows, filters=_filter_words(filters), labels=labels))
    return Response(body, mimetype=XLSX, headers=headers)


def _filter_words(filters: RankingFilters) -> list[tuple[str, str]]:
    """Return the filters applied, in words, for the export's 筛选条件 sheet."""
    words = []
    if filters.township:
        name = township_name_within(current_user, filters.township)
        words.append(("乡镇", name or str(filters.township)))
    if filters.type:
        words.append(("类型", label(filters.type, "facility_type")))
    if filters.ownership:
        words.append(("运营性质", label(filters.ownership, "ownership")))
    if filters.grade:
        words.append(("等级", dict(_filter_choices()["grades"]).get(filters.grade, filters.grade)))
    if filters.overdue:
        words.append(("隐患", "有逾期未整改隐患"))
    if filters.date_from or filters.date_to:
        span = f"{filters.date_from or '…'} 至 {filters.date_to or '…'}"
        words.append(("最近检查日期", span))
    if filters.q:
        words.append(("名称包含", filters.q))
    return words


@bp.route("/reviews")
@role_required(Role.REVIEWER)
def reviews():
    return render_template(
        "rankings/reviews.html", pending=pending_reviews(current_user), form=ConfirmForm(), return_form=None
    )


@bp.post("/reviews/<int:checklist_id>")
@role_required(Role.REVIEWER)
def countersign(checklist_id: int):
    ic = db.session.get(InspectionChecklist, checklist_id)
    if ic is None or not can_view_facility(current_user, ic.inspection.facility):
        refuse(404, f"grading result {checklist_id} not visible")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    comment, confirmed = request.form.get("comment", ""), request.form.get("confirmed") == "1"
    with unit_of_work() as outcome:
        countersign_grading(ic, comment, confirmed, current_actor())
    if outcome.ok:
        flash(
            _("已审核：%(name)s 的评定结果（%(v)s）计入排名。", name=ic.inspection.facility.name, v=ic.verdict),
            "success",
        )
    return redirect(url_for("rankings.reviews"))


@bp.post("/reviews/<int:checklist_id>/return")
@role_required(Role.REVIEWER)
def return_result(checklist_id: int):
    """Return (退回) a grading result with a reason; a refused or empty reason shows at that result's card."""
    ic = db.session.get(InspectionChecklist, checklist_id)
    if ic is None or not can_view_facility(current_user, ic.inspection.facility):
        refuse(404, f"grading result {checklist_id} not visible")
    form = ReturnGradingForm()
    if form.validate_on_submit():
        with unit_of_work(flash_error=False) as outcome:
            return_grading(ic, form.reason.data, current_actor())
        if outcome.ok:
            flash(_("已退回 %(name)s 的评定结果，检查组更正后重新提交。", name=ic.inspection.facility.name), "success")
            return redirect(url_for("rankings.reviews"))
        form.reason.errors = [*form.reason.errors, outcome.message]
    pending = pending_reviews(current_user)
    if all(p.checklist_id != checklist_id for p in pending):  # no card to show the error at (countersigned already)
        flash("；".join(map(str, form.reason.errors)), "error")
    return render_template(
        "rankings/reviews.html", pending=pending, form=ConfirmForm(), return_form=form, returning=checklist_id
    ), 400


@bp.route("/compare")
@login_required
def compare():
    facility = get_facility_or_404(query_number("facility_id", 0))
    if current_user.role == Role.OPERATOR:
        refuse(403, "operators do not compare inspections")
    choices = facility_inspections(facility, current_user)
    by_id = {i.id: i for i in choices}
    a, b = by_id.get(query_number("a")), by_id.get(query_number("b"))
    if a is None and b is None and len(choices) >= 2:
        a, b = choices[1], choices[0]
    sections = compare_inspections(a, b) if a is not None and b is not None else []
    return render_template("rankings/compare.html", facility=facility, choices=choices, a=a, b=b, sections=sections)


@bp.route("/hazard-photos/<int:photo_id>")
@login_required
def hazard_photo(photo_id: int):
    photo = visible_hazard_photo(photo_id, current_user)
    if photo is None:
        refuse(404, f"hazard photo {photo_id} not visible")
    return file_response(photo.file)
