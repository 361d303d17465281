"""痛点堵点: a supervisor or observer flags a problem on an application or an item; the administrator answers it
within PAIN_POINT_DAYS working days (its own clock, swept with the other deadlines: `next_check_at`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.lights import Light, Rule, when


class PainPointStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


PAIN_POINT_LIGHT = Rule(Light, [
    when(Light.DONE, {"status": PainPointStatus.ANSWERED}),
    when(Light.RED, lambda now: {"due_at__lte": now}),
    when(Light.YELLOW, lambda now: {"warn_at__lte": now}),
], default=Light.GREEN)


class PainPointQuerySet(models.QuerySet):
    def with_light(self, now):
        return self.annotate(light=PAIN_POINT_LIGHT.expression(now))

    def open(self):
        return self.filter(status=PainPointStatus.OPEN)

    def visible_to(self, user):
        """Administrators, leaders and supervisors: all; nobody else."""
        from approvals.services.permissions import OVERSEEING_ROLES

        if getattr(user, "is_authenticated", False) and user.role in OVERSEEING_ROLES:
            return self.all()
        return self.none()


class PainPoint(ConcurrentTransitionMixin, models.Model):
    application = models.ForeignKey("approvals.Application", verbose_name=_("application"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="pain_points")
    item = models.ForeignKey("approvals.ServiceItem", verbose_name=_("item"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="pain_points")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("flagged by"),
                                   on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(_("flagged at"), db_index=True)
    description = models.TextField(_("what is wrong"))
    status = FSMField(_("status"), max_length=16, choices=PainPointStatus.choices, default=PainPointStatus.OPEN,
                      protected=True, db_index=True)
    due_at = models.DateTimeField(_("answer due at"))
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next deadline check"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = PainPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("pain point")
        verbose_name_plural = _("pain points")
        ordering = ["due_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(application__isnull=False) | models.Q(item__isnull=False),
            name="pain_point_has_subject")]
        indexes = [models.Index(fields=["next_check_at"], name="pain_point_next",
                                condition=models.Q(next_check_at__isnull=False))]

    def __str__(self):
        return f"{self.pk}: {self.description[:40]}"

    @transition(field=status, source=PainPointStatus.OPEN, target=PainPointStatus.ANSWERED)
    def answer_with(self, *, by, at, text):
        self.answer, self.answered_by, self.answered_at = text, by, at
        self.next_check_at = None

    def light_at(self, now) -> Light:
        return PAIN_POINT_LIGHT.of(self, now)
