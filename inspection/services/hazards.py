"""Hazards: created from failed items at submission, followed up with evidence and closed by re-inspection."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from inspection.checklists import ItemClass
from inspection.extensions import db
from inspection.followup_rules import QUESTION_MARKERS, default_deadline, requirement_text
from inspection.i18n import N_
from inspection.media import process_photo
from inspection.models import (
    Answer,
    AnswerResult,
    Facility,
    Hazard,
    HazardStatus,
    HazardUpdate,
    HazardUpdateKind,
    Inspection,
    InspectionChecklist,
    Notice,
    NoticeHazard,
    Reinspection,
    Role,
    User,
)
from inspection.permissions import can_view_facility, is_self_inspection
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event
from inspection.services.checklists import checklist_of
from inspection.services.evidence import evidence_of, hazard_photo
from inspection.transactions import locked

MAX_EVIDENCE_PHOTOS = 6


def sync_hazards(ic: InspectionChecklist) -> list[Hazard]:
    """Make the hazards of a scored checklist match its failed items.

    Every failed item gets one hazard (deadline from the checklist's default for its class). A hazard whose
    item no longer fails (after a correction) is removed, unless a notice already lists it.

    :return: the hazards created now.
    """
    checklist = checklist_of(ic.version)
    answers = {a.item_code: a for a in ic.answers}
    existing = {
        h.item_code: h for h in db.session.scalars(select(Hazard).where(Hazard.inspection_checklist_id == ic.id))
    }
    created = []
    found_on = ic.inspection.inspected_on
    for section in checklist.sections:
        for item in section.items:
            answer: Answer | None = answers.get(item.code)
            failed = answer is not None and answer.result == AnswerResult.FAIL
            hazard = existing.get(item.code)
            if failed and hazard is None:
                immediate, deadline = default_deadline(item.item_class, found_on, checklist.rectification_days)
                hazard = Hazard(
                    facility_id=ic.inspection.facility_id,
                    inspection_id=ic.inspection_id,
                    inspection_checklist=ic,
                    item_code=item.code,
                    department_code=section.department.value,
                    item_class=item.item_class.value,
                    item_text=item.text,
                    finding=answer.note,
                    location=answer.location,
                    basis=item.basis,
                    # checklist versions before 2026-12 have no requirement text: the generic sentence stands in
                    requirement=item.requirement or requirement_text(item.text, item.basis),
                    immediate=immediate,
                    deadline=deadline,
                    self_found=is_self_inspection(ic.inspection),
                )
                db.session.add(hazard)
                created.append(hazard)
            elif failed:
                hazard.finding, hazard.location = answer.note, answer.location
            elif hazard is not None and not _listed_on_a_notice(hazard):
                db.session.delete(hazard)
    db.session.flush()
    return created


def _listed_on_a_notice(hazard: Hazard) -> bool:
    return (
        db.session.scalar(select(NoticeHazard.notice_id).where(NoticeHazard.hazard_id == hazard.id).limit(1))
        is not None
    )


def change_deadline(hazard: Hazard, deadline: date, reason: str, actor: Actor) -> Hazard:
    """Set a new deadline with a reason, as an inspector of the responsible department; on a hazard the facility
    found itself, as its operator (the facility's own deadline).

    :raises ServiceError: no reason, a closed hazard, a date in the past, or not the responsible department.
    """
    if hazard.self_found:
        _require_own_operator(hazard, actor)
    else:
        _require_responsible_inspector(hazard, actor)
    if hazard.status == HazardStatus.CLOSED:
        raise ServiceError(N_("隐患已销号，不能修改期限"))
    if not reason.strip():
        raise ServiceError(N_("修改整改期限须填写理由"))
    if deadline < hazard.inspection.inspected_on:
        raise ServiceError(N_("整改期限不能早于检查日期"))
    before = {"deadline": hazard.deadline.isoformat()}
    hazard.deadline, hazard.deadline_reason = deadline, reason.strip()[:500]
    hazard.updates.append(
        HazardUpdate(kind=HazardUpdateKind.DEADLINE, note=reason.strip(), new_deadline=deadline, user_id=actor.user.id)
    )
    db.session.flush()
    _audit(actor, hazard, "hazard.deadline", before, {"deadline": deadline.isoformat()})
    return hazard


def change_requirement(hazard: Hazard, requirement: str, actor: Actor) -> Hazard:
    """Reword the 整改要求 printed on the notice, as an inspector of the responsible department, before the hazard
    is listed on a notice (an issued notice never changes); audited with the text before and after.

    A requirement states an action (DOMAIN §15.3), so it may not be worded as a question.

    :raises ServiceError: not the responsible department, already on a notice, empty, or a question.
    """
    _require_responsible_inspector(hazard, actor)
    # Issuing decides under the inspection's lock what goes on a notice: take it too, so that the text is either
    # changed before the notice prints it or refused because the notice has it.
    locked(Inspection, hazard.inspection_id)
    if _listed_on_a_notice(hazard):
        raise ServiceError(N_("该隐患已列入通知书，整改要求不能再改；如有错误，请更正通知书"))
    text = requirement.strip()
    if not text:
        raise ServiceError(N_("请填写整改要求"), fields={"requirement": "required"})
    if any(marker in text for marker in QUESTION_MARKERS):
        raise ServiceError(N_("整改要求应写明要做什么，不能写成问句（如“是否……”）"), fields={"requirement": "question"})
    before = {"requirement": hazard.requirement}
    hazard.requirement = text[:2000]
    db.session.flush()
    _audit(actor, hazard, "hazard.requirement", before, {"requirement": hazard.requirement})
    return hazard


def submit_evidence(
    hazard: Hazard, note: str, photos: Sequence[bytes], actor: Actor, on: date | None = None
) -> HazardUpdate:
    """Report a rectification as the facility's operator, with a note and photos; it closes a hazard the facility
    found itself (on `on`, default the server's today), and waits for the re-inspection otherwise.

    :raises ServiceError: not this facility's operator, a closed hazard, or no note and no photo.
    :raises MediaError: a photo is not an acceptable image (nothing is stored then).
    """
    user = _require_own_operator(hazard, actor)
    if hazard.status == HazardStatus.CLOSED:
        raise ServiceError(N_("隐患已销号"))
    if not note.strip() and not photos:
        raise ServiceError(N_("请填写整改说明或上传整改照片"))
    if len(photos) > MAX_EVIDENCE_PHOTOS:
        raise ServiceError(N_("每次最多上传 %(count)s 张照片"), count=MAX_EVIDENCE_PHOTOS)
    images = [process_photo(data) for data in photos]  # all checked before anything is stored
    update = HazardUpdate(kind=HazardUpdateKind.EVIDENCE, note=note.strip()[:2000], user_id=user.id)
    update.photos = [hazard_photo(image) for image in images]
    hazard.updates.append(update)
    if hazard.self_found:  # 自查自改: the facility's own evidence closes what it found itself
        hazard.status, hazard.closed_on, hazard.closed_by_id = HazardStatus.CLOSED, on or date.today(), user.id
    else:
        hazard.status = HazardStatus.EVIDENCE_SUBMITTED
    db.session.flush()
    evidence = {"photos": len(images), "photo_sha256": evidence_of(update.photos), "note": update.note}
    _audit(actor, hazard, "hazard.evidence", None, evidence)
    return update


@dataclass(frozen=True, slots=True)
class Decision:
    """A re-inspection decision on one hazard: accepted (closed) or rejected with a reason and a new deadline."""

    hazard: Hazard
    accepted: bool
    note: str = ""
    new_deadline: date | None = None


def reinspect(
    facility: Facility,
    decisions: Sequence[Decision],
    on: date,
    on_site: bool,
    actor: Actor,
    photos: dict[int, list[bytes]] | None = None,
    client_id: str | None = None,
) -> Reinspection:
    """Record a re-inspection (复查) of some of a facility's open hazards by an inspector of their department.

    :param photos: "after" photos taken at the re-inspection, by hazard id.
    :param client_id: the UUID of the form sent; the same form again returns the re-inspection it recorded.
    :raises ServiceError: wrong department or facility, a closed hazard, a major hazard accepted without an
        on-site visit, or a rejection without reason or later deadline.
    """
    if not decisions:
        raise ServiceError(N_("请至少对一项隐患作出复查结论"))
    # Requests deciding the same hazards take turns, and each sees the hazards as the one before left them.
    locked(Hazard, [d.hazard.id for d in decisions])
    earlier = reinspection_by_client_id(client_id)
    if earlier is not None:
        return earlier
    department = actor.department_code or ""
    visit = Reinspection(
        facility=facility,
        department_code=department,
        reinspected_on=on,
        on_site=on_site,
        inspector=actor.user,
        client_id=client_id,
    )
    db.session.add(visit)
    db.session.flush()
    for decision in decisions:
        hazard = decision.hazard
        _require_responsible_inspector(hazard, actor)
        if hazard.facility_id != facility.id:
            raise ServiceError(N_("隐患 %(id)s 不在本次复查范围"), id=hazard.id)
        if hazard.status == HazardStatus.CLOSED:
            raise ServiceError(
                N_("%(code)s 已经复查销号（可能刚由他人复查），请刷新页面后重新填写"), code=hazard.item_code
            )
        images = [process_photo(data) for data in (photos or {}).get(hazard.id, [])]
        update = HazardUpdate(reinspection_id=visit.id, user_id=actor.user.id, note=decision.note.strip()[:2000])
        update.photos = [hazard_photo(image) for image in images]
        if decision.accepted:
            if hazard.item_class == ItemClass.MAJOR and not on_site:
                raise ServiceError(N_("重大事故隐患（%(code)s）只能经现场复查销号"), code=hazard.item_code)
            update.kind = HazardUpdateKind.ACCEPTED
            hazard.status, hazard.closed_on, hazard.closed_by_id = HazardStatus.CLOSED, on, actor.user.id
        else:
            if not decision.note.strip():
                raise ServiceError(N_("%(code)s：未通过复查须说明理由"), code=hazard.item_code)
            if decision.new_deadline is None or decision.new_deadline <= on:
                raise ServiceError(N_("%(code)s：请给出晚于复查日期的新整改期限"), code=hazard.item_code)
            update.kind, update.new_deadline = HazardUpdateKind.REJECTED, decision.new_deadline
            hazard.status, hazard.deadline = HazardStatus.OPEN, decision.new_deadline
        hazard.updates.append(update)
        _audit(
            actor,
            hazard,
            "hazard.reinspect",
            None,
            {
                "accepted": decision.accepted,
                "note": update.note,
                "reinspection": visit.id,
                "photo_sha256": evidence_of(update.photos),
            },
        )
    db.session.flush()
    return visit


def reinspection_by_client_id(client_id: str | None) -> Reinspection | None:
    """The re-inspection recorded by the form with this UUID, if any."""
    return db.session.scalar(select(Reinspection).where(Reinspection.client_id == client_id)) if client_id else None


def reinspection_notice(client_id: str | None) -> Notice | None:
    """The 复查意见书 of the re-inspection recorded by the form with this UUID, if any."""
    if not client_id:
        return None
    return db.session.scalar(select(Notice).join(Reinspection).where(Reinspection.client_id == client_id))


def reinspection_hazards(facility: Facility, department_code: str | None, shown: str | None) -> list[Hazard]:
    """The hazards a re-inspection form decides: shown, the department's open hazards of the facility; sent, the
    ones it showed (`shown`: their ids) whatever became of them since, so that a hazard someone else closed
    meanwhile is refused by name instead of its decision being dropped."""
    if not department_code:
        return []
    if shown is None:
        return open_hazards(facility, department_code)
    ids = [int(part) for part in shown.split(",") if part.isascii() and part.isdigit() and len(part) <= 10][:500]
    stmt = select(Hazard).where(
        Hazard.facility_id == facility.id,
        Hazard.department_code == department_code,
        Hazard.id.in_(ids),
        Hazard.self_found.is_(False),
    )
    return list(db.session.scalars(stmt.order_by(Hazard.deadline, Hazard.id)))


def open_hazards(facility: Facility, department_code: str | None = None) -> list[Hazard]:
    """Return a facility's hazards that are not closed (optionally of one department), oldest deadline first."""
    stmt = select(Hazard).where(Hazard.facility_id == facility.id, Hazard.status != HazardStatus.CLOSED)
    if department_code:  # a department re-inspects only what officials found
        stmt = stmt.where(Hazard.department_code == department_code, Hazard.self_found.is_(False))
    return list(db.session.scalars(stmt.order_by(Hazard.deadline, Hazard.id)))


def _require_own_operator(hazard: Hazard, actor: Actor) -> User:
    user = actor.user
    if user is None or user.role != Role.OPERATOR or user.facility_id != hazard.facility_id:
        raise ServiceError(N_("只有本机构负责人可以提交整改材料"))
    return user


def _require_responsible_inspector(hazard: Hazard, actor: Actor) -> None:
    if hazard.self_found:
        raise ServiceError(N_("这是机构自查发现的隐患，由机构自行整改销号"))
    user = actor.user
    if (
        user is None
        or user.role != Role.INSPECTOR
        or user.department is None
        or user.department.code != hazard.department_code
    ):
        raise ServiceError(N_("只有负责该隐患的部门的检查员可以处理"))
    if not can_view_facility(user, hazard.facility):
        raise ServiceError(N_("该机构不在您的辖区"))


def _audit(actor: Actor, hazard: Hazard, action: str, before: dict | None, after: dict) -> None:
    record_event(
        actor,
        action,
        object_type="hazard",
        object_id=hazard.id,
        region_path=hazard.facility.region.path,
        before=before,
        after=after,
    )
