"""Signals of the approvals app, and the receivers it needs itself."""

from dataclasses import dataclass

from django.dispatch import Signal

from approvals import catalog_cache as _catalog_cache  # noqa: F401  (cache invalidation)
from approvals.calendar import signals as _calendar_signals  # noqa: F401  (cache invalidation)

# Sent inside the sweep's transaction when deadlines of reviews, stages or deliveries fire — once per claimed batch,
# not once per firing: `fired` (a list of `Fired`: kind (FiringKind), subject, application, and firing, the
# DeadlineFiring; `approvals.notices.digest.tell_many` adds people to digests in one insert) and `now`. The agents
# package listens to chase its agency cases (督办) when a linked review goes red, and to tell the company's leader
# of red escalations. Receivers should read and write in bulk too: the sweep sends batches of hundreds.
deadline_fired = Signal()


@dataclass(frozen=True)
class Fired:
    kind: str
    subject: object
    application: object
    firing: object
