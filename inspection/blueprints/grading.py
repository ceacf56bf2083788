"""The grading campaign on the web (issue 14): the operator's application with its self-assessment, the list of
applications, and the 民政 reviewer's eligibility review.

URL map (prefix /grading):
    /                          applications the user may see (operator: their facility's)
    /apply                     the operator's application: level, self-assessment on the grading checklist
    /<id>                      an application: self-assessment, eligibility check, review
    POST /<id>/review          the eligibility decision (资格审查)
    /coverage                  the campaign's coverage (reviewers, admins): totals, target, progress, each facility
    /coverage.xlsx             the same rows as an Excel workbook
    POST /<id>/assessment      the on-site assessment's team and date (现场评审): plans the grading inspection
    POST /<id>/decision        the 评定委员会's decision, recorded by a reviewer
    POST /<id>/objections/<oid>  a reviewer's decision on an objection (异议) to the decision in 公示
    POST /<id>/publish         publication (公布): the grade becomes the facility's, its certificate is issued
    /certificates/<id>.pdf     a grade certificate's PDF as issued
    POST /certificates/<id>/plaque   the plaque and certificate came back (标牌和证书交回)
"""

import io
from datetime import date, datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.grading import (
    ApplicationForm,
    AssessmentForm,
    DecisionForm,
    ObjectionReviewForm,
    PlaqueReturnForm,
    PublishForm,
    ReviewForm,
)
from inspection.blueprints import paginate, paginate_list, query_number, translated, translated_fields, unit_of_work
from inspection.campaign.coverage import CoverageStage
from inspection.campaign.eligibility import conditions
from inspection.campaign.stages import Stage
from inspection.charts import Series, line_chart
from inspection.exported_files import XLSX, content_disposition
from inspection.extensions import db
from inspection.models import (
    ApplicationStatus,
    Facility,
    GradeCertificate,
    GradingApplication,
    GradingObjection,
    ObjectionStatus,
    RegionLevel,
    ReturnStep,
    Role,
    User,
)
from inspection.permissions import (
    can_see_objectors,
    can_view_application,
    can_view_facility,
    may_assess,
    visible_applications,
    visible_field_staff,
    visible_objections,
)
from inspection.record_ids import parse_id
from inspection.security import current_actor, refuse, role_required
from inspection.services import ServiceError
from inspection.services.campaign import campaign_rules, eligibility_refusals
from inspection.services.coverage import CoverageReport, coverage_report
from inspection.services.exports import write_coverage_xlsx
from inspection.services.grade_certificates import (
    Publication,
    certificates_due_back,
    public_facility_url,
    publication_refusal,
    publish_grade,
    record_plaque_return,
)
from inspection.services.grading_applications import (
    apply_for_grading,
    grading_checklist,
    open_application,
    review_application,
)
from inspection.services.grading_assessment import record_decision, schedule_assessment
from inspection.services.grading_publicity import review_objection
from inspection.services.regions import region_names_within
from inspection.templating import label

bp = Blueprint("grading", __name__)


def _rules():
    return campaign_rules(current_app.config["GRADING_PROVINCE"])


@bp.route("/")
@role_required(Role.REVIEWER, Role.ADMIN, Role.OPERATOR)
def index():
    status = request.args.get("status", "")
    stmt = visible_applications(current_user).order_by(GradingApplication.applied_at.desc(), GradingApplication.id)
    if status in set(ApplicationStatus):
        stmt = stmt.where(GradingApplication.status == status)
    pending = visible_objections(current_user).where(GradingObjection.status == ObjectionStatus.PENDING)
    return render_template(
        "grading/index.html",
        page=paginate(stmt),
        status=status,
        statuses=list(ApplicationStatus),
        pending_objections=db.session.scalars(pending.order_by(GradingObjection.submitted_at, GradingObjection.id)),
    )


@bp.route("/apply", methods=["GET", "POST"])
@role_required(Role.OPERATOR)
def apply():
    facility = db.session.get(Facility, current_user.facility_id)
    form = ApplicationForm()
    answers = _posted_answers() if request.method == "POST" else {}
    item_errors: dict[str, str] = {}
    if facility.is_residential and open_application(facility) is None and form.validate_on_submit():
        with unit_of_work() as outcome:
            application = apply_for_grading(facility, form.level.data, answers, current_actor())
        if outcome.ok:
            flash(_("已提交等级评定申请，等待民政部门资格审查。"), "success")
            return redirect(url_for("grading.detail", application_id=application.id))
        if isinstance(outcome.error, ServiceError):
            item_errors = translated_fields(outcome.error.fields)
    _version, checklist = grading_checklist()
    level = form.level.data or 1
    return render_template(
        "grading/apply.html",
        form=form,
        facility=facility,
        checklist=checklist,
        answers=answers,
        item_errors=item_errors,
        pending=open_application(facility),
        conditions=conditions(_rules()),
        refused={r.code: r for r in eligibility_refusals(facility, level, _rules(), date.today())},
        rules=_rules(),
    ), 400 if request.method == "POST" else 200


