"""Inspections: planning with assignments, answers (idempotent, conflict-checked), department submission,
scoring at submission, corrections, and the facilities' stored standings."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from inspection.checklists import DEPARTMENT_NAMES, GRADING_CHECKLIST, Checklist, Item
from inspection.extensions import db
from inspection.models import (
    Answer,
    AnswerChange,
    AnswerResult,
    ChecklistStatus,
    Department,
    DepartmentSubmission,
    Facility,
    FacilityStanding,
    Hazard,
    HazardStatus,
    Inspection,
    InspectionAssignment,
    InspectionChecklist,
    InspectionPurpose,
    InspectionStatus,
    Photo,
    Role,
    StandingKind,
    User,
)
from inspection.orm import utcnow
from inspection.scoring import Answer as EngineAnswer
from inspection.scoring import FacilityFacts, ScoreResult, ScoringError, score
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event
from inspection.services.checklists import checklist_of, latest_version
from inspection.services.credit import is_blacklisted
from inspection.services.hazards import sync_hazards

#: Which stored standing each checklist decides.
STANDING_OF_CHECKLIST = {
    GRADING_CHECKLIST: StandingKind.GRADE,
    "fire_safety": StandingKind.FIRE,
    "food_safety": StandingKind.FOOD,
    "service_safety": StandingKind.SERVICE,
}
#: Inspectors per department (the food rules require at least two, 令第49号 第23条).
MIN_INSPECTORS_PER_DEPARTMENT = 2


class RuleViolation(ServiceError):
    """The request is well-formed but breaks a rule (e.g. a required photo is missing): HTTP 422."""


class Conflict(ServiceError):
    """The change clashes with what the server holds (stale revision, reused UUID): HTTP 409."""

    def __init__(self, message: str, conflicts: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


class OtherDepartment(ServiceError):
    """Items of sections another department owns: the caller may only read them (HTTP 403)."""

    def __init__(self, item_codes: Iterable[str]) -> None:
        self.item_codes = list(dict.fromkeys(item_codes))
        super().__init__(f"{'、'.join(self.item_codes)} 属于其他部门的检查部分，您只能查看")


class AnswerInput(NamedTuple):
    """One answer change sent by a client; `base_revision` is the revision the client last saw (0 = new).

    A named tuple rather than a frozen dataclass: a phone's sync creates hundreds at once, and a tuple is built
    several times faster.
    """

    item_code: str
    result: AnswerResult
    client_id: str
    deduction: Decimal | None = None
    note: str = ""
    base_revision: int | None = None


class ItemRef(NamedTuple):
    """Where an item of an inspection lives: the position of its checklist in `Inspection.checklists`, that
    checklist, the item and the department owning its section."""

    position: int
    checklist: Checklist
    item: Item
    department_code: str

    def inspection_checklist(self, inspection: Inspection) -> InspectionChecklist:
        return inspection.checklists[self.position]


def item_index(inspection: Inspection) -> Mapping[str, ItemRef]:
    """Return every item of the inspection's checklists by item code (read-only: shared between requests)."""
    key = tuple(ic.checklist_version_id for ic in inspection.checklists)
    index = _INDEXES.get(key)
    if index is None:  # versions never change, so the index of a combination is computed once per process
        index = _INDEXES[key] = MappingProxyType(
            {
                item.code: ItemRef(position, checklist, item, section.department.value)
                for position, checklist in enumerate(checklist_of(ic.version) for ic in inspection.checklists)
                for section in checklist.sections
                for item in section.items
            }
        )
    return index


#: Item indexes by the tuple of checklist version ids of an inspection.
_INDEXES: dict[tuple[int, ...], Mapping[str, ItemRef]] = {}


def departments_of(inspection: Inspection) -> list[str]:
    """Return the codes of the departments owning sections of the inspection, in first-seen order."""
    codes = [s.department.value for ic in inspection.checklists for s in checklist_of(ic.version).sections]
    return list(dict.fromkeys(codes))


