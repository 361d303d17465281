"""诉求 under "清单制+责任制+销号制" and the 222 rule: small problems resolved within 2 working hours,
general ones within 2 working days, big ones a solution plan within 2 working days (seed 000).

The clock starts when the demand is raised; its columns (due_at, warn_at, next_check_at) are swept by the same
deadline sweep as the reviews (registered by agents/apps.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.lights import Light, Rule, when


class DemandClass(models.TextChoices):
    SMALL = "small", _("Small: resolved within 2 working hours")
    GENERAL = "general", _("General: resolved within 2 working days")
    BIG = "big", _("Big: a solution plan within 2 working days")


class DemandCategory(models.TextChoices):
    UTILITIES = "utilities", _("Water, power, gas and roads")
    APPROVALS = "approvals", _("Approvals and certificates")
    LAND = "land", _("Land and construction")
    POLICY = "policy", _("Policies, subsidies and fees")
    ENVIRONMENT = "environment", _("Environment and urban management")
    STAFF = "staff", _("Staff and services")
    OTHER = "other", _("Other")


class DemandStatus(models.TextChoices):
    RAISED = "raised", _("Raised, to be classified")
    OPEN = "open", _("On the list, being handled")
    PLAN_PROPOSED = "plan_proposed", _("Solution plan proposed")
    RESOLVED = "resolved", _("Resolved, awaiting the company's confirmation")
    CLOSED = "closed", _("Closed off (销号)")


D = DemandStatus


class Outcome222(models.TextChoices):
    """Whether the 222 limit of the demand's current clock was kept."""

    MET = "met", _("Kept")
    MISSED = "missed", _("Missed")
    PENDING = "pending", _("Running")


# The light of a demand, from its stored columns (approvals/lights.py; docs/statuses.md): a proposed plan past its
# own completion date is red again, otherwise done once planned, resolved or closed off; waiting until the park
# classifies it (no clock yet); then red from `due_at`, yellow from `warn_at`, green before.
DEMAND_LIGHT = Rule(Light, [
    when(Light.RED, lambda now: {"status": D.PLAN_PROPOSED, "plan_due_date__lt": timezone.localdate(now)}),
    when(Light.DONE, {"status__in": [D.PLAN_PROPOSED, D.RESOLVED, D.CLOSED]}),
    when(Light.WAITING, {"due_at__isnull": True}),
    when(Light.RED, lambda now: {"due_at__lte": now}),
    when(Light.YELLOW, lambda now: {"warn_at__lte": now}),
], default=Light.GREEN)

# The 222 outcome of the current clock: kept when the answer (a solution plan for a big demand, a resolution
# for any) came by `due_at`; missed when it came later, when the demand was closed off without one, or once
# `due_at` has passed without one; running otherwise (and while the demand has no class or no clock).
OUTCOME_222 = Rule(Outcome222, [
    when(Outcome222.PENDING, {"classification": ""}),
    when(Outcome222.PENDING, {"due_at__isnull": True}),
    when(Outcome222.MET, {"classification": DemandClass.BIG, "plan_proposed_at__lte": F("due_at")}),
    when(Outcome222.MET, {"resolved_at__lte": F("due_at")}),
    when(Outcome222.MISSED, {"classification": DemandClass.BIG, "plan_proposed_at__isnull": False}),
    when(Outcome222.MISSED, {"resolved_at__isnull": False}),
    when(Outcome222.MISSED, {"status": D.CLOSED}),
    when(Outcome222.MISSED, lambda now: {"due_at__lt": now}),
], default=Outcome222.PENDING)


class DemandQuerySet(models.QuerySet):
    def with_light(self, now):
        """Annotate `light` (a `Light` value) at `now`, computed by the database."""
        return self.annotate(light=DEMAND_LIGHT.expression(now))

    def filter_light(self, lights, now):
        """Only the demands whose light at `now` is one of `lights` (a value or a list)."""
        return self.filter(DEMAND_LIGHT.q(lights, now))

    def with_outcome_222(self, now):
        """Annotate `outcome_222` (an `Outcome222` value) at `now`, computed by the database."""
        return self.annotate(outcome_222=OUTCOME_222.expression(now))

    def filter_outcome_222(self, outcomes, now):
        return self.filter(OUTCOME_222.q(outcomes, now))


