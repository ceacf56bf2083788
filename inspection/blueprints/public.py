"""Public pages, no login: what the QR code on a notice and the poster at a facility's door link to.

They show only what the public may know: the facility's name, type and township, its current countersigned grade
with the date, its grade certificate (number, level, validity: what the certificate's QR code opens), and how many
hazards are open; and the results of food inspections (总局令第49号 第35条) with the
link that verifies their record; and the 双随机 spot-check draws (date, department, scope, seed, candidate and drawn
facilities) with each inspection's verdict once submitted. No people, phone numbers, codes, addresses or findings:
a draw shows how many inspectors were drawn, never who. The grading decisions in 公示 take objections (异议) from
anyone; what an objector typed is shown back to them only, and never on a public page.
"""

from datetime import date

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for

from forms.grading import ObjectionForm
from inspection.blueprints import paginate, translated, translated_fields, unit_of_work
from inspection.blueprints.notices import verify_url
from inspection.extensions import db
from inspection.models import Facility, GradingApplication
from inspection.services.grade_certificates import current_certificate
from inspection.services.grading_applications import accepted_applications
from inspection.services.grading_publicity import ObjectionThrottled, client_hash, in_publicity, submit_objection
from inspection.services.notices.food_result import food_verdict, published_food_results
from inspection.services.rankings import open_hazard_count
from inspection.services.sampling import draw_results, published_draws
from inspection.services.standings import public_grade

bp = Blueprint("public", __name__)


@bp.route("/facilities/<int:facility_id>")
def facility(facility_id: int):
    row = db.session.get(Facility, facility_id)
    if row is None:
        abort(404)
    standing, reviewed = public_grade(row.id)
    return render_template(
        "public/facility.html",
        facility=row,
        standing=standing,
        reviewed=reviewed,
        certificate=current_certificate(row.id),
        open_hazards=open_hazard_count(row.id),
        today=date.today(),
    )


@bp.route("/food-results")
def food_results():
    """Food inspection results, published as soon as their record (结果记录表) is issued."""
    page = paginate(published_food_results())
    rows = [(record, food_verdict(record), verify_url(record.public_token)) for record in page.items]
    return render_template("public/food_results.html", page=page, rows=rows, today=date.today())


@bp.route("/draws")
def draws():
    """The 双随机 draws, newest first, and what their inspections came to (一公开)."""
    page = paginate(published_draws())
    rows = [(record, draw_results(record)) for record in page.items]
    return render_template("public/draws.html", page=page, rows=rows, today=date.today())


@bp.route("/grading/accepted")
def grading_accepted():
    """The facilities accepted for grading at the eligibility review (资格审查通过名单), published as decided."""
    return render_template("public/grading_accepted.html", page=paginate(accepted_applications()), today=date.today())


def _objection_form(application_id: int) -> ObjectionForm:
    """The objection form of one entry; its prefix keeps the fields' ids apart on a page of several."""
    return ObjectionForm(prefix=f"a{application_id}")


def _publicity_page(status: int = 200, failed: tuple[int, ObjectionForm] | None = None, problem: str = ""):
    """The 公示 page; `failed` is the entry's form that was refused (shown open with what was typed), `problem` a
    refusal not about one field (the 公示 closed, too many submissions)."""
    today = date.today()
    page = paginate(in_publicity(today))
    forms = {a.id: _objection_form(a.id) for a in page.items}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "public/grading_publicity.html", page=page, forms=forms, problem=problem, today=today
    ), status


@bp.route("/grading/publicity")
def grading_publicity():
    """The levels the 评定委员会 decided that are in 公示 (DOMAIN §14.3), each with a form to object."""
    return _publicity_page()


@bp.post("/grading/publicity/<int:application_id>/objections")
def grading_objection(application_id: int):
    """An objection to one decision in 公示: name, contact and text required; counted per address and per case."""
    application = db.session.get(GradingApplication, application_id)
    if application is None or application.decided_at is None:
        abort(404)
    form = _objection_form(application_id)
    if not form.validate_on_submit():
        return _publicity_page(400, (application_id, form))
    client = client_hash(request.remote_addr or "", current_app.config["SECRET_KEY"])
    with unit_of_work(flash_error=False) as outcome:
        objection = submit_objection(
            application, form.name.data, form.contact.data, form.text.data, client, date.today()
        )
    if outcome.ok:
        session["objection_received"] = {"reference": objection.reference, "facility": application.facility.name}
        return redirect(url_for("public.grading_objection_received"))
    fields = translated_fields(outcome.error.fields)
    for name, message in fields.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]
    page, status = _publicity_page(
        outcome.error.status, (application_id, form), "" if fields else translated(outcome.error)
    )
    response = make_response(page, status)
    if isinstance(outcome.error, ObjectionThrottled):
        response.headers["Retry-After"] = str(outcome.error.retry_after)
    return response


@bp.route("/grading/publicity/received")
def grading_objection_received():
    """The confirmation after an objection, with its reference number (shown once: it lives in the session)."""
    received = session.pop("objection_received", None)
    if received is None:
        return redirect(url_for("public.grading_publicity"))
    return render_template("public/grading_objection_received.html", received=received)
