"""Changes to the facility register, each recorded in the audit log."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import Facility, FacilityStatus, Region, RegionLevel
from inspection.models.facilities import residential_by_type
from inspection.services import Actor, ServiceError
from inspection.services.audit import Event, changes, record_event, record_events

#: Codes looked up per query when checking that no other facility holds them.
CODES_PER_QUERY = 500
#: The fields a register form edits; the audit log records them before and after.
EDITABLE_FIELDS = (
    "name",
    "type",
    "ownership",
    "region_id",
    "address",
    "uscc",
    "legal_representative",
    "person_in_charge",
    "phone",
    "beds",
    "residents",
    "residents_disabled",
    "residents_semi_disabled",
    "has_canteen",
    "has_medical_unit",
    "has_special_equipment",
    "offers_ten_services",
    "has_campus_roads",
    "is_key_fire_unit",
    "is_residential",
    "opened_on",
    "filed_on",
    "last_penalty_on",
    "fire_acceptance",
    "food_licence_no",
    "food_licence_expiry",
    "latitude",
    "longitude",
)


def snapshot(facility: Facility) -> dict[str, Any]:
    """Return the register fields of `facility` as JSON-safe values."""
    result: dict[str, Any] = {}
    for field in (*EDITABLE_FIELDS, "status", "closed_on"):
        value = getattr(facility, field)
        if isinstance(value, date | Decimal):
            value = str(value)
        result[field] = value
    return result


def create_facility(data: dict[str, Any], actor: Actor) -> Facility:
    """Register a new facility.

    :param data: values for the fields in EDITABLE_FIELDS.
    :raises ServiceError: when the township or the 统一社会信用代码 is not acceptable.
    """
    return create_facilities([data], actor)[0]


def create_facilities(rows: Sequence[dict[str, Any]], actor: Actor) -> list[Facility]:
    """Register new facilities, one per mapping of `rows` (a register import registers thousands at once).

    :raises ServiceError: when a township or a 统一社会信用代码 is not acceptable.
    """
    facilities = [Facility() for _ in rows]
    _apply_all(list(zip(facilities, rows, strict=True)))
    db.session.add_all(facilities)
    db.session.flush()
    record_events(
        actor,
        [
            Event("facility.create", "facility", facility.id, facility.region.path, after=snapshot(facility))
            for facility in facilities
        ],
    )
    return facilities


def update_facility(facility: Facility, data: dict[str, Any], actor: Actor) -> Facility:
    """Change register fields of `facility`, recording only what changed.

    :raises ServiceError: when the township or the 统一社会信用代码 is not acceptable.
    """
    update_facilities([(facility, data)], actor)
    return facility


def update_facilities(edits: Sequence[tuple[Facility, dict[str, Any]]], actor: Actor) -> None:
    """Change register fields of each facility of `edits` to its values, recording only what changed.

    :raises ServiceError: when a township or a 统一社会信用代码 is not acceptable.
    """
    befores = [snapshot(facility) for facility, _ in edits]
    _apply_all(list(edits))
    db.session.flush()
    events = []
    for (facility, _), before in zip(edits, befores, strict=True):
        old, new = changes(before, snapshot(facility))
        if new:
            events.append(Event("facility.update", "facility", facility.id, facility.region.path, old, new))
    record_events(actor, events)


def set_facility_status(facility: Facility, status: FacilityStatus, actor: Actor, on: date) -> Facility:
    """Close or reopen `facility`; its inspections and history stay untouched."""
    if facility.status == status:
        raise ServiceError(N_("机构已是该状态"))
    before = snapshot(facility)
    facility.status = status
    facility.closed_on = on if status == FacilityStatus.CLOSED else None
    db.session.flush()
    old, new = changes(before, snapshot(facility))
    action = "facility.close" if status == FacilityStatus.CLOSED else "facility.reopen"
    record_event(
        actor,
        action,
        object_type="facility",
        object_id=facility.id,
        region_path=facility.region.path,
        before=old,
        after=new,
    )
    return facility


def _apply_all(edits: list[tuple[Facility, dict[str, Any]]]) -> None:
    """Set the register fields of each facility to its values, checking its township and that no other facility
    holds its 统一社会信用代码 (the townships and codes looked up in a few queries, however many facilities)."""
    region_ids = {data["region_id"] for _, data in edits}
    townships = {r.id: r for r in db.session.scalars(select(Region).where(Region.id.in_(region_ids)))}
    holders = _code_holders({data.get("uscc") or "" for _, data in edits} - {""})
    for facility, data in edits:
        township = townships.get(data["region_id"])
        if township is None or township.level != RegionLevel.TOWNSHIP:
            raise ServiceError(N_("请选择机构所在的乡镇"))
        uscc = data.get("uscc") or None
        if uscc and holders.setdefault(uscc, facility) is not facility:
            raise ServiceError(N_("该统一社会信用代码已被其他机构使用"))
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(facility, field, data[field])
        if data.get("is_residential") is None:  # not said: the type decides (DOMAIN §15.7)
            facility.is_residential = residential_by_type(facility.type)
        facility.uscc = uscc
        facility.region = township


def _code_holders(codes: set[str]) -> dict[str, Facility]:
    """Return the facilities holding any of `codes`, by code."""
    wanted = sorted(codes)
    holders: dict[str, Facility] = {}
    for start in range(0, len(wanted), CODES_PER_QUERY):
        found = db.session.scalars(select(Facility).where(Facility.uscc.in_(wanted[start : start + CODES_PER_QUERY])))
        holders |= {facility.uscc: facility for facility in found if facility.uscc}
    return holders