def _posted_answers() -> dict[str, dict[str, str]]:
    """Return the self-assessment as posted: ``r-<code>``, ``d-<code>`` and ``n-<code>`` by item code."""
    answers: dict[str, dict[str, str]] = {}
    for name, value in request.form.items():
        kind, _sep, code = name.partition("-")
        if kind in ("r", "d", "n") and code:
            key = {"r": "result", "d": "deduction", "n": "note"}[kind]
            answers.setdefault(code, {})[key] = value.strip()[:2000]
    return answers


def _get_application_or_404(application_id: int) -> GradingApplication:
    application = db.session.get(GradingApplication, application_id)
    if application is None or not can_view_application(current_user, application):
        refuse(404, f"grading application {application_id} not visible")
    return application


@bp.route("/<int:application_id>")
@role_required(Role.REVIEWER, Role.ADMIN, Role.OPERATOR)
def detail(application_id: int):
    application = _get_application_or_404(application_id)
    return _render_detail(application, ReviewForm())


def _assessment_form(application: GradingApplication) -> AssessmentForm:
    return AssessmentForm(people=_team_choices(application), minimum=_rules().campaign.min_assessors)


def _team_choices(application: GradingApplication) -> list[tuple[int, str]]:
    """The 民政 inspectors and assessors of the reviewer's region who may assess the facility."""
    people = db.session.scalars(visible_field_staff(current_user).order_by(User.role, User.display_name))
    return [
        (p.id, f"{p.display_name}（{_('评审员') if p.role == Role.ASSESSOR else _('民政检查员')}）")
        for p in people
        if may_assess(p, application.facility)
    ]


def _render_detail(
    application: GradingApplication,
    form: ReviewForm,
    status: int = 200,
    assessment_form: AssessmentForm | None = None,
    decision_form: DecisionForm | None = None,
    objection_forms: dict[int, ObjectionReviewForm] | None = None,
    publish_form: PublishForm | None = None,
    plaque_form: PlaqueReturnForm | None = None,
):
    _version, checklist = grading_checklist()
    stage = application.stage
    is_reviewer = current_user.role == Role.REVIEWER
    if is_reviewer and stage == Stage.ACCEPTED and assessment_form is None:
        assessment_form = _assessment_form(application)
    if is_reviewer and stage == Stage.ASSESSED and decision_form is None:
        decision_form = DecisionForm(level=application.level)
    check = []
    if application.status == ApplicationStatus.SUBMITTED:
        check = eligibility_refusals(application.facility, application.level, _rules(), date.today())
    may_review = current_user.role == Role.REVIEWER and application.status == ApplicationStatus.SUBMITTED
    today = date.today()
    sees_objectors = can_see_objectors(current_user, application)
    objection_forms = (objection_forms or {}) if sees_objectors else {}
    for objection in application.pending_objections if sees_objectors else ():
        objection_forms.setdefault(objection.id, ObjectionReviewForm(prefix=f"o{objection.id}"))
    may_publish = is_reviewer and publication_refusal(application, today) is None
    if may_publish and publish_form is None:
        publish_form = PublishForm()
    return render_template(
        "grading/detail.html",
        application=application,
        checklist=checklist,
        check=check,
        refused={r.code: r for r in check},
        conditions=conditions(_rules()),
        form=form,
        may_review=may_review,
        stage=stage,
        assessment_form=assessment_form if is_reviewer and stage == Stage.ACCEPTED else None,
        decision_form=decision_form if is_reviewer and stage == Stage.ASSESSED else None,
        sees_objectors=sees_objectors,
        objection_forms=objection_forms,
        publicity=application.publicity_state_on(today),
        publish_form=publish_form if may_publish else None,
        certificate=application.certificate,
        due_back=certificates_due_back(application.facility_id, today),
        plaque_form=(plaque_form or PlaqueReturnForm()) if is_reviewer else None,
        validity_years=_rules().campaign.validity_years,
        today=today,
    ), status


