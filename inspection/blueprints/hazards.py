"""Hazard follow-up on the web: the reviewer's dashboard, the operator's rectification list, a hazard's page with
its history, and the inspector's re-inspection (复查) that issues a 复查意见书."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from forms.common import ConfirmForm
from forms.credit import CREDIT_GROUND_LABELS
from forms.hazards import (
    HAZARD_STATUS_LABELS,
    DeadlineForm,
    EvidenceForm,
    ReinspectionForm,
    build_reinspection_form,
    uploaded_bytes,
)
from inspection.blueprints import file_response
from inspection.blueprints.notices import verify_url
from inspection.checklists import DEPARTMENT_NAMES, ITEM_CLASS_LABELS
from inspection.extensions import db
from inspection.followup_rules import is_due_this_week, is_overdue
from inspection.media import MediaError
from inspection.models import (
    LISTED_STATUSES,
    CreditListing,
    CreditStatus,
    Facility,
    Hazard,
    HazardPhoto,
    HazardStatus,
    HazardUpdate,
    HazardUpdateKind,
    Notice,
    Photo,
    Region,
    RegionLevel,
    Role,
    User,
)
from inspection.permissions import can_view_facility, can_view_inspection
from inspection.security import current_actor, get_facility_or_404, refuse, role_required
from inspection.services import ServiceError
from inspection.services.credit import blacklisted_ids, propose_listings, region_listings
from inspection.services.hazards import Decision, change_deadline, open_hazards, reinspect, submit_evidence
from inspection.services.notices import issue_reinspection_notice
from inspection.services.regions import regions_within
from inspection.transactions import run_in_transaction

bp = Blueprint("hazards", __name__)

WEEK = timedelta(days=6)

#: Query-string filters of the dashboard's hazard list.
FILTERS = ("status", "item_class", "department", "township", "facility", "overdue", "due")


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN)
def dashboard():
    today = date.today()
    # The app proposes; a reviewer decides on the credit pages. A GET writes here, hence the retrying transaction.
    run_in_transaction(lambda: propose_listings(today, current_actor()))
    filters = {key: request.args.get(key, "").strip() for key in FILTERS}
    stmt = _filtered(_region_hazards(current_user), filters, today)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    proposals = list(
        db.session.scalars(
            region_listings(current_user)
            .where(CreditListing.status == CreditStatus.PROPOSED)
            .order_by(CreditListing.id)
        )
    )
    return render_template(
        "hazards/dashboard.html",
        today=today,
        filters=filters,
        page=page,
        tally=_tally(current_user, today),
        proposals=proposals,
        listed=blacklisted_ids([h.facility_id for h in page.items] + [p.facility_id for p in proposals]),
        townships=regions_within(current_user, RegionLevel.TOWNSHIP),
        **_labels(),
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
        try:
            submit_evidence(hazard, form.note.data or "", uploaded_bytes(form.photos), current_actor())
        except MediaError as error:
            db.session.rollback()
            form.photos.errors = [*form.photos.errors, str(error)]
        except ServiceError as error:  # e.g. closed meanwhile, so no longer on the list: say it at the top
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("已提交整改材料，等待检查部门复查。"), "success")
            return redirect(url_for("hazards.mine", _anchor=f"hazard-{hazard.id}"))
    return _render_mine({hazard.id: form}, 400)


@bp.route("/<int:hazard_id>")
@login_required
def detail(hazard_id: int):
    hazard = _visible_hazard(hazard_id)
    form = None
    if _responsible(hazard) and hazard.status != HazardStatus.CLOSED:
        form = DeadlineForm(deadline=hazard.deadline, requirement=hazard.requirement)
    return _render_detail(hazard, form)


@bp.post("/<int:hazard_id>/deadline")
@role_required(Role.INSPECTOR)
def deadline(hazard_id: int):
    hazard = _visible_hazard(hazard_id)
    if not _responsible(hazard):
        refuse(403, f"hazard {hazard_id} belongs to another department")
    form = DeadlineForm()
    if form.validate_on_submit():
        try:
            change_deadline(
                hazard, form.deadline.data, form.reason.data, current_actor(), requirement=form.requirement.data
            )
        except ServiceError as error:
            db.session.rollback()
            form.deadline.errors = [*form.deadline.errors, str(error)]
        else:
            db.session.commit()
            flash(_("整改期限已改为 %(d)s", d=hazard.deadline.isoformat()), "success")
            return redirect(url_for("hazards.detail", hazard_id=hazard.id))
    return _render_detail(hazard, form, 400)


@bp.route("/reinspect")
@role_required(Role.INSPECTOR)
def worklist():
    today = date.today()
    rows = _department_hazards(current_user).order_by(Hazard.deadline, Hazard.id)
    facilities: dict[int, WorkItem] = {}
    for hazard in db.session.scalars(rows):
        item = facilities.setdefault(hazard.facility_id, WorkItem(hazard.facility, hazard.deadline))
        item.open += 1
        item.overdue += is_overdue(False, hazard.deadline, today)
        item.evidence += hazard.status == HazardStatus.EVIDENCE_SUBMITTED
    items = sorted(facilities.values(), key=lambda i: (not i.overdue, i.nearest, i.facility.name))
    return render_template(
        "hazards/worklist.html", items=items, today=today, listed=blacklisted_ids(list(facilities)), **_labels()
    )


@bp.route("/reinspect/<int:facility_id>", methods=["GET", "POST"])
@role_required(Role.INSPECTOR)
def reinspect_facility(facility_id: int):
    facility = get_facility_or_404(facility_id)
    hazards = open_hazards(facility, current_user.department.code) if current_user.department else []
    form = build_reinspection_form([h.id for h in hazards])()
    if form.validate_on_submit():
        try:
            notice = _reinspect_and_issue(facility, hazards, form)
        except (ServiceError, MediaError) as error:
            db.session.rollback()
            flash(_("未保存：%(e)s（照片需重新选择）", e=error), "error")
        else:
            flash(_("复查结论已保存，已出具复查意见书 %(n)s", n=notice.number), "success")
            return redirect(url_for("notices.detail", notice_id=notice.id))
    return render_template(
        "hazards/reinspect.html",
        facility=facility,
        hazards=hazards,
        form=form,
        today=date.today(),
        before=_before_photos(hazards),
        after=_latest_evidence(hazards),
        listed=blacklisted_ids([facility.id]),
        **_labels(),
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


@dataclass
class WorkItem:
    """A facility on an inspector's re-inspection list."""

    facility: Facility
    nearest: date
    open: int = 0
    overdue: int = 0
    evidence: int = 0


