"""Self-inspection on the web (隐患自查自改): the operator starts one and fills it in on the phone form; the reviewer
sees which facilities of the region have self-inspected this quarter."""

import uuid
from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.self_inspections import StartSelfInspectionForm
from inspection.blueprints import paginate, query_number, translated, unit_of_work
from inspection.extensions import db
from inspection.models import Inspection, InspectionPurpose, Role
from inspection.permissions import visible_inspections
from inspection.security import current_actor, role_required
from inspection.self_inspection_rules import quarter_start
from inspection.services.inspection_lists import active_facilities_by_township
from inspection.services.self_inspection import (
    quarter_counts,
    quarter_coverage,
    quarter_of,
    self_inspection_checklists,
    start_self_inspection,
)

bp = Blueprint("self_inspections", __name__)

#: The quarter view's filter: every facility, those that self-inspected, those that did not.
STATUSES = ("", "done", "missing")


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OPERATOR)
def start():
    facility = current_user.facility
    form = StartSelfInspectionForm(checklists=[(v.code, _(v.title)) for v in self_inspection_checklists()])
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())
        form.checklists.data = [code for code, _title in form.checklists.choices]
    elif form.validate():
        with unit_of_work(flash_error=False) as outcome:
            inspection, _created = start_self_inspection(
                facility,
                form.checklists.data,
                form.inspected_on.data,
                current_actor(),
                client_id=_client_id(form.client_id.data),
                today=date.today(),
            )
        if outcome.ok:
            return redirect(url_for("fieldform.form", inspection_id=inspection.id))
        form.form_errors.append(translated(outcome.error))
    recent = db.session.scalars(
        visible_inspections(current_user)
        .where(Inspection.purpose == InspectionPurpose.SELF_INSPECTION)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(10)
    )
    status = 400 if request.method == "POST" else 200
    return render_template("self_inspections/start.html", form=form, facility=facility, recent=list(recent)), status


def _client_id(value: str | None) -> str | None:
    """The page's UUID, if it is one (a tampered value starts a self-inspection without resend protection)."""
    try:
        return str(uuid.UUID(value or ""))
    except ValueError:
        return None


@bp.route("/quarter")
@role_required(Role.REVIEWER, Role.ADMIN)
def quarter():
    today = date.today()
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    township = query_number("township")
    done, missing = quarter_counts(current_user, today, township)
    page = paginate(quarter_coverage(current_user, today, township, status))
    return render_template(
        "self_inspections/quarter.html",
        page=page,
        inspected=quarter_of([f.id for f in page.items], today),
        status=status,
        township=township,
        townships=active_facilities_by_township(current_user),
        done=done,
        missing=missing,
        since=quarter_start(today),
        today=today,
        window=current_app.config["SELF_INSPECTION_WINDOW_DAYS"],
    )
