"""Signal receivers of the approvals app."""
from approvals.calendar import signals as _calendar_signals  # noqa: F401  (cache invalidation)
