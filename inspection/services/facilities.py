"""Changes to the facility register, each recorded in the audit log."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import Facility, FacilityStatus, Region, RegionLevel
from inspection.models.facilities import residential_by_type
from inspection.services import Actor, ServiceError
from inspection.services.audit import changes, record_event

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
    facility = Facility()
    _apply(facility, data)
    db.session.add(facility)
    db.session.flush()
    record_event(
        actor,
        "facility.create",
        object_type="facility",
        object_id=facility.id,
        region_path=facility.region.path,
        after=snapshot(facility),
    )
    return facility


def update_facility(facility: Facility, data: dict[str, Any], actor: Actor) -> Facility:
    """Change register fields of `facility`, recording only what changed.

    :raises ServiceError: when the township or the 统一社会信用代码 is not acceptable.
    """
    before = snapshot(facility)
    _apply(facility, data)
    db.session.flush()
    old, new = changes(before, snapshot(facility))
    if new:
        record_event(
            actor,
            "facility.update",
            object_type="facility",
            object_id=facility.id,
            region_path=facility.region.path,
            before=old,
            after=new,
        )
    return facility


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


def _apply(facility: Facility, data: dict[str, Any]) -> None:
    township = db.session.get(Region, data["region_id"])
    if township is None or township.level != RegionLevel.TOWNSHIP:
        raise ServiceError(N_("请选择机构所在的乡镇"))
    uscc = data.get("uscc") or None
    if uscc:
        clash = db.session.scalar(
            select(func.count()).select_from(Facility).where(Facility.uscc == uscc, Facility.id != facility.id)
        )
        if clash:
            raise ServiceError(N_("该统一社会信用代码已被其他机构使用"))
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(facility, field, data[field])
    if data.get("is_residential") is None:  # not said: the type decides (DOMAIN §15.7)
        facility.is_residential = residential_by_type(facility.type)
    facility.uscc = uscc
    facility.region = township
