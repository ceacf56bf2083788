"""All models, imported here so the metadata is complete for migrations."""

from inspection.models.audit import AuditEvent
from inspection.models.facilities import (
    Facility,
    FacilityStatus,
    FacilityType,
    FireAcceptance,
    Ownership,
)
from inspection.models.regions import Department, Region, RegionLevel
from inspection.models.users import Role, User

__all__ = [
    "AuditEvent",
    "Department",
    "Facility",
    "FacilityStatus",
    "FacilityType",
    "FireAcceptance",
    "Ownership",
    "Region",
    "RegionLevel",
    "Role",
    "User",
]
