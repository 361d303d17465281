from .aggregates import MetricsDay, MetricsDuration, MetricsRefresh, MonthlyReport, Scope
from .acceptance import AfterCheck, AfterCheckOutcome, Commitment, PreReview, ProblemKind, SupplementRequest
from .applications import (
    Application, ApplicationEvent, ApplicationStatus, Channel, DeliveryMethod, EventKind, FormVersion, Outcome,
)
from .calendar import CalendarDay, CalendarYear, ClockRecompute
from .charges import (
    FeeCharge, FeeStatus, PaymentChannel, PaymentNotice, PaymentStatus, Visit, VisitKind,
)
from .deadlines import DeadlineFiring, DigestLine, FiringKind
from .catalog import FeeRule, FieldType, FormField, ItemField, ItemKind, ItemMaterial, MaterialType, ServiceItem
from .departments import Department, DepartmentLevel, StaffAssignment
from .documents import DocumentCounter, DocumentKind, DocumentStatus, IssuedDocument
from .materials import EnterpriseDocument, MaterialFile, MaterialSource
from .packages import Package, PackageStage
from .pain_points import PainPoint, PainPointStatus
from .ratings import (
    BAD_LEVELS, GOOD_LEVELS, Criterion, Rating, RatingIsFinal, RatingLevel, RectificationCase, RectificationOutcome,
    RectificationStatus,
)
from .reviews import (
    ApplicationStage, Decision, DecisionSignature, ItemReview, PauseKind, ReviewPause, ReviewStatus, StageStatus,
)

__all__ = [
    "MetricsDay", "MetricsDuration", "MetricsRefresh", "MonthlyReport", "Scope",
    "BAD_LEVELS", "GOOD_LEVELS", "Criterion", "PainPoint", "PainPointStatus", "Rating", "RatingIsFinal",
    "RatingLevel", "RectificationCase", "RectificationOutcome", "RectificationStatus",
    "AfterCheck", "AfterCheckOutcome",
    "DeadlineFiring", "DigestLine", "FiringKind",
    "Application", "ApplicationEvent", "ApplicationStage", "ApplicationStatus", "Channel", "Commitment", "Decision",
    "DecisionSignature", "DeliveryMethod", "DocumentCounter", "DocumentKind", "DocumentStatus", "EnterpriseDocument",
    "EventKind", "FeeCharge", "FeeStatus", "FormVersion", "IssuedDocument", "ItemReview", "MaterialFile",
    "MaterialSource", "Outcome", "PauseKind", "PaymentChannel", "PaymentNotice", "PaymentStatus", "PreReview",
    "ProblemKind",
    "ReviewPause", "ReviewStatus", "StageStatus", "SupplementRequest", "Visit", "VisitKind",
    "CalendarDay",
    "CalendarYear",
    "ClockRecompute",
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
