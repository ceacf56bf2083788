"""Issuing notices: 整改通知书 per department or jointly, superseding notices, and 复查意见书.

Each notice is rendered once from plain data, and the PDF (with its SHA-256) and print HTML are stored: an
issued notice never changes, even when templates do.
"""

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from inspection.checklists import DepartmentCode, ItemClass
from inspection.extensions import db
from inspection.models import (
    Department,
    Facility,
    Hazard,
    HazardUpdate,
    HazardUpdateKind,
    Inspection,
    InspectionStatus,
    Notice,
    NoticeHazard,
    NoticeKind,
    NoticeMode,
    NoticeStatus,
    Photo,
    Region,
    RegionLevel,
    Reinspection,
    Signature,
    SignerRole,
)
from inspection.notices import context as ctx
from inspection.notices.numbering import format_number
from inspection.notices.pdf import render_notice_html, render_notice_pdf
from inspection.permissions import can_issue_notices
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event
from inspection.services.files import store_bytes
from inspection.services.numbering import next_sequence

#: Builds the public verification URL from a notice's token (the web layer knows the host).
VerifyUrl = Callable[[str], str]


def verification_url(base_url: str, token: str) -> str:
    """Return the public verification URL of a notice (what its QR code encodes) under `base_url`."""
    return f"{base_url.rstrip('/')}/n/{token}"


_CLASS = {"major": ctx.HazardClass.MAJOR, "key": ctx.HazardClass.KEY, "general": ctx.HazardClass.GENERAL}
ORDER_TEXT = "经检查，你单位存在下列问题。现责令你单位按下表所列整改要求和期限整改完毕，并将整改情况书面报告检查部门。"
REINSPECTION_ORDER_TEXT = (
    "经对你单位前次检查发现问题的整改情况进行复查，复查意见如下。未整改到位的，须在新的期限内整改完毕并书面报告。"
)


def issue_notices(
    inspection: Inspection, mode: NoticeMode, actor: Actor, issued_on: date, verify_url: VerifyUrl
) -> list[Notice]:
    """Issue the rectification notices of a completed inspection for its hazards not on a notice yet.

    :param mode: one notice per responsible department, or one joint notice of every department (lead first).
    :raises ServiceError: the inspection is not complete, nothing is left to notify, or the actor is neither a
        reviewer of the region nor an inspector of the lead department on this inspection.
    """
    _require_issuer(inspection, actor)
    if inspection.status != InspectionStatus.COMPLETE:
        raise ServiceError("检查尚未全部提交，不能发出整改通知书")
    pending = hazards_awaiting_notice(inspection)
    if not pending:
        raise ServiceError("没有需要发出整改通知书的隐患")
    lead = inspection.lead_department
    if mode == NoticeMode.JOINT:
        codes = list(dict.fromkeys([lead.code, *(h.department_code for h in pending)]))
        groups = [(lead, [_department(inspection.facility, c) for c in codes], pending)]
    else:
        groups = []
        for code in dict.fromkeys(h.department_code for h in pending):
            department = _department(inspection.facility, code)
            groups.append((department, [department], [h for h in pending if h.department_code == code]))
    return [
        _issue(inspection, mode, issuer, authorities, hazards, actor, issued_on, verify_url)
        for issuer, authorities, hazards in groups
    ]


def supersede_notice(notice: Notice, reason: str, actor: Actor, issued_on: date, verify_url: VerifyUrl) -> Notice:
    """Issue a corrected notice replacing `notice` (which then shows as superseded); the hazards carry over.

    :raises ServiceError: no reason, not a current rectification notice, or the actor may not issue.
    """
    if not reason.strip():
        raise ServiceError("请说明更正原因")
    if notice.status != NoticeStatus.ISSUED or notice.kind != NoticeKind.RECTIFICATION or notice.inspection is None:
        raise ServiceError("只能更正现行有效的整改通知书")
    inspection = notice.inspection
    _require_issuer(inspection, actor)
    authorities = [_department(inspection.facility, code) for code in notice.context["department_codes"]]
    notice.status = NoticeStatus.SUPERSEDED
    db.session.flush()
    replacement = _issue(
        inspection,
        notice.mode,
        notice.department,
        authorities,
        list(notice.hazards),
        actor,
        issued_on,
        verify_url,
        supersedes=notice,
    )
    record_event(
        actor,
        "notice.supersede",
        object_type="notice",
        object_id=notice.id,
        region_path=inspection.facility.region.path,
        after={"replaced_by": replacement.number},
        detail=reason.strip(),
    )
    return replacement


