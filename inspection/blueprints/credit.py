"""The credit blacklist (失信联合惩戒对象名单) on the web: the app's proposals, a reviewer's listing and removal
decisions (admins read only), the operator's removal application, and the public list of active entries."""

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from forms.common import ConfirmForm
from forms.credit import (
    CREDIT_GROUND_LABELS,
    CREDIT_STATUS_LABELS,
    DismissForm,
    ListingForm,
    RemovalDecisionForm,
)
from forms.inspections import PURPOSE_LABELS
from inspection.extensions import db
from inspection.models import (
    LISTED_STATUSES,
    CreditGround,
    CreditListing,
    CreditStatus,
    Facility,
    Hazard,
    Inspection,
    Notice,
    Region,
    Role,
)
from inspection.permissions import visible_facilities
from inspection.security import current_actor, get_facility_or_404, refuse, role_required
from inspection.services import ServiceError
from inspection.services.credit import (
    decide_removal,
    dismiss_proposal,
    is_blacklisted,
    list_party,
    region_listings,
    request_removal,
)

bp = Blueprint("credit", __name__)

#: The tabs of the reviewer's list, each with the statuses it shows.
TABS = {
    "proposed": (CreditStatus.PROPOSED,),
    "active": (CreditStatus.ACTIVE,),
    "removal": (CreditStatus.REMOVAL_REQUESTED,),
    "removed": (CreditStatus.REMOVED,),
    "dismissed": (CreditStatus.DISMISSED,),
}


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN)
def index():
    tab = request.args.get("tab", "")
    counts = dict(
        db.session.execute(
            select(CreditListing.status, func.count())
            .join(CreditListing.facility)
            .join(Facility.region)
            .where(Region.path.startswith(current_user.region.path))
            .group_by(CreditListing.status)
        ).all()
    )
    if tab not in TABS:
        tab = "proposed" if counts.get(CreditStatus.PROPOSED) else "active"
    stmt = region_listings(current_user).where(CreditListing.status.in_(TABS[tab])).order_by(CreditListing.id.desc())
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("credit/index.html", page=page, tab=tab, counts=counts, today=date.today(), **_labels())


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def new():
    facility_id = request.args.get("facility_id", type=int)
    if not facility_id:
        facilities = db.session.scalars(visible_facilities(current_user).order_by(Facility.name)).all()
        return render_template("credit/pick.html", facilities=facilities)
    return _listing_form(get_facility_or_404(facility_id), None)


@bp.route("/<int:listing_id>/confirm", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def confirm(listing_id: int):
    proposal = _visible_listing(listing_id)
    if proposal.status != CreditStatus.PROPOSED:
        flash(_("该建议已处理。"), "info")
        return redirect(url_for("credit.detail", listing_id=proposal.id))
    return _listing_form(proposal.facility, proposal)


@bp.route("/<int:listing_id>")
@role_required(Role.REVIEWER, Role.ADMIN)
def detail(listing_id: int):
    return _render_detail(_visible_listing(listing_id))


@bp.post("/<int:listing_id>/dismiss")
@role_required(Role.REVIEWER)
def dismiss(listing_id: int):
    listing = _visible_listing(listing_id)
    form = DismissForm()
    if form.validate_on_submit():
        try:
            dismiss_proposal(listing, form.reason.data, current_actor())
        except ServiceError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已决定不予列入：%(name)s", name=listing.facility.name), "success")
            return redirect(url_for("credit.index", tab="proposed"))
    return _render_detail(listing, dismiss_form=form, status=400)


@bp.post("/<int:listing_id>/request-removal")
@role_required(Role.REVIEWER, Role.OPERATOR)
def removal_request(listing_id: int):
    listing = _listing_for_removal_request(listing_id)
    if ConfirmForm().validate_on_submit():
        try:
            request_removal(listing, date.today(), current_actor())
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("已登记移出申请，由民政部门审核决定。"), "success")
    if current_user.role == Role.OPERATOR:
        return redirect(url_for("hazards.mine"))
    return redirect(url_for("credit.detail", listing_id=listing.id))


@bp.post("/<int:listing_id>/decide-removal")
@role_required(Role.REVIEWER)
def removal_decision(listing_id: int):
    listing = _visible_listing(listing_id)
    form = RemovalDecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            decide_removal(listing, approve, form.reason.data, date.today(), current_actor())
        except ServiceError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已准予移出名单。") if approve else _("不予移出，继续列入名单。"), "success")
            return redirect(url_for("credit.detail", listing_id=listing.id))
    return _render_detail(listing, decision_form=form, status=400)


@bp.route("/public")
def public():
    """The public list: facility name, township, ground, decision date and document — nothing else."""
    stmt = (
        select(CreditListing.decided_on, CreditListing.decision_document, CreditListing.ground, Facility.name)
        .add_columns(Region.name.label("township"))
        .join(CreditListing.facility)
        .join(Facility.region)
        .where(CreditListing.status.in_(LISTED_STATUSES))
        .order_by(CreditListing.decided_on.desc(), CreditListing.id.desc())
    )
    rows = db.session.execute(stmt).all()
    return render_template("credit/public.html", rows=rows, ground_labels=CREDIT_GROUND_LABELS)


