from .audit import AuditEntry
from .enterprises import Enterprise, Park
from .heartbeats import Heartbeat
from .notifications import Delivery, Notification
from .users import Role, User

__all__ = ["AuditEntry", "Delivery", "Enterprise", "Heartbeat", "Notification", "Park", "Role", "User"]
