"""Issuing the result record (结果记录表) of a food inspection scored under 总局令第49号.

The record is issued by the inspectors of the department that owns the food checklist (市场监管) on this
inspection, once that checklist's result is stored (their department submitted). It is stored like a notice
(:func:`.records.store_notice`): a 文号, the PDF and its SHA-256, a verification QR code. An inspection has one
record: asking again returns it.
"""

import secrets
from datetime import date

from sqlalchemy import Select, select

from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    ChecklistStatus,
    Hazard,
    Inspection,
    InspectionChecklist,
    Notice,
    NoticeKind,
    NoticeMode,
    NoticeStatus,
    Signature,
)
from inspection.notices import context as ctx
from inspection.notices.food_result import RESULT_WORDS, FailedItem, FoodResultContext
from inspection.permissions import can_issue_food_result
from inspection.scoring.verdicts import FOOD_2022_MEASURES, NOT_APPLICABLE, Food2022
from inspection.services import Actor, ServiceError
from inspection.services.checklists import checklist_of
from inspection.services.notices.context_builder import (
    facility_party,
    facility_signature,
    finding_text,
    inspector_entry,
    inspector_signature,
)
from inspection.services.notices.issue import VerifyUrl
from inspection.services.notices.records import NoticeRecord, county_department, store_notice, take_document_number
from inspection.transactions import locked

#: The kind character of the records' 文号 series (检查结果), e.g. 五市检〔2026〕3号.
KIND_CHAR = "检"
#: The key under which a record's stored context keeps the result it states.
RESULT_KEY = "food_result"


class NotFoodIssuer(ServiceError):
    """The actor is not an inspector of the food checklist's department on this inspection."""

    status = 403
    code = "forbidden"


def food_checklist(inspection: Inspection) -> InspectionChecklist | None:
    """Return the inspection's checklist scored under the 2022 food rule (None when it has none)."""
    for ic in inspection.checklists:
        if checklist_of(ic.version).verdict.rule == Food2022.key:
            return ic
    return None


def food_result_of(inspection: Inspection) -> Notice | None:
    """Return the result record issued for `inspection`, if any."""
    stmt = select(Notice).where(Notice.inspection_id == inspection.id, Notice.kind == NoticeKind.FOOD_RESULT)
    return db.session.scalar(stmt)


def published_food_results() -> Select[tuple[Notice]]:
    """Return the issued result records, newest inspection first: what the public page lists (第35条)."""
    return (
        select(Notice)
        .join(Notice.inspection)
        .where(Notice.kind == NoticeKind.FOOD_RESULT, Notice.status == NoticeStatus.ISSUED)
        .order_by(Inspection.inspected_on.desc(), Notice.id.desc())
    )


def food_verdict(record: Notice) -> str:
    """Return the result (符合 / 基本符合 / 不符合) the record states: kept with it, so that the public page says what
    the issued PDF says even if the inspection's answers are corrected later."""
    return record.context[RESULT_KEY]


def food_result_refusal(inspection: Inspection, user) -> ServiceError | None:
    """Return why `user` may not issue the result record of `inspection` now, or None if they may.

    Refused when the inspection has no food checklist under 总局令第49号, the user is not an inspector of its
    department on this inspection (`NotFoodIssuer`), that department has not submitted, or no food item applied.
    """
    ic = food_checklist(inspection)
    if ic is None:
        return ServiceError(N_("本次检查没有按《食品生产经营监督检查管理办法》（总局令第49号）评定的食品安全检查"))
    if not can_issue_food_result(user, inspection, checklist_of(ic.version).department.value):
        return NotFoodIssuer(N_("只有参加本次检查的市场监管检查人员可以出具结果记录表"))
    if ic.status != ChecklistStatus.SUBMITTED:
        return ServiceError(N_("食品安全检查部分提交后才能出具结果记录表"))
    if ic.verdict_code == NOT_APPLICABLE[0]:
        return ServiceError(N_("本次检查食品安全检查项均不适用（机构无食堂），无需出具结果记录表"))
    return None


def issue_food_result(
    inspection: Inspection, actor: Actor, issued_on: date, verify_url: VerifyUrl
) -> tuple[Notice, bool]:
    """Issue the result record of `inspection`'s food checklist, or return the one already issued.

    :return: the record, and whether this call issued it (decided under the inspection's lock, so of requests
        arriving together exactly one says so).

    :raises ServiceError: see `food_result_refusal` (a `NotFoodIssuer` for someone who may not issue it).
    """
    refusal = food_result_refusal(inspection, actor.user)
    if refusal is not None:
        raise refusal
    locked(Inspection, inspection.id)  # a second request waits, then finds the record issued
    issued = food_result_of(inspection)
    if issued is not None:
        return issued, False
    ic = food_checklist(inspection)
    department_code = checklist_of(ic.version).department.value
    facility = inspection.facility
    department = county_department(facility, department_code)
    number = take_document_number(facility, department, KIND_CHAR, issued_on)
    token = secrets.token_urlsafe(24)
    signatures = db.session.scalars(
        select(Signature).where(Signature.inspection_id == inspection.id).order_by(Signature.id)
    ).all()
    inspectors = tuple(
        inspector_entry(a.user, department.name, inspector_signature(signatures, a.user.display_name, department))
        for a in inspection.assignments
        if a.department.code == department_code
    )
    result = ic.result
    context = FoodResultContext(
        authority=department.name,
        number=number.text,
        issued_on=issued_on,
        facility=facility_party(facility),
        inspection=ctx.InspectionInfo(inspection.inspected_on, facility.address, inspectors),
        inspection_basis=department.inspection_basis,
        result=RESULT_WORDS[result["verdict_code"]],
        explanation=result["decided_by"],
        measure=FOOD_2022_MEASURES.get(result["verdict_code"], ""),
        failed=_failed_items(ic),
        verification_url=verify_url(token),
        facility_signature=facility_signature(signatures),
    )
    record = NoticeRecord(
        kind=NoticeKind.FOOD_RESULT,
        mode=NoticeMode.PER_DEPARTMENT,
        facility_id=facility.id,
        department=department,
        number=number,
        token=token,
        hazards=[],
        department_codes=[department_code],
        inspection_id=inspection.id,
    )
    notice = store_notice(context, record, actor)
    notice.context = {**notice.context, RESULT_KEY: context.result}
    return notice, True


def _failed_items(ic: InspectionChecklist) -> tuple[FailedItem, ...]:
    """Return the failed items as the stored result lists them (most severe first), with their hazards' findings."""
    hazards = {
        h.item_code: h for h in db.session.scalars(select(Hazard).where(Hazard.inspection_checklist_id == ic.id))
    }
    rows = []
    for failed in ic.result["failed_items"]:
        hazard = hazards[failed["item_code"]]
        rows.append(
            FailedItem(
                item=f"{hazard.item_code} {hazard.item_text}",
                finding=finding_text(hazard),
                location=hazard.location.strip(),
                item_class=ctx.HazardClass[failed["item_class"].upper()],
                affects_food_safety=failed["affects_food_safety"],
            )
        )
    return tuple(rows)