@bp.post("/<int:application_id>/review")
@role_required(Role.REVIEWER)
def review(application_id: int):
    application = _get_application_or_404(application_id)
    form = ReviewForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        with unit_of_work() as outcome:
            review_application(application, accept, form.reason.data or "", current_actor(), _rules(), date.today())
        if outcome.ok:
            flash(_("已通过资格审查。") if accept else _("已作出不予通过的决定。"), "success")
            return redirect(url_for("grading.detail", application_id=application_id))
        if "reason" in outcome.error.fields:
            form.reason.errors = [*form.reason.errors, translated(outcome.error)]
    return _render_detail(application, form, 400)


def _coverage() -> tuple[CoverageReport, dict[str, str], dict[int, str]]:
    """Return the report the query's filters ask for, the filters as query parameters and the township choices."""
    townships = {r.id: r.name for r in region_names_within(current_user, RegionLevel.TOWNSHIP)}
    township = query_number("township")
    township = township if township in townships else None
    stage = request.args.get("stage", "")
    stage = stage if stage in set(CoverageStage) else ""
    report = coverage_report(current_user, _rules(), date.today(), township_id=township, stage=stage or None)
    args = {k: v for k, v in (("township", str(township or "")), ("stage", stage)) if v}
    return report, args, townships


@bp.route("/coverage")
@role_required(Role.REVIEWER, Role.ADMIN)
def coverage():
    report, args, townships = _coverage()
    months = [(day.strftime("%Y-%m"), graded, report.totals.eligible) for day, graded in report.progress]
    chart = line_chart(
        "coverage-progress",
        _("已评定机构数（按月）"),
        _("每月末持有有效等级的机构数，与应评定机构数对比"),
        [m for m, _graded, _eligible in months],
        [
            Series(_("已评定"), [g for _m, g, _e in months], "g4"),
            Series(_("应评定"), [e for _m, _g, e in months], "pending"),
        ],
        y_max=max(report.totals.eligible, 1),
    )
    return render_template(
        "grading/coverage.html",
        report=report,
        page=paginate_list(report.items),
        args=args,
        townships=townships,
        stages=list(CoverageStage),
        today=date.today(),
        chart=chart,
        months=months,
        warning_days=_rules().campaign.expiry_warning_days,
    )


@bp.route("/coverage.xlsx")
@role_required(Role.REVIEWER, Role.ADMIN)
def coverage_export():
    report, args, townships = _coverage()
    rows = ((i.name, i.township, label(i.stage, "coverage_stage"), i.level, i.valid_until) for i in report.items)
    filters = []
    if "township" in args:
        filters.append((_("乡镇"), townships[int(args["township"])]))
    if "stage" in args:
        filters.append((_("评定进度"), label(args["stage"], "coverage_stage")))
    figures = report.totals
    notes = [
        (_("目标日期"), report.target_date.isoformat()),
        (
            _("合计"),
            _(
                "应评定 %(eligible)s 家，已评定 %(graded)s 家，评定中 %(in_progress)s 家，未启动 %(not_started)s 家",
                eligible=figures.eligible,
                graded=figures.graded,
                in_progress=figures.in_progress,
                not_started=figures.not_started,
            ),
        ),
    ]
    out = io.BytesIO()
    write_coverage_xlsx(rows, out, filters=filters, notes=notes)
    name = f"等级评定覆盖情况-{datetime.now():%Y%m%d-%H%M}.xlsx"
    headers = {"Cache-Control": "no-store", "Content-Disposition": content_disposition(name, "coverage.xlsx")}
    return Response(out.getvalue(), mimetype=XLSX, headers=headers)


@bp.post("/<int:application_id>/assessment")
@role_required(Role.REVIEWER)
def assessment(application_id: int):
    application = _get_application_or_404(application_id)
    form = _assessment_form(application)
    if form.validate_on_submit():
        team = [db.session.get(User, user_id) for user_id in form.team.data]
        with unit_of_work() as outcome:
            schedule_assessment(application, team, form.assessed_on.data, current_actor(), _rules(), date.today())
        if outcome.ok:
            flash(_("已安排现场评审，评审组可在手机上填写评分表。"), "success")
            return redirect(url_for("grading.detail", application_id=application_id))
        fields = translated_fields(outcome.error.fields)
        form.team.errors = [
            *form.team.errors,
            fields.get("team") or fields.get("inspectors") or translated(outcome.error),
        ]
        if "date" in fields:
            form.assessed_on.errors = [*form.assessed_on.errors, fields["date"]]
    return _render_detail(application, ReviewForm(), 400, assessment_form=form)


