"""Issuing notices: 整改通知书 per department or jointly, superseding notices, and 复查意见书.

Each operation checks that it may issue and what the notice lists, builds its printed content from the inspection
(:mod:`.context_builder`) and stores it under the next document number (:mod:`.records`).

Who issues in whose name (issue 13): a notice in a department's name is issued by that department's inspectors on the
inspection, or by the lead (its inspectors, or a reviewer of the region) when that department took part; and only
once that department has submitted its sections.
"""

import secrets
from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select, update

from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import (
    Department,
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
    Reinspection,
    Signature,
)
from inspection.notices import context as ctx
from inspection.notices.settings import remedy_sentence
from inspection.permissions import can_issue_notices, is_assigned, is_self_inspection
from inspection.services import Actor, OtherDepartment, RuleViolation, ServiceError
from inspection.services.audit import record_event
from inspection.services.notices.context_builder import (
    colleagues,
    department_order,
    facility_party,
    facility_signature,
    hazard_row,
    inspector_entry,
    inspector_signature,
    photos_and_rows,
)
from inspection.services.notices.records import NoticeRecord, county_department, store_notice, take_document_number
from inspection.transactions import locked

#: Builds the public verification URL from a notice's token (the web layer knows the host).
VerifyUrl = Callable[[str], str]


def verification_url(base_url: str, token: str) -> str:
    """Return the public verification URL of a notice (what its QR code encodes) under `base_url`."""
    return f"{base_url.rstrip('/')}/n/{token}"


class NotIssuer(OtherDepartment):
    """The actor may not issue a notice in this department's name (answered with 403 like other departments'
    sections)."""

    def __init__(self, message: str, department_code: str) -> None:
        ServiceError.__init__(self, message, fields={"department": department_code})
        self.item_codes: list[str] = []


def issue_notices(
    inspection: Inspection,
    mode: NoticeMode,
    actor: Actor,
    issued_on: date,
    verify_url: VerifyUrl,
    *,
    department_code: str | None = None,
) -> list[Notice]:
    """Issue the rectification notices of an inspection for its hazards not on a notice yet.

    A joint notice needs the whole inspection submitted; a per-department notice only its department's sections.
    An inspector of a department other than the lead issues per department, and only in their department's name.

    :param mode: one notice per responsible department, or one joint notice of every department (lead first).
    :param department_code: issue only this department's notice (per-department mode).
    :raises NotIssuer: the actor may not issue in the name of a department the notice would be issued in.
    :raises RuleViolation: a self-inspection (the facility follows its own findings up; no notice, no 文号).
    :raises ServiceError: the inspection (or the department) has not submitted, or nothing is left to notify.
    """
    if is_self_inspection(inspection):
        raise RuleViolation(N_("机构自查发现的隐患由机构自行整改，不发整改通知书"))
    leads = inspection.status == InspectionStatus.COMPLETE and can_issue_notices(actor.user, inspection)
    if department_code is None and mode == NoticeMode.PER_DEPARTMENT and not leads:
        department_code = actor.department_code  # a department issues in its own name before the lead issues all
    locked(Inspection, inspection.id)  # one request at a time decides what is still awaiting a notice
    if mode == NoticeMode.JOINT and inspection.status != InspectionStatus.COMPLETE:
        raise ServiceError(N_("检查尚未全部提交，不能发出联合整改通知书"))
    pending = hazards_awaiting_notice(inspection)
    if department_code is not None:
        pending = [h for h in pending if h.department_code == department_code]
        _require_issuer(inspection, actor, county_department(inspection.facility, department_code))
    if not pending:
        raise ServiceError(N_("没有需要发出整改通知书的隐患（可能刚由他人发出，请查看通知书列表）"))
    lead = inspection.lead_department
    if mode == NoticeMode.JOINT:
        codes = list(dict.fromkeys([lead.code, *(h.department_code for h in pending)]))
        order = {code: number for number, code in enumerate(codes)}
        pending.sort(key=lambda h: order[h.department_code])  # each department's findings together, lead first
        groups = [(lead, [county_department(inspection.facility, c) for c in codes], pending)]
    else:
        groups = []
        for code in dict.fromkeys(h.department_code for h in pending):
            department = county_department(inspection.facility, code)
            groups.append((department, [department], [h for h in pending if h.department_code == code]))
    for _issuer, authorities, _hazards in groups:
        for department in authorities:
            _require_issuer(inspection, actor, department)
    return [
        _issue(inspection, mode, issuer, authorities, hazards, actor, issued_on, verify_url)
        for issuer, authorities, hazards in groups
    ]