def issue_reinspection_notice(visit: Reinspection, actor: Actor, issued_on: date, verify_url: VerifyUrl) -> Notice:
    """Issue the 复查意见书 of a re-inspection, listing each decided hazard with its outcome."""
    decisions = db.session.scalars(
        select(HazardUpdate).where(HazardUpdate.reinspection_id == visit.id).order_by(HazardUpdate.id)
    ).all()
    if not decisions:
        raise ServiceError("本次复查没有结论")
    department = _department(visit.facility, visit.department_code)
    hazards = [d.hazard for d in decisions]
    outcomes = {d.hazard_id: d for d in decisions}
    number = _number(visit.facility, department, "复", issued_on)
    token = secrets.token_urlsafe(24)
    rows = [
        _hazard_row(
            h,
            outcome=ctx.Outcome.RECTIFIED
            if outcomes[h.id].kind == HazardUpdateKind.ACCEPTED
            else ctx.Outcome.NOT_RECTIFIED,
            outcome_note=outcomes[h.id].note,
        )
        for h in hazards
    ]
    inspectors = (_inspector(visit.inspector, department.name, None), *_colleagues(visit))
    info = ctx.InspectionInfo(visit.reinspected_on, visit.facility.address, inspectors)
    context = ctx.NoticeContext(
        kind=NoticeKind.REINSPECTION,
        authorities=(department.name,),
        number=number.text,
        issued_on=issued_on,
        facility=_party(visit.facility),
        inspection=info,
        hazards=tuple(rows),
        order_text=REINSPECTION_ORDER_TEXT,
        consequences=(ctx.CONSEQUENCE_CIVIL_AFFAIRS,),
        reinspection=ctx.Reinspection(method="现场复查" if visit.on_site else "书面复查"),
        verification_url=verify_url(token),
    )
    record = NoticeRecord(
        kind=NoticeKind.REINSPECTION,
        mode=NoticeMode.PER_DEPARTMENT,
        facility_id=visit.facility_id,
        department=department,
        number=number,
        token=token,
        hazards=hazards,
        department_codes=[department.code],
        reinspection_id=visit.id,
    )
    return _store(context, record, actor)


def _colleagues(visit: Reinspection) -> tuple[ctx.Inspector, ...]:
    """A 复查意见书 lists two inspectors; the second is a colleague of the same department who inspected before."""
    for hazard in db.session.scalars(select(Hazard).join(HazardUpdate).where(HazardUpdate.reinspection_id == visit.id)):
        for assignment in hazard.inspection.assignments:
            if assignment.department.code == visit.department_code and assignment.user_id != visit.inspector_id:
                return (_inspector(assignment.user, assignment.department.name, None),)
    raise ServiceError("复查意见书须列明两名检查人员：找不到同部门的第二名检查员")


