"""A facility's history as plain data (inspections with results and countersignatures, notices, hazards with their
before/after photos, the blacklist record, scores over time) and the item-by-item comparison of two inspections."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspection.charts import Series
from inspection.extensions import db
from inspection.followup_rules import is_overdue
from inspection.i18n import N_, Message
from inspection.models import (
    ChecklistStatus,
    CreditListing,
    Facility,
    Hazard,
    HazardPhoto,
    HazardStatus,
    HazardUpdate,
    Inspection,
    InspectionChecklist,
    InspectionPurpose,
    Notice,
    Photo,
    User,
)
from inspection.permissions import can_view_facility, can_view_inspection
from inspection.scoring.engine import ANSWER_RESULT_LABELS, AnswerResult
from inspection.services.checklists import checklist_of
from inspection.services.standings import standing_kinds, standing_of

CLOSED_SHOWN = 30


@dataclass(frozen=True)
class ChecklistLine:
    """One checklist of an inspection with its stored result and countersignature."""

    code: str
    title: str
    submitted: bool
    verdict: str
    verdict_code: str
    grade: int | None
    points: Decimal | None
    max_points: Decimal | None
    percent: Decimal | None
    reviewed_at: datetime | None
    reviewer: str
    review_comment: str
    #: The kind of standing its result sets (``[standing] kind`` of its checklist), "" when none.
    standing: str = ""


@dataclass(frozen=True)
class InspectionLine:
    """One inspection in the facility's history."""

    id: int
    inspected_on: date
    purpose: str
    complete: bool
    checklists: list[ChecklistLine]


@dataclass(frozen=True)
class HazardLine:
    """One hazard, with the ids of its before (finding) and after (rectification) photos."""

    id: int
    item_code: str
    item_text: str
    item_class: str
    status: str
    deadline: date
    overdue: bool
    closed_on: date | None
    before_photos: list[int] = field(default_factory=list)
    after_photos: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ScoreHistory:
    """The score (percent of the maximum) of each kind of standing at each inspection date: the series a chart
    draws (the kinds scored at least once) and the table of the same numbers (every kind in use)."""

    dates: list[date]
    series: list[Series]
    #: Headings of the table's score columns (one per standing kind, in order).
    headers: list[str]
    #: The table's rows: the date and each kind's score ("—" when none).
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class FacilityHistory:
    """Everything the history partial shows."""

    inspections: list[InspectionLine]
    notices: list[dict[str, Any]]
    open_hazards: list[HazardLine]
    closed_hazards: list[HazardLine]
    closed_total: int
    listings: list[dict[str, Any]]
    #: None when fewer than two scores were recorded.
    scores: ScoreHistory | None


def facility_history(facility: Facility, user: User, today: date | None = None) -> FacilityHistory:
    """Return the history of `facility` as `user` may see it (inspectors: only inspections they took part in).

    :param today: the day overdue hazards are judged against (defaults to today).
    """
    today = today or date.today()
    inspections = _inspections(facility, user)
    hazards = list(
        db.session.scalars(select(Hazard).where(Hazard.facility_id == facility.id).order_by(Hazard.deadline, Hazard.id))
    )
    open_rows = [h for h in hazards if h.status != HazardStatus.CLOSED]
    closed_rows = sorted((h for h in hazards if h.status == HazardStatus.CLOSED), key=lambda h: h.closed_on or today)
    closed_rows = closed_rows[::-1][:CLOSED_SHOWN]
    photos = _photos(open_rows + closed_rows)
    return FacilityHistory(
        inspections=inspections,
        notices=_notices(facility),
        open_hazards=[_hazard_line(h, today, photos) for h in open_rows],
        closed_hazards=[_hazard_line(h, today, photos) for h in closed_rows],
        closed_total=len(hazards) - len(open_rows),
        listings=_listings(facility),
        scores=_scores(inspections),
    )


