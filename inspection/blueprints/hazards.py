"""Hazard follow-up on the web: the reviewer's dashboard, the operator's rectification list, a hazard's page with
its history, and the inspector's re-inspection (复查) that issues a 复查意见书."""

from collections.abc import Callable
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import Field

from forms import WebForm
from forms.common import ConfirmForm
from forms.hazard_records import FireDeterminationForm, RequirementForm
from forms.hazards import (
    DeadlineForm,
    EvidenceForm,
    ReinspectionForm,
    build_reinspection_form,
    uploaded_bytes,
)
from inspection.blueprints import file_response, paginate, unit_of_work
from inspection.blueprints.notices import verify_url
from inspection.checklists import DepartmentCode
from inspection.extensions import db
from inspection.followup_rules import is_due_this_week, is_overdue
from inspection.models import (
    Facility,
    Hazard,
    HazardPhoto,
    HazardStatus,
    HazardUpdate,
    Notice,
    Photo,
    RegionLevel,
    Role,
)
from inspection.permissions import can_view_facility, can_view_inspection
from inspection.security import current_actor, get_facility_or_404, refuse, role_required
from inspection.services.credit import (
    blacklisted_ids,
    listings_to_propose,
    propose_listings,
    proposed_listings,
    record_fire_determination,
)
from inspection.services.hazard_lists import (
    FILTERS,
    active_listings_of,
    before_photos,
    dashboard_hazards,
    hazard_history,
    hazard_tallies,
    latest_evidence,
    reinspection_worklist,
)
from inspection.services.hazards import (
    Decision,
    change_deadline,
    change_requirement,
    open_hazards,
    reinspect,
    reinspection_hazards,
    reinspection_notice,
    submit_evidence,
)
from inspection.services.notices import issue_reinspection_notice
from inspection.services.regions import regions_within
from inspection.transactions import run_in_transaction

bp = Blueprint("hazards", __name__)


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN)
def dashboard():
    today = date.today()
    # The app proposes; a reviewer decides on the credit pages. The proposal is due the day a deadline lapses and is
    # stored by the first dashboard read after it (a retrying transaction); every other GET only reads.
    if listings_to_propose(today):
        run_in_transaction(lambda: propose_listings(today, current_actor()))
    filters = {key: request.args.get(key, "").strip() for key in FILTERS}
    stmt = dashboard_hazards(current_user, filters, today)
    page = paginate(stmt)
    proposals = proposed_listings(current_user)
    return render_template(
        "hazards/dashboard.html",
        today=today,
        filters=filters,
        page=page,
        tally=hazard_tallies(current_user, today),
        proposals=proposals,
        listed=blacklisted_ids([h.facility_id for h in page.items] + [p.facility_id for p in proposals]),
        townships=regions_within(current_user, RegionLevel.TOWNSHIP),
        **_followup_rules(),
    )


@bp.route("/mine")
@role_required(Role.OPERATOR)
def mine():
    return _render_mine({})


@bp.post("/<int:hazard_id>/evidence")
@role_required(Role.OPERATOR)
def evidence(hazard_id: int):
    hazard = _visible_hazard(hazard_id)
    form = EvidenceForm(prefix=f"h{hazard.id}")
    if form.validate_on_submit():
        # a refusal (e.g. closed meanwhile, so no longer on the list) is said at the top; a bad photo at its field
        with unit_of_work(image_field=form.photos) as outcome:
            submit_evidence(hazard, form.note.data or "", uploaded_bytes(form.photos), current_actor())
        if outcome.ok:
            flash(_("已提交整改材料，等待检查部门复查。"), "success")
            return redirect(url_for("hazards.mine", _anchor=f"hazard-{hazard.id}"))
    return _render_mine({hazard.id: form}, 400)


@bp.route("/<int:hazard_id>")
@login_required
def detail(hazard_id: int):
    hazard = _visible_hazard(hazard_id)
    form = None
    if _responsible(hazard) and hazard.status != HazardStatus.CLOSED:
        form = DeadlineForm(deadline=hazard.deadline)
    return _render_detail(hazard, form)


@bp.post("/<int:hazard_id>/requirement")
@role_required(Role.INSPECTOR)
def requirement(hazard_id: int):
    """The responsible department rewords the 整改要求 before the hazard is on a notice."""
    hazard = _visible_hazard(hazard_id)
    if not _responsible(hazard):
        refuse(403, f"hazard {hazard_id} belongs to another department")
    form = RequirementForm()
    return _act_on_hazard(
        hazard,
        form,
        lambda: change_requirement(hazard, form.requirement.data, current_actor()),
        form.requirement,
        lambda: _("整改要求已保存，将印在通知书上。"),
        requirement_form=form,
    )