def _listing_form(facility: Facility, proposal: CreditListing | None):
    """Show and handle the listing form, for a new entry or to confirm the app's proposal."""
    form = ListingForm(evidence=_evidence_choices(facility, proposal))
    if proposal is not None and request.method == "GET":
        form.ground.data = proposal.ground
        form.evidence.data = [f"{link['type']}:{link['id']}" for link in proposal.evidence]
        form.note.data = proposal.note
    if form.validate_on_submit():
        try:
            listing = list_party(
                facility,
                CreditGround(form.ground.data),
                form.decided_on.data,
                form.decision_document.data,
                form.evidence_links(),
                current_actor(),
                person_name=form.person_name.data or "",
                note=form.note.data or "",
                proposal=proposal,
            )
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("已列入失信联合惩戒对象名单：%(name)s", name=facility.name), "success")
            return redirect(url_for("credit.detail", listing_id=listing.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "credit/form.html",
        form=form,
        facility=facility,
        proposal=proposal,
        listed=is_blacklisted(facility.id),
        **_labels(),
    ), status


def _evidence_choices(facility: Facility, proposal: CreditListing | None) -> list[tuple[str, str]]:
    """Return the facility's inspections and notices (and the hazards a proposal cites) as evidence choices."""
    inspections = db.session.scalars(
        select(Inspection).where(Inspection.facility_id == facility.id).order_by(Inspection.inspected_on.desc())
    )
    notices = db.session.scalars(
        select(Notice).where(Notice.facility_id == facility.id).order_by(Notice.issued_on.desc())
    )
    choices = [
        (f"inspection:{i.id}", _("检查 %(d)s（%(p)s）", d=i.inspected_on.isoformat(), p=PURPOSE_LABELS[i.purpose]))
        for i in inspections
    ]
    choices += [(f"notice:{n.id}", _("通知书 %(n)s", n=n.number)) for n in notices]
    for link in proposal.evidence if proposal else []:
        hazard = db.session.get(Hazard, link["id"]) if link["type"] == "hazard" else None
        if hazard is not None:
            choices.append((f"hazard:{hazard.id}", _("隐患 %(c)s：%(t)s", c=hazard.item_code, t=hazard.item_text)))
    return choices


def _evidence_links(listing: CreditListing) -> list[tuple[str, str | None]]:
    """Return (label, url) for each evidence link of a listing; url is None when the record is gone."""
    links = []
    for link in listing.evidence or []:
        kind, number = link.get("type"), link.get("id")
        if kind == "inspection" and (row := db.session.get(Inspection, number)):
            links.append(
                (_("检查 %(d)s", d=row.inspected_on.isoformat()), url_for("inspections.detail", inspection_id=row.id))
            )
        elif kind == "notice" and (row := db.session.get(Notice, number)):
            links.append((_("通知书 %(n)s", n=row.number), url_for("notices.detail", notice_id=row.id)))
        elif kind == "hazard" and (row := db.session.get(Hazard, number)):
            links.append(
                (_("隐患 %(c)s：%(t)s", c=row.item_code, t=row.item_text), url_for("hazards.detail", hazard_id=row.id))
            )
        else:
            links.append((f"{kind} {number}", None))
    return links


def _render_detail(
    listing: CreditListing,
    dismiss_form: DismissForm | None = None,
    decision_form: RemovalDecisionForm | None = None,
    status: int = 200,
):
    reviewer = current_user.role == Role.REVIEWER
    return render_template(
        "credit/detail.html",
        listing=listing,
        evidence=_evidence_links(listing),
        today=date.today(),
        dismiss_form=dismiss_form or (DismissForm() if reviewer else None),
        decision_form=decision_form or (RemovalDecisionForm() if reviewer else None),
        confirm_form=ConfirmForm() if reviewer else None,
        **_labels(),
    ), status


def _visible_listing(listing_id: int) -> CreditListing:
    listing = db.session.get(CreditListing, listing_id)
    if listing is None or not current_user.region.contains(listing.facility.region):
        refuse(404, f"credit listing {listing_id} not visible")
    return listing


def _listing_for_removal_request(listing_id: int) -> CreditListing:
    """A reviewer registers any application of their region; an operator only their own facility's."""
    if current_user.role == Role.REVIEWER:
        return _visible_listing(listing_id)
    listing = db.session.get(CreditListing, listing_id)
    if listing is None or listing.facility_id != current_user.facility_id:
        refuse(404, f"credit listing {listing_id} not the operator's")
    return listing


def _labels() -> dict[str, object]:
    return {
        "ground_labels": CREDIT_GROUND_LABELS,
        "status_labels": CREDIT_STATUS_LABELS,
        "LISTED_STATUSES": LISTED_STATUSES,
    }
