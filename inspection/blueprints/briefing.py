"""The joint-meeting briefing (联席会议通报) for reviewers and administrators: choose a period, read the tables and
charts on the page, download the workbook.

URL map (prefix /briefing):
    /                  the period form (presets or dates) and, for a valid period, the briefing's tables and charts
    /briefing.xlsx     the same tables as a workbook, one sheet per table
"""

import io
from datetime import date, datetime

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from forms.briefing import BriefingPeriodForm
from inspection.blueprints import BadParameter
from inspection.briefing import PRESETS, Figures, charts, preset_period, tables
from inspection.dates import DateRange
from inspection.exported_files import content_disposition
from inspection.models import Role
from inspection.security import role_required
from inspection.services.briefing import briefing_figures
from inspection.services.exports import write_briefing_xlsx

bp = Blueprint("briefing", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN)
def index():
    today = date.today()
    form = BriefingPeriodForm(request.args)
    presets = [(_(name), preset_period(key, today)) for key, name in PRESETS.items()]
    if not request.args:
        return render_template("briefing/index.html", form=form, presets=presets, figures=None)
    period = form.period(today)
    if period is None:
        return render_template("briefing/index.html", form=form, presets=presets, figures=None), 400
    figures = briefing_figures(current_user, period)
    return render_template(
        "briefing/index.html",
        form=form,
        presets=presets,
        figures=figures,
        tables=tables(figures),
        charts=charts(figures, _),
        args={"start": period.first.isoformat(), "end": period.last.isoformat()},
    )


def _period_or_400() -> DateRange:
    """Return the period of the query, or answer 400 saying what is wrong with it (a download has no form)."""
    form = BriefingPeriodForm(request.args)
    period = form.period(date.today())
    if period is None:
        raise BadParameter("；".join(str(e) for field in form for e in field.errors))
    return period


def _document_name(figures: Figures, extension: str) -> str:
    return f"{figures.region}联席会议通报-{figures.period.first:%Y%m%d}-{figures.period.last:%Y%m%d}.{extension}"


@bp.route("/briefing.xlsx")
@role_required(Role.REVIEWER, Role.ADMIN)
def workbook():
    figures = briefing_figures(current_user, _period_or_400())
    about = [
        ("地区", figures.region),
        ("期间", str(figures.period)),
        ("生成时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
    ]
    out = io.BytesIO()
    write_briefing_xlsx(tables(figures), out, about=about)
    headers = {
        "Cache-Control": "no-store",
        "Content-Disposition": content_disposition(_document_name(figures, "xlsx"), "briefing.xlsx"),
    }
    return Response(out.getvalue(), mimetype=XLSX, headers=headers)
