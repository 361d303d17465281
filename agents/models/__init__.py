from .authorizations import Authorization, AuthorizationScope
from .cases import AgencyCase, CaseStatus
from .demands import Demand, DemandAttachment, DemandClass, DemandReclassification, DemandStatus, Outcome222
from .projects import InvestmentProject, ProjectStep, TEN_STEPS
from .ratings import DemandRating
from .stewardship import Stewardship

__all__ = [
    "AgencyCase", "Authorization", "AuthorizationScope", "CaseStatus", "Demand", "DemandAttachment", "DemandClass",
    "DemandRating", "DemandReclassification", "DemandStatus", "InvestmentProject", "Outcome222", "ProjectStep",
    "Stewardship", "TEN_STEPS",
]
