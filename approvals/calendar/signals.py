"""Any change to calendar rows invalidates the cached WorkCalendar, now and again after commit.

Now: this process (and its open transaction) sees the edit at once. After commit: other processes rebuild
from committed data; a process that rebuilt in between, from the old rows, rebuilds again.
Bulk operations (bulk_create/bulk_update/QuerySet.update) send no signals: their callers invalidate.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from approvals.calendar.loading import invalidate
from approvals.models import CalendarDay, CalendarYear


@receiver(post_save, sender=CalendarDay, dispatch_uid="calendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="calendar_day_deleted")
@receiver(post_save, sender=CalendarYear, dispatch_uid="calendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="calendar_year_deleted")
def calendar_changed(sender, **kwargs):
    invalidate()
    transaction.on_commit(invalidate)
