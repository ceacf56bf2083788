"""Inspections over the API: plan or start, answers, photos, signatures, submission, reading back."""

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, jsonify, request
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.base import ExecutableOption

from inspection.blueprints import file_response
from inspection.blueprints.api import bp
from inspection.blueprints.api.common import (
    CANONICAL_UUID,
    MAX_ID,
    Fields,
    api_actor,
    api_error,
    api_user,
    json_body,
    storable,
    token_required,
)
from inspection.blueprints.api.serializers import inspection_json, inspection_results, photo_json, signature_json
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.media import read_capture
from inspection.models import (
    FIELD_ROLES,
    Facility,
    Inspection,
    InspectionPurpose,
    Photo,
    Role,
    Signature,
    SignerRole,
)
from inspection.orm import utcnow
from inspection.permissions import (
    can_answer_inspection,
    can_view_facility,
    can_view_inspection,
    is_self_inspection,
)
from inspection.scoring import AnswerResult
from inspection.services import Conflict, OtherDepartment
from inspection.services.answers import MAX_LOCATION, AnswerInput, SavedAnswer, save_answers
from inspection.services.corrections import correct_answer
from inspection.services.evidence import add_photo, add_signature
from inspection.services.inspection_lists import inspections_to_sync, users_by_id
from inspection.services.planning import (
    check_spot_check_checklists,
    inspection_by_client_id,
    start_inspection_once,
    teams_by_department,
)
from inspection.services.self_inspection import SELF_PART, start_self_inspection, submit_self_inspection
from inspection.services.submission import submit_department
from inspection.transactions import run_in_transaction

MAX_ANSWERS_PER_REQUEST = 1000
MAX_INSPECTIONS_LISTED = 500
PURPOSES = {p.value for p in InspectionPurpose}
RESULTS = {r.value: r for r in AnswerResult}


@bp.get("/inspections")
@token_required()
def list_inspections():
    rows = inspections_to_sync(api_user(), utcnow().date(), MAX_INSPECTIONS_LISTED)
    return jsonify(
        items=[
            {
                "id": i.id,
                "facility": {"id": i.facility_id, "name": i.facility.name},
                "date": i.inspected_on.isoformat(),
                "purpose": i.purpose,
                "status": i.status,
                "checklists": [c.checklist_code for c in i.checklists],
            }
            for i in rows
        ]
    )


@bp.post("/inspections")
@token_required(Role.REVIEWER, Role.INSPECTOR, Role.OPERATOR)
def create_inspection():
    user = api_user()
    plan = _plan_request()
    facility = db.session.get(Facility, plan.facility_id)
    if facility is None or not can_view_facility(user, facility):
        api_error(404, "not_found", N_("机构不存在或不在您的辖区"))
    if plan.purpose == InspectionPurpose.SELF_INSPECTION or user.role == Role.OPERATOR:
        return _create_self_inspection(facility, plan)
    inspector_ids = plan.inspector_ids
    if user.role == Role.INSPECTOR:
        check_spot_check_checklists(plan.checklists, user.department.code)
        inspector_ids = [user.id, *inspector_ids]
    people = users_by_id(inspector_ids)
    if len(people) != len(set(inspector_ids)):
        api_error(400, "bad_request", N_("检查员不存在"), {"inspectors": N_("含有不存在的用户")})
    before = inspection_by_client_id(plan.client_id)
    if before is not None and not can_view_inspection(user, before):
        api_error(409, "conflict", N_("该 client_id 已被使用"))
    inspection, created = run_in_transaction(
        lambda: start_inspection_once(
            plan.client_id,
            facility,
            plan.checklists,
            plan.inspected_on,
            InspectionPurpose(plan.purpose),
            user.department,
            teams_by_department(people),
            api_actor(),
            today=date.today(),
            days_ahead=current_app.config["PLAN_DAYS_AHEAD"],
        )
    )
    return jsonify(inspection_json(inspection)), 201 if created else 200


