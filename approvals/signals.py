"""Signals of the approvals app, and the receivers it needs itself."""

from dataclasses import dataclass

from django.dispatch import Signal

from approvals import catalog_cache as _catalog_cache  # noqa: F401  (cache invalidation)
from approvals.calendar import signals as _calendar_signals  # noqa: F401  (cache invalidation)

# Sent inside the sweep's transaction when deadlines of reviews, stages or deliveries fire — once per claimed batch,
# not once per firing: `fired` (a list of `Fired`: kind (FiringKind) and the ids of the subject (a row of the
# sender's model), its application and the DeadlineFiring; plain ids, so that a batch of thousands costs no model
# instances: receivers read what they need for the whole batch in one query) and `now`. The agents package listens
# to chase its agency cases (督办) when a linked review goes red, and to tell the company's leader of red
# escalations (`approvals.notices.digest.tell_ids` adds people to digests in one insert). Receivers should read
# and write in bulk too: the sweep sends batches of a thousand.
deadline_fired = Signal()


@dataclass(frozen=True)
class Fired:
    kind: str
    subject_id: int
    application_id: int | None
    firing_id: int
