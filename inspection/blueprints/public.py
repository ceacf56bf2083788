"""Public pages, no login: what the QR code on a notice and the poster at a facility's door link to.

They show only what the public may know: the facility's name, type and township, its current countersigned grade
with the date, its grade certificate (number, level, validity: what the certificate's QR code opens), and how many
hazards are open; and the results of food inspections (总局令第49号 第35条) with the
link that verifies their record; and the 双随机 spot-check draws (date, department, scope, seed, candidate and drawn
facilities) with each inspection's verdict once submitted. No people, phone numbers, codes, addresses or findings:
a draw shows how many inspectors were drawn, never who.
"""

from datetime import date

from flask import Blueprint, abort, render_template

from inspection.blueprints import paginate
from inspection.blueprints.notices import verify_url
from inspection.extensions import db
from inspection.models import Facility
from inspection.services.grade_certificates import current_certificate
from inspection.services.grading_applications import accepted_applications
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