class Demand(ConcurrentTransitionMixin, models.Model):
    LIGHT = DEMAND_LIGHT
    OUTCOME_222 = OUTCOME_222

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.PROTECT, related_name="demands",
                                   verbose_name=_("enterprise"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("raised by"))
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=16, choices=DemandCategory.choices,
                                default=DemandCategory.OTHER)
    classification = models.CharField(_("class"), max_length=8, choices=DemandClass.choices, blank=True)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_demands",
                              null=True, blank=True, verbose_name=_("owner"))
    status = FSMField(_("status"), max_length=16, choices=DemandStatus.choices, default=D.RAISED, protected=True,
                      db_index=True)

    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next deadline check"), null=True, blank=True)

    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    plan = models.TextField(_("solution plan"), blank=True)
    plan_proposed_at = models.DateTimeField(_("plan proposed at"), null=True, blank=True)
    plan_due_date = models.DateField(_("the plan's own completion date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed off at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True)
    close_reason = models.CharField(_("how it was closed off"), max_length=255, blank=True)
    reopened = models.PositiveIntegerField(_("times reopened"), default=0)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["next_check_at"], name="demand_next_check",
                                condition=models.Q(next_check_at__isnull=False))]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def _set_clock(self, due_at, warn_at):
        self.due_at = due_at
        self.warn_at = warn_at
        self.next_check_at = (warn_at or due_at) if due_at else None

    def _stop_clock(self):
        """Nothing left to sweep; the due time stays on record for the 222 compliance."""
        self.next_check_at = None

    @transition(field=status, source=[D.RAISED, D.OPEN], target=D.OPEN)
    def classify(self, *, classification, owner, at, due_at, warn_at):
        self.classification = classification
        self.owner = owner
        self.classified_at = at
        self._set_clock(due_at, warn_at)

    @transition(field=status, source=D.OPEN, target=D.PLAN_PROPOSED,
                conditions=[lambda self: self.classification == DemandClass.BIG])
    def propose_plan(self, *, plan, plan_due_date, at):
        self.plan = plan
        self.plan_due_date = plan_due_date
        self.plan_proposed_at = at
        self._stop_clock()

    @transition(field=status, source=[D.OPEN, D.PLAN_PROPOSED], target=D.RESOLVED)
    def resolve(self, *, resolution, at):
        self.resolution = resolution
        self.resolved_at = at
        self._stop_clock()

    @transition(field=status, source=[D.RESOLVED, D.PLAN_PROPOSED, D.OPEN], target=D.CLOSED)
    def close(self, *, by, at, reason):
        self.closed_by = by
        self.closed_at = at
        self.close_reason = reason
        self._stop_clock()

    @transition(field=status, source=[D.RESOLVED, D.CLOSED], target=D.OPEN)
    def reopen(self, *, due_at, warn_at):
        self.reopened += 1
        self.resolved_at = None
        self.closed_at = None
        self._set_clock(due_at, warn_at)

    def light_at(self, now) -> Light:
        """This demand's light at `now` (the rule of `with_light`, evaluated on the loaded row)."""
        return DEMAND_LIGHT.of(self, now)

    def outcome_222_at(self, now) -> Outcome222:
        """The 222 outcome at `now` (the rule of `with_outcome_222`, evaluated on the loaded row)."""
        return OUTCOME_222.of(self, now)

    def met_222_at(self, now) -> bool | None:
        """Whether the 222 limit was kept: True, False, or None while it is still running."""
        return {Outcome222.MET: True, Outcome222.MISSED: False}.get(self.outcome_222_at(now))


class DemandReclassification(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="reclassifications")
    from_class = models.CharField(_("from"), max_length=8, choices=DemandClass.choices)
    to_class = models.CharField(_("to"), max_length=8, choices=DemandClass.choices)
    reason = models.CharField(_("reason"), max_length=255)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("reclassification")
        verbose_name_plural = _("reclassifications")
        ordering = ["demand", "at"]


def demand_attachment_path(instance, filename):
    return f"demands/{instance.demand_id}/{instance.sha256}{instance.extension}"


class DemandAttachment(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=demand_attachment_path)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(self.content_type, "")
