"""All models, imported here so the metadata is complete for migrations."""

from inspection.models.audit import AuditEvent
from inspection.models.briefings import Briefing
from inspection.models.campaign import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    CertificateStatus,
    GradeCertificate,
    GradingApplication,
    GradingObjection,
    ObjectionStatus,
    ReturnStep,
)
from inspection.models.checklists import ChecklistVersion
from inspection.models.facilities import (
    Facility,
    FacilityImport,
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
from inspection.models.followup import (
    LISTED_STATUSES,
    CreditGround,
    CreditListing,
    CreditStatus,
    DocumentCounter,
    Hazard,
    HazardPhoto,
    HazardStatus,
    HazardUpdate,
    HazardUpdateKind,
    Notice,
    NoticeHazard,
    NoticeKind,
    NoticeMode,
    NoticeStatus,
    Reinspection,
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
from inspection.models.rankings import FacilityRankKey, RankKeysVersion
from inspection.models.regions import Department, Region, RegionLevel
from inspection.models.sampling import SpotCheckDraw, SpotCheckPick
from inspection.models.users import FIELD_ROLES, LoginThrottle, Role, ThrottleScope, User
from inspection.scoring import AnswerResult

__all__ = [
    "FIELD_ROLES",
    "LISTED_STATUSES",
    "OPEN_APPLICATION_STATUSES",
    "Answer",
    "AnswerChange",
    "AnswerResult",
    "ApiToken",
    "ApplicationStatus",
    "AuditEvent",
    "Briefing",
    "CertificateStatus",
    "ChecklistStatus",
    "ChecklistVersion",
    "CreditGround",
    "CreditListing",
    "CreditStatus",
    "Department",
    "DepartmentSubmission",
    "DocumentCounter",
    "Facility",
    "FacilityImport",
    "FacilityRankKey",
    "FacilityStanding",
    "FacilityStatus",
    "FacilityType",
    "FireAcceptance",
    "GradeCertificate",
    "GradingApplication",
    "GradingObjection",
    "Hazard",
    "HazardPhoto",
    "HazardStatus",
    "HazardUpdate",
    "HazardUpdateKind",
    "Inspection",
    "InspectionAssignment",
    "InspectionChecklist",
    "InspectionPurpose",
    "InspectionStatus",
    "LoginThrottle",
    "Notice",
    "NoticeHazard",
    "NoticeKind",
    "NoticeMode",
    "NoticeStatus",
    "ObjectionStatus",
    "Ownership",
    "Photo",
    "RankKeysVersion",
    "Region",
    "RegionLevel",
    "Reinspection",
    "ReturnStep",
    "Role",
    "Signature",
    "SignerRole",
    "SpotCheckDraw",
    "SpotCheckPick",
    "StandingKind",
    "StoredFile",
    "ThrottleScope",
    "User",
]

# The change times of exported records follow their contained rows (registers a session listener).
from inspection import change_times  # noqa: F401