@bp.post("/<int:application_id>/decision")
@role_required(Role.REVIEWER)
def decision(application_id: int):
    application = _get_application_or_404(application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        with unit_of_work() as outcome:
            record_decision(
                application,
                form.met_on.data,
                form.members.data or "",
                form.level.data or None,
                form.reason.data or "",
                current_actor(),
                _rules(),
                date.today(),
            )
        if outcome.ok:
            flash(_("已记录评定委员会的评定结果。"), "success")
            return redirect(url_for("grading.detail", application_id=application_id))
        for name, message in translated_fields(outcome.error.fields).items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = [*field.errors, message]
    return _render_detail(application, ReviewForm(), 400, decision_form=form)


@bp.post("/<int:application_id>/objections/<int:objection_id>")
@role_required(Role.REVIEWER)
def objection(application_id: int, objection_id: int):
    application = _get_application_or_404(application_id)
    found = db.session.get(GradingObjection, objection_id)
    if found is None or found.application_id != application.id:
        refuse(404, f"objection {objection_id} not of grading application {application_id}")
    form = ObjectionReviewForm(prefix=f"o{objection_id}")
    if form.validate_on_submit():
        choice = form.decision.data
        returned_to = None if choice == "dismiss" else ReturnStep(choice)
        with unit_of_work() as outcome:
            review_objection(found, returned_to is not None, returned_to, form.reason.data, current_actor())
        if outcome.ok:
            flash(
                _("已作出异议不成立的处理，评定结果维持。")
                if returned_to is None
                else _("异议成立，已撤销评定结果并退回：%(step)s。", step=label(returned_to, "return_step")),
                "success",
            )
            return redirect(url_for("grading.detail", application_id=application_id))
    return _render_detail(application, ReviewForm(), 400, objection_forms={objection_id: form})


def facility_url(facility_id: int) -> str:
    """Return the facility's public page a certificate's QR code opens (PUBLIC_BASE_URL when set, else this host)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return public_facility_url(base, facility_id)
    return url_for("public.facility", facility_id=facility_id, _external=True)


@bp.post("/<int:application_id>/publish")
@role_required(Role.REVIEWER)
def publish(application_id: int):
    application = _get_application_or_404(application_id)
    form = PublishForm()
    if form.validate_on_submit():
        publication = Publication(form.decision_number.data or "", form.published_on.data)
        with unit_of_work() as outcome:
            certificate = publish_grade(
                application, publication, current_actor(), _rules(), date.today(), facility_url(application.facility_id)
            )
        if outcome.ok:
            flash(_("已公布评定结果，等级证书 %(number)s 已签发。", number=certificate.number), "success")
            return redirect(url_for("grading.detail", application_id=application_id))
        for name, message in translated_fields(outcome.error.fields).items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = [*field.errors, message]
    return _render_detail(application, ReviewForm(), 400, publish_form=form)


def _get_certificate_or_404(certificate_id: int) -> GradeCertificate:
    certificate = db.session.get(GradeCertificate, certificate_id)
    if certificate is None or not can_view_facility(current_user, certificate.facility):
        refuse(404, f"grade certificate {certificate_id} not visible")
    return certificate


@bp.route("/certificates/<int:certificate_id>.pdf")
@role_required(Role.REVIEWER, Role.ADMIN, Role.OPERATOR)
def certificate_pdf(certificate_id: int):
    """The certificate as issued: exactly the stored bytes, whose SHA-256 验真 checks."""
    certificate = _get_certificate_or_404(certificate_id)
    response = Response(certificate.pdf_file.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        f"等级证书-{certificate.number}-{certificate.facility.name}.pdf",
        f"certificate-{certificate.id}.pdf",
        inline=True,
    )
    return response


@bp.post("/certificates/<int:certificate_id>/plaque")
@role_required(Role.REVIEWER)
def plaque_returned(certificate_id: int):
    certificate = _get_certificate_or_404(certificate_id)
    form = PlaqueReturnForm()
    back = parse_id(request.form.get("application_id", "")) or certificate.application_id
    if form.validate_on_submit():
        with unit_of_work() as outcome:
            record_plaque_return(certificate, form.returned_on.data, current_actor(), date.today())
        if outcome.ok:
            flash(_("已登记标牌和证书交回。"), "success")
            return redirect(url_for("grading.detail", application_id=back))
        form.returned_on.errors = [*form.returned_on.errors, translated(outcome.error)]
    application = db.session.get(GradingApplication, back)
    if application is None or not can_view_application(current_user, application):
        application = certificate.application
    return _render_detail(application, ReviewForm(), 400, plaque_form=form)
