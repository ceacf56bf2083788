"""All models, imported here so the metadata is complete for migrations."""

from inspection.models.audit import AuditEvent
from inspection.models.checklists import ChecklistVersion
from inspection.models.facilities import (
    Facility,
    FacilityStatus,
    FacilityType,
    FireAcceptance,
    Ownership,
)
from inspection.models.fieldwork import (
    ApiToken,
    DepartmentSubmission,
    InspectionAssignment,
    Photo,
    Signature,
    SignerRole,
    StoredFile,
)
from inspection.models.inspections import (
    Answer,
    AnswerChange,
    ChecklistStatus,
    FacilityStanding,
    Inspection,
    InspectionChecklist,
    InspectionPurpose,
    InspectionStatus,
    StandingKind,
)
from inspection.models.regions import Department, Region, RegionLevel
from inspection.models.users import Role, User
from inspection.scoring import AnswerResult

__all__ = [
    "Answer",
    "AnswerChange",
    "AnswerResult",
    "ApiToken",
    "AuditEvent",
    "ChecklistStatus",
    "ChecklistVersion",
    "Department",
    "DepartmentSubmission",
    "Facility",
    "FacilityStanding",
    "FacilityStatus",
    "FacilityType",
    "FireAcceptance",
    "Inspection",
    "InspectionAssignment",
    "InspectionChecklist",
    "InspectionPurpose",
    "InspectionStatus",
    "Ownership",
    "Photo",
    "Region",
    "RegionLevel",
    "Role",
    "Signature",
    "SignerRole",
    "StandingKind",
    "StoredFile",
    "User",
]
