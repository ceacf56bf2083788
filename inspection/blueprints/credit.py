"""The credit blacklist (失信联合惩戒对象名单) on the web: the app's proposals, a reviewer's listing and removal
decisions (admins read only), the operator's removal application, and the public list of active entries."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.common import ConfirmForm
from forms.credit import (
    DismissForm,
    ListingForm,
    RemovalDecisionForm,
)
from inspection.blueprints import paginate, query_number, unit_of_work
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
    Role,
)
from inspection.models.inspections import PURPOSE_LABELS
from inspection.permissions import can_view_listing
from inspection.security import current_actor, get_facility_or_404, refuse, role_required
from inspection.services.credit import (
    decide_removal,
    dismiss_proposal,
    evidence_candidates,
    evidence_records,
    is_blacklisted,
    list_party,
    listable_facilities,
    listing_counts,
    listings_of_status,
    public_listings,
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

#: Where each kind of evidence is shown.
EVIDENCE_ENDPOINTS = {
    "inspection": ("inspections.detail", "inspection_id"),
    "notice": ("notices.detail", "notice_id"),
    "hazard": ("hazards.detail", "hazard_id"),
}


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN)
def index():
    tab = request.args.get("tab", "")
    counts = listing_counts(current_user)
    if tab not in TABS:
        tab = "proposed" if counts.get(CreditStatus.PROPOSED) else "active"
    stmt = listings_of_status(current_user, TABS[tab])
    page = paginate(stmt)
    return render_template(
        "credit/index.html", page=page, tab=tab, counts=counts, today=date.today(), **_listing_states()
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def new():
    facility_id = query_number("facility_id")
    if not facility_id:
        return render_template("credit/pick.html", facilities=listable_facilities(current_user))
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
        with unit_of_work(flash_error=False) as outcome:
            dismiss_proposal(listing, form.reason.data, current_actor())
        if outcome.ok:
            flash(_("已决定不予列入：%(name)s", name=listing.facility.name), "success")
            return redirect(url_for("credit.index", tab="proposed"))
        form.reason.errors = [*form.reason.errors, outcome.message]
    return _render_detail(listing, dismiss_form=form, status=400)


@bp.post("/<int:listing_id>/request-removal")
@role_required(Role.REVIEWER, Role.OPERATOR)
def removal_request(listing_id: int):
    listing = _listing_for_removal_request(listing_id)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as outcome:
            request_removal(listing, date.today(), current_actor())
        if outcome.ok:
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
        with unit_of_work(flash_error=False) as outcome:
            decide_removal(listing, approve, form.reason.data, date.today(), current_actor())
        if outcome.ok:
            flash(_("已准予移出名单。") if approve else _("不予移出，继续列入名单。"), "success")
            return redirect(url_for("credit.detail", listing_id=listing.id))
        form.reason.errors = [*form.reason.errors, outcome.message]
    return _render_detail(listing, decision_form=form, status=400)


@bp.route("/public")
def public():
    """The public list: facility name, township, ground, decision date and document — nothing else."""
    return render_template("credit/public.html", rows=public_listings())


def _listing_form(facility: Facility, proposal: CreditListing | None):
    """Show and handle the listing form, for a new entry or to confirm the app's proposal."""
    form = ListingForm(evidence=_evidence_choices(facility, proposal))
    if proposal is not None and request.method == "GET":
        form.ground.data = proposal.ground
        form.evidence.data = [f"{link['type']}:{link['id']}" for link in proposal.evidence]
        form.note.data = proposal.note
    if form.validate_on_submit():
        with unit_of_work() as outcome:
            listing = _list_party(facility, form, proposal)
        if outcome.ok:
            flash(_("已列入失信联合惩戒对象名单：%(name)s", name=facility.name), "success")
            return redirect(url_for("credit.detail", listing_id=listing.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "credit/form.html",
        form=form,
        facility=facility,
        proposal=proposal,
        listed=is_blacklisted(facility.id),
        **_listing_states(),
    ), status


def _list_party(facility: Facility, form: ListingForm, proposal: CreditListing | None) -> CreditListing:
    """List `facility` with what the reviewer entered in `form`."""
    return list_party(
        facility,
        CreditGround(form.ground.data),
        form.decided_on.data,
        form.decision_document.data,
        form.evidence_links(),
        current_actor(),
        person_name=form.person_name.data or "",
        note=form.note.data or "",
        proposal=proposal,
        today=date.today(),
    )


def _evidence_choices(facility: Facility, proposal: CreditListing | None) -> list[tuple[str, str]]:
    """Return the facility's inspections and notices (and the hazards a proposal cites) as evidence choices."""
    inspections, notices, hazards = evidence_candidates(facility, proposal)
    choices = [
        (f"inspection:{i.id}", _("检查 %(d)s（%(p)s）", d=i.inspected_on.isoformat(), p=_(PURPOSE_LABELS[i.purpose])))
        for i in inspections
    ]
    choices += [(f"notice:{n.id}", _("通知书 %(n)s", n=n.number)) for n in notices]
    choices += [(f"hazard:{h.id}", _("隐患 %(c)s：%(t)s", c=h.item_code, t=h.item_text)) for h in hazards]
    return choices


def _evidence_links(listing: CreditListing) -> list[tuple[str, str | None]]:
    """Return (label, url) for each evidence link of a listing; url is None when the record is gone."""
    links = []
    for kind, number, row in evidence_records(listing):
        if row is None:
            links.append((f"{kind} {number}", None))
            continue
        endpoint, argument = EVIDENCE_ENDPOINTS[kind]
        links.append((_evidence_label(row), url_for(endpoint, **{argument: row.id})))
    return links


def _evidence_label(row: Inspection | Notice | Hazard) -> str:
    """Return how an evidence record is named on the detail page."""
    if isinstance(row, Inspection):
        return _("检查 %(d)s", d=row.inspected_on.isoformat())
    if isinstance(row, Notice):
        return _("通知书 %(n)s", n=row.number)
    return _("隐患 %(c)s：%(t)s", c=row.item_code, t=row.item_text)


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
        **_listing_states(),
    ), status


def _visible_listing(listing_id: int) -> CreditListing:
    listing = db.session.get(CreditListing, listing_id)
    if listing is None or not can_view_listing(current_user, listing):
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


def _listing_states() -> dict[str, object]:
    """Which listing states mean the facility is on the list, for the templates."""
    return {
        "LISTED_STATUSES": LISTED_STATUSES,
    }
