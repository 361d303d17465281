"""好差评 (国办发〔2019〕51号, GB/T 39734-2020): the applicant's rating of a decided bundle and of its items, and the
rectification case every bad review opens in the department concerned.

A rating is written once by the applicant and never changed or deleted: `Rating.save` refuses an update,
`Rating.delete` and the queryset's `update`/`delete` refuse outright, and on PostgreSQL a trigger refuses both in
the database (migration 0017). Services in `approvals/services/ratings.py` are the only writers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.lights import Light, Rule, when


class RatingLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


# The last two levels are bad reviews (差评); the first three count as good (好评) in 好评率 (docs/metrics.md).
BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)
GOOD_LEVELS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASICALLY_SATISFIED)


class Criterion(models.TextChoices):
    """The optional criteria of an online rating (GB/T 39734-2020): each a column of its own on `Rating`."""

    OVERALL = "overall", _("Overall satisfaction")
    EFFICIENCY = "efficiency", _("Efficiency")
    GUIDE_ACCURACY = "guide_accuracy", _("Accuracy of the service guide")
    CONVENIENCE = "convenience", _("Convenience")
    USABILITY = "usability", _("Ease of use of the platform")


class RatingIsFinal(Exception):
    """A rating cannot be changed or deleted by anybody."""


class FinalRatingQuerySet(models.QuerySet):
    """Ratings in bulk are never changed or deleted either."""

    def update(self, **kwargs):
        raise RatingIsFinal("Ratings cannot be changed.")

    def delete(self):
        raise RatingIsFinal("Ratings cannot be deleted.")

    def bad(self):
        return self.filter(level__in=BAD_LEVELS)


class FinalRating(models.Model):
    """What every 好差评 rating has (a bundle's or an item's `Rating`, a demand's `agents.DemandRating`): a level,
    a comment and the time, written once and never changed or deleted."""

    level = models.CharField(_("rating"), max_length=24, choices=RatingLevel.choices)
    text = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), db_index=True)

    class Meta:
        abstract = True

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RatingIsFinal("Ratings cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RatingIsFinal("Ratings cannot be deleted.")


class RatingQuerySet(FinalRatingQuerySet):
    def visible_to(self, user):
        """The applicant sees their enterprise's ratings; departments those about their work; leaders,
        administrators and supervisors all of them. Everybody else: none."""
        from approvals.services.permissions import OVERSEEING_ROLES, department_of
        from portal.models.users import DEPARTMENT_ROLES, Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.role == Role.APPLICANT:
            return self.filter(application__enterprise_id=user.enterprise_id) if user.enterprise_id else self.none()
        if user.role in OVERSEEING_ROLES:
            return self.all()
        department = department_of(user)
        if user.role in DEPARTMENT_ROLES and department is not None:
            return self.filter(department=department)
        return self.none()


def _criterion_field(label):
    return models.CharField(label, max_length=24, choices=RatingLevel.choices, blank=True)


class Rating(FinalRating):
    """One rating of a decided bundle (`item` empty) or of one of its items: once, by the applicant."""

    application = models.ForeignKey("approvals.Application", verbose_name=_("application"),
                                    on_delete=models.PROTECT, related_name="ratings")
    item = models.ForeignKey("approvals.ServiceItem", verbose_name=_("item"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="ratings")
    # The department concerned: the item's, or for the bundle the lead department (the filter of the metrics).
    department = models.ForeignKey("approvals.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT,
                              related_name="ratings")
    overall = _criterion_field(_("Overall satisfaction"))
    efficiency = _criterion_field(_("Efficiency"))
    guide_accuracy = _criterion_field(_("Accuracy of the service guide"))
    convenience = _criterion_field(_("Convenience"))
    usability = _criterion_field(_("Ease of use of the platform"))

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=models.Q(item__isnull=True),
                                    name="rating_once_per_bundle"),
            models.UniqueConstraint(fields=["application", "item"], condition=models.Q(item__isnull=False),
                                    name="rating_once_per_item"),
        ]
        indexes = [models.Index(fields=["department", "rated_at"], name="rating_department")]

    def __str__(self):
        return f"{self.application_id}/{self.item_id or '-'}: {self.level}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting call-back")
    CALLED_BACK = "called_back", _("Called back, being rectified")
    RESOLVED = "resolved", _("Resolved, awaiting re-check")
    RECHECKED = "rechecked", _("Re-checked (回头看)")


class RectificationOutcome(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified")
    EXPLAINED = "explained", _("Explained")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")


RS = RectificationStatus
RUNNING_RECTIFICATION = [RS.OPEN, RS.CALLED_BACK]

# Red when the call-back or the rectification is late (or the 回头看 re-check is), yellow near the rectification
# deadline, green while running or waiting for the re-check, done once re-checked (docs/ratings.md).
RECTIFICATION_LIGHT = Rule(Light, [
    when(Light.DONE, {"status": RS.RECHECKED}),
    when(Light.RED, lambda now: {"status": RS.OPEN, "callback_due_at__lte": now}),
    when(Light.RED, lambda now: {"status__in": RUNNING_RECTIFICATION, "due_at__lte": now}),
    when(Light.RED, lambda now: {"status": RS.RESOLVED, "recheck_due_at__lte": now}),
    when(Light.YELLOW, lambda now: {"status__in": RUNNING_RECTIFICATION, "warn_at__lte": now}),
], default=Light.GREEN)


class RectificationQuerySet(models.QuerySet):
    def with_light(self, now):
        """Annotate `light` (RectificationCase.LIGHT): the one definition, computed from stored columns."""
        return self.annotate(light=RECTIFICATION_LIGHT.expression(now))

    def overdue(self, now):
        return self.with_light(now).filter(light=Light.RED.value)

    def visible_to(self, user):
        """The department concerned (clerks, staff, chief); leaders, administrators, supervisors: all; the
        complainant's enterprise: its own cases."""
        from approvals.services.permissions import OVERSEEING_ROLES, department_of
        from portal.models.users import DEPARTMENT_ROLES, Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.role in OVERSEEING_ROLES:
            return self.all()
        if user.role == Role.APPLICANT:
            return self.filter(application__enterprise_id=user.enterprise_id) if user.enterprise_id else self.none()
        department = department_of(user)
        if user.role in DEPARTMENT_ROLES and department is not None:
            return self.filter(department=department)
        return self.none()


class RectificationCase(ConcurrentTransitionMixin, models.Model):
    """整改: opened by a bad review. Call-back within RECTIFICATION_CALLBACK_DAYS working days, rectified within
    RECTIFICATION_DAYS, an outcome, the complainant's rating of the fix, and a 回头看 re-check a month later.
    `next_check_at` is the deadline sweep's column."""

    rating = models.OneToOneField(Rating, verbose_name=_("bad review"), on_delete=models.PROTECT,
                                  related_name="rectification")
    application = models.ForeignKey("approvals.Application", verbose_name=_("application"),
                                    on_delete=models.PROTECT, related_name="rectifications")
    department = models.ForeignKey("approvals.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="rectifications")
    status = FSMField(_("status"), max_length=16, choices=RectificationStatus.choices, default=RS.OPEN,
                      protected=True, db_index=True)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    callback_due_at = models.DateTimeField(_("call-back due at"))
    due_at = models.DateTimeField(_("rectification due at"))
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next deadline check"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    called_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("called back by"))
    callback_note = models.TextField(_("call-back note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=RectificationOutcome.choices, blank=True)
    outcome_note = models.TextField(_("what was done"), blank=True)
    fix_level = models.CharField(_("complainant's rating of the fix"), max_length=24, choices=RatingLevel.choices,
                                 blank=True)
    fix_rated_at = models.DateTimeField(_("fix rated at"), null=True, blank=True)
    recheck_due_at = models.DateTimeField(_("re-check due at"), null=True, blank=True)
    rechecked_at = models.DateTimeField(_("re-checked at"), null=True, blank=True)
    rechecked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("re-checked by"))
    recheck_note = models.TextField(_("re-check findings"), blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification case")
        verbose_name_plural = _("rectification cases")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["next_check_at"], name="rectification_next",
                         condition=models.Q(next_check_at__isnull=False)),
            models.Index(fields=["department", "due_at"], name="rectification_open",
                         condition=models.Q(status__in=["open", "called_back"])),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.get_status_display()}"

    @transition(field=status, source=RS.OPEN, target=RS.CALLED_BACK)
    def call_back(self, *, by, at, note):
        self.called_back_by, self.called_back_at, self.callback_note = by, at, note

    @transition(field=status, source=RS.CALLED_BACK, target=RS.RESOLVED)
    def resolve(self, *, by, at, outcome, note, recheck_due_at):
        self.resolved_by, self.resolved_at, self.outcome, self.outcome_note = by, at, outcome, note
        self.recheck_due_at = recheck_due_at

    @transition(field=status, source=RS.RESOLVED, target=RS.RECHECKED)
    def recheck(self, *, by, at, note):
        self.rechecked_by, self.rechecked_at, self.recheck_note = by, at, note

    def light_at(self, now) -> Light:
        return RECTIFICATION_LIGHT.of(self, now)