@bp.post("/<int:hazard_id>/fire-determination")
@role_required(Role.INSPECTOR, Role.REVIEWER)
def fire_determination(hazard_id: int):
    """消防 records the 重大火灾隐患 determination (GB 35181) of a fire hazard (DOMAIN §15.5)."""
    hazard = _visible_hazard(hazard_id)
    if not _records_fire_determinations(hazard):
        refuse(403, f"hazard {hazard_id}: determinations are recorded by 消防 on its open hazards")
    form = FireDeterminationForm()
    return _act_on_hazard(
        hazard,
        form,
        lambda: record_fire_determination(
            hazard, form.document_no.data, form.determined_on.data, current_actor(), date.today()
        ),
        form.document_no,
        lambda: _("已登记重大火灾隐患判定 %(n)s", n=hazard.fire_determination_no),
        determination_form=form,
    )


@bp.post("/<int:hazard_id>/deadline")
@role_required(Role.INSPECTOR, Role.OPERATOR)
def deadline(hazard_id: int):
    hazard = _visible_hazard(hazard_id)
    if not _responsible(hazard):
        refuse(403, f"hazard {hazard_id} belongs to another department")
    form = DeadlineForm()
    return _act_on_hazard(
        hazard,
        form,
        lambda: change_deadline(hazard, form.deadline.data, form.reason.data, current_actor()),
        form.deadline,
        lambda: _("整改期限已改为 %(d)s", d=hazard.deadline.isoformat()),
        deadline_form=form,
    )


def _act_on_hazard(
    hazard: Hazard,
    form: WebForm,
    act: Callable[[], object],
    error_field: Field,
    done: Callable[[], str],
    *,
    deadline_form: DeadlineForm | None = None,
    **typed: WebForm,
):
    """Run `act` on the hazard's page once `form` is valid: done, say `done()` and show the page again; refused,
    put the reason under `error_field` and show the page (400) with the form as it was typed."""
    if form.validate_on_submit():
        with unit_of_work(flash_error=False) as outcome:
            act()
        if outcome.ok:
            flash(done(), "success")
            return redirect(url_for("hazards.detail", hazard_id=hazard.id))
        error_field.errors = [*error_field.errors, outcome.message]
    return _render_detail(hazard, deadline_form, 400, **typed)


@bp.route("/reinspect")
@role_required(Role.INSPECTOR)
def worklist():
    today = date.today()
    items = reinspection_worklist(current_user, today)
    listed = blacklisted_ids([item.facility.id for item in items])
    return render_template("hazards/worklist.html", items=items, today=today, listed=listed, **_followup_rules())


@bp.route("/reinspect/<int:facility_id>", methods=["GET", "POST"])
@role_required(Role.INSPECTOR)
def reinspect_facility(facility_id: int):
    facility = get_facility_or_404(facility_id)
    department = current_user.department.code if current_user.department else None
    hazards = reinspection_hazards(facility, department, request.form.get("shown"))
    form = build_reinspection_form([h.id for h in hazards])()
    recorded = reinspection_notice(form.client_id.data)
    if recorded is not None:  # this form was sent before (a double tap): show what it recorded
        return redirect(url_for("notices.detail", notice_id=recorded.id))
    if form.validate_on_submit():
        with unit_of_work(flash_error=False) as outcome:
            notice = _reinspect_and_issue(facility, hazards, form)
        if outcome.error:
            flash(_("未保存：%(e)s（照片需重新选择）", e=outcome.message), "error")
        else:
            flash(_("复查结论已保存，已出具复查意见书 %(n)s", n=notice.number), "success")
            return redirect(url_for("notices.detail", notice_id=notice.id))
    return render_template(
        "hazards/reinspect.html",
        facility=facility,
        hazards=hazards,
        form=form,
        today=date.today(),
        before=before_photos(hazards),
        after=latest_evidence(hazards),
        listed=blacklisted_ids([facility.id]),
        **_followup_rules(),
    ), 400 if request.method == "POST" else 200


