"""Notices on the web: issue, list, read, download the stored PDF, print view, supersede, public verification."""

import io
import zipfile
from datetime import date
from math import ceil

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.notices import IssueNoticesForm, SupersedeForm
from forms.verify import VerifyUploadForm
from inspection.blueprints import paginate, query_date, query_number, unit_of_work
from inspection.exported_files import archive_entry_name, content_disposition
from inspection.extensions import db
from inspection.models import Notice, NoticeKind, NoticeMode, NoticeStatus, Role
from inspection.permissions import can_view_facility
from inspection.security import current_actor, get_inspection_or_404, refuse
from inspection.services.document_verification import (
    NotAPdf,
    UploadTooLarge,
    count_upload,
    read_upload,
    verify_document,
)
from inspection.services.notice_lists import notice_by_token, notice_list, notices_to_print, replacement_of
from inspection.services.notices import food_result, issue_notices, supersede_notice, verification_url
from inspection.transactions import run_in_transaction

bp = Blueprint("notices", __name__)


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
    with unit_of_work() as outcome:
        notices = run_in_transaction(
            lambda: issue_notices(inspection, NoticeMode(form.mode.data), current_actor(), date.today(), verify_url)
        )
    if not outcome.ok:
        return redirect(url_for("inspections.detail", inspection_id=inspection_id))
    flash(_("已发出：%(numbers)s", numbers="、".join(n.number for n in notices)), "success")
    return redirect(url_for("notices.detail", notice_id=notices[0].id))


@bp.post("/inspections/<int:inspection_id>/food-result")
@login_required
def issue_food_result(inspection_id: int):
    """The 市场监管 inspector issues the food inspection's result record (结果记录表), or opens the one issued.

    The form (`FoodResultForm`) is a button and its CSRF token, which the app checks for every POST."""
    inspection = get_inspection_or_404(inspection_id)
    with unit_of_work() as outcome:
        record, _issued_now = run_in_transaction(
            lambda: food_result.issue_food_result(inspection, current_actor(), date.today(), verify_url)
        )
    if not outcome.ok:
        return redirect(url_for("inspections.detail", inspection_id=inspection_id))
    flash(_("结果记录表：%(number)s", number=record.number), "success")
    return redirect(url_for("notices.detail", notice_id=record.id))


@bp.route("/notices/")
@login_required
def index():
    status = request.args.get("status", "")
    page = paginate(notice_list(current_user, status))
    return render_template("notices/index.html", page=page, status=status)


@bp.route("/notices/<int:notice_id>")
@login_required
def detail(notice_id: int):
    notice = _visible_notice(notice_id)
    replaced_by = replacement_of(notice)
    can_correct = (
        current_user.role in (Role.REVIEWER, Role.INSPECTOR)
        and notice.status == NoticeStatus.ISSUED
        and notice.kind == NoticeKind.RECTIFICATION  # only a rectification notice is corrected by a new one
    )
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
    with unit_of_work() as outcome:
        replacement = run_in_transaction(
            lambda: supersede_notice(notice, form.reason.data, current_actor(), date.today(), verify_url)
        )
    if not outcome.ok:
        return redirect(url_for("notices.detail", notice_id=notice_id))
    flash(_("已发出更正通知书 %(n)s，原通知书已作废", n=replacement.number), "success")
    return redirect(url_for("notices.detail", notice_id=replacement.id))


@bp.route("/notices/bundle.zip")
@login_required
def bundle():
    """Every notice of the current filter (e.g. a campaign's township and dates) in one zip, for printing."""
    notices = notices_to_print(current_user, query_number("township"), query_date("from"), query_date("to"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for notice in notices:
            archive.writestr(archive_entry_name(f"{notice.number}-{notice.facility.name}.pdf"), notice.pdf_file.data)
    data = buffer.getvalue()
    headers = {"Content-Disposition": "attachment; filename=notices.zip", "Content-Length": str(len(data))}
    return Response(data, mimetype="application/zip", headers=headers)


@bp.route("/n/<token>")
def verify(token: str):
    """Public verification page behind the QR code: number, facility, date, issuer and status — nothing private."""
    notice = notice_by_token(token)
    form = VerifyUploadForm()
    if notice is None:
        return render_template("notices/verify.html", notice=None, form=form), 404
    return render_template("notices/verify.html", notice=notice, replaced_by=replacement_of(notice), form=form)


@bp.route("/verify", methods=["GET", "POST"])
def verify_upload():
    """验真 by upload: anyone holding a PDF copy learns whether it is, byte for byte, a document as issued, which
    one, and whether it has been superseded. The file is read in memory and never stored."""
    form = VerifyUploadForm()
    if not form.validate_on_submit():
        return render_template("notices/verify_upload.html", form=form, result=None)
    refusal = count_upload(request.remote_addr or "")
    db.session.commit()  # the count holds whatever happens next
    if refusal is not None:
        form.file.errors = [_("核验次数过多，请 %(seconds)s 秒后再试", seconds=ceil(refusal.wait.total_seconds()))]
        return render_template("notices/verify_upload.html", form=form, result=None), 429
    try:
        result = verify_document(read_upload(form.file.data.stream))
    except UploadTooLarge:
        form.file.errors = [_("文件超过 10 MB，不是本系统发出的文书")]
        return render_template("notices/verify_upload.html", form=form, result=None), 413
    except NotAPdf:
        form.file.errors = [_("上传的文件不是 PDF")]
        return render_template("notices/verify_upload.html", form=form, result=None), 400
    return render_template(
        "notices/verify_upload.html", form=VerifyUploadForm(formdata=None), result=result, today=date.today()
    )


def _pdf_response(notice: Notice) -> Response:
    response = Response(notice.pdf_file.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        f"{notice.number}.pdf", f"notice-{notice.id}.pdf", inline=True
    )
    response.headers["ETag"] = notice.pdf_sha256
    return response


def _visible_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or not can_view_facility(current_user, notice.facility):
        refuse(404, f"notice {notice_id}")
    return notice
