"""Signals of the approvals app, and the receivers it needs itself."""

from django.dispatch import Signal

from approvals.calendar import signals as _calendar_signals  # noqa: F401  (cache invalidation)

# Sent inside the sweep's transaction when a deadline of a review, a stage or a delivery fires: kind (FiringKind),
# subject, application, now, and firing (the DeadlineFiring: `approvals.notices.digest.tell(firing, users)` adds
# people to its digest). The agents package listens to chase its agency cases (督办) when a linked review goes
# red, and to tell the company's leader of red escalations.
deadline_fired = Signal()
