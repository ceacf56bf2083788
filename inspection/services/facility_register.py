"""The facility register as a list: the facilities a user may see, filtered as the register page's URL says."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select

from inspection.models import Facility, FacilityStatus, FacilityType, Ownership, User
from inspection.permissions import in_township, visible_facilities
from inspection.record_ids import parse_id

#: The register's filters, as query parameters.
REGISTER_FILTERS = ("q", "township", "type", "ownership", "status")


def register_filters(args: Mapping[str, str]) -> dict[str, str]:
    """Return the register's filters from query parameters (stripped; missing ones empty)."""
    return {key: args.get(key, "").strip() for key in REGISTER_FILTERS}


def register_query(user: User, filters: Mapping[str, str]) -> Select[Any]:
    """Return the select of the facilities `user` may see that pass `filters`, by name.

    Values that are not valid are ignored; the status defaults to active ("all" shows closed ones too).
    """
    stmt = visible_facilities(user).order_by(Facility.name, Facility.id)
    if filters["q"]:
        stmt = stmt.where(Facility.name.contains(filters["q"]))
    township = parse_id(filters["township"])
    if township is not None:
        stmt = stmt.where(in_township(township))
    if filters["type"] in set(FacilityType):
        stmt = stmt.where(Facility.type == filters["type"])
    if filters["ownership"] in set(Ownership):
        stmt = stmt.where(Facility.ownership == filters["ownership"])
    status = filters["status"] if filters["status"] in ("all", FacilityStatus.CLOSED) else FacilityStatus.ACTIVE
    if status != "all":
        stmt = stmt.where(Facility.status == status)
    return stmt
