"""Notices and hazards over the API."""

from datetime import date

from flask import Response, jsonify, request, url_for

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import (
    MAX_ID,
    Fields,
    api_actor,
    api_error,
    api_user,
    json_body,
    query_int,
    token_required,
)
from inspection.blueprints.notices import verify_url
from inspection.extensions import db
from inspection.followup_rules import is_overdue
from inspection.i18n import N_
from inspection.models import Facility, Hazard, HazardStatus, Inspection, Notice, NoticeMode, Role
from inspection.permissions import can_view_facility, can_view_inspection
from inspection.services.hazard_lists import hazard_list
from inspection.services.notices import issue_notices
from inspection.services.notices.food_result import issue_food_result
from inspection.transactions import run_in_transaction

MAX_HAZARDS = 500


@bp.post("/inspections/<int:inspection_id>/notices")
@token_required(Role.REVIEWER, Role.INSPECTOR)
def create_notices(inspection_id: int):
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not can_view_inspection(api_user(), inspection):
        api_error(404, "not_found", N_("检查不存在或您无权查看"))
    fields = Fields(json_body())
    mode = fields.choice("mode", {m.value for m in NoticeMode})
    fields.done()
    notices = run_in_transaction(
        lambda: issue_notices(inspection, NoticeMode(mode), api_actor(), date.today(), verify_url)
    )
    return jsonify(items=[_summary(n) for n in notices]), 201


@bp.post("/inspections/<int:inspection_id>/food-result")
@token_required(Role.INSPECTOR)
def create_food_result(inspection_id: int):
    """Issue the food inspection's result record (结果记录表); 200 with the record when it was issued before."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not can_view_inspection(api_user(), inspection):
        api_error(404, "not_found", N_("检查不存在或您无权查看"))
    record, issued_now = run_in_transaction(
        lambda: issue_food_result(inspection, api_actor(), date.today(), verify_url)
    )
    return jsonify(_summary(record)), 201 if issued_now else 200


@bp.get("/notices/<int:notice_id>")
@token_required()
def get_notice(notice_id: int):
    notice = _visible_notice(notice_id)
    today = date.today()
    return jsonify(
        **_summary(notice),
        kind=notice.kind,
        status=notice.status,
        facility={"id": notice.facility_id, "name": notice.facility.name},
        inspection_id=notice.inspection_id,
        issued_on=notice.issued_on.isoformat(),
        supersedes=notice.supersedes.number if notice.supersedes else None,
        pdf_sha256=notice.pdf_sha256,
        verification_url=verify_url(notice.public_token),
        hazards=[_hazard(h, today) for h in notice.hazards],
    )


@bp.get("/notices/<int:notice_id>/pdf")
@token_required()
def notice_pdf(notice_id: int):
    notice = _visible_notice(notice_id)
    response = Response(notice.pdf_file.data, mimetype="application/pdf")
    response.headers["ETag"] = notice.pdf_sha256
    return response


@bp.get("/hazards")
@token_required()
def hazards():
    user = api_user()
    facility_id = query_int("facility_id", 0, 1, MAX_ID) or None
    status = request.args.get("status", "")
    if status and status not in {*HazardStatus, "overdue"}:
        api_error(
            400,
            "bad_request",
            N_("status 应为 open、evidence_submitted、closed 或 overdue"),
            {"status": N_("取值无效")},
        )
    if facility_id is not None:
        facility = db.session.get(Facility, facility_id)
        if facility is None or not can_view_facility(user, facility):
            api_error(404, "not_found", N_("机构不存在或不在您的辖区"))
    today = date.today()
    rows = hazard_list(user, facility_id, status, today, MAX_HAZARDS)
    return jsonify(items=[_hazard(h, today) for h in rows], total=len(rows))


def _summary(notice: Notice) -> dict:
    department = notice.department.name
    return {
        "id": notice.id,
        "number": notice.number,
        "department": department,
        "hazard_count": len(notice.hazards),
        "pdf_url": url_for("api.notice_pdf", notice_id=notice.id),
    }


def _hazard(hazard: Hazard, today: date) -> dict:
    closed = hazard.status == HazardStatus.CLOSED
    return {
        "id": hazard.id,
        "facility_id": hazard.facility_id,
        "inspection_id": hazard.inspection_id,
        "item_code": hazard.item_code,
        "class": hazard.item_class,
        "department": hazard.department_code,
        "text": hazard.item_text,
        "finding": hazard.finding,
        "basis": hazard.basis,
        "requirement": hazard.requirement,
        "deadline": "立即" if hazard.immediate else hazard.deadline.isoformat(),
        "reinspect_by": hazard.deadline.isoformat(),
        "status": hazard.status,
        "overdue": is_overdue(closed, hazard.deadline, today),
        "closed_on": hazard.closed_on.isoformat() if hazard.closed_on else None,
    }


def _visible_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or not can_view_facility(api_user(), notice.facility):
        api_error(404, "not_found", N_("通知书不存在"))
    return notice
