"""The facility register: list, detail, create, edit, close and reopen."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.common import ConfirmForm
from forms.facilities import FacilityForm
from inspection.blueprints import paginate, query_text, unit_of_work
from inspection.models import FacilityStatus, FacilityType, Ownership, RegionLevel, Role
from inspection.security import current_actor, get_facility_or_404, refuse, role_required
from inspection.services.credit import blacklisted_ids, is_blacklisted
from inspection.services.facilities import create_facility, set_facility_status, update_facility
from inspection.services.facility_history import facility_history
from inspection.services.facility_register import register_filters, register_query
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


def _township_choices() -> list[tuple[int, str]]:
    return [(region.id, region.name) for region in regions_within(current_user, RegionLevel.TOWNSHIP)]
