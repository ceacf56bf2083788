"""Answers: batches saved idempotently with stale-write checks, and corrections of submitted sections."""

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from inspection.checklists import Checklist, DepartmentCode
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    Answer,
    AnswerChange,
    AnswerResult,
    Inspection,
    StandingKind,
)
from inspection.orm import utcnow
from inspection.permissions import is_self_inspection
from inspection.scoring import Answer as EngineAnswer
from inspection.scoring import ScoringError
from inspection.services import Actor, Conflict, OtherDepartment, ServiceError
from inspection.services.planning import ItemRef, department_name, item_index, submitted_departments

#: Longest location text (`Answer.location`).
MAX_LOCATION = 200


class AnswerInput(NamedTuple):
    """One answer change sent by a client; `base_revision` is the revision the client last saw (0 = new),
    `edited_at` when the person made the change on their device (naive UTC), if the client said, `location` where
    a failure was seen and `affects_food_safety` the inspector's judgement on a failed food item.

    A named tuple rather than a frozen dataclass: a phone's sync creates hundreds at once, and a tuple is built
    several times faster.
    """

    item_code: str
    result: AnswerResult
    client_id: str
    deduction: Decimal | None = None
    note: str = ""
    base_revision: int | None = None
    edited_at: datetime | None = None
    location: str = ""
    affects_food_safety: bool = False


class SavedAnswer(NamedTuple):
    """An answer as the server holds it after a batch (a named tuple, like `AnswerInput`: one per item of a
    batch); the client takes it as the server's value, whether this batch wrote it or an earlier one did."""

    item_code: str
    revision: int
    result: AnswerResult
    deduction: Decimal | None
    note: str
    location: str
    affects_food_safety: bool


def save_answers(inspection: Inspection, inputs: Iterable[AnswerInput], actor: Actor) -> list[SavedAnswer]:
    """Apply a batch of answer changes all together, or none of them.

    A change whose UUID was already applied with the same content is skipped (idempotent sync). Most batches
    carry only new changes, so their UUIDs are not looked up first: the batch is written in a savepoint, and
    when a UUID turns out to be taken (the unique index refuses it) or a change looks stale, the batch is
    redone knowing which changes the server already holds.

    A change built on an older revision conflicts only when *another person* changed the item since: one
    person's edits that overtake each other on the way (a phone editing while its last save is in flight, a
    reply lost) never conflict with themselves. Among one person's edits the one made last on the device wins:
    an edit older than one the server already holds from the same person is skipped.

    :raises Conflict: a UUID reused with other content, or another person changed an item since
        `base_revision`; nothing is stored.
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
    return _save(inspection, inputs, actor, applied=applied_changes([i.client_id for i in inputs]))


class _MaybeResent(Exception):
    """A change looked stale, but it may be one the server already holds: look the batch's UUIDs up."""


def _save(
    inspection: Inspection, inputs: list[AnswerInput], actor: Actor, applied: dict[str, AnswerChange] | None
) -> list[SavedAnswer]:
    """Check and write a batch; `applied` holds the changes of the batch's UUIDs the server has, None if unknown."""
    index = item_index(inspection)
    department = actor.department_code
    locked = submitted_departments(inspection)
    # In a self-inspection the facility answers every part: no department owns one.
    others = (
        []
        if is_self_inspection(inspection)
        else [c.item_code for c in inputs if c.item_code in index and index[c.item_code].department_code != department]
    )
    if others:
        raise OtherDepartment(others)
    answers = {a.item_code: a for ic in inspection.checklists for a in ic.answers}
    history = _changes_since(inputs, answers)
    conflicts: list[dict[str, object]] = []
    pending: list[tuple[AnswerInput, ItemRef]] = []
    for change in inputs:
        ref = index.get(change.item_code)
        if ref is None:
            raise ServiceError(N_("检查中没有条目 %(code)s"), code=change.item_code)
        if ref.department_code in locked:
            raise ServiceError(
                N_("%(department)s的检查部分已提交，不能再修改"), department=department_name(ref.department_code)
            )
        change = checked_change(change, ref)
        previous = applied.get(change.client_id) if applied else None
        if previous is not None:
            if same_change(previous, change, inspection):
                continue
            conflicts.append(
                {"item_code": change.item_code, "client_id": change.client_id, "reason": "client_id_reused"}
            )
            continue
        current = answers.get(change.item_code)
        current_revision = current.revision if current else 0
        if change.base_revision is not None and change.base_revision != current_revision:
            since = _since(history, current, change.base_revision)
            if since is None or any(edit.user_id != actor.user_id for edit in since):
                conflicts.append(_stale(change, current))
                continue
            if _overtaken(change, since):
                continue
        pending.append((change, ref))
    if conflicts:
        if applied is None:
            raise _MaybeResent
        raise Conflict(N_("有条目已被他人修改或重复提交了不同内容，未保存任何修改"), conflicts)
    written = _write(inspection, pending, answers, actor)
    if written:
        next_revision(inspection)
        for ic in inspection.checklists:
            db.session.expire(ic, ["answers"])  # written in bulk below the ORM: reload on next use
    held = {code: _held(answers[code]) for code in {c.item_code for c in inputs} - written.keys()}
    return [written.get(code) or held[code] for code in dict.fromkeys(c.item_code for c in inputs)]