@dataclass
class Tally:
    """Counts of unresolved hazards for one township, facility or department."""

    key: object
    name: str
    open: int = 0
    due_week: int = 0
    overdue: int = 0


@dataclass
class Tallies:
    """The dashboard's counts: in all, and by township, facility and department."""

    total: Tally = field(default_factory=lambda: Tally("", ""))
    townships: list[Tally] = field(default_factory=list)
    facilities: list[Tally] = field(default_factory=list)
    departments: list[Tally] = field(default_factory=list)


def _tally(user: User, today: date) -> Tallies:
    """Count open, due-this-week and overdue hazards with the same rules as everywhere else (followup_rules)."""
    stmt = (
        select(Hazard.deadline, Hazard.department_code, Facility.id, Facility.name, Region.id, Region.name)
        .join(Hazard.facility)
        .join(Facility.region)
        .where(Region.path.startswith(user.region.path), Hazard.status != HazardStatus.CLOSED)
    )
    result = Tallies()
    groups: dict[str, dict[object, Tally]] = {"townships": {}, "facilities": {}, "departments": {}}
    for deadline, dept, facility_id, facility_name, region_id, region_name in db.session.execute(stmt):
        keys = {
            "townships": (region_id, region_name),
            "facilities": (facility_id, facility_name),
            "departments": (dept, DEPARTMENT_NAMES.get(dept, dept)),
        }
        counters = [result.total] + [groups[g].setdefault(k, Tally(k, n)) for g, (k, n) in keys.items()]
        for counter in counters:
            counter.open += 1
            counter.due_week += is_due_this_week(False, deadline, today)
            counter.overdue += is_overdue(False, deadline, today)
    for name, group in groups.items():
        ordered = sorted(group.values(), key=lambda t: (-t.overdue, -t.due_week, -t.open, t.name))
        setattr(result, name, ordered)
    return result


def _filtered(stmt: Select, filters: dict[str, str], today: date) -> Select:
    status = filters["status"]
    if status in set(HazardStatus):
        stmt = stmt.where(Hazard.status == status)
    elif status != "all":
        stmt = stmt.where(Hazard.status != HazardStatus.CLOSED)
    if filters["item_class"] in ITEM_CLASS_LABELS:
        stmt = stmt.where(Hazard.item_class == filters["item_class"])
    if filters["department"] in DEPARTMENT_NAMES:
        stmt = stmt.where(Hazard.department_code == filters["department"])
    if filters["township"].isdigit():
        stmt = stmt.where(Facility.region_id == int(filters["township"]))
    if filters["facility"].isdigit():
        stmt = stmt.where(Hazard.facility_id == int(filters["facility"]))
    if filters["overdue"]:
        # the SQL form of followup_rules.is_overdue: not closed, deadline before today
        stmt = stmt.where(Hazard.status != HazardStatus.CLOSED, Hazard.deadline < today)
    if filters["due"]:  # the SQL form of followup_rules.is_due_this_week
        stmt = stmt.where(Hazard.status != HazardStatus.CLOSED, Hazard.deadline.between(today, today + WEEK))
    return stmt.order_by(Hazard.deadline, Hazard.id)


def _region_hazards(user: User) -> Select:
    return (
        select(Hazard)
        .join(Hazard.facility)
        .join(Facility.region)
        .where(Region.path.startswith(user.region.path))
        .options(contains_eager(Hazard.facility).contains_eager(Facility.region))
    )


