"""Storing a notice: the department that signs it, its document number, and the stored notice itself.

The PDF (with its SHA-256) and the print HTML are stored once: an issued notice never changes, even when templates
do.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    Department,
    Facility,
    Hazard,
    Notice,
    NoticeHazard,
    NoticeKind,
    NoticeMode,
    Region,
    RegionLevel,
)
from inspection.notices import context as ctx
from inspection.notices.numbering import format_number
from inspection.notices.pdf import render_notice_html, render_notice_pdf
from inspection.services import Actor, Conflict, ServiceError
from inspection.services.audit import record_event
from inspection.services.files import store_bytes
from inspection.services.numbering import next_sequence
from inspection.services.signing import sign_as_department


@dataclass(frozen=True)
class DocumentNumber:
    """A document number as printed (五民整〔2026〕12号) and the counter it was taken from."""

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


def store_notice(context: ctx.NoticeContext, record: NoticeRecord, actor: Actor) -> Notice:
    """Render `context` to PDF and print HTML, store both with `record`, link its hazards and audit the issue."""
    signed = sign_as_department(render_notice_pdf(context), record.department)  # the signed bytes are the document
    pdf = signed.pdf
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
        signing_certificate_serial=signed.certificate_serial,
        signing_certificate_sha256=signed.certificate_sha256,
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
    current = record.kind == NoticeKind.RECTIFICATION
    try:
        with db.session.begin_nested():
            for hazard in hazards:
                db.session.add(NoticeHazard(notice_id=notice.id, hazard_id=hazard.id, current_rectification=current))
    except IntegrityError:  # the unique index of current notices: another request listed them first
        raise Conflict(N_("这些隐患已列入另一份现行整改通知书，请刷新后查看"), []) from None
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


def take_document_number(facility, department: Department, kind_char: str, issued_on: date) -> DocumentNumber:
    """Take the next number of the series of this county, department (its 机关代字) and kind of notice (整 or 复)
    for the year."""
    county = _county(facility)
    issuer = f"{county.short_name}{department.short_code}{kind_char}"
    seq = next_sequence(issuer, issued_on.year)
    text = format_number(county.short_name, department.short_code, kind_char, issued_on.year, seq)
    return DocumentNumber(text, issuer, issued_on.year, seq)


def county_department(facility: Facility, code: str) -> Department:
    """Return the department with this code in the facility's county (the one that signs its notices)."""
    county = _county(facility)
    department = db.session.scalar(select(Department).where(Department.code == code, Department.region_id == county.id))
    if department is None:
        raise ServiceError(N_("%(county)s没有代码为 %(code)s 的部门"), county=county.name, code=code)
    return department


def _county(facility) -> Region:
    region = facility.region
    while region is not None and region.level != RegionLevel.COUNTY:
        region = region.parent
    if region is None:
        raise ServiceError(N_("机构不在任何县内，无法编号"))
    return region
