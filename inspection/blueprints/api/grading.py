"""The grading campaign over the API (issue 14): applications with their self-assessment, the eligibility review,
the on-site assessment's team, the 评定委员会's decision and its publication with the certificate, for the phone as for
the web
(``inspection.blueprints.grading``)."""

from datetime import date
from typing import Any

from flask import current_app, jsonify, request

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import (
    Fields,
    api_actor,
    api_error,
    api_user,
    json_body,
    query_int,
    storable,
    token_required,
)
from inspection.blueprints.api.serializers import certificate_json
from inspection.blueprints.grading import facility_url
from inspection.campaign.coverage import CoverageStage
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import Facility, GradingApplication, Role
from inspection.permissions import can_view_application, visible_applications
from inspection.services.campaign import campaign_rules
from inspection.services.coverage import coverage_report
from inspection.services.grade_certificates import Publication, publish_grade
from inspection.services.grading_applications import apply_for_grading, review_application
from inspection.services.grading_assessment import record_decision, schedule_assessment
from inspection.services.inspection_lists import users_by_id
from inspection.transactions import run_in_transaction

MAX_ITEMS = 500


@bp.get("/grading/applications")
@token_required(Role.REVIEWER, Role.ADMIN, Role.OPERATOR)
def list_applications():
    page, per_page = query_int("page", 1, 1, 100_000), query_int("per_page", 50, 1, 200)
    stmt = visible_applications(api_user()).order_by(GradingApplication.applied_at.desc(), GradingApplication.id)
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return jsonify(items=[_application(a) for a in result.items], total=result.total, page=page, per_page=per_page)


@bp.post("/grading/applications")
@token_required(Role.OPERATOR)
def create_application():
    """The operator applies for a grade with a self-assessment: ``{level, self_assessment: {code: {result,
    deduction, note}}}``."""
    fields = Fields(json_body())
    level = fields.integer("level", minimum=1, maximum=5)
    answers = _self_assessment(fields)
    fields.done()
    facility = db.session.get(Facility, api_user().facility_id)
    application = run_in_transaction(lambda: apply_for_grading(facility, level or 0, answers, api_actor()))
    return jsonify(_application(application)), 201


@bp.get("/grading/applications/<int:application_id>")
@token_required(Role.REVIEWER, Role.ADMIN, Role.OPERATOR)
def get_application(application_id: int):
    return jsonify(_application(_visible(application_id), with_answers=True))


@bp.post("/grading/applications/<int:application_id>/review")
@token_required(Role.REVIEWER)
def review_grading_application(application_id: int):
    """The eligibility decision: ``{decision: "accept" | "refuse", reason}``; a refusal needs reasons."""
    application = _visible(application_id)
    fields = Fields(json_body())
    decision = fields.choice("decision", {"accept", "refuse"})
    reason = fields.text("reason", required=False, max_length=1000)
    fields.done()
    rules = campaign_rules(current_app.config["GRADING_PROVINCE"])
    run_in_transaction(
        lambda: review_application(application, decision == "accept", reason, api_actor(), rules, date.today())
    )
    return jsonify(_application(application))


@bp.post("/grading/applications/<int:application_id>/assessment")
@token_required(Role.REVIEWER)
def schedule_grading_assessment(application_id: int):
    """The on-site assessment: ``{date, team: [user ids]}`` (民政 inspectors and assessors, at least the rules'
    minimum); plans the grading inspection the team fills."""
    application = _visible(application_id)
    fields = Fields(json_body())
    on = fields.date("date")
    if on is None and "date" not in fields.errors:
        fields.errors["date"] = N_("请选择日期")
    team_ids = fields.data.get("team")
    if not isinstance(team_ids, list) or len(team_ids) > 50 or not all(type(i) is int for i in team_ids):
        fields.errors["team"] = N_("应为用户编号的数组")
        team_ids = []
    fields.done()
    team = users_by_id(team_ids)
    if len(team) != len(set(team_ids)):
        api_error(400, "bad_request", N_("评审人员不存在"), {"team": N_("含有不存在的用户")})
    rules = campaign_rules(current_app.config["GRADING_PROVINCE"])
    run_in_transaction(lambda: schedule_assessment(application, team, on, api_actor(), rules, date.today()))
    return jsonify(_application(application))


@bp.post("/grading/applications/<int:application_id>/decision")
@token_required(Role.REVIEWER)
def decide_grading_application(application_id: int):
    """The 评定委员会's decision: ``{met_on, members, level (null: not graded), reason}``."""
    application = _visible(application_id)
    fields = Fields(json_body())
    met_on = fields.date("met_on")
    members = fields.text("members", max_length=2000)
    level = fields.integer("level", required=False, minimum=1, maximum=5)
    reason = fields.text("reason", required=False, max_length=2000)
    fields.done()
    rules = campaign_rules(current_app.config["GRADING_PROVINCE"])
    run_in_transaction(
        lambda: record_decision(application, met_on, members, level, reason, api_actor(), rules, date.today())
    )
    return jsonify(_application(application))


