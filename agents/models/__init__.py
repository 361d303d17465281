from .authorizations import Authorization, AuthorizationScope
from .cases import AgencyCase, CaseStatus
from .demands import Demand, DemandAttachment, DemandClass, DemandReclassification, DemandStatus
from .projects import InvestmentProject, ProjectStep, TEN_STEPS
from .stewardship import Stewardship

__all__ = [
    "AgencyCase", "Authorization", "AuthorizationScope", "CaseStatus", "Demand", "DemandAttachment", "DemandClass",
    "DemandReclassification", "DemandStatus", "InvestmentProject", "ProjectStep", "Stewardship", "TEN_STEPS",
]
