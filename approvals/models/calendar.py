"""The working-day calendar as data: published years and the days that differ from Monday-Friday.

A year is *published* when its official holiday schedule is loaded (from chinesecalendar or typed in by
an administrator). Days of an unpublished year fall back to Monday-Friday and are flagged as such.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    published = models.BooleanField(_("schedule published"), default=True)
    source = models.CharField(_("source"), max_length=128, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """One day of a published year. Every day of a published year has a row."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=128, blank=True,
                            help_text=_("Holiday name, or why the day was switched."))
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("edited by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'workday' if self.is_workday else 'rest day'}"


class ClockRecompute(models.Model):
    """A change of the working-day calendar whose open clocks must be recomputed: the outbox of the recompute task.

    Written in the transaction of the change (a day switched, a year published or withdrawn, a schedule loaded);
    the task `approvals.tasks.recompute_clocks` is queued after commit and sets `done_at`. A request the broker
    lost is queued again by the deadline sweep's relay.
    """

    first = models.DateField(_("first changed day"))
    last = models.DateField(_("last changed day"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    relayed_at = models.DateTimeField(_("last queued again at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock recompute")
        verbose_name_plural = _("clock recomputes")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_at"], name="clock_recompute_pending",
                                condition=models.Q(done_at__isnull=True))]

    def __str__(self):
        return f"{self.first:%Y-%m-%d}..{self.last:%Y-%m-%d}"