def supersede_notice(notice: Notice, reason: str, actor: Actor, issued_on: date, verify_url: VerifyUrl) -> Notice:
    """Issue a corrected notice replacing `notice` (which then shows as superseded); the hazards carry over.

    :raises ServiceError: no reason, not a current rectification notice, or the actor may not issue.
    """
    if not reason.strip():
        raise ServiceError(N_("请说明更正原因"))
    locked(Notice, notice.id)  # a request replacing it at the same moment waits, then finds it superseded
    if notice.status != NoticeStatus.ISSUED or notice.kind != NoticeKind.RECTIFICATION or notice.inspection is None:
        raise ServiceError(N_("只能更正现行有效的整改通知书"))
    inspection = notice.inspection
    authorities = [county_department(inspection.facility, code) for code in notice.context["department_codes"]]
    for department in authorities:
        _require_issuer(inspection, actor, department)
    notice.status = NoticeStatus.SUPERSEDED
    db.session.execute(
        update(NoticeHazard).where(NoticeHazard.notice_id == notice.id).values(current_rectification=False)
    )
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
    """Issue the 复查意见书 of a re-inspection, listing each decided hazard with its outcome; a re-inspection has
    one, so asking again returns it."""
    locked(Reinspection, visit.id)
    issued = db.session.scalar(select(Notice).where(Notice.reinspection_id == visit.id))
    if issued is not None:
        return issued
    decisions = db.session.scalars(
        select(HazardUpdate).where(HazardUpdate.reinspection_id == visit.id).order_by(HazardUpdate.id)
    ).all()
    if not decisions:
        raise ServiceError(N_("本次复查没有结论"))
    department = county_department(visit.facility, visit.department_code)
    hazards = [d.hazard for d in decisions]
    outcomes = {d.hazard_id: d for d in decisions}
    number = take_document_number(visit.facility, department, "复", issued_on)
    token = secrets.token_urlsafe(24)
    rows = [
        hazard_row(
            h,
            outcome=ctx.Outcome.RECTIFIED
            if outcomes[h.id].kind == HazardUpdateKind.ACCEPTED
            else ctx.Outcome.NOT_RECTIFIED,
            outcome_note=outcomes[h.id].note,
        )
        for h in hazards
    ]
    inspectors = (inspector_entry(visit.inspector, department.name, None), *colleagues(visit))
    info = ctx.InspectionInfo(visit.reinspected_on, visit.facility.address, inspectors)
    context = ctx.NoticeContext(
        kind=NoticeKind.REINSPECTION,
        authorities=(department.name,),
        number=number.text,
        issued_on=issued_on,
        facility=facility_party(visit.facility),
        inspection=info,
        hazards=tuple(rows),
        orders=(department_order(department, tuple(range(1, len(rows) + 1))),),
        remedy_text=remedy_sentence((department.review_body,), ctx.TITLES[NoticeKind.REINSPECTION]),
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
    return store_notice(context, record, actor)


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
    number = take_document_number(facility, issuer_dept, "整", issued_on)
    codes = [d.code for d in authorities]
    token = secrets.token_urlsafe(24)
    photos, rows = photos_and_rows(inspection, hazards)
    signatures = db.session.scalars(
        select(Signature).where(Signature.inspection_id == inspection.id).order_by(Signature.id)
    ).all()
    # every inspector of the departments in whose name it is issued, each with their own signature
    signing = sorted(
        (a for a in inspection.assignments if a.department.code in codes),
        key=lambda a: (codes.index(a.department.code), a.id),
    )
    inspectors = tuple(
        inspector_entry(a.user, a.department.name, inspector_signature(signatures, a.user.display_name, a.department))
        for a in signing
    )
    orders = []
    for department in authorities:
        numbers = tuple(number for number, h in enumerate(hazards, start=1) if h.department_code == department.code)
        if numbers:
            orders.append(department_order(department, numbers))
    latest = max(h.deadline for h in hazards)
    context = ctx.NoticeContext(
        kind=NoticeKind.RECTIFICATION,
        joint=mode == NoticeMode.JOINT,
        title_text=issuer_dept.notice_title,
        authorities=tuple(d.name for d in authorities),
        number=number.text,
        issued_on=issued_on,
        facility=facility_party(facility),
        inspection=ctx.InspectionInfo(inspection.inspected_on, facility.address, inspectors),
        hazards=tuple(rows),
        orders=tuple(orders),
        remedy_text=remedy_sentence(tuple(d.review_body for d in authorities)),
        reinspection=ctx.Reinspection(method="现场复查", on=latest),
        verification_url=verify_url(token),
        facility_signature=facility_signature(signatures),
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
    return store_notice(context, record, actor)


def hazards_awaiting_notice(inspection: Inspection) -> list[Hazard]:
    """Return the inspection's hazards not listed on a current rectification notice."""
    return [h for h in _hazards_of(inspection) if not _on_current_notice(h)]


def hazards_user_may_notify(user, inspection: Inspection) -> list[Hazard] | None:
    """Return the hazards awaiting a notice that `user` may issue now, or None if they may issue nothing here:
    the lead (or a reviewer) every one once the inspection is complete; an inspector of another department on the
    inspection their own department's, once it has submitted (what `issue_notices` allows)."""
    if inspection.status == InspectionStatus.COMPLETE and can_issue_notices(user, inspection):
        return hazards_awaiting_notice(inspection)
    department = user.department if user is not None and is_assigned(user, inspection) else None
    if department is None or department.code not in {s.department_code for s in inspection.submissions}:
        return None
    return [h for h in hazards_awaiting_notice(inspection) if h.department_code == department.code]


def _require_issuer(inspection: Inspection, actor: Actor, department: Department) -> None:
    """Refuse unless `actor` may issue in `department`'s name, and `department` has submitted its sections."""
    user = actor.user
    took_part = any(a.department_id == department.id for a in inspection.assignments)
    own = user is not None and user.department_id == department.id and is_assigned(user, inspection)
    if not own and not (took_part and can_issue_notices(user, inspection)):
        if not took_part:
            message = Message(N_("%(department)s未参加本次检查，不能以其名义发出通知书"), department=department.name)
        else:
            message = Message(
                N_("只有%(department)s参加本次检查的检查员，或牵头部门的检查员、审核人员，可以以其名义发出通知书"),
                department=department.name,
            )
        raise NotIssuer(message, department.code)
    if department.code not in {s.department_code for s in inspection.submissions}:
        raise ServiceError(N_("%(department)s尚未提交本次检查的检查部分，不能发出其通知书"), department=department.name)


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