def start_inspection(
    facility: Facility,
    checklist_codes: Sequence[str],
    inspected_on: date,
    purpose: InspectionPurpose,
    lead_department: Department,
    assignments: Mapping[str, Sequence[User]],
    actor: Actor,
    *,
    client_id: str | None = None,
) -> Inspection:
    """Plan an inspection with the newest version of each checklist (kept for good) and its inspectors.

    :param assignments: inspectors per department code; every department owning a section needs
        MIN_INSPECTORS_PER_DEPARTMENT inspectors of that department.
    :param client_id: a client's UUID; the same UUID again returns the inspection already created.
    :raises ServiceError: closed facility, unknown checklist, overlapping item codes or missing inspectors.
    """
    if client_id:
        existing = db.session.scalar(select(Inspection).where(Inspection.client_id == client_id))
        if existing is not None:
            if existing.facility_id != facility.id:
                raise Conflict("该 client_id 已用于另一家机构的检查", [{"client_id": client_id}])
            return existing
    if not facility.is_active:
        raise ServiceError("机构已关闭，不能检查")
    if not checklist_codes:
        raise ServiceError("请至少选择一张检查表")
    inspection = Inspection(
        facility=facility,
        inspected_on=inspected_on,
        purpose=purpose,
        lead_department=lead_department,
        created_by=actor.user,
        client_id=client_id,
    )
    for code in dict.fromkeys(checklist_codes):
        version = latest_version(code)
        if version is None:
            raise ServiceError(f"检查表 {code} 尚未导入")
        inspection.checklists.append(InspectionChecklist(version=version, checklist_code=code))
    _check_item_codes_unique(inspection)
    _assign(inspection, assignments, facility)
    db.session.add(inspection)
    db.session.flush()
    record_event(
        actor,
        "inspection.plan",
        object_type="inspection",
        object_id=inspection.id,
        region_path=facility.region.path,
        after={
            "facility_id": facility.id,
            "date": inspected_on.isoformat(),
            "checklists": [f"{c.checklist_code}@{c.version.version}" for c in inspection.checklists],
            "inspectors": sorted(a.user.username for a in inspection.assignments),
        },
    )
    return inspection


def teams_by_department(people: Iterable[User]) -> dict[str, list[User]]:
    """Group inspectors by the code of their department (the shape `start_inspection` takes); others are left out."""
    teams: dict[str, list[User]] = {}
    for person in people:
        if person.department is not None:
            teams.setdefault(person.department.code, []).append(person)
    return teams


def _check_item_codes_unique(inspection: Inspection) -> None:
    seen: dict[str, str] = {}
    for ic in inspection.checklists:
        for item in checklist_of(ic.version).items():
            if item.code in seen:
                raise ServiceError(f"检查表 {seen[item.code]} 与 {ic.checklist_code} 的条目编号 {item.code} 重复")
            seen[item.code] = ic.checklist_code


def _assign(inspection: Inspection, assignments: Mapping[str, Sequence[User]], facility: Facility) -> None:
    for code in departments_of(inspection):
        people = list(dict.fromkeys(assignments.get(code, ())))
        if len(people) < MIN_INSPECTORS_PER_DEPARTMENT:
            raise ServiceError(f"{_dept_name(code)}须指派至少 {MIN_INSPECTORS_PER_DEPARTMENT} 名检查员")
        for user in people:
            if user.role != Role.INSPECTOR or user.department is None or user.department.code != code:
                raise ServiceError(f"{user.display_name} 不是{_dept_name(code)}的检查员")
            if not user.region.contains(facility.region) and not facility.region.contains(user.region):
                raise ServiceError(f"{user.display_name} 不负责该机构所在区域")
            inspection.assignments.append(InspectionAssignment(department=user.department, user=user))


def _dept_name(code: str) -> str:
    return DEPARTMENT_NAMES.get(code, code)  # type: ignore[call-overload]


def submitted_departments(inspection: Inspection) -> set[str]:
    """Return the codes of the departments that have submitted their sections."""
    return {s.department_code for s in inspection.submissions}


class SavedAnswer(NamedTuple):
    """An answer as a batch left it (a named tuple, like `AnswerInput`: one per answer of a batch)."""

    item_code: str
    revision: int


def save_answers(inspection: Inspection, inputs: Iterable[AnswerInput], actor: Actor) -> list[SavedAnswer]:
    """Apply a batch of answer changes all together, or none of them.

    A change whose UUID was already applied with the same content is skipped (idempotent sync). Most batches
    carry only new changes, so their UUIDs are not looked up first: the batch is written in a savepoint, and
    when a UUID turns out to be taken (the unique index refuses it) or a change looks stale, the batch is
    redone knowing which changes the server already holds.

    :raises Conflict: a UUID reused with other content, or a stale `base_revision`; nothing is stored.
    :raises OtherDepartment: items of another department's sections; nothing is stored.
    :raises ServiceError: unknown item, a section already submitted, or a bad answer.
    """
    inputs = list(inputs)
    try:
        with db.session.begin_nested():
            return _save(inspection, inputs, actor, applied=None)
    except (IntegrityError, _MaybeResent):
        for ic in inspection.checklists:
            db.session.expire(ic, ["answers"])  # another request may have answered meanwhile
    return _save(inspection, inputs, actor, applied=_applied_changes([i.client_id for i in inputs]))


