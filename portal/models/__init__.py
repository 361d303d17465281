from .audit import AuditEntry
from .enterprises import Enterprise, Park
from .heartbeats import Heartbeat
from .users import Role, User

__all__ = ["AuditEntry", "Enterprise", "Heartbeat", "Park", "Role", "User"]
