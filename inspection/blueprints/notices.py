"""Notices on the web: issue, list, read, download the stored PDF, print view, supersede, public verification."""

import io
import zipfile
from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from forms.notices import IssueNoticesForm, SupersedeForm
from inspection.extensions import db
from inspection.models import Facility, Notice, NoticeMode, NoticeStatus, Region, Role
from inspection.permissions import can_view_facility
from inspection.security import current_actor, get_inspection_or_404, refuse
from inspection.services import ServiceError
from inspection.services.notices import issue_notices, supersede_notice, verification_url
from inspection.transactions import run_in_transaction

bp = Blueprint("notices", __name__)

#: Most notices one download bundles.
MAX_BUNDLE = 500


def verify_url(token: str) -> str:
    """Return the public verification URL a notice's QR code encodes (PUBLIC_BASE_URL when set, else this host)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    return verification_url(base, token) if base else url_for("notices.verify", token=token, _external=True)


@bp.post("/inspections/<int:inspection_id>/notices")
@login_required
def issue(inspection_id: int):
    inspection = get_inspection_or_404(inspection_id)
    form = IssueNoticesForm()
    if not form.validate_on_submit():
        flash(_("请选择通知书形式"), "error")
        return redirect(url_for("inspections.detail", inspection_id=inspection_id))
    try:
        notices = run_in_transaction(
            lambda: issue_notices(inspection, NoticeMode(form.mode.data), current_actor(), date.today(), verify_url)
        )
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("inspections.detail", inspection_id=inspection_id))
    flash(_("已发出：%(numbers)s", numbers="、".join(n.number for n in notices)), "success")
    return redirect(url_for("notices.detail", notice_id=notices[0].id))


@bp.route("/notices/")
@login_required
def index():
    stmt = _visible_notices()
    status = request.args.get("status", "")
    if status in set(NoticeStatus):
        stmt = stmt.where(Notice.status == status)
    page = db.paginate(
        # the cards show each notice's facility and number of hazards: load them with the page, not per card
        stmt.order_by(Notice.issued_at.desc(), Notice.id.desc()).options(selectinload(Notice.hazards)),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("notices/index.html", page=page, status=status)


@bp.route("/notices/<int:notice_id>")
@login_required
def detail(notice_id: int):
    notice = _visible_notice(notice_id)
    replaced_by = db.session.scalar(select(Notice).where(Notice.supersedes_id == notice.id))
    can_correct = current_user.role in (Role.REVIEWER, Role.INSPECTOR) and notice.status == NoticeStatus.ISSUED
    return render_template(
        "notices/detail.html", notice=notice, replaced_by=replaced_by, form=SupersedeForm() if can_correct else None
    )


@bp.route("/notices/<int:notice_id>/pdf")
@login_required
def pdf(notice_id: int):
    notice = _visible_notice(notice_id)
    return _pdf_response(notice)


@bp.route("/notices/<int:notice_id>/print")
@login_required
def print_view(notice_id: int):
    notice = _visible_notice(notice_id)
    return Response(notice.context["html"], mimetype="text/html")


@bp.post("/notices/<int:notice_id>/supersede")
@login_required
def supersede(notice_id: int):
    notice = _visible_notice(notice_id)
    form = SupersedeForm()
    if not form.validate_on_submit():
        flash(_("请说明更正原因"), "error")
        return redirect(url_for("notices.detail", notice_id=notice_id))
    try:
        replacement = run_in_transaction(
            lambda: supersede_notice(notice, form.reason.data, current_actor(), date.today(), verify_url)
        )
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("notices.detail", notice_id=notice_id))
    flash(_("已发出更正通知书 %(n)s，原通知书已作废", n=replacement.number), "success")
    return redirect(url_for("notices.detail", notice_id=replacement.id))


@bp.route("/notices/bundle.zip")
@login_required
def bundle():
    """Every notice of the current filter (e.g. a campaign's township and dates) in one zip, for printing."""
    stmt = _visible_notices().where(Notice.status == NoticeStatus.ISSUED)
    township = request.args.get("township", type=int)
    issued_from, issued_to = request.args.get("from", ""), request.args.get("to", "")
    if township:
        stmt = stmt.where(Facility.region_id == township)
    if issued_from:
        stmt = stmt.where(Notice.issued_on >= date.fromisoformat(issued_from))
    if issued_to:
        stmt = stmt.where(Notice.issued_on <= date.fromisoformat(issued_to))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        notices = stmt.order_by(Notice.number).limit(MAX_BUNDLE).options(joinedload(Notice.pdf_file))
        for notice in db.session.scalars(notices):
            archive.writestr(f"{notice.number}-{notice.facility.name}.pdf", notice.pdf_file.data)
    data = buffer.getvalue()
    headers = {"Content-Disposition": "attachment; filename=notices.zip", "Content-Length": str(len(data))}
    return Response(data, mimetype="application/zip", headers=headers)


@bp.route("/n/<token>")
def verify(token: str):
    """Public verification page behind the QR code: number, facility, date, issuer and status — nothing private."""
    notice = db.session.scalar(select(Notice).where(Notice.public_token == token))
    if notice is None:
        return render_template("notices/verify.html", notice=None), 404
    return render_template("notices/verify.html", notice=notice)


def _pdf_response(notice: Notice) -> Response:
    response = Response(notice.pdf_file.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename=notice-{notice.id}.pdf"
    response.headers["ETag"] = notice.pdf_sha256
    return response


def _visible_notices():
    stmt = select(Notice).join(Notice.facility).join(Facility.region).options(contains_eager(Notice.facility))
    if current_user.role == Role.OPERATOR:
        return stmt.where(Notice.facility_id == current_user.facility_id)
    return stmt.where(Region.path.startswith(current_user.region.path))


def _visible_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or not can_view_facility(current_user, notice.facility):
        refuse(404, f"notice {notice_id}")
    return notice
