"""Inspections on the web: lists, planning (joint, campaign, spot check) and the read-only result page."""

from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectMultipleField

from forms.food_result import FoodResultForm
from forms.inspections import CampaignForm, PlanInspectionForm, SpotCheckForm
from forms.notices import IssueNoticesForm
from inspection.blueprints import file_response, paginate, query_number, translated, unit_of_work
from inspection.extensions import db
from inspection.i18n import joined
from inspection.models import (
    Department,
    Facility,
    InspectionPurpose,
    Photo,
    Region,
    RegionLevel,
    Role,
    Signature,
    User,
)
from inspection.permissions import can_view_region, is_assigned
from inspection.security import current_actor, get_facility_or_404, get_inspection_or_404, refuse, role_required
from inspection.services import ServiceError
from inspection.services.checklists import checklist_of, latest_versions
from inspection.services.inspection_lists import (
    active_facilities_in,
    active_facilities_of,
    evidence_of,
    inspection_list,
    inspectors_within,
    users_by_id,
)
from inspection.services.notices import hazards_user_may_notify
from inspection.services.notices.food_result import food_result_of, food_result_refusal
from inspection.services.planning import (
    departments_of,
    plan_campaign,
    plan_problems,
    spot_check_checklists,
    start_inspection,
    submitted_departments,
    teams_by_department,
)
from inspection.services.regions import departments_within, regions_within

bp = Blueprint("inspections", __name__)


@bp.route("/")
@login_required
def index():
    status = request.args.get("status", "")
    stmt = inspection_list(current_user, status)
    page = paginate(stmt)
    return render_template("inspections/index.html", page=page, status=status)


@bp.route("/plan", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def plan():
    form = PlanInspectionForm(facilities=_facility_choices(), departments=_department_choices(), **_team_choices())
    if request.method == "GET":
        form.lead_department_id.data = current_user.department_id
        form.facility_id.data = query_number("facility_id", 0)
    elif _plan_checked(form, _chosen_facility(form), _teams(_chosen(form.inspectors))):
        facility = get_facility_or_404(form.facility_id.data)
        with unit_of_work(flash_error=False) as outcome:
            inspection = start_inspection(
                facility,
                form.checklists.data,
                form.inspected_on.data,
                InspectionPurpose(form.purpose.data),
                _department(form.lead_department_id.data),
                _teams(form.inspectors.data),
                current_actor(),
                **_planning_days(form),
            )
        if outcome.ok:
            flash(_("已安排对 %(name)s 的检查", name=facility.name), "success")
            return redirect(url_for("inspections.detail", inspection_id=inspection.id))
        _show_refusal(form, outcome.error)
    return render_template(
        "inspections/plan.html", form=form, title=_("安排联合检查")
    ), 400 if request.method == "POST" else 200


@bp.route("/campaign", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def campaign():
    regions = [r for r in regions_within(current_user) if r.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)]
    form = CampaignForm(regions=[(r.id, r.name) for r in regions], departments=_department_choices(), **_team_choices())
    if request.method == "GET":
        form.lead_department_id.data = current_user.department_id
        form.purpose.data = InspectionPurpose.CAMPAIGN.value
    elif _plan_checked(form, None, _teams(_chosen(form.inspectors))):
        region = db.session.get(Region, form.region_id.data)
        if region is None or not can_view_region(current_user, region):
            refuse(404, "region not visible")
        with unit_of_work(flash_error=False) as outcome:
            planned = plan_campaign(
                active_facilities_in(region),
                form.checklists.data,
                form.inspected_on.data,
                _department(form.lead_department_id.data),
                _teams(form.inspectors.data),
                current_actor(),
                **_planning_days(form),
            )
        if outcome.ok:
            flash(_("已为 %(region)s 的 %(n)s 家机构安排检查", region=region.name, n=len(planned)), "success")
            return redirect(url_for("inspections.index"))
        _show_refusal(form, outcome.error)
    return render_template(
        "inspections/plan.html", form=form, title=_("安排专项行动"), campaign=True
    ), 400 if request.method == "POST" else 200


@bp.route("/spot", methods=["GET", "POST"])
@role_required(Role.INSPECTOR)
def spot():
    own = [(row.code, _(row.title)) for row in spot_check_checklists(current_user.department.code)]
    colleagues = [
        (u.id, u.display_name)
        for u in inspectors_within(current_user)
        if u.department_id == current_user.department_id and u.id != current_user.id
    ]
    form = SpotCheckForm(facilities=_facility_choices(), checklists=own, inspectors=colleagues)
    team = {current_user.department.code: [current_user, *users_by_id(_chosen(form.inspectors))]}
    if request.method == "GET":
        form.purpose.data = InspectionPurpose.COMPLAINT.value
    elif _plan_checked(form, _chosen_facility(form), team):
        facility = get_facility_or_404(form.facility_id.data)
        with unit_of_work(flash_error=False) as outcome:
            inspection = start_inspection(
                facility,
                form.checklists.data,
                form.inspected_on.data,
                InspectionPurpose(form.purpose.data),
                current_user.department,
                team,
                current_actor(),
                **_planning_days(form),
            )
        if outcome.ok:
            return redirect(url_for("fieldform.form", inspection_id=inspection.id))
        _show_refusal(form, outcome.error)
    return render_template(
        "inspections/plan.html", form=form, title=_("现场检查（本部门）")
    ), 400 if request.method == "POST" else 200


@bp.route("/<int:inspection_id>")
@login_required
def detail(inspection_id: int):
    inspection = get_inspection_or_404(inspection_id)
    done = submitted_departments(inspection)
    checklists = [(ic, checklist_of(ic.version)) for ic in inspection.checklists]
    photos, signatures, notices = evidence_of(inspection)
    # the lead once everything is submitted; another department's inspector its own notice once it has submitted
    issuable = hazards_user_may_notify(current_user, inspection)
    issuing = issuable is not None
    return render_template(
        "inspections/detail.html",
        inspection=inspection,
        checklists=checklists,
        departments=[(code, code in done) for code in departments_of(inspection)],
        photos=photos,
        signatures=signatures,
        assigned=is_assigned(current_user, inspection),
        notices=notices,
        issue_form=IssueNoticesForm() if issuing else None,
        pending_hazards=len(issuable or []),
        food_record=food_result_of(inspection),
        food_result_form=FoodResultForm() if food_result_refusal(inspection, current_user) is None else None,
        returned_by={
            u.id: u.display_name
            for u in users_by_id([ic.returned_by_id for ic in inspection.checklists if ic.returned_by_id])
        },
    )


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int):
    row = db.session.get(Photo, photo_id)
    if row is None:
        refuse(404, f"photo {photo_id}")
    get_inspection_or_404(row.inspection_id)
    return file_response(row.file)