def _create_self_inspection(facility: Facility, plan: "_PlanRequest"):
    """A facility's operator starts its self-inspection (the only inspection an operator starts)."""
    if plan.purpose != InspectionPurpose.SELF_INSPECTION:
        api_error(403, "forbidden", N_("机构负责人只能开展本机构自查"), {"purpose": N_("应为 self_inspection")})
    before = inspection_by_client_id(plan.client_id)
    if before is not None and not can_view_inspection(api_user(), before):
        api_error(409, "conflict", N_("该 client_id 已被使用"))
    inspection, created = run_in_transaction(
        lambda: start_self_inspection(
            facility, plan.checklists, plan.inspected_on, api_actor(), client_id=plan.client_id, today=date.today()
        )
    )
    if inspection.facility_id != facility.id:
        api_error(409, "conflict", N_("该 client_id 已用于另一家机构的检查"))
    return jsonify(inspection_json(inspection)), 201 if created else 200


@dataclass(frozen=True)
class _PlanRequest:
    facility_id: int
    checklists: list[str]
    inspected_on: date
    purpose: str
    client_id: str
    inspector_ids: list[int]


def _plan_request() -> _PlanRequest:
    """Read the body of POST /inspections, or abort with 400 naming every bad field."""
    fields = Fields(json_body())
    facility_id = fields.integer("facility_id", minimum=1)
    codes = fields.data.get("checklists")
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) and len(c) <= 50 for c in codes):
        fields.errors["checklists"] = N_("应为检查表代码的列表")
        codes = []
    inspected_on = fields.date("date")
    purpose = fields.choice("purpose", PURPOSES, required=False, default=InspectionPurpose.ROUTINE.value)
    client_id = fields.uuid("client_id")
    inspector_ids = fields.data.get("inspectors", [])
    if not isinstance(inspector_ids, list) or not all(type(i) is int and 1 <= i <= MAX_ID for i in inspector_ids):
        fields.errors["inspectors"] = N_("应为检查员 id 的列表")
        inspector_ids = []
    fields.done()
    return _PlanRequest(facility_id, codes, inspected_on, purpose, client_id, inspector_ids)


