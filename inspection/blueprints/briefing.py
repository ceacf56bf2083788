"""The joint-meeting briefing (联席会议通报) for reviewers and administrators: choose a period, read the tables and
charts on the page, download the workbook.

URL map (prefix /briefing):
    /                  the period form (presets or dates) and, for a valid period, the briefing's tables and charts;
                       the briefings issued in the user's region
    /briefing.xlsx     the same tables as a workbook, one sheet per table
    POST /issue        issue the period's briefing as a PDF, stored with its SHA-256
    /<id>.pdf          an issued briefing, exactly as issued
"""

import io
from datetime import date, datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.briefing import BriefingPeriodForm, IssueBriefingForm
from inspection.blueprints import BadParameter, unit_of_work
from inspection.briefing import PRESETS, Figures, charts, preset_period, tables
from inspection.dates import DateRange
from inspection.exported_files import XLSX, content_disposition
from inspection.extensions import db
from inspection.models import Briefing, Role
from inspection.permissions import can_view_briefing
from inspection.security import current_actor, refuse, role_required
from inspection.services.briefing import briefing_figures, issue_briefing, issued_briefings
from inspection.services.exports import write_briefing_xlsx

bp = Blueprint("briefing", __name__)


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN)
def index():
    today = date.today()
    form = BriefingPeriodForm(request.args)
    page = {
        "form": form,
        "presets": [(_(name), preset_period(key, today)) for key, name in PRESETS.items()],
        "issued": issued_briefings(current_user),
        "figures": None,
    }
    if not request.args:
        return render_template("briefing/index.html", **page)
    period = form.period(today)
    if period is None:
        return render_template("briefing/index.html", **page), 400
    figures = briefing_figures(current_user, period)
    return render_template(
        "briefing/index.html",
        **page | {"figures": figures},
        tables=tables(figures),
        charts=charts(figures, _),
        args={"start": period.first.isoformat(), "end": period.last.isoformat()},
        issue_form=IssueBriefingForm(start=period.first, end=period.last),
    )


@bp.post("/issue")
@role_required(Role.REVIEWER, Role.ADMIN)
def issue():
    form = IssueBriefingForm()
    period = form.period(date.today()) if form.validate_on_submit() else None
    if period is None:
        flash(_("没有生成：%(why)s", why="；".join(str(e) for f in form for e in f.errors) or _("请重试。")), "error")
        return redirect(url_for("briefing.index"))
    names = {"region": current_user.region.name}
    with unit_of_work() as outcome:
        issue_briefing(
            current_user,
            period,
            date.today(),
            current_actor(),
            title=current_app.config["BRIEFING_TITLE"] % names,
            issuer=current_app.config["BRIEFING_ISSUER"] % names,
            client_id=form.client_id.data or None,
        )
    if outcome.ok:
        flash(_("已生成通报 PDF，见下方“已生成的通报”。"), "success")
    return redirect(url_for("briefing.index", start=period.first.isoformat(), end=period.last.isoformat()))


@bp.route("/<int:briefing_id>.pdf")
@role_required(Role.REVIEWER, Role.ADMIN)
def pdf(briefing_id: int):
    briefing = db.session.get(Briefing, briefing_id)
    if briefing is None or not can_view_briefing(current_user, briefing):
        refuse(404, f"briefing {briefing_id}")
    name = f"{briefing.title}-{briefing.period_start:%Y%m%d}-{briefing.period_end:%Y%m%d}.pdf"
    response = Response(briefing.pdf_file.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(name, f"briefing-{briefing.id}.pdf", inline=True)
    response.headers["ETag"] = briefing.pdf_sha256
    return response


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
