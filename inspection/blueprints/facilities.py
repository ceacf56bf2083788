"""The facility register: list, detail, create, edit, close and reopen; import from a county's file."""

import io
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.common import ConfirmForm
from forms.facilities import FacilityForm, FacilityImportForm, ImportConfirmForm
from inspection.blueprints import paginate, query_text, unit_of_work
from inspection.exported_files import XLSX, content_disposition
from inspection.models import FacilityStatus, FacilityType, Ownership, RegionLevel, Role
from inspection.orm import utcnow
from inspection.permissions import can_import_register
from inspection.register_file import COLUMNS_BY_FIELD, MAX_FILE_BYTES
from inspection.register_template import write_template
from inspection.security import current_actor, get_facility_or_404, refuse, role_required
from inspection.services.credit import blacklisted_ids, is_blacklisted
from inspection.services.facilities import create_facility, set_facility_status, update_facility
from inspection.services.facility_history import facility_history
from inspection.services.facility_import import confirm_import, plan_import, register_choices, stage_import
from inspection.services.facility_register import register_filters, register_query
from inspection.services.grade_certificates import certificates_due_back, current_certificate
from inspection.services.regions import regions_within
from inspection.services.self_inspection import gap_counts, last_self_inspection
from inspection.services.standings import safety_standings, standings_of

bp = Blueprint("facilities", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role == Role.OPERATOR:
        refuse(403, "operators have no facility list")
    filters = register_filters(request.args) | {"q": query_text("q")}
    page = paginate(register_query(current_user, filters))
    return render_template(
        "facilities/index.html",
        page=page,
        listed=blacklisted_ids([f.id for f in page.items]),
        filters=filters,
        townships=regions_within(current_user, RegionLevel.TOWNSHIP),
        types=list(FacilityType),
        ownerships=list(Ownership),
    )


@bp.route("/<int:facility_id>")
@login_required
def detail(facility_id: int):
    facility = get_facility_or_404(facility_id)
    return render_template(
        "facilities/detail.html",
        facility=facility,
        confirm=ConfirmForm(),
        standings=standings_of([facility.id])[facility.id],
        safety_kinds=safety_standings(),
        history=facility_history(facility, current_user),
        listed=is_blacklisted(facility.id),
        self_gaps=gap_counts([facility.id], current_app.config["SELF_INSPECTION_WINDOW_DAYS"], date.today())[
            facility.id
        ],
        last_self_on=last_self_inspection(facility.id),
        certificate=current_certificate(facility.id),
        due_back=certificates_due_back(facility.id, date.today()),
        today=date.today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = FacilityForm(townships=_township_choices())
    if form.validate_on_submit():
        with unit_of_work() as outcome:
            facility = create_facility(form.register_data(), current_actor())
        if outcome.ok:
            flash(_("已登记机构：%(name)s", name=facility.name), "success")
            return redirect(url_for("facilities.detail", facility_id=facility.id))
    status = 400 if request.method == "POST" else 200
    return render_template("facilities/form.html", form=form, facility=None), status


@bp.route("/<int:facility_id>/edit", methods=["GET", "POST"])
@login_required
def edit(facility_id: int):
    facility = get_facility_or_404(facility_id, for_edit=True)
    form = FacilityForm(obj=facility, townships=_township_choices())
    if form.validate_on_submit():
        with unit_of_work() as outcome:
            update_facility(facility, form.register_data(), current_actor())
        if outcome.ok:
            flash(_("已保存修改。"), "success")
            return redirect(url_for("facilities.detail", facility_id=facility.id))
    status = 400 if request.method == "POST" else 200
    return render_template("facilities/form.html", form=form, facility=facility), status


@bp.post("/<int:facility_id>/<any(close, reopen):action>")
@login_required
def change_status(facility_id: int, action: str):
    facility = get_facility_or_404(facility_id, for_edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    new_status = FacilityStatus.CLOSED if action == "close" else FacilityStatus.ACTIVE
    with unit_of_work() as outcome:
        set_facility_status(facility, new_status, current_actor(), date.today())
    if outcome.ok:
        flash(_("机构已关闭，历史记录保留。") if action == "close" else _("机构已恢复运营。"), "success")
    return redirect(url_for("facilities.detail", facility_id=facility.id))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_file():
    _require_import()
    form = FacilityImportForm()
    if not form.validate_on_submit():
        return render_template("facilities/import.html", form=form), 400 if request.method == "POST" else 200
    upload = form.file.data
    data = upload.read(MAX_FILE_BYTES + 1)
    with unit_of_work(flash_error=False) as outcome:
        plan = plan_import(data, current_user)
        staged = stage_import(data, upload.filename or "", plan, current_user, utcnow()) if plan.importable else None
    if not outcome.ok:
        form.file.errors = [outcome.message]
        return render_template("facilities/import.html", form=form), 400
    confirm = ImportConfirmForm(token=staged.token, plan=staged.plan_sha256) if staged else None
    return render_template(
        "facilities/import_preview.html", plan=plan, confirm=confirm, filename=upload.filename, columns=COLUMNS_BY_FIELD
    )


@bp.post("/import/confirm")
@login_required
def confirm_import_file():
    _require_import()
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work() as outcome:
        staged = confirm_import(form.token.data, form.plan.data, current_user, current_actor(), utcnow())
    if not outcome.ok:
        return redirect(url_for("facilities.import_file"))
    flash(
        _("已导入：新建 %(created)s 个机构，更新 %(updated)s 个。", created=staged.created, updated=staged.updated),
        "success",
    )
    return redirect(url_for("facilities.index"))


@bp.route("/import/template.xlsx")
@login_required
def import_template():
    _require_import()
    out = io.BytesIO()
    write_template(out, register_choices())
    disposition = content_disposition("养老机构名录导入模板.xlsx", "facility-register-template.xlsx")
    return Response(out.getvalue(), mimetype=XLSX, headers={"Content-Disposition": disposition})


def _require_import() -> None:
    if not can_import_register(current_user):
        refuse(403, "may not import the facility register")


def _township_choices() -> list[tuple[int, str]]:
    return [(region.id, region.name) for region in regions_within(current_user, RegionLevel.TOWNSHIP)]