def facility_inspections(facility: Facility, user: User) -> list[Inspection]:
    """Return the inspections of `facility` that `user` may see, newest first."""
    stmt = (
        select(Inspection)
        .where(Inspection.facility_id == facility.id)
        .options(selectinload(Inspection.assignments), selectinload(Inspection.checklists))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    return [i for i in db.session.scalars(stmt) if can_view_inspection(user, i)]


def visible_hazard_photo(photo_id: int, user: User) -> HazardPhoto | None:
    """Return an 'after' photo of a hazard's rectification, or None when there is none or `user` may not see its
    facility."""
    photo = db.session.get(HazardPhoto, photo_id)
    if photo is None:
        return None
    stmt = select(Hazard).join(HazardUpdate, HazardUpdate.hazard_id == Hazard.id)
    hazard = db.session.scalar(stmt.where(HazardUpdate.id == photo.update_id))
    return photo if hazard is not None and can_view_facility(user, hazard.facility) else None


def _inspections(facility: Facility, user: User) -> list[InspectionLine]:
    visible = facility_inspections(facility, user)
    reviewer_ids = {ic.reviewed_by_id for i in visible for ic in i.checklists if ic.reviewed_by_id}
    names = {
        uid: name
        for uid, name in db.session.execute(select(User.id, User.display_name).where(User.id.in_(reviewer_ids)))
    }
    return [
        InspectionLine(
            i.id, i.inspected_on, i.purpose, i.status == "complete", [_line(ic, names) for ic in i.checklists]
        )
        for i in visible
    ]


def _line(ic: InspectionChecklist, names: dict[int, str]) -> ChecklistLine:
    return ChecklistLine(
        code=ic.checklist_code,
        title=ic.version.title,
        submitted=ic.status == ChecklistStatus.SUBMITTED,
        verdict=ic.verdict or "",
        verdict_code=ic.verdict_code or "",
        grade=ic.grade,
        points=ic.points,
        max_points=ic.max_points,
        percent=ic.percent,
        reviewed_at=ic.reviewed_at,
        reviewer=names.get(ic.reviewed_by_id or 0, ""),
        review_comment=ic.review_comment,
        standing=standing.kind if (standing := standing_of(ic.version)) else "",
    )


def _notices(facility: Facility) -> list[dict[str, Any]]:
    stmt = select(Notice).where(Notice.facility_id == facility.id).order_by(Notice.issued_on.desc(), Notice.id.desc())
    return [
        {"id": n.id, "number": n.number, "kind": n.kind, "status": n.status, "issued_on": n.issued_on}
        for n in db.session.scalars(stmt)
    ]


def _photos(hazards: list[Hazard]) -> dict[int, tuple[list[int], list[int]]]:
    """Return (before photo ids, after photo ids) per hazard id."""
    if not hazards:
        return {}
    keys = {(h.inspection_id, h.item_code): h.id for h in hazards}
    before: dict[int, list[int]] = defaultdict(list)
    stmt = select(Photo.id, Photo.inspection_id, Photo.item_code).where(
        Photo.inspection_id.in_({h.inspection_id for h in hazards})
    )
    for photo_id, inspection_id, item_code in db.session.execute(stmt.order_by(Photo.id)):
        if (inspection_id, item_code) in keys:
            before[keys[(inspection_id, item_code)]].append(photo_id)
    after: dict[int, list[int]] = defaultdict(list)
    stmt = (
        select(HazardPhoto.id, HazardUpdate.hazard_id)
        .join(HazardUpdate, HazardUpdate.id == HazardPhoto.update_id)
        .where(HazardUpdate.hazard_id.in_([h.id for h in hazards]))
    )
    for photo_id, hazard_id in db.session.execute(stmt.order_by(HazardPhoto.id)):
        after[hazard_id].append(photo_id)
    return {h.id: (before[h.id], after[h.id]) for h in hazards}


def _hazard_line(h: Hazard, today: date, photos: dict[int, tuple[list[int], list[int]]]) -> HazardLine:
    before, after = photos.get(h.id, ([], []))
    return HazardLine(
        id=h.id,
        item_code=h.item_code,
        item_text=h.item_text,
        item_class=h.item_class,
        status=h.status,
        deadline=h.deadline,
        overdue=is_overdue(h.status == HazardStatus.CLOSED, h.deadline, today),
        closed_on=h.closed_on,
        before_photos=before,
        after_photos=after,
    )


def _listings(facility: Facility) -> list[dict[str, Any]]:
    stmt = select(CreditListing).where(CreditListing.facility_id == facility.id).order_by(CreditListing.id.desc())
    return [
        {
            "status": row.status,
            "ground": row.ground,
            "decided_on": row.decided_on,
            "decision_document": row.decision_document,
            "removal_eligible_on": row.removal_eligible_on,
            "removed_on": row.removed_on,
        }
        for row in db.session.scalars(stmt)
    ]


def _scores(inspections: list[InspectionLine]) -> ScoreHistory | None:
    """Return the score of each kind of standing over time, one series per kind the checklist data declares."""
    points = sorted(
        (i.inspected_on, c.standing, c.percent)
        for i in inspections
        for c in i.checklists
        if c.submitted and c.percent is not None and c.standing and i.purpose != InspectionPurpose.SELF_INSPECTION
    )
    if len(points) < 2:
        return None
    kinds = standing_kinds()
    dates = sorted({on for on, _, _ in points})
    by_key = {(on, kind): percent for on, kind, percent in points}
    series = [
        Series(s.label, [by_key.get((on, s.kind)) for on in dates], s.colour)
        for s in kinds
        if any((on, s.kind) in by_key for on in dates)
    ]
    rows = [(on.isoformat(), [_percent(by_key.get((on, s.kind))) for s in kinds]) for on in dates]
    return ScoreHistory(dates, series, [s.label for s in kinds], rows)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


# --- Comparison --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareItem:
    """One item answered (or not) in two inspections."""

    code: str
    text: str
    item_class: str
    a: str
    b: str
    a_note: str
    b_note: str

    @property
    def changed(self) -> bool:
        """Return True when the two answers differ."""
        return self.a != self.b

    @property
    def a_failed(self) -> bool:
        """Return True when the item failed in the first inspection."""
        return _is_failure(self.a)

    @property
    def b_failed(self) -> bool:
        """Return True when the item failed in the second inspection."""
        return _is_failure(self.b)


@dataclass(frozen=True)
class CompareSection:
    """One checklist compared item by item, with both stored results."""

    title: str
    a_result: str
    b_result: str
    items: list[CompareItem]
    inferred: bool


def compare_inspections(a: Inspection, b: Inspection) -> list[CompareSection]:
    """Compare two inspections of the same facility item by item, checklist by checklist.

    Items are taken from the newer checklist version; answers are the stored ones. Where a checklist kept no
    per-item answers (bulk-generated data), an item's state is inferred from the stored result's failed items.

    :raises ValueError: the inspections belong to different facilities.
    """
    if a.facility_id != b.facility_id:
        raise ValueError("只能比较同一机构的两次检查")
    by_code_a = {ic.checklist_code: ic for ic in a.checklists}
    by_code_b = {ic.checklist_code: ic for ic in b.checklists}
    sections = []
    for code in dict.fromkeys([*by_code_a, *by_code_b]):
        ic_a, ic_b = by_code_a.get(code), by_code_b.get(code)
        newest = ic_b or ic_a
        checklist = checklist_of(newest.version)  # type: ignore[union-attr]
        answers_a, inferred_a = _answers(ic_a)
        answers_b, inferred_b = _answers(ic_b)
        items = [
            CompareItem(item.code, item.text, item.item_class, *_pair(answers_a, answers_b, item.code))
            for item in checklist.items()
        ]
        sections.append(CompareSection(checklist.title, _result(ic_a), _result(ic_b), items, inferred_a or inferred_b))
    return sections


def _answers(ic: InspectionChecklist | None) -> tuple[dict[str, tuple[str, str]], bool]:
    """Return {item code: (answer label, note)} and whether it was inferred from the stored result."""
    if ic is None:
        return {}, False
    if ic.answers:
        return {
            a.item_code: (_answer_label(a.result, a.deduction), a.note) for a in ic.answers
        }, False  # fmt: skip
    failed = {f["item_code"]: f for f in (ic.result or {}).get("failed_items", [])}
    if ic.status != ChecklistStatus.SUBMITTED:
        return {}, False
    checklist = checklist_of(ic.version)
    return {
        item.code: (_answer_label("fail", failed[item.code].get("deduction")), failed[item.code].get("note", ""))
        if item.code in failed
        else (Message(ANSWER_RESULT_LABELS[AnswerResult.PASS]), "")
        for item in checklist.items()
    }, True


def _answer_label(result: str, deduction: Any) -> Message:
    label = Message(ANSWER_RESULT_LABELS.get(str(result), str(result) or "—"))  # type: ignore[call-overload]
    if result == "fail" and deduction not in (None, "None"):
        return Message(N_("%(label)s（扣 %(deduction)s 分）"), label=label, deduction=deduction)
    return label


def _is_failure(answer: str) -> bool:
    return answer.startswith(ANSWER_RESULT_LABELS[AnswerResult.FAIL])


def _pair(a: dict[str, tuple[str, str]], b: dict[str, tuple[str, str]], code: str) -> tuple[str, str, str, str]:
    answer_a, note_a = a.get(code, ("—", ""))
    answer_b, note_b = b.get(code, ("—", ""))
    return answer_a, answer_b, note_a, note_b


def _result(ic: InspectionChecklist | None) -> str:
    if ic is None:
        return N_("未检查此表")
    if ic.status != ChecklistStatus.SUBMITTED:
        return N_("未提交")
    score = f" · {ic.points}/{ic.max_points}" if ic.points is not None else ""
    return f"{ic.verdict}{score}"
