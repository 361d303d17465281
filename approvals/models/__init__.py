from .acceptance import Commitment, PreReview, ProblemKind, SupplementRequest
from .applications import (
    Application, ApplicationEvent, ApplicationStatus, Channel, DeliveryMethod, EventKind, FormVersion, Outcome,
)
from .calendar import CalendarDay, CalendarYear
from .charges import FeeCharge, Visit, VisitKind
from .deadlines import DeadlineFiring, DigestLine, FiringKind
from .catalog import FeeRule, FieldType, FormField, ItemField, ItemKind, ItemMaterial, MaterialType, ServiceItem
from .departments import Department, DepartmentLevel, StaffAssignment
from .materials import EnterpriseDocument, MaterialFile, MaterialSource
from .packages import Package, PackageStage
from .reviews import (
    ApplicationStage, Decision, DecisionSignature, ItemReview, PauseKind, ReviewPause, ReviewStatus, StageStatus,
)

__all__ = [
    "DeadlineFiring", "DigestLine", "FiringKind",
    "Application", "ApplicationEvent", "ApplicationStage", "ApplicationStatus", "Channel", "Commitment", "Decision",
    "DecisionSignature", "DeliveryMethod", "EnterpriseDocument", "EventKind", "FeeCharge", "FormVersion",
    "ItemReview", "MaterialFile", "MaterialSource", "Outcome", "PauseKind", "PreReview", "ProblemKind",
    "ReviewPause", "ReviewStatus", "StageStatus", "SupplementRequest", "Visit", "VisitKind",
    "CalendarDay",
    "CalendarYear",
    "Department",
    "DepartmentLevel",
    "FeeRule",
    "FieldType",
    "FormField",
    "ItemField",
    "ItemKind",
    "ItemMaterial",
    "MaterialType",
    "Package",
    "PackageStage",
    "ServiceItem",
    "StaffAssignment",
]