def _department_hazards(user: User) -> Select:
    code = user.department.code if user.department else ""
    return _region_hazards(user).where(Hazard.department_code == code, Hazard.status != HazardStatus.CLOSED)


def _visible_hazard(hazard_id: int) -> Hazard:
    """Load a hazard the current user may see: staff of its region, the facility's operator (404 otherwise)."""
    hazard = db.session.get(Hazard, hazard_id)
    if hazard is None or not can_view_facility(current_user, hazard.facility):
        refuse(404, f"hazard {hazard_id} not visible")
    return hazard


def _responsible(hazard: Hazard) -> bool:
    """Return True if the current user is an inspector of the hazard's responsible department."""
    department = current_user.department if current_user.role == Role.INSPECTOR else None
    return department is not None and department.code == hazard.department_code


def _render_mine(forms: dict[int, EvidenceForm], status: int = 200):
    facility = current_user.facility
    hazards = open_hazards(facility)
    listings = db.session.scalars(
        select(CreditListing).where(CreditListing.facility_id == facility.id, CreditListing.status.in_(LISTED_STATUSES))
    ).all()
    return render_template(
        "hazards/mine.html",
        facility=facility,
        hazards=hazards,
        forms={h.id: forms.get(h.id) or EvidenceForm(prefix=f"h{h.id}", formdata=None) for h in hazards},
        before=_before_photos(hazards),
        after=_latest_evidence(hazards),
        today=date.today(),
        listings=listings,
        confirm=ConfirmForm(),
        listed=blacklisted_ids([facility.id]),
        **_labels(),
    ), status


def _render_detail(hazard: Hazard, form: DeadlineForm | None, status: int = 200):
    updates = db.session.scalars(
        select(HazardUpdate)
        .where(HazardUpdate.hazard_id == hazard.id)
        .options(selectinload(HazardUpdate.photos), joinedload(HazardUpdate.user))
        .order_by(HazardUpdate.id)
    ).all()
    notices = db.session.scalars(
        select(Notice).where(Notice.hazards.any(Hazard.id == hazard.id)).order_by(Notice.issued_at)
    ).all()
    return render_template(
        "hazards/detail.html",
        hazard=hazard,
        updates=updates,
        notices=notices,
        form=form,
        before=_before_photos([hazard]).get(hazard.id, []),
        show_inspection=can_view_inspection(current_user, hazard.inspection),
        today=date.today(),
        listed=blacklisted_ids([hazard.facility_id]),
        **_labels(),
    ), status


def _before_photos(hazards: list[Hazard]) -> dict[int, list[Photo]]:
    """Return the finding photos (before) of each hazard, by hazard id."""
    keys = {(h.inspection_id, h.item_code): h.id for h in hazards}
    if not keys:
        return {}
    stmt = select(Photo).where(Photo.inspection_id.in_({h.inspection_id for h in hazards})).order_by(Photo.id)
    photos: dict[int, list[Photo]] = defaultdict(list)
    for photo in db.session.scalars(stmt):
        hazard_id = keys.get((photo.inspection_id, photo.item_code))
        if hazard_id is not None:
            photos[hazard_id].append(photo)
    return photos


def _latest_evidence(hazards: list[Hazard]) -> dict[int, HazardUpdate]:
    """Return each hazard's latest rectification report (the 'after' the operator sent), by hazard id."""
    if not hazards:
        return {}
    stmt = (
        select(HazardUpdate)
        .where(HazardUpdate.hazard_id.in_([h.id for h in hazards]), HazardUpdate.kind == HazardUpdateKind.EVIDENCE)
        .options(selectinload(HazardUpdate.photos))
        .order_by(HazardUpdate.id)
    )
    return {update.hazard_id: update for update in db.session.scalars(stmt)}  # later ones win


def _reinspect_and_issue(facility: Facility, hazards: list[Hazard], form: ReinspectionForm) -> Notice:
    """Record the re-inspection and issue its 复查意见书 in one transaction (retried on a numbering conflict)."""
    actor, today, by_id = current_actor(), date.today(), {h.id: h for h in hazards}
    entries = form.entries()
    decisions = [Decision(by_id[e.hazard_id], e.accepted, e.note, e.new_deadline) for e in entries]
    photos = {e.hazard_id: e.photos for e in entries if e.photos}

    def work() -> Notice:
        visit = reinspect(facility, decisions, form.reinspected_on.data, form.on_site.data, actor, photos=photos)
        return issue_reinspection_notice(visit, actor, today, verify_url)

    return run_in_transaction(work)


def _labels() -> dict[str, object]:
    return {
        "class_labels": ITEM_CLASS_LABELS,
        "status_labels": HAZARD_STATUS_LABELS,
        "department_names": DEPARTMENT_NAMES,
        "ground_labels": CREDIT_GROUND_LABELS,
        "is_overdue": is_overdue,
        "is_due_this_week": is_due_this_week,
    }