@bp.get("/inspections/<int:inspection_id>")
@token_required()
def get_inspection(inspection_id: int):
    """The whole inspection; `?checklists=ref` names each checklist version instead of carrying its text (which
    never changes: `GET /checklists/<code>/<version>`, cacheable). The ETag follows the inspection's revision, so
    a phone polling with `If-None-Match` gets a bodiless 304 while nothing changed."""
    by_reference = request.args.get("checklists") == "ref"
    inspection = _visible(inspection_id)
    # The results' verdict_label and explanation are in the reader's language: another language is another tag.
    language = get_locale().language
    tag = f"r{inspection.revision}" + ("" if by_reference else ".full") + ("" if language == "zh" else f".{language}")
    if request.if_none_match.contains(tag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(inspection_json(inspection, checklists_by_reference=by_reference))
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.put("/inspections/<int:inspection_id>/answers")
@token_required(*FIELD_ROLES, Role.OPERATOR)
def put_answers(inspection_id: int):
    inspection = _editable(inspection_id)
    raw = json_body().get("answers")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_ANSWERS_PER_REQUEST:
        api_error(
            400,
            "bad_request",
            Message(N_("answers 应为 1–%(max)s 条答案的列表"), max=MAX_ANSWERS_PER_REQUEST),
            {"answers": N_("格式错误")},
        )
    inputs = _distinct_changes([_answer_input(entry, f"answers[{index}]") for index, entry in enumerate(raw)])

    def save() -> tuple[list[SavedAnswer], int, int]:
        before = inspection.revision
        return save_answers(inspection, inputs, api_actor()), before, inspection.revision  # read before the commit

    try:
        answers, before, revision = run_in_transaction(save)
    except OtherDepartment as error:  # name the refused entries of the body, not just their item codes
        theirs = set(error.item_codes)
        error.fields = {f"answers[{n}].item_code": c.item_code for n, c in enumerate(inputs) if c.item_code in theirs}
        raise
    if (
        _prefers_minimal()
        and revision != before
        and len(answers) == len(inputs)
        and all(map(_taken_as_sent, inputs, answers))
    ):
        # The phone knows what it sent: the new revision is all it lacks (the previous one is revision - 1).
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        response.headers["Revision"] = str(revision)
        return response
    return jsonify(
        revision=revision,
        previous_revision=_previous(before, revision),
        items=[_saved_json(answer) for answer in answers],
    )


def _prefers_minimal() -> bool:
    """Whether the client asked for a bodiless reply (RFC 7240 `Prefer: return=minimal`)."""
    return any(p.strip() == "return=minimal" for p in request.headers.get("Prefer", "").split(","))


def _taken_as_sent(change: AnswerInput, answer: SavedAnswer) -> bool:
    """Whether this request stored the change exactly as the client sent it, on the item's revision the client
    named, so the client can build the server's answer from its own copy (the item's revision is base + 1)."""
    return (
        answer.revision == (change.base_revision or 0) + 1
        and answer.item_code == change.item_code
        and answer.result == change.result
        and answer.deduction == change.deduction
        and answer.note == change.note
        and answer.location == change.location
        and answer.affects_food_safety == change.affects_food_safety
    )


def _previous(before: int, after: int) -> int:
    """The inspection's revision just before this request's own change (`after` itself when it changed nothing):
    a phone whose copy is at that revision knows it is now at `after` without downloading the inspection again.
    `next_revision` counts up by one in a locked row, so `after - 1` holds even when others saved meanwhile."""
    return after if after == before else after - 1


def _saved_json(answer: SavedAnswer) -> dict[str, object]:
    deduction = None if answer.deduction is None else str(answer.deduction)
    return {
        "item_code": answer.item_code,
        "revision": answer.revision,
        "result": answer.result.value,
        "deduction": deduction,
        "note": answer.note,
        "location": answer.location,
        "affects_food_safety": answer.affects_food_safety,
    }


def _answer_input(entry: object, where: str) -> AnswerInput:
    """Read one answer change; `where` names it in field errors (e.g. "answers[3]")."""
    plain = _plain_answer(entry)
    if plain is not None:
        return plain
    if not isinstance(entry, dict):
        api_error(400, "bad_request", Message(N_("%(where)s 格式错误"), where=where), {where: N_("应为对象")})
    fields = Fields(entry)
    item_code = fields.text("item_code", max_length=30)
    result = fields.choice("result", RESULTS)
    client_id = fields.uuid("client_id")
    note = fields.text("note", required=False, max_length=2000)
    deduction = fields.decimal("deduction")
    base_revision = fields.integer("base_revision", required=False)
    edited_at = fields.moment("edited_at")
    location = fields.text("location", required=False, max_length=MAX_LOCATION)
    affects_food_safety = fields.boolean("affects_food_safety")
    if fields.errors:
        prefix = f"{where}." if where else ""
        message = Message(N_("%(where)s 有误"), where=where) if where else N_("答案有误")
        api_error(400, "bad_request", message, {prefix + k: v for k, v in fields.errors.items()})
    return AnswerInput(
        item_code, RESULTS[result], client_id, deduction, note, base_revision, edited_at, location, affects_food_safety
    )


def _plain_answer(entry: object) -> AnswerInput | None:
    """Read the common shape a phone sends (no deduction, revision or odd text) without the field-by-field parser;
    anything else returns None and goes through `Fields`, which gives the precise errors. A phone syncing a
    morning's work sends hundreds of these at once."""
    if not isinstance(entry, dict) or entry.get("deduction") is not None:
        return None
    code, result, client_id = entry.get("item_code"), entry.get("result"), entry.get("client_id")
    note, base, edited = entry.get("note", ""), entry.get("base_revision"), entry.get("edited_at")
    location, food = entry.get("location", ""), entry.get("affects_food_safety", False)
    edited_at = _phone_time(edited)
    if (
        type(code) is str and 0 < len(code) <= 30 and code.isascii() and "\x00" not in code
        and type(result) is str and result in RESULTS
        and type(client_id) is str and CANONICAL_UUID.fullmatch(client_id)
        and type(note) is str and len(note) <= 2000 and storable(note)
        and type(location) is str and len(location) <= MAX_LOCATION and storable(location)
        and type(food) is bool
        and (base is None or (type(base) is int and 0 <= base <= MAX_ID))
        and (edited is None or edited_at is not None)
    ):  # fmt: skip
        return AnswerInput(code, RESULTS[result], client_id, None, note, base, edited_at, location, food)
    return None


def _phone_time(value: object) -> datetime | None:
    """A phone's `2026-12-04T08:15:30.123Z` (what `Date.toISOString` writes) as naive UTC; None for anything else,
    which `Fields.moment` then reads or names as the error."""
    if type(value) is not str or len(value) != 24 or not value.endswith("Z"):
        return None
    try:
        return datetime.fromisoformat(value[:-1])
    except ValueError:
        return None


def _distinct_changes(inputs: list[AnswerInput]) -> list[AnswerInput]:
    """Drop repeats of one change within a batch; one UUID with two different contents is a conflict (409)."""
    by_id: dict[str, AnswerInput] = {}
    for change in inputs:
        seen = by_id.setdefault(change.client_id, change)
        if seen != change:
            conflict = {"item_code": change.item_code, "client_id": change.client_id, "reason": "client_id_reused"}
            raise Conflict(N_("同一批答案中一个 client_id 对应了不同内容，未保存任何修改"), [conflict])
    return list(by_id.values())


@bp.post("/inspections/<int:inspection_id>/photos")
@token_required(*FIELD_ROLES, Role.OPERATOR)
def post_photo(inspection_id: int):
    inspection = _editable(inspection_id)
    fields = Fields(request.form.to_dict())
    item_code, client_id = fields.text("item_code", max_length=30), fields.uuid("client_id")
    capture, capture_errors = read_capture(
        fields.moment("captured_at"),
        fields.text("latitude", required=False, max_length=30),
        fields.text("longitude", required=False, max_length=30),
        now=utcnow(),
    )
    fields.errors.update(capture_errors)
    upload = request.files.get("file")
    if upload is None:
        fields.errors["file"] = N_("必填")
    fields.done()
    data = upload.read()
    before = inspection.revision

    def store() -> tuple[Photo, bool, int]:
        photo, created = add_photo(inspection, item_code, client_id, data, api_actor(), capture)
        return photo, created, _revision_after(inspection, created)

    photo, created, after = run_in_transaction(store)
    return jsonify(photo_json(photo) | _revisions(before, after)), 201 if created else 200


def _revision_after(inspection: Inspection, created: bool) -> int:
    """The inspection's revision once this write is in, read before the commit (later saves of others are theirs).
    A replay waited for the write it repeats: the loaded row predates that commit, so it reads the stored value."""
    if created:
        return inspection.revision
    return db.session.scalar(select(Inspection.revision).where(Inspection.id == inspection.id))


def _revisions(before: int, after: int) -> dict[str, int]:
    return {"inspection_revision": after, "previous_inspection_revision": _previous(before, after)}


@bp.post("/inspections/<int:inspection_id>/signatures")
@token_required(*FIELD_ROLES, Role.OPERATOR)
def post_signature(inspection_id: int):
    inspection = _editable(inspection_id)
    fields = Fields(json_body())
    client_id = fields.uuid("client_id")
    signer_name = fields.text("signer_name", max_length=100)
    role = fields.choice("role", {r.value for r in SignerRole})
    refused = fields.boolean("refused")
    image = fields.text("image", required=not refused, max_length=3_000_000)
    signed_at = _timestamp(fields, "signed_at")
    fields.done()
    data = _png_bytes(image) if image else None
    before = inspection.revision

    def store() -> tuple[Signature, bool, int]:
        signature, created = add_signature(
            inspection, client_id, signer_name, SignerRole(role), data, signed_at, api_actor(), refused=refused
        )
        return signature, created, _revision_after(inspection, created)

    signature, created, after = run_in_transaction(store)
    return jsonify(signature_json(signature) | _revisions(before, after)), 201 if created else 200


def _timestamp(fields: Fields, name: str) -> datetime:
    return fields.moment(name) or utcnow()


def _png_bytes(image: str) -> bytes:
    payload = image.split(",", 1)[1] if image.startswith("data:") else image
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        api_error(400, "bad_image", N_("签名图片编码错误"), {"image": N_("应为 base64 编码的 PNG")})


@bp.post("/inspections/<int:inspection_id>/submit")
@token_required(*FIELD_ROLES, Role.OPERATOR)
def submit(inspection_id: int):
    """Submit the user's department's sections (the operator: every part of their self-inspection). The body may
    name the phone's `client_id` for the submission (a submission queued offline): sent again, it answers as the
    first time and submits nothing more."""
    inspection = _editable(inspection_id)
    own = is_self_inspection(inspection)
    department = SELF_PART if own else api_user().department.code
    client_id = None
    if request.get_data():
        fields = Fields(json_body())
        client_id = fields.uuid("client_id", required=False) or None
        fields.done()
    before = inspection.revision

    def store() -> int:
        if own:
            submit_self_inspection(inspection, api_actor(), today=date.today(), client_id=client_id)
        else:
            submit_department(inspection, department, api_actor(), today=date.today(), client_id=client_id)
        return inspection.revision  # read before the commit

    after = run_in_transaction(store)
    results = inspection_results(inspection)
    mine = [r for r in results if any(s["department"] == department for s in r["sections"])] or results
    return jsonify(
        status=inspection.status,
        department=department,
        result=mine[0],
        results=results,
        **_revisions(before, after),
    )


@bp.post("/inspections/<int:inspection_id>/corrections")
@token_required(*FIELD_ROLES)
def correct(inspection_id: int):
    inspection = _editable(inspection_id)
    body = json_body()
    reason_field = Fields(body)
    reason = reason_field.text("reason", max_length=500)
    if not reason.strip():
        reason_field.errors.setdefault("reason", N_("必填"))
    reason_field.done()
    change = _answer_input(body, "")
    answer = run_in_transaction(lambda: correct_answer(inspection, change, reason, api_actor()))
    return jsonify(item_code=answer.item_code, revision=answer.revision, results=inspection_results(inspection))


@bp.get("/photos/<int:photo_id>")
@token_required()
def photo_file(photo_id: int):
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        api_error(404, "not_found", N_("照片不存在"))
    _visible(photo.inspection_id)
    return file_response(photo.file)


@bp.get("/signatures/<int:signature_id>")
@token_required()
def signature_file(signature_id: int):
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.file is None:
        api_error(404, "not_found", N_("签名不存在"))
    _visible(signature.inspection_id)
    return file_response(signature.file)


def _visible(inspection_id: int, *options: ExecutableOption) -> Inspection:
    inspection = db.session.get(Inspection, inspection_id, options=options)
    if inspection is None or not can_view_inspection(api_user(), inspection):
        api_error(404, "not_found", N_("检查不存在或您无权查看"))
    return inspection


def _editable(inspection_id: int) -> Inspection:
    # One query for the inspection with its inspectors and checklists: every change checks both.
    inspection = _visible(inspection_id, joinedload(Inspection.assignments), joinedload(Inspection.checklists))
    if not can_answer_inspection(api_user(), inspection):
        api_error(403, "forbidden", N_("您未被指派参加这次检查"))
    return inspection