@bp.route("/signatures/<int:signature_id>")
@login_required
def signature(signature_id: int):
    row = db.session.get(Signature, signature_id)
    if row is None or row.file is None:
        refuse(404, f"signature {signature_id}")
    get_inspection_or_404(row.inspection_id)
    return file_response(row.file)


PlanForm = PlanInspectionForm | CampaignForm | SpotCheckForm
#: The form field each planning problem is shown at (`planning.plan_problems`).
_PROBLEM_FIELDS = {
    "date": "inspected_on",
    "facility": "facility_id",
    "checklists": "checklists",
    "inspectors": "inspectors",
}


def _planning_days(form: PlanForm) -> dict[str, Any]:
    """The day plans are made from, how many days ahead they may reach (PLAN_DAYS_AHEAD) and whether the person
    records an inspection already done (补录), for the services."""
    return {
        "today": date.today(),
        "days_ahead": current_app.config["PLAN_DAYS_AHEAD"],
        "after_the_fact": form.after_the_fact.data,
    }


def _chosen_facility(form: PlanInspectionForm | SpotCheckForm) -> Facility | None:
    """The facility the form names, once it names one of the choices (the choices are the visible facilities)."""
    if not form.facility_id.data or form.facility_id.data not in dict(form.facility_id.choices):
        return None
    return get_facility_or_404(form.facility_id.data)


def _chosen(field: SelectMultipleField) -> list[Any]:
    """The posted values of a multiple choice that are among its choices (the rest is reported by the form)."""
    offered = {value for value, _label in field.choices}
    return [value for value in field.data or [] if value in offered]


def _plan_checked(form: PlanForm, facility: Facility | None, teams: dict[str, list[User]]) -> bool:
    """Validate the posted form and the plan's rules together, so that every wrong field shows its error after one
    submit (not one per try); True when nothing is wrong."""
    valid = form.validate_on_submit()
    problems = plan_problems(facility, _chosen(form.checklists), form.inspected_on.data, teams, **_planning_days(form))
    for key, messages in problems.items():
        field = getattr(form, _PROBLEM_FIELDS[key], None)
        if field is None:
            flash(translated(joined(messages)), "error")
            continue
        field.errors = [*field.errors, *(m for m in map(translated, messages) if m not in field.errors)]
    return valid and not problems


def _show_refusal(form: PlanForm, error: Exception | None) -> None:
    """Show a planning service's refusal at the fields it names, flashed when it names none of them."""
    if not isinstance(error, ServiceError):
        return
    shown = False
    for key, message in error.fields.items():
        field = getattr(form, _PROBLEM_FIELDS.get(key, ""), None)
        if field is not None:
            field.errors = [*field.errors, translated(message)]
            shown = True
    if not shown:
        flash(translated(error), "error")


def _department(department_id: int) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        refuse(404, f"department {department_id}")
    return department


def _teams(user_ids: list[int]) -> dict[str, list[User]]:
    return teams_by_department(users_by_id(user_ids))


def _team_choices() -> dict[str, list]:
    checklists = [
        (row.code, _(row.title) + ("" if row.verified else _("（评分标准待核实）"))) for row in latest_versions()
    ]
    inspectors = [
        (
            u.id,
            _(
                "%(name)s（%(department)s）",
                name=u.display_name,
                department=_(u.department.kind) if u.department.kind else "",
            ),
        )
        if u.department
        else (u.id, u.display_name)
        for u in inspectors_within(current_user)
    ]
    return {"checklists": checklists, "inspectors": inspectors}


def _facility_choices() -> list[tuple[int, str]]:
    return [
        (f.id, _("%(name)s（%(region)s）", name=f.name, region=f.region.name))
        for f in active_facilities_of(current_user)
    ]


def _department_choices() -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in departments_within(current_user)]