class _Edit(NamedTuple):
    """One earlier change of an answer, as far as deciding a stale change needs it."""

    revision: int
    user_id: int | None
    edited_at: datetime | None


def _changes_since(inputs: list[AnswerInput], answers: dict[str, Answer]) -> dict[int, list[_Edit]]:
    """The recorded changes of the answers that some change of the batch sees an older revision of, by answer id;
    one query, and none for a batch built on current revisions (the usual case)."""
    stale = {
        answers[c.item_code].id: c.base_revision
        for c in inputs
        if c.item_code in answers and c.base_revision is not None and c.base_revision < answers[c.item_code].revision
    }
    if not stale:
        return {}
    rows = db.session.execute(
        select(AnswerChange.answer_id, AnswerChange.revision, AnswerChange.user_id, AnswerChange.edited_at).where(
            AnswerChange.answer_id.in_(stale), AnswerChange.revision > min(stale.values())
        )
    )
    history: dict[int, list[_Edit]] = {}
    for answer_id, revision, user_id, edited_at in rows:
        history.setdefault(answer_id, []).append(_Edit(revision, user_id, edited_at))
    return history


def _since(history: dict[int, list[_Edit]], current: Answer | None, base: int) -> list[_Edit] | None:
    """The changes after revision `base` of the current answer, or None when they are not all recorded (an answer
    written without history, or a base the server never had): treated as another person's change."""
    if current is None or base > current.revision:
        return None
    since = [edit for edit in history.get(current.id, ()) if edit.revision > base]
    return since if len(since) == current.revision - base else None


def _overtaken(change: AnswerInput, since: list[_Edit]) -> bool:
    """Whether the server already holds an edit by the same person made after this one on their device."""
    times = [edit.edited_at for edit in since if edit.edited_at is not None]
    return change.edited_at is not None and bool(times) and change.edited_at < max(times)


def _held(answer: Answer) -> SavedAnswer:
    return SavedAnswer(
        answer.item_code,
        answer.revision,
        AnswerResult(answer.result),
        answer.deduction,
        answer.note,
        answer.location,
        answer.affects_food_safety,
    )


def next_revision(inspection: Inspection) -> int:
    """Count the inspection's revision up in the database, so that concurrent saves never lose an increment (the
    UPDATE locks the row until commit: each save gets its own number); return the new revision. Every change a
    phone's copy of the inspection would show (answers, photos, signatures, submissions) counts it up: phones
    poll with it as the ETag."""
    bump = (
        update(Inspection)
        .where(Inspection.id == inspection.id)
        .values(revision=Inspection.revision + 1)
        .returning(Inspection.revision)
        .execution_options(synchronize_session=False)
    )
    revision = db.session.scalar(bump)
    set_committed_value(inspection, "revision", revision)
    return revision


def _write(
    inspection: Inspection, pending: list[tuple[AnswerInput, ItemRef]], answers: dict[str, Answer], actor: Actor
) -> dict[str, SavedAnswer]:
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
    return {
        code: SavedAnswer(
            code,
            base[code] + len(item_changes),
            last.result,
            _stored(last.deduction),
            last.note,
            last.location,
            last.affects_food_safety,
        )
        for code, item_changes in by_item.items()
        for last in item_changes[-1:]
    }


def _stored(deduction: Decimal | None) -> Decimal | None:
    """A deduction as the database gives it back (two decimals)."""
    return None if deduction is None else deduction.quantize(Decimal("0.01"))


