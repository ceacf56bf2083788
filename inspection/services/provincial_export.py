"""The export for the provincial system (全省养老服务管理信息系统 / 金民工程 data exchange): facilities,
inspections with their results, hazards and notices as JSON Lines, one record per line, in the versioned schema
`docs/export/careinspect-export.v1.schema.json` (described in docs/EXPORT.md).

Incremental by change time: a record is sent when its `updated_at` (kept by `inspection.change_times`) is at or
after `since`. Records are read in id order a chunk at a time and dropped from the session after each chunk, so
memory stays flat however large the county.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from inspection import permissions
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    Facility,
    Hazard,
    Inspection,
    InspectionChecklist,
    Notice,
    NoticeHazard,
    Region,
    RegionLevel,
    User,
)

#: Version of the record schema; a 1.x version only adds fields (receivers ignore fields they do not know).
SCHEMA_VERSION = "1.0"
#: Records read per query.
CHUNK = 500
#: How far before an export's start the next export should begin: a change whose transaction was still running
#: when the export read its rows carries a change time before the start, and is sent by the next export.
OVERLAP = timedelta(minutes=10)
#: The zone of a `since` written without one: the county's (China Standard Time), as people write times.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


class SinceError(ValueError):
    """`since` is neither an ISO date nor an ISO date and time."""


def parse_since(text: str) -> datetime:
    """Return `since` as naive UTC (how times are stored): an ISO date is the start of that day, and a time without
    a zone is China Standard Time; a `Z` or an offset is honoured.

    :raises SinceError: when `text` is no ISO 8601 date or date and time.
    """
    text = text.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time())
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise SinceError(N_("应为 ISO 8601 日期（2026-12-01）或时间（2026-12-01T02:00:00+08:00）")) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment.astimezone(UTC).replace(tzinfo=None)


def next_since(started_at: datetime) -> str:
    """Return the `since` the next export should use, for an export that started at `started_at` (naive UTC)."""
    return _moment(started_at - OVERLAP)


def export_lines(user: User | None, since: datetime | None) -> Iterator[str]:
    """Return the lines of every record changed at or after `since` (everything when None) that `user` may see
    (None: the command line, every region), one JSON object and a newline per record.

    The queries are built now, from the user as they are now; the lines are read as they are consumed (a streamed
    response reads them after its view returned).
    """
    # in this order, so that a record's facility and inspection come before it
    queries = [
        (Facility, _facilities(user), _facility_records),
        (Inspection, _inspections(user), _inspection_records),
        (Hazard, _hazards(user), _hazard_records),
        (Notice, _notices(user), _notice_records),
    ]
    if since is not None:
        queries = [(model, stmt.where(model.updated_at >= since), write) for model, stmt, write in queries]
    return _lines(queries)


def _lines(queries: list[tuple[Any, Select[Any], Callable[[list[Any]], list[dict[str, Any]]]]]) -> Iterator[str]:
    for model, stmt, write in queries:
        for chunk in _chunks(stmt.order_by(model.id), model):
            for record in write(chunk):
                yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _chunks(stmt: Select[Any], model: Any) -> Iterator[list[Any]]:
    last_id = 0
    while True:
        rows = list(db.session.scalars(stmt.where(model.id > last_id).limit(CHUNK)))
        if not rows:
            return
        yield rows
        last_id = rows[-1].id
        db.session.expunge_all()


def _facilities(user: User | None) -> Select[Any]:
    stmt = select(Facility) if user is None else permissions.visible_facilities(user)
    return stmt.options(selectinload(Facility.region))


def _inspections(user: User | None) -> Select[Any]:
    stmt = select(Inspection) if user is None else permissions.visible_inspections(user)
    return stmt.options(
        selectinload(Inspection.checklists).selectinload(InspectionChecklist.version),
        selectinload(Inspection.lead_department),
    )


def _hazards(user: User | None) -> Select[Any]:
    stmt = select(Hazard) if user is None else permissions.visible_hazards(user)
    return stmt.options(selectinload(Hazard.inspection_checklist))


def _notices(user: User | None) -> Select[Any]:
    stmt = select(Notice) if user is None else permissions.visible_notices(user)
    return stmt.options(selectinload(Notice.department))


def _head(kind: str, row: Any) -> dict[str, Any]:
    return {"type": kind, "schema_version": SCHEMA_VERSION, "id": row.id, "changed_at": _moment(row.updated_at)}


def _facility_records(facilities: list[Facility]) -> list[dict[str, Any]]:
    above = db.session.scalars(select(Region).where(Region.level != RegionLevel.TOWNSHIP))
    regions = {r.id: (r.name, r.path) for r in above}
    regions |= {f.region_id: (f.region.name, f.region.path) for f in facilities}
    return [_facility(f, regions) for f in facilities]


def _facility(f: Facility, regions: dict[int, tuple[str, str]]) -> dict[str, Any]:
    township, path_ids = regions[f.region_id]
    path = [regions[int(part)][0] for part in path_ids.strip("/").split("/") if int(part) in regions]
    return _head("facility", f) | {
        "uscc": f.uscc,
        "name": f.name,
        "facility_type": f.type,
        "ownership": f.ownership,
        "region": {"township_id": f.region_id, "township": township, "path": path},
        "address": f.address,
        "legal_representative": f.legal_representative,
        "person_in_charge": f.person_in_charge,
        "phone": f.phone,
        "beds": f.beds,
        "residents": f.residents,
        "residents_disabled": f.residents_disabled,
        "residents_semi_disabled": f.residents_semi_disabled,
        "has_canteen": f.has_canteen,
        "has_medical_unit": f.has_medical_unit,
        "has_special_equipment": f.has_special_equipment,
        "offers_ten_services": f.offers_ten_services,
        "has_campus_roads": f.has_campus_roads,
        "is_key_fire_unit": f.is_key_fire_unit,
        "fire_acceptance": f.fire_acceptance,
        "food_licence_no": f.food_licence_no,
        "food_licence_expiry": _day(f.food_licence_expiry),
        "latitude": _decimal(f.latitude),
        "longitude": _decimal(f.longitude),
        "status": f.status,
        "closed_on": _day(f.closed_on),
        "is_demo": f.is_demo,
        "created_at": _moment(f.created_at),
    }


def _inspection_records(inspections: list[Inspection]) -> list[dict[str, Any]]:
    hazard_ids: dict[int, list[int]] = {i.id: [] for i in inspections}
    rows = db.session.execute(
        select(Hazard.inspection_id, Hazard.id).where(Hazard.inspection_id.in_(hazard_ids)).order_by(Hazard.id)
    )
    for inspection_id, hazard_id in rows:
        hazard_ids[inspection_id].append(hazard_id)
    return [
        _head("inspection", i)
        | {
            "facility_id": i.facility_id,
            "inspected_on": _day(i.inspected_on),
            "purpose": i.purpose,
            "status": i.status,
            "lead_department": i.lead_department.code,
            "recorded_after_the_fact": i.recorded_after_the_fact,
            "created_at": _moment(i.created_at),
            "completed_at": _moment(i.completed_at),
            "checklists": [_result(ic) for ic in i.checklists],
            "hazard_ids": hazard_ids[i.id],
        }
        for i in inspections
    ]


def _result(ic: InspectionChecklist) -> dict[str, Any]:
    return {
        "code": ic.checklist_code,
        "version": ic.version.version,
        "status": ic.status,
        "submitted_at": _moment(ic.submitted_at),
        "points": _decimal(ic.points),
        "max_points": _decimal(ic.max_points),
        "percent": _decimal(ic.percent),
        "verdict": ic.verdict,
        "verdict_code": ic.verdict_code,
        "grade": ic.grade,
        "reviewed_at": _moment(ic.reviewed_at),
    }


def _hazard_records(hazards: list[Hazard]) -> list[dict[str, Any]]:
    return [_hazard(h) for h in hazards]


def _hazard(h: Hazard) -> dict[str, Any]:
    determination = (
        {"number": h.fire_determination_no, "determined_on": _day(h.fire_determined_on)}
        if h.fire_determination_no
        else None
    )
    return _head("hazard", h) | {
        "facility_id": h.facility_id,
        "inspection_id": h.inspection_id,
        "checklist_code": h.inspection_checklist.checklist_code,
        "item_code": h.item_code,
        "department": h.department_code,
        "item_class": h.item_class,
        "item_text": h.item_text,
        "finding": h.finding,
        "location": h.location,
        "basis": h.basis,
        "requirement": h.requirement,
        "immediate": h.immediate,
        "deadline": _day(h.deadline),
        "status": h.status,
        "created_at": _moment(h.created_at),
        "closed_on": _day(h.closed_on),
        "fire_determination": determination,
    }


def _notice_records(notices: list[Notice]) -> list[dict[str, Any]]:
    hazard_ids: dict[int, list[int]] = {n.id: [] for n in notices}
    rows = db.session.execute(
        select(NoticeHazard.notice_id, NoticeHazard.hazard_id)
        .where(NoticeHazard.notice_id.in_(hazard_ids))
        .order_by(NoticeHazard.hazard_id)
    )
    for notice_id, hazard_id in rows:
        hazard_ids[notice_id].append(hazard_id)
    return [
        _head("notice", n)
        | {
            "kind": n.kind,
            "mode": n.mode,
            "number": n.number,
            "facility_id": n.facility_id,
            "inspection_id": n.inspection_id,
            "reinspection_id": n.reinspection_id,
            "department": n.department.code,
            "status": n.status,
            "supersedes_id": n.supersedes_id,
            "issued_on": _day(n.issued_on),
            "issued_at": _moment(n.issued_at),
            "pdf_sha256": n.pdf_sha256,
            "hazard_ids": hazard_ids[n.id],
        }
        for n in notices
    ]


def _moment(value: datetime | None) -> str | None:
    """Return a stored (naive UTC) time as ISO 8601 UTC to the microsecond, e.g. 2026-12-04T12:30:00.000000Z."""
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