class _MaybeResent(Exception):
    """A change looked stale, but it may be one the server already holds: look the batch's UUIDs up."""


def _save(
    inspection: Inspection, inputs: list[AnswerInput], actor: Actor, applied: dict[str, AnswerChange] | None
) -> list[SavedAnswer]:
    """Check and write a batch; `applied` holds the changes of the batch's UUIDs the server has, None if unknown."""
    index = item_index(inspection)
    department = actor.department_code
    locked = submitted_departments(inspection)
    others = [c.item_code for c in inputs if c.item_code in index and index[c.item_code].department_code != department]
    if others:
        raise OtherDepartment(others)
    answers = {a.item_code: a for ic in inspection.checklists for a in ic.answers}
    conflicts: list[dict[str, object]] = []
    pending: list[tuple[AnswerInput, ItemRef]] = []
    for change in inputs:
        ref = index.get(change.item_code)
        if ref is None:
            raise ServiceError(f"检查中没有条目 {change.item_code}")
        if ref.department_code in locked:
            raise ServiceError(f"{_dept_name(ref.department_code)}的检查部分已提交，不能再修改")
        _validate(change, ref.item)
        previous = applied.get(change.client_id) if applied else None
        if previous is not None:
            if _same(previous, change, inspection):
                continue
            conflicts.append(
                {"item_code": change.item_code, "client_id": change.client_id, "reason": "client_id_reused"}
            )
            continue
        current = answers.get(change.item_code)
        current_revision = current.revision if current else 0
        if change.base_revision is not None and change.base_revision != current_revision:
            conflicts.append(_stale(change, current))
            continue
        pending.append((change, ref))
    if conflicts:
        if applied is None:
            raise _MaybeResent
        raise Conflict("有条目已被他人修改或重复提交了不同内容，未保存任何修改", conflicts)
    saved = _write(inspection, pending, answers, actor)
    if saved:
        _next_revision(inspection)
        for ic in inspection.checklists:
            db.session.expire(ic, ["answers"])  # written in bulk below the ORM: reload on next use
    return saved