@bp.post("/grading/applications/<int:application_id>/publish")
@token_required(Role.REVIEWER)
def publish_grading_application(application_id: int):
    """Publication (公布): ``{decision_number, published_on}``; issues the certificate, once."""
    application = _visible(application_id)
    fields = Fields(json_body())
    number = fields.text("decision_number", max_length=60)
    on = fields.date("published_on")
    if on is None and "published_on" not in fields.errors:
        fields.errors["published_on"] = N_("请填写公布日期")
    fields.done()
    rules = campaign_rules(current_app.config["GRADING_PROVINCE"])
    url = facility_url(application.facility_id)
    publication = Publication(number, on)
    run_in_transaction(lambda: publish_grade(application, publication, api_actor(), rules, date.today(), url))
    return jsonify(_application(application))


def _visible(application_id: int) -> GradingApplication:
    application = db.session.get(GradingApplication, application_id)
    if application is None or not can_view_application(api_user(), application):
        api_error(404, "not_found", N_("申请不存在或您无权查看"))
    return application


def _self_assessment(fields: Fields) -> dict[str, dict[str, Any]]:
    """Read ``self_assessment``: an object of item codes, each ``{result, deduction?, note?}``."""
    raw = fields.data.get("self_assessment")
    if not isinstance(raw, dict) or not raw or len(raw) > MAX_ITEMS:
        fields.errors["self_assessment"] = N_("应为按条目编号填写的自评对象")
        return {}
    answers = {}
    for code, answer in raw.items():
        ok = isinstance(answer, dict) and isinstance(answer.get("result"), str)
        ok = ok and isinstance(answer.get("deduction"), int | float | str | type(None))
        ok = ok and isinstance(answer.get("note", ""), str) and storable(answer.get("note", ""))
        if not ok or len(code) > 20:
            fields.errors[f"self_assessment.{code[:20]}"] = N_("应为 {result, deduction, note}")
            continue
        answers[code] = {"result": answer["result"], "deduction": answer.get("deduction"), "note": answer.get("note")}
    return answers


def _application(a: GradingApplication, *, with_answers: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": a.id,
        "facility": {"id": a.facility_id, "name": a.facility.name, "township": a.facility.region.name},
        "level": a.level,
        "status": a.status,
        "self_score": str(a.self_score),
        "self_level": a.self_level,
        "applied_at": a.applied_at.isoformat() + "Z",
        "reviewed_at": a.reviewed_at.isoformat() + "Z" if a.reviewed_at else None,
        "review_reason": a.review_reason,
        "refusals": [{"code": r["code"], "message": r["message"]} for r in a.refusals],
    }
    today = date.today()
    body["stage"] = a.stage_on(today)
    body["assessment"] = _assessment(a)
    body["decision"] = (
        {
            "met_on": a.committee_met_on.isoformat() if a.committee_met_on else None,
            "members": a.committee_members,
            "level": a.decided_level,
            "reason": a.decision_reason,
            "decided_at": a.decided_at.isoformat() + "Z",
        }
        if a.decided_at
        else None
    )
    state = a.publicity_state_on(today)
    period = a.publicity_period
    body["publicity"] = (
        {
            "starts_on": period.starts_on.isoformat() if period else None,
            "ends_on": period.ends_on.isoformat() if period else None,
            "state": state,
        }
        if state
        else None
    )
    body["objections_pending"] = len(a.pending_objections)
    certificate = a.certificate
    body["certificate"] = (
        certificate_json(certificate)
        | {"published_on": certificate.published_on.isoformat(), "decision_number": certificate.decision_number}
        if certificate
        else None
    )
    if with_answers:
        body["self_assessment"] = a.self_assessment
    return body


@bp.get("/grading/coverage")
@token_required(Role.REVIEWER, Role.ADMIN)
def grading_coverage():
    """The campaign's coverage in the user's region: totals against the target date, and each eligible facility's
    stage, filtered by ``township`` (its id; narrows the totals too) and ``stage`` (narrows the items)."""
    stage = request.args.get("stage", "")
    if stage and stage not in set(CoverageStage):
        choices = ", ".join(CoverageStage)
        api_error(
            400, "bad_request", N_("请求参数有误"), {"stage": Message(N_("应为 %(choices)s 之一"), choices=choices)}
        )
    rules = campaign_rules(current_app.config["GRADING_PROVINCE"])
    township = query_int("township", 0, 1, 2**31 - 1) if request.args.get("township") else None
    report = coverage_report(api_user(), rules, date.today(), township_id=township, stage=stage or None)
    figures = report.totals
    return jsonify(
        target_date=report.target_date.isoformat(),
        eligible=figures.eligible,
        graded=figures.graded,
        in_progress=figures.in_progress,
        not_started=figures.not_started,
        expiring_within_90_days=figures.expiring,
        items=[
            {
                "facility_id": i.facility_id,
                "name": i.name,
                "township": i.township,
                "stage": i.stage,
                "level": i.level,
                "valid_until": i.valid_until.isoformat() if i.valid_until else None,
            }
            for i in report.items
        ],
    )


def _assessment(a: GradingApplication) -> dict[str, Any] | None:
    visit = a.assessment
    if visit is None:
        return None
    result = a.assessment_result
    return {
        "inspection_id": visit.id,
        "date": visit.inspected_on.isoformat(),
        "team": [{"id": x.user_id, "name": x.user.display_name, "role": x.user.role} for x in visit.assignments],
        "scheduled_at": a.assessment_scheduled_at.isoformat() + "Z" if a.assessment_scheduled_at else None,
        "points": str(result.points) if result else None,
        "scored_level": result.grade if result else None,
    }
