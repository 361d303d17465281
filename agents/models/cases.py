"""代办件: one company request the agent takes over — 接件, 办理, 督办, 反馈."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received (接件)")
    HANDLING = "handling", _("Handling (办理)")
    CHASING = "chasing", _("Chasing overdue steps (督办)")
    REPORTED = "reported", _("Result reported (反馈)")
    CONFIRMED = "confirmed", _("Confirmed by the company")


C = CaseStatus


class AgencyCase(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.PROTECT, related_name="agency_cases",
                                   verbose_name=_("enterprise"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agency_cases",
                              verbose_name=_("service agent"))
    title = models.CharField(_("request"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    materials_received = models.TextField(_("materials received"), blank=True)
    applications = models.ManyToManyField("approvals.Application", blank=True, related_name="agency_cases",
                                          verbose_name=_("applications"))
    status = FSMField(_("status"), max_length=16, choices=CaseStatus.choices, default=C.RECEIVED, protected=True)
    received_at = models.DateTimeField(_("received at"))
    chasing_since = models.DateTimeField(_("chasing since"), null=True, blank=True)
    chase_note = models.TextField(_("what is being chased"), blank=True)
    result = models.TextField(_("result reported"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True)

    class Meta:
        verbose_name = _("agency case")
        verbose_name_plural = _("agency cases")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @transition(field=status, source=[C.RECEIVED, C.CHASING], target=C.HANDLING)
    def handle(self):
        self.chasing_since = None

    @transition(field=status, source=[C.RECEIVED, C.HANDLING, C.CHASING], target=C.CHASING)
    def chase(self, *, now, note):
        self.chasing_since = self.chasing_since or now
        self.chase_note = note

    @transition(field=status, source=[C.HANDLING, C.CHASING], target=C.REPORTED)
    def report(self, *, now, result):
        self.result = result
        self.reported_at = now

    @transition(field=status, source=C.REPORTED, target=C.CONFIRMED)
    def confirm(self, *, now, by):
        self.confirmed_at = now
        self.confirmed_by = by

    @transition(field=status, source=C.REPORTED, target=C.HANDLING)
    def reject_report(self):
        self.reported_at = None