def _next_revision(inspection: Inspection) -> None:
    """Count the inspection's revision up in the database, so that concurrent saves never lose an increment."""
    bump = (
        update(Inspection)
        .where(Inspection.id == inspection.id)
        .values(revision=Inspection.revision + 1)
        .returning(Inspection.revision)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(inspection, "revision", db.session.scalar(bump))


def _write(
    inspection: Inspection, pending: list[tuple[AnswerInput, ItemRef]], answers: dict[str, Answer], actor: Actor
) -> list[SavedAnswer]:
    """Insert new answers and update existing ones in a few bulk statements, with one change row per change.

    A phone syncing a morning's work sends hundreds of answers at once; per-object ORM flushes made that
    request many times slower than the inserts themselves (benchmarks/bench_answers.py). Several changes of
    one item in a batch apply in order: the answer ends with the last, each change gets its own revision.
    """
    user_id, now = actor.user_id, utcnow()
    checklist_ids = [ic.id for ic in inspection.checklists]
    by_item: dict[str, list[AnswerInput]] = {}
    checklist_of_item: dict[str, int] = {}
    for change, ref in pending:
        by_item.setdefault(change.item_code, []).append(change)
        checklist_of_item[change.item_code] = checklist_ids[ref.position]
    base = {code: answers[code].revision if code in answers else 0 for code in by_item}
    ids = {code: answers[code].id for code in by_item if code in answers}
    new = [code for code in by_item if code not in answers]
    if new:
        rows = [
            _answer_row(
                by_item[code][-1],
                base[code] + len(by_item[code]),
                user_id,
                now,
                inspection_checklist_id=checklist_of_item[code],
                item_code=code,
            )
            for code in new
        ]
        # One executemany, then one SELECT for the new ids: RETURNING in parameter order makes SQLite send a
        # statement per row.
        db.session.execute(insert(Answer), rows)
        new_ids = select(Answer.item_code, Answer.id).where(
            Answer.inspection_checklist_id.in_({checklist_of_item[code] for code in new})
        )  # all of the checklists' answers: cheaper than naming hundreds of item codes, and item codes are unique
        ids.update({code: answer_id for code, answer_id in db.session.execute(new_ids) if code not in ids})
    existing = [code for code in by_item if code in answers]
    if existing:
        rows = [
            _answer_row(by_item[code][-1], base[code] + len(by_item[code]), user_id, now, id=ids[code])
            for code in existing
        ]
        db.session.execute(update(Answer), rows)
        for code in existing:
            db.session.expire(answers[code])
    changes = [
        _change_row(change, base[code] + n, user_id, now, ids[code])
        for code, item_changes in by_item.items()
        for n, change in enumerate(item_changes, start=1)
    ]
    if changes:
        db.session.execute(insert(AnswerChange), changes)
    return [SavedAnswer(code, base[code] + len(changes)) for code, changes in by_item.items()]


def _answer_row(change: AnswerInput, revision: int, user_id: int | None, now: datetime, **keys: object) -> dict:
    return {
        "result": change.result.value,
        "deduction": change.deduction,
        "note": change.note,
        "revision": revision,
        "answered_by_id": user_id,
        "updated_at": now,
        **keys,
    }


def _change_row(change: AnswerInput, revision: int, user_id: int | None, now: datetime, answer_id: int) -> dict:
    return {
        "client_id": change.client_id,
        "answer_id": answer_id,
        "result": change.result.value,
        "deduction": change.deduction,
        "note": change.note,
        "revision": revision,
        "reason": "",
        "user_id": user_id,
        "created_at": now,
    }


def _applied_changes(client_ids: list[str]) -> dict[str, AnswerChange]:
    if not client_ids:
        return {}
    rows = db.session.scalars(select(AnswerChange).where(AnswerChange.client_id.in_(client_ids)))
    return {row.client_id: row for row in rows}


def _same(previous: AnswerChange, change: AnswerInput, inspection: Inspection) -> bool:
    """Whether `previous` is `change` sent again: same inspection, item and content."""
    return (
        previous.answer.inspection_checklist.inspection_id == inspection.id
        and previous.answer.item_code == change.item_code
        and previous.result == change.result
        and _decimal(previous.deduction) == _decimal(change.deduction)
        and previous.note == change.note
    )


def _decimal(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


def _stale(change: AnswerInput, current: Answer | None) -> dict[str, object]:
    theirs = None
    if current is not None:
        theirs = {
            "result": current.result,
            "deduction": None if current.deduction is None else str(current.deduction),
            "note": current.note,
            "revision": current.revision,
        }
    return {"item_code": change.item_code, "client_id": change.client_id, "reason": "stale_revision", "server": theirs}


def _validate(change: AnswerInput, item: Item) -> None:
    if change.deduction is not None or not isinstance(change.result, AnswerResult):
        try:  # the engine's own checks; a plain pass/fail/na without deduction has nothing more to check
            EngineAnswer(AnswerResult(change.result), change.deduction, change.note)
        except (ScoringError, ValueError) as error:
            raise ServiceError(f"{item.code}: {error}") from None
    if change.result == AnswerResult.NA and not item.na_allowed:
        raise ServiceError(f"{item.code} 不允许作为合理缺项")
    if change.deduction is not None and change.deduction > item.points:
        raise ServiceError(f"{item.code} 的扣分不能超过 {item.points} 分")
    if len(change.note) > 2000:
        raise ServiceError(f"{item.code} 的问题描述过长（上限 2000 字）")


def _apply(
    change: AnswerInput, ic: InspectionChecklist, answers: dict[str, Answer], actor: Actor, reason: str = ""
) -> Answer:
    answer = answers.get(change.item_code)
    if answer is None:
        answer = Answer(inspection_checklist=ic, item_code=change.item_code, revision=0, note="")
        db.session.add(answer)
        answers[change.item_code] = answer
    answer.result, answer.deduction, answer.note = AnswerResult(change.result), change.deduction, change.note
    answer.answered_by_id = actor.user_id
    answer.revision += 1
    answer.changes.append(
        AnswerChange(
            client_id=change.client_id,
            revision=answer.revision,
            result=answer.result,
            deduction=answer.deduction,
            note=answer.note,
            reason=reason,
            user_id=answer.answered_by_id,
        )
    )
    return answer


def facility_facts(facility: Facility) -> FacilityFacts:
    """Return what the scoring engine needs to know about `facility`, including the vetoes: major hazards not yet
    closed by re-inspection, and an active credit listing."""
    open_major = (
        select(func.count())
        .select_from(Hazard)
        .where(Hazard.facility_id == facility.id, Hazard.item_class == "major", Hazard.status != HazardStatus.CLOSED)
    )
    return FacilityFacts(
        open_major_hazards=db.session.scalar(open_major) or 0,
        blacklisted=is_blacklisted(facility.id),
        has_canteen=facility.has_canteen,
        has_medical_unit=facility.has_medical_unit,
        has_special_equipment=facility.has_special_equipment,
        has_campus_roads=True,
        beds=facility.beds,
        residents=facility.residents,
        offers_ten_services=facility.offers_ten_services,
    )


def score_checklist(inspection_checklist: InspectionChecklist) -> ScoreResult:
    """Score the current answers against the checklist version the inspection pinned."""
    answers = {a.item_code: EngineAnswer(a.result, a.deduction, a.note) for a in inspection_checklist.answers}
    facility = inspection_checklist.inspection.facility
    return score(checklist_of(inspection_checklist.version), answers, facility_facts(facility))


def submit_department(inspection: Inspection, department_code: str, actor: Actor) -> list[ScoreResult]:
    """Lock a department's sections; score every checklist whose departments have all submitted.

    :return: the results of the inspection's checklists (final for the fully submitted ones).
    :raises ServiceError: already submitted, or the department has no section here.
    :raises RuleViolation: items unanswered, or a failed item without its required photo.
    """
    if department_code not in departments_of(inspection):
        raise ServiceError("该部门在本次检查中没有检查部分")
    if department_code in submitted_departments(inspection):
        raise ServiceError(f"{_dept_name(department_code)}的检查部分已提交")
    _check_complete(inspection, department_code)
    inspection.submissions.append(DepartmentSubmission(department_code=department_code, submitted_by_id=actor.user_id))
    db.session.flush()
    done = submitted_departments(inspection)
    results = []
    for ic in inspection.checklists:
        result = score_checklist(ic)
        if ic.status == ChecklistStatus.OPEN and checklist_of(ic.version).section_departments() <= done:
            _store_result(ic, result, actor)
        results.append(result)
    if set(departments_of(inspection)) <= done:
        inspection.status, inspection.completed_at = InspectionStatus.COMPLETE, utcnow()
    db.session.flush()
    record_event(
        actor,
        "inspection.submit",
        object_type="inspection",
        object_id=inspection.id,
        region_path=inspection.facility.region.path,
        after={"department": department_code, "status": InspectionStatus(inspection.status).value},
    )
    return results


def _check_complete(inspection: Inspection, department_code: str) -> None:
    refs = [r for r in item_index(inspection).values() if r.department_code == department_code]
    facts = facility_facts(inspection.facility).true_facts()
    answers = {a.item_code: a for ic in inspection.checklists for a in ic.answers}
    unanswered = [r.item.code for r in refs if r.item.code not in answers and r.item.applies_to(facts)]
    if unanswered:
        raise RuleViolation(f"还有 {len(unanswered)} 项未检查：{'、'.join(unanswered[:10])}")
    photographed = set(
        db.session.scalars(
            select(Photo.item_code).where(Photo.inspection_id == inspection.id).group_by(Photo.item_code)
        )
    )
    failed = {code for code, answer in answers.items() if answer.result == AnswerResult.FAIL}
    # Items N/A by the facility's facts have no answer at all, so they can neither fail nor need a photo.
    missing = [
        r.item.code for r in refs if r.item.photo_on_fail and r.item.code in failed and r.item.code not in photographed
    ]
    if missing:
        raise RuleViolation(f"以下不合格项须拍照后才能提交：{'、'.join(missing)}")


def _store_result(ic: InspectionChecklist, result: ScoreResult, actor: Actor) -> None:
    ic.status, ic.submitted_at, ic.submitted_by_id = (
        ChecklistStatus.SUBMITTED,
        utcnow(),
        actor.user_id,
    )
    ic.points, ic.max_points, ic.percent = result.points, result.max_points, result.percent
    ic.verdict, ic.verdict_code, ic.grade, ic.result = (
        result.verdict,
        result.verdict_code,
        result.grade,
        result.to_dict(),
    )
    _update_standing(ic, result)
    sync_hazards(ic)


def correct_answer(inspection: Inspection, change: AnswerInput, reason: str, actor: Actor) -> Answer:
    """Change an answer of a submitted section: only the lead department, with a reason; re-scores and records
    before and after.

    :raises Conflict: the change's UUID was already used for other content.
    :raises ServiceError: no reason, not the lead department, or the section is not submitted yet.
    """
    if not reason.strip():
        raise ServiceError("更正须填写理由")
    user = actor.user
    if user is None or user.department_id != inspection.lead_department_id or not is_assigned(user, inspection):
        raise ServiceError("只有牵头部门的检查员可以更正已提交的结果")
    ref = item_index(inspection).get(change.item_code)
    if ref is None:
        raise ServiceError(f"检查中没有条目 {change.item_code}")
    if ref.department_code not in submitted_departments(inspection):
        raise ServiceError("该部分尚未提交，请直接修改")
    _validate(change, ref.item)
    previous = _applied_changes([change.client_id]).get(change.client_id)
    if previous is not None:  # a retried correction: the same content is a no-op, other content a conflict
        if _same(previous, change, inspection):
            return previous.answer
        raise Conflict("该 client_id 已用于另一项修改", [{"item_code": change.item_code, "reason": "client_id_reused"}])
    ic = ref.inspection_checklist(inspection)
    answers = {a.item_code: a for a in ic.answers}
    old = answers.get(change.item_code)
    before = (
        {"result": AnswerResult(old.result).value, "deduction": str(old.deduction), "note": old.note} if old else None
    )
    answer = _apply(change, ic, answers, actor, reason=reason.strip())
    if ic.status == ChecklistStatus.SUBMITTED:
        _store_result(ic, score_checklist(ic), actor)
    db.session.flush()
    record_event(
        actor,
        "inspection.correct",
        object_type="inspection",
        object_id=inspection.id,
        region_path=inspection.facility.region.path,
        before=before,
        after={
            "item_code": change.item_code,
            "result": answer.result.value,
            "deduction": str(answer.deduction),
            "note": answer.note,
        },
        detail=reason.strip(),
    )
    return answer


def is_assigned(user: User, inspection: Inspection) -> bool:
    """Return True if `user` is one of the inspection's inspectors."""
    return any(a.user_id == user.id for a in inspection.assignments)


def _update_standing(ic: InspectionChecklist, result: ScoreResult) -> None:
    kind = STANDING_OF_CHECKLIST.get(ic.checklist_code)
    if kind is None:
        return
    inspection = ic.inspection
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == inspection.facility_id, FacilityStanding.kind == kind
        )
    )
    if standing is not None and standing.decided_on > inspection.inspected_on:
        return  # a later inspection already decided it
    if standing is None:
        standing = FacilityStanding(facility_id=inspection.facility_id, kind=kind)
        db.session.add(standing)
    standing.inspection_checklist = ic
    standing.decided_on = inspection.inspected_on
    standing.verdict, standing.verdict_code, standing.grade = result.verdict, result.verdict_code, result.grade
    standing.points, standing.unverified = result.points, result.unverified


def answered_count(inspection: Inspection) -> int:
    """Return how many answers the inspection holds."""
    ids = [ic.id for ic in inspection.checklists]
    return (
        db.session.scalar(select(func.count()).select_from(Answer).where(Answer.inspection_checklist_id.in_(ids))) or 0
    )


def plan_campaign(
    facilities: Sequence[Facility],
    checklist_codes: Sequence[str],
    inspected_on: date,
    lead_department: Department,
    assignments: Mapping[str, Sequence[User]],
    actor: Actor,
) -> list[Inspection]:
    """Plan one inspection per facility (专项行动), all or none.

    :raises ServiceError: no facility, or any single plan is refused (the message names the facility).
    """
    if not facilities:
        raise ServiceError("范围内没有运营中的机构")
    planned = []
    for facility in facilities:
        try:
            planned.append(
                start_inspection(
                    facility,
                    checklist_codes,
                    inspected_on,
                    InspectionPurpose.CAMPAIGN,
                    lead_department,
                    assignments,
                    actor,
                )
            )
        except ServiceError as error:
            raise ServiceError(f"{facility.name}：{error}") from error
    return planned