@bp.route("/<int:hazard_id>/before/<int:photo_id>")
@login_required
def before_photo(hazard_id: int, photo_id: int):
    """A finding photo of the hazard's item, for anyone who may see the hazard (not only the inspection's team)."""
    hazard = _visible_hazard(hazard_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or (photo.inspection_id, photo.item_code) != (hazard.inspection_id, hazard.item_code):
        refuse(404, f"photo {photo_id} of hazard {hazard_id}")
    return file_response(photo.file)


@bp.route("/<int:hazard_id>/photos/<int:photo_id>")
@login_required
def photo(hazard_id: int, photo_id: int):
    """A rectification or re-inspection photo of the hazard."""
    hazard = _visible_hazard(hazard_id)
    photo = db.session.get(HazardPhoto, photo_id)
    update = db.session.get(HazardUpdate, photo.update_id) if photo else None
    if update is None or update.hazard_id != hazard.id:
        refuse(404, f"photo {photo_id} of hazard {hazard_id}")
    return file_response(photo.file)


def _visible_hazard(hazard_id: int) -> Hazard:
    """Load a hazard the current user may see: staff of its region, the facility's operator (404 otherwise)."""
    hazard = db.session.get(Hazard, hazard_id)
    if hazard is None or not can_view_facility(current_user, hazard.facility):
        refuse(404, f"hazard {hazard_id} not visible")
    return hazard


def _responsible(hazard: Hazard) -> bool:
    """Return True if the current user is an inspector of the hazard's responsible department, or, for a hazard the
    facility found itself, its operator (who sets its own deadline)."""
    if hazard.self_found:
        return current_user.role == Role.OPERATOR and current_user.facility_id == hazard.facility_id
    department = current_user.department if current_user.role == Role.INSPECTOR else None
    return department is not None and department.code == hazard.department_code


def _records_fire_determinations(hazard: Hazard) -> bool:
    """Return True if the current user (of 消防) may record a determination on this open 消防 hazard."""
    department = current_user.department if current_user.role in (Role.INSPECTOR, Role.REVIEWER) else None
    return (
        department is not None
        and department.code == DepartmentCode.FIRE_RESCUE
        and hazard.department_code == DepartmentCode.FIRE_RESCUE
        and hazard.status != HazardStatus.CLOSED
        and not hazard.self_found
    )


def _render_mine(forms: dict[int, EvidenceForm], status: int = 200):
    facility = current_user.facility
    hazards = open_hazards(facility)
    listings = active_listings_of(facility)
    return render_template(
        "hazards/mine.html",
        facility=facility,
        hazards=hazards,
        forms={h.id: forms.get(h.id) or EvidenceForm(prefix=f"h{h.id}", formdata=None) for h in hazards},
        before=before_photos(hazards),
        after=latest_evidence(hazards),
        today=date.today(),
        listings=listings,
        confirm=ConfirmForm(),
        listed=blacklisted_ids([facility.id]),
        **_followup_rules(),
    ), status


def _render_detail(
    hazard: Hazard,
    form: DeadlineForm | None,
    status: int = 200,
    *,
    requirement_form: RequirementForm | None = None,
    determination_form: FireDeterminationForm | None = None,
):
    """Render the hazard's page with the forms the current user may use (those given keep what was typed)."""
    updates, notices = hazard_history(hazard)
    if requirement_form is None and _responsible(hazard) and not notices and not hazard.self_found:
        requirement_form = RequirementForm(requirement=hazard.requirement)
    if determination_form is None and _records_fire_determinations(hazard):
        determination_form = FireDeterminationForm(formdata=None)
    return render_template(
        "hazards/detail.html",
        hazard=hazard,
        updates=updates,
        notices=notices,
        form=form,
        requirement_form=requirement_form,
        determination_form=determination_form,
        before=before_photos([hazard]).get(hazard.id, []),
        show_inspection=can_view_inspection(current_user, hazard.inspection),
        today=date.today(),
        listed=blacklisted_ids([hazard.facility_id]),
        **_followup_rules(),
    ), status


def _reinspect_and_issue(facility: Facility, hazards: list[Hazard], form: ReinspectionForm) -> Notice:
    """Record the re-inspection and issue its 复查意见书 in one transaction (retried on a numbering conflict)."""
    actor, today, by_id = current_actor(), date.today(), {h.id: h for h in hazards}
    entries = form.entries()
    decisions = [Decision(by_id[e.hazard_id], e.accepted, e.note, e.new_deadline) for e in entries]
    photos = {e.hazard_id: e.photos for e in entries if e.photos}

    def work() -> Notice:
        visit = reinspect(
            facility,
            decisions,
            form.reinspected_on.data,
            form.on_site.data,
            actor,
            photos=photos,
            client_id=form.client_id.data or None,
        )
        return issue_reinspection_notice(visit, actor, today, verify_url)

    return run_in_transaction(work)


def _followup_rules() -> dict[str, object]:
    """The follow-up rules the templates apply to each hazard (the same as everywhere else)."""
    return {
        "is_overdue": is_overdue,
        "is_due_this_week": is_due_this_week,
    }