def _issue(
    inspection: Inspection,
    mode: NoticeMode,
    issuer_dept: Department,
    authorities: Sequence[Department],
    hazards: list[Hazard],
    actor: Actor,
    issued_on: date,
    verify_url: VerifyUrl,
    supersedes: Notice | None = None,
) -> Notice:
    facility = inspection.facility
    number = _number(facility, issuer_dept, "整", issued_on)
    codes = [d.code for d in authorities]
    token = secrets.token_urlsafe(24)
    photos, rows = _photos_and_rows(inspection, hazards)
    signatures = db.session.scalars(
        select(Signature).where(Signature.inspection_id == inspection.id).order_by(Signature.id)
    ).all()
    inspectors = tuple(
        _inspector(a.user, a.department.name, _signature_of(signatures, a.user.display_name))
        for a in inspection.assignments
        if a.department.code in codes
    )
    consequences = [ctx.CONSEQUENCE_CIVIL_AFFAIRS]
    if any(h.department_code == DepartmentCode.FIRE_RESCUE for h in hazards):
        consequences.append(ctx.CONSEQUENCE_FIRE)
        if any(h.department_code == DepartmentCode.FIRE_RESCUE and h.item_class == ItemClass.MAJOR for h in hazards):
            consequences.append(ctx.CONSEQUENCE_CREDIT_LIST)
    latest = max(h.deadline for h in hazards)
    context = ctx.NoticeContext(
        kind=NoticeKind.RECTIFICATION,
        joint=mode == NoticeMode.JOINT,
        authorities=tuple(d.name for d in authorities),
        number=number.text,
        issued_on=issued_on,
        facility=_party(facility),
        inspection=ctx.InspectionInfo(inspection.inspected_on, facility.address, inspectors),
        hazards=tuple(rows),
        order_text=ORDER_TEXT,
        consequences=tuple(consequences),
        reinspection=ctx.Reinspection(method="现场复查", on=latest),
        verification_url=verify_url(token),
        facility_signature=_facility_signature(signatures),
        photos=tuple(photos),
        supersedes=supersedes.number if supersedes else None,
    )
    record = NoticeRecord(
        kind=NoticeKind.RECTIFICATION,
        mode=mode,
        facility_id=facility.id,
        department=issuer_dept,
        number=number,
        token=token,
        hazards=hazards,
        department_codes=codes,
        inspection_id=inspection.id,
        supersedes=supersedes,
    )
    return _store(context, record, actor)


@dataclass(frozen=True)
class DocumentNumber:
    """A document number as printed (五民养整〔2026〕012号) and the counter it was taken from."""

    text: str
    issuer: str
    year: int
    sequence: int


@dataclass(frozen=True)
class NoticeRecord:
    """What is stored about a notice besides its printed content: what it is, whom it concerns, who issued it
    under which number, and the hazards it lists."""

    kind: NoticeKind
    mode: NoticeMode
    facility_id: int
    department: Department
    number: DocumentNumber
    token: str
    hazards: Sequence[Hazard]
    department_codes: list[str]
    inspection_id: int | None = None
    reinspection_id: int | None = None
    supersedes: Notice | None = None


def _store(context: ctx.NoticeContext, record: NoticeRecord, actor: Actor) -> Notice:
    pdf = render_notice_pdf(context)
    html = render_notice_html(context, stylesheet_href="/static/css/notice-print.css")
    hazards = record.hazards
    notice = Notice(
        kind=record.kind,
        mode=record.mode,
        number=context.number,
        issuer=record.number.issuer,
        year=record.number.year,
        sequence=record.number.sequence,
        facility_id=record.facility_id,
        inspection_id=record.inspection_id,
        reinspection_id=record.reinspection_id,
        department=record.department,
        supersedes=record.supersedes,
        issued_on=context.issued_on,
        issued_by_id=actor.user_id,
        public_token=record.token,
        pdf_file=store_bytes(pdf, "application/pdf"),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        context={
            "department_codes": record.department_codes,
            "hazard_ids": [h.id for h in hazards],
            "title": context.title,
            "html_sha256": hashlib.sha256(html.encode()).hexdigest(),
            "html": html,
        },
    )
    db.session.add(notice)
    db.session.flush()
    for hazard in hazards:
        db.session.add(NoticeHazard(notice_id=notice.id, hazard_id=hazard.id))
    db.session.flush()
    region_path = notice.facility.region.path
    record_event(
        actor,
        "notice.issue",
        object_type="notice",
        object_id=notice.id,
        region_path=region_path,
        after={"number": notice.number, "hazards": len(hazards), "sha256": notice.pdf_sha256},
    )
    return notice


def _number(facility, department: Department, kind_char: str, issued_on: date) -> DocumentNumber:
    county = _county(facility)
    dept_short = f"{department.short_code}养"
    issuer = f"{county.short_name}{dept_short}{kind_char}"
    seq = next_sequence(issuer, issued_on.year)
    text = format_number(county.short_name, dept_short, kind_char, issued_on.year, seq)
    return DocumentNumber(text, issuer, issued_on.year, seq)


def _county(facility) -> Region:
    region = facility.region
    while region is not None and region.level != RegionLevel.COUNTY:
        region = region.parent
    if region is None:
        raise ServiceError("机构不在任何县内，无法编号")
    return region