def _answer_row(change: AnswerInput, revision: int, user_id: int | None, now: datetime, **keys: object) -> dict:
    return {
        "result": change.result.value,
        "deduction": change.deduction,
        "note": change.note,
        "location": change.location,
        "affects_food_safety": change.affects_food_safety,
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
        "location": change.location,
        "affects_food_safety": change.affects_food_safety,
        "revision": revision,
        "reason": "",
        "user_id": user_id,
        "edited_at": change.edited_at,
        "created_at": now,
    }


def applied_changes(client_ids: list[str]) -> dict[str, AnswerChange]:
    if not client_ids:
        return {}
    rows = db.session.scalars(select(AnswerChange).where(AnswerChange.client_id.in_(client_ids)))
    return {row.client_id: row for row in rows}


def same_change(previous: AnswerChange, change: AnswerInput, inspection: Inspection) -> bool:
    """Whether `previous` is `change` sent again: same inspection, item and content."""
    return (
        previous.answer.inspection_checklist.inspection_id == inspection.id
        and previous.answer.item_code == change.item_code
        and previous.result == change.result
        and _decimal(previous.deduction) == _decimal(change.deduction)
        and previous.note == change.note
        and previous.location == change.location
        and previous.affects_food_safety == change.affects_food_safety
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
            "location": current.location,
            "affects_food_safety": current.affects_food_safety,
            "revision": current.revision,
        }
    return {"item_code": change.item_code, "client_id": change.client_id, "reason": "stale_revision", "server": theirs}


def checked_change(change: AnswerInput, ref: ItemRef) -> AnswerInput:
    """Return the change as it is stored: the location trimmed, and cleared on an answer that is not a failure
    (only a failure was seen somewhere).

    :raises ServiceError: a bad deduction, note, location or food-safety flag; `fields` names the field.
    """
    _validate(change, ref)
    location = change.location.strip() if change.result == AnswerResult.FAIL else ""
    if len(location) > MAX_LOCATION:
        raise ServiceError(
            N_("%(code)s 的问题位置过长（上限 %(max)s 字）"),
            fields={"location": N_("过长")},
            code=change.item_code,
            max=MAX_LOCATION,
        )
    if any(unicodedata.category(char) == "Cc" for char in location):
        raise ServiceError(
            N_("%(code)s 的问题位置含有控制字符"), fields={"location": N_("含有不允许的字符")}, code=change.item_code
        )
    if change.affects_food_safety:
        if change.result != AnswerResult.FAIL:
            raise ServiceError(
                N_("%(code)s 未判为不合格，不能标记为影响食品安全"),
                fields={"affects_food_safety": N_("仅用于不合格项")},
                code=change.item_code,
            )
        if not takes_food_flag(ref.checklist, ref.department_code):
            raise ServiceError(
                N_("%(code)s 不是食品安全检查条目，不能标记为影响食品安全"),
                fields={"affects_food_safety": N_("仅用于食品安全检查条目")},
                code=change.item_code,
            )
    return change if location == change.location else change._replace(location=location)


def takes_food_flag(checklist: Checklist, department_code: str) -> bool:
    """Whether a failure of an item may be marked as affecting food safety: the items of 市场监管's sections of a
    food checklist, whose verdict under 总局令第49号 turns on that judgement (DOMAIN §15.4)."""
    return (
        checklist.standing is not None
        and checklist.standing.kind == StandingKind.FOOD
        and department_code == DepartmentCode.MARKET_REGULATION
    )


def _validate(change: AnswerInput, ref: ItemRef) -> None:
    item = ref.item
    if change.deduction is not None or not isinstance(change.result, AnswerResult):
        try:  # the engine's own checks; a plain pass/fail/na without deduction has nothing more to check
            EngineAnswer(AnswerResult(change.result), change.deduction, change.note)
        except (ScoringError, ValueError) as error:
            raise ServiceError(N_("%(code)s: %(problem)s"), code=item.code, problem=str(error)) from None
    if change.result == AnswerResult.NA and not item.na_allowed:
        raise ServiceError(N_("%(code)s 不允许作为合理缺项"), code=item.code)
    if change.deduction is not None and change.deduction > item.points:
        raise ServiceError(N_("%(code)s 的扣分不能超过 %(points)s 分"), code=item.code, points=item.points)
    if len(change.note) > 2000:
        raise ServiceError(N_("%(code)s 的问题描述过长（上限 2000 字）"), code=item.code)


def answered_count(inspection: Inspection) -> int:
    """Return how many answers the inspection holds."""
    ids = [ic.id for ic in inspection.checklists]
    return (
        db.session.scalar(select(func.count()).select_from(Answer).where(Answer.inspection_checklist_id.in_(ids))) or 0
    )
