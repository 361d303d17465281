from .audit import AuditEntry
from .enterprises import Enterprise, Park
from .heartbeats import Heartbeat
from .notifications import Delivery, Notification
from .tokens import ApiToken, UserSession
from .users import Role, User

__all__ = ["ApiToken", "AuditEntry", "Delivery", "Enterprise", "Heartbeat", "Notification", "Park", "Role", "User",
           "UserSession"]