def _department(facility: Facility, code: str) -> Department:
    """Return the department with this code in the facility's county (the one that signs its notices)."""
    county = _county(facility)
    department = db.session.scalar(select(Department).where(Department.code == code, Department.region_id == county.id))
    if department is None:
        raise ServiceError(f"{county.name}没有代码为 {code} 的部门")
    return department


def hazards_awaiting_notice(inspection: Inspection) -> list[Hazard]:
    """Return the inspection's hazards not listed on a current rectification notice."""
    return [h for h in _hazards_of(inspection) if not _on_current_notice(h)]


def _require_issuer(inspection: Inspection, actor: Actor) -> None:
    if not can_issue_notices(actor.user, inspection):
        raise ServiceError("只有牵头部门的检查员或民政审核人员可以发出通知书")


def _hazards_of(inspection: Inspection) -> list[Hazard]:
    return list(db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection.id).order_by(Hazard.id)))


def _on_current_notice(hazard: Hazard) -> bool:
    stmt = (
        select(Notice.id)
        .join(NoticeHazard)
        .where(
            NoticeHazard.hazard_id == hazard.id,
            Notice.status == NoticeStatus.ISSUED,
            Notice.kind == NoticeKind.RECTIFICATION,
        )
    )
    return db.session.scalar(stmt.limit(1)) is not None


def _party(facility) -> ctx.Facility:
    return ctx.Facility(
        facility.name, facility.uscc or "（未登记）", facility.address, facility.person_in_charge, facility.phone
    )


def _inspector(user, department_name: str, signature: bytes | None) -> ctx.Inspector:
    return ctx.Inspector(user.display_name, department_name, user.credential_no or "（未登记）", signature)


def _signature_of(signatures: Sequence[Signature], name: str) -> bytes | None:
    for signature in signatures:
        if (
            signature.signer_role == SignerRole.INSPECTOR
            and signature.signer_name == name
            and signature.file is not None
        ):
            return signature.file.data
    return None


def _facility_signature(signatures: Sequence[Signature]) -> ctx.FacilitySignature:
    representative = next((s for s in signatures if s.signer_role == SignerRole.FACILITY), None)
    if representative is None:
        return ctx.FacilitySignature()
    if representative.refused:
        witness = next((s for s in signatures if s.signer_role == SignerRole.WITNESS), None)
        return ctx.FacilitySignature(
            representative.signer_name, refused=True, witness=witness.signer_name if witness else "（见证人未签名）"
        )
    data = representative.file.data if representative.file else None
    return ctx.FacilitySignature(representative.signer_name, data, representative.signed_at.date())


def _photos_and_rows(inspection: Inspection, hazards: Sequence[Hazard]) -> tuple[list[ctx.Photo], list[ctx.Hazard]]:
    codes = {h.item_code for h in hazards}
    photos: list[ctx.Photo] = []
    refs: dict[str, list[int]] = {}
    for photo in db.session.scalars(select(Photo).where(Photo.inspection_id == inspection.id).order_by(Photo.id)):
        if photo.item_code in codes:
            photos.append(
                ctx.Photo(
                    photo.file.data,
                    f"{photo.item_code} 现场照片",
                    photo.taken_at.date() if photo.taken_at else inspection.inspected_on,
                )
            )
            refs.setdefault(photo.item_code, []).append(len(photos))
    return photos, [_hazard_row(h, photo_refs=tuple(refs.get(h.item_code, ()))) for h in hazards]


def _hazard_row(
    hazard: Hazard, photo_refs: tuple[int, ...] = (), outcome: ctx.Outcome | None = None, outcome_note: str = ""
) -> ctx.Hazard:
    return ctx.Hazard(
        finding=f"{hazard.item_text.rstrip('？?')}：{hazard.finding}"
        if hazard.finding
        else f"不符合：{hazard.item_text.rstrip('？?')}",
        location=hazard.facility.name,
        basis=hazard.basis,
        hazard_class=_CLASS[hazard.item_class],
        requirement=hazard.requirement,
        deadline=ctx.IMMEDIATE if hazard.immediate else hazard.deadline,
        photo_refs=photo_refs,
        outcome=outcome,
        outcome_note=outcome_note,
    )
