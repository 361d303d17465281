from .calendar import CalendarDay, CalendarYear
from .catalog import FeeRule, FieldType, FormField, ItemField, ItemKind, ItemMaterial, MaterialType, ServiceItem
from .departments import Department, DepartmentLevel, StaffAssignment
from .packages import Package, PackageStage

__all__ = [
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
