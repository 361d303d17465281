"""Signals of the approvals app, and the receivers it needs itself."""

from django.dispatch import Signal

from approvals.calendar import signals as _calendar_signals  # noqa: F401  (cache invalidation)

# Sent inside the sweep's transaction when a deadline fires: kind (FiringKind), subject, application, now.
# The agents package listens to chase its agency cases (督办) when a linked review goes red.
deadline_fired = Signal()
