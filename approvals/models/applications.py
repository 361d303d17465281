"""The application (a bundle of items filed with one form and one set of materials) and its timeline.

State machine (django-fsm-2, protected field): transitions only set fields on `self`; the services in
`approvals.services` save, audit and schedule side effects. See docs/state-machines.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Min, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Least, NullIf, Substr, Trim
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.lights import RANK, Light, Rule, when, worst
from approvals.models.reviews import REVIEW_LIGHT, RUNNING_REVIEW_STATES, ItemReview
from approvals.sql_once import OncePerNow


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PRE_REVIEW = "pre_review", _("Pre-review requested")
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    UNDER_REVIEW = "under_review", _("Accepted, under review")
    DECIDED = "decided", _("Decided")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(models.TextChoices):
    """The bundle's result, from its items' current decisions (`outcome_of`): one definition for the decision and
    for every revocation after it."""

    ALL_APPROVED = "all_approved", _("All approved")
    PARTLY_APPROVED = "partly_approved", _("Partly approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Approval revoked")


def outcome_of(application) -> str:
    """The bundle's outcome from its items' decisions as they stand now (one grouped query): all approved, partly,
    none — refused, or "approval revoked" when nothing stands because approvals were revoked (a false commitment
    found by the after-check). An item refused, cancelled by an earlier refusal or revoked does not count as
    approved."""
    from approvals.models.reviews import STANDING_APPROVAL

    counts = application.reviews.order_by().aggregate(
        total=models.Count("pk"), approved=models.Count("pk", filter=STANDING_APPROVAL),
        revoked=models.Count("pk", filter=models.Q(revoked_at__isnull=False)))
    if counts["total"] and counts["approved"] == counts["total"]:
        return Outcome.ALL_APPROVED
    if counts["approved"]:
        return Outcome.PARTLY_APPROVED
    return Outcome.REVOKED if counts["revoked"] else Outcome.REFUSED


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At the window (in person)")


class DeliveryMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic certificate")
    MAIL = "mail", _("Mail delivery")
    WINDOW = "window", _("Pick up at the window")


S = ApplicationStatus
WITHDRAWABLE = [S.DRAFT, S.PRE_REVIEW, S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.UNDER_REVIEW]
# Submitted and not yet decided, withdrawn or refused acceptance: the supervision's running work (the live board).
RUNNING_STATES = [S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.UNDER_REVIEW]
EDITABLE = [S.DRAFT]

# The acceptance clock (Art. 32) runs while the application waits for the window; its light from the stored
# `acceptance_due_at` / `acceptance_warn_at` (approvals/lights.py); no light while no acceptance clock runs.
ACCEPTANCE_LIGHT = Rule(Light, [
    when(None, {"acceptance_due_at__isnull": True}),
    when(Light.RED, lambda now: {"status": S.SUBMITTED, "acceptance_due_at__lte": now}),
    when(Light.YELLOW, lambda now: {"status": S.SUBMITTED, "acceptance_warn_at__lte": now}),
    when(Light.GREEN, {"status": S.SUBMITTED}),
], default=None)
# An application without any clock is done once decided, otherwise waiting.
LIGHT_DONE_STATES = [S.DECIDED, S.DELIVERED, S.CLOSED]
_NO_CLOCK = len(RANK)  # a rank after every light
# Every light's name padded to the same width, in rank order: the name of rank r is the r-th slice.
_LIGHT_WIDTH = max(len(light.value) for light in RANK)
_LIGHT_NAMES = "".join(light.value.ljust(_LIGHT_WIDTH) for light, _rank in sorted(RANK.items(), key=lambda i: i[1]))


def _light_rank(now):
    """The rank (0 = red ... 5 = done) of an application's worst light at `now`: the worst of its acceptance clock
    and of every review's clock (one correlated subquery), else done or waiting by its status."""
    reviews = (ItemReview.objects.filter(application=OuterRef("pk")).order_by().values("application")
               .annotate(rank=Min(REVIEW_LIGHT.rank_expression(now, RANK))).values("rank"))
    clock_rank = Least(Coalesce(ACCEPTANCE_LIGHT.rank_expression(now, RANK), Value(_NO_CLOCK)),
                       Coalesce(Subquery(reviews, output_field=IntegerField()), Value(_NO_CLOCK)))
    # NULLIF: no clock -> done or waiting by status.
    return Coalesce(NullIf(clock_rank, Value(_NO_CLOCK)),
                    Case(When(status__in=LIGHT_DONE_STATES, then=Value(RANK[Light.DONE])),
                         default=Value(RANK[Light.WAITING])), output_field=IntegerField())


class ApplicationQuerySet(models.QuerySet):
    def with_light(self, now):
        """Annotate `light`: the worst light of the application's clocks (its acceptance clock and every review)
        at `now`, and `light_rank` (0 = red ... 5 = done) to order by urgency — in SQL, one subquery per row.

        The rank's SQL is built once per process (`approvals.sql_once`: building it cost ~4 ms of Python a
        request) from `_light_rank(now)`, the definition; tests compare both on every state."""
        light_rank = LIGHT_RANK_SQL.expression(now, using=self.db)
        # `light` reads its name from `light_rank`: the name is cut from one padded string of every light's name,
        # in rank order (a CASE per light repeated the rank, and with it the reviews' subquery, eight times).
        name = Substr(Value(_LIGHT_NAMES), F("light_rank") * _LIGHT_WIDTH + 1, _LIGHT_WIDTH,
                      output_field=models.CharField())
        return self.annotate(light_rank=light_rank).annotate(light=Trim(name))

    def filter_light(self, lights, now):
        lights = [lights] if isinstance(lights, str) else list(lights)
        return self.with_light(now).filter(light__in=[str(light) for light in lights])

    def with_next_due(self):
        """Annotate `next_due`: the next deadline the applicant waits for — acceptance while submitted, else the
        earliest due time of a running review (None when no clock runs)."""
        earliest = (ItemReview.objects.filter(application=OuterRef("pk"), status__in=RUNNING_REVIEW_STATES,
                                              due_at__isnull=False)
                    .order_by().values("application").annotate(first=Min("due_at")).values("first"))
        return self.annotate(next_due=Case(When(status=S.SUBMITTED, then="acceptance_due_at"),
                                           default=Subquery(earliest), output_field=models.DateTimeField()))

    def awaiting_rating(self):
        """待评价: decided bundles (decided, delivered or closed after a decision) the applicant has not rated yet
        (no bundle rating). The applicant's workspace lists `visible_to(user).awaiting_rating()`."""
        from approvals.models.ratings import Rating

        return self.filter(status__in=LIGHT_DONE_STATES, decided_at__isnull=False).exclude(
            models.Exists(Rating.objects.filter(application=OuterRef("pk"), item__isnull=True)))

    def visible_to(self, user, *, today=None):
        """The applications `user` may see: the one rule behind the pages, the material downloads and the API
        (docs/privacy.md). Whoever may not see an application gets a 404, so they cannot learn it exists.

        - Whoever filed it sees it: the applicant, the agent, the window clerk who filed it for a walk-in.
        - An applicant sees their enterprise's; an agent those of the enterprises whose authorisation covers all
          their items today (the agents package answers through `delegation.register_visibility`).
        - A government role never sees an application that was not submitted (a draft, or a draft withdrawn),
          except the lead department a pre-review the applicant asked it for. Once submitted: the lead
          department's clerks, staff and chief, every department with a review in it, and leaders,
          administrators and supervisors.
        """
        from approvals.models.reviews import ItemReview
        from approvals.services import delegation
        from approvals.services.permissions import OVERSEEING_ROLES, department_of
        from portal.models.users import DEPARTMENT_ROLES, Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        filed_by_them = models.Q(created_by=user)
        if user.role == Role.APPLICANT:
            company = models.Q(enterprise_id=user.enterprise_id) if user.enterprise_id else models.Q(pk__in=[])
            return self.filter(filed_by_them | company)
        if user.role == Role.AGENT:
            return self.filter(filed_by_them | delegation.visible_applications(user, today=today))
        submitted = models.Q(submitted_at__isnull=False)
        if user.role in OVERSEEING_ROLES:
            return self.filter(filed_by_them | submitted)
        department = department_of(user)
        if user.role not in DEPARTMENT_ROLES or department is None:
            return self.filter(filed_by_them)
        involved = models.Q(lead_department=department) | models.Q(
            pk__in=ItemReview.objects.filter(department=department).values("application_id"))
        asked_to_pre_review = models.Q(lead_department=department, status=S.PRE_REVIEW)
        return self.filter(filed_by_them | (involved & submitted) | asked_to_pre_review)


class Application(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(_("reference number"), max_length=32, unique=True)
    enterprise = models.ForeignKey("portal.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="applications")
    package = models.ForeignKey("approvals.Package", verbose_name=_("package"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="applications")
    items = models.ManyToManyField("approvals.ServiceItem", verbose_name=_("items"), related_name="applications")
    title = models.CharField(_("title"), max_length=200)
    lead_department = models.ForeignKey("approvals.Department", verbose_name=_("lead department"),
                                        on_delete=models.PROTECT, related_name="led_applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="created_applications")
    filed_by_agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by park service agent"),
                                       on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="agent_applications")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    status = FSMField(_("status"), max_length=32, choices=ApplicationStatus.choices, default=S.DRAFT,
                      protected=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)

    form_data = models.JSONField(_("form"), default=dict, blank=True)
    form_version = models.PositiveIntegerField(_("form version"), default=1)
    delivery_method = models.CharField(_("delivery"), max_length=16, choices=DeliveryMethod.choices,
                                       default=DeliveryMethod.ELECTRONIC)
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(
        _("received at"), null=True, blank=True,
        help_text=_("When the materials were last received; the 5-working-day acceptance clock starts here."),
    )
    acceptance_due_at = models.DateTimeField(_("acceptance due at"), null=True, blank=True)
    acceptance_warn_at = models.DateTimeField(_("acceptance clock yellow from"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    deemed_accepted = models.BooleanField(_("deemed accepted (Art. 32)"), default=False)
    not_accepted_reason = models.TextField(_("reason for not accepting"), blank=True)
    apply_instead_to = models.CharField(_("where to apply instead"), max_length=255, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivery_due_at = models.DateTimeField(_("delivery due at (Art. 44)"), null=True, blank=True)
    delivery_check_at = models.DateTimeField(_("next delivery check"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=255, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            # Lists newest first (the API, the applicant's and the overseers' pages): a backward index scan.
            models.Index(fields=["-created_at", "-id"], name="app_newest_first"),
            # The acceptance sweep looks only at submitted applications with a due time.
            models.Index(fields=["acceptance_due_at"], name="app_acceptance_due_open",
                         condition=models.Q(status="submitted")),
            # ... and only at decided applications whose delivery clock has not fired yet.
            models.Index(fields=["delivery_check_at"], name="app_delivery_check",
                         condition=models.Q(delivery_check_at__isnull=False)),
            # The supervision figures count by period: received (first submission) and decided (approvals/metrics.py).
            models.Index(fields=["submitted_at"], name="app_submitted_at",
                         condition=models.Q(submitted_at__isnull=False)),
            models.Index(fields=["decided_at"], name="app_decided_at", condition=models.Q(decided_at__isnull=False)),
            # The running applications with the columns of their acceptance light (the live board's counts per
            # status and light are index-only scans of these, a small share of the history) ...
            models.Index(fields=["status", "id", "submitted_at", "acceptance_due_at", "acceptance_warn_at"],
                         name="app_running", condition=models.Q(status__in=RUNNING_STATES)),
            # ... and the submitted ones by id: a review's "its application was submitted" (the supervision counts
            # of reviews) is an index-only probe.
            models.Index(fields=["id"], name="app_submitted_id", condition=models.Q(submitted_at__isnull=False)),
            # Decided, not delivered within the delivery limit (the overdue board's counts per department).
            models.Index(fields=["delivery_due_at", "lead_department"], name="app_decided_delivery_due",
                         condition=models.Q(status="decided")),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    # --- transitions: pure, they set fields on self only -------------------------------------------
    @transition(field=status, source=S.DRAFT, target=S.PRE_REVIEW)
    def request_pre_review(self):
        pass

    @transition(field=status, source=S.PRE_REVIEW, target=S.DRAFT)
    def answer_pre_review(self):
        pass

    @transition(field=status, source=S.DRAFT, target=S.SUBMITTED)
    def submit(self, *, now, acceptance_due_at, acceptance_warn_at=None):
        self.submitted_at = self.submitted_at or now
        self.received_at = now
        self.acceptance_due_at = acceptance_due_at
        self.acceptance_warn_at = acceptance_warn_at

    @transition(field=status, source=S.SUPPLEMENT_REQUESTED, target=S.SUBMITTED)
    def answer_supplement(self, *, now, acceptance_due_at, acceptance_warn_at=None):
        self.received_at = now
        self.acceptance_due_at = acceptance_due_at
        self.acceptance_warn_at = acceptance_warn_at

    @transition(field=status, source=S.SUBMITTED, target=S.SUPPLEMENT_REQUESTED)
    def request_supplement(self):
        self.acceptance_due_at = None
        self.acceptance_warn_at = None

    @transition(field=status, source=S.SUBMITTED, target=S.NOT_ACCEPTED)
    def refuse_acceptance(self, *, reason, apply_instead_to, now):
        self.not_accepted_reason = reason
        self.apply_instead_to = apply_instead_to
        self.closed_at = now
        self.acceptance_due_at = None
        self.acceptance_warn_at = None

    @transition(field=status, source=S.SUBMITTED, target=S.UNDER_REVIEW)
    def accept(self, *, by, at, deemed=False):
        self.accepted_by = by
        self.accepted_at = at
        self.deemed_accepted = deemed
        self.acceptance_due_at = None
        self.acceptance_warn_at = None

    @transition(field=status, source=S.UNDER_REVIEW, target=S.DECIDED)
    def decide(self, *, outcome, now, delivery_due_at=None):
        self.outcome = outcome
        self.decided_at = now
        self.delivery_due_at = delivery_due_at
        self.delivery_check_at = delivery_due_at

    def set_outcome(self, outcome):
        """The bundle's outcome recomputed after its decision (`outcome_of`: an approval was revoked)."""
        self.outcome = outcome

    def set_delivery_clock(self, due_at):
        """The delivery clock moved (stopped while the fee is awaited, restarted on payment, or the calendar
        changed): a moved deadline is checked again (the firing is keyed by its deadline)."""
        self.delivery_due_at = due_at
        self.delivery_check_at = due_at

    @transition(field=status, source=S.DECIDED, target=S.DELIVERED)
    def deliver(self, *, now, tracking_number=""):
        self.delivered_at = now
        self.delivery_check_at = None
        if tracking_number:
            self.tracking_number = tracking_number

    @transition(field=status, source=[S.DELIVERED, S.NOT_ACCEPTED], target=S.CLOSED)
    def close(self, *, now):
        self.closed_at = now

    @transition(field=status, source=WITHDRAWABLE, target=S.WITHDRAWN)
    def withdraw(self, *, now, reason=""):
        self.withdrawn_at = now
        self.withdraw_reason = reason
        self.acceptance_due_at = None
        self.acceptance_warn_at = None

    # --- reading ----------------------------------------------------------------------------------
    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    def acceptance_light_at(self, now) -> Light | None:
        """The acceptance clock's light at `now`; None while no acceptance clock runs."""
        return ACCEPTANCE_LIGHT.of(self, now)

    def light_at(self, now) -> Light:
        """The worst light of the application's clocks at `now` (the rule of `with_light`, on the loaded row and
        its reviews — prefetch them for a list)."""
        light = worst([self.acceptance_light_at(now), *(review.light_at(now) for review in self.reviews.all())])
        if light is not None:
            return light
        return Light.DONE if self.status in LIGHT_DONE_STATES else Light.WAITING


class FormVersion(models.Model):
    """Every saved version of the form, so the history of each answer is kept (supplements included)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="form_versions")
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("form"))
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["application", "version"]
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="form_version_once")]


class EventKind(models.TextChoices):
    CREATED = "created", _("Draft created")
    MATERIAL_UPLOADED = "material_uploaded", _("Material uploaded")
    COMMITMENT_SIGNED = "commitment_signed", _("Commitment signed")
    DELIVERY_CHOSEN = "delivery_chosen", _("Delivery method chosen")
    PRE_REVIEW_REQUESTED = "pre_review_requested", _("Pre-review requested")
    PRE_REVIEW_ANSWERED = "pre_review_answered", _("Pre-review answered")
    SUBMITTED = "submitted", _("Submitted")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_ANSWERED = "supplement_answered", _("Supplement answered")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted")
    STAGE_OPENED = "stage_opened", _("Stage opened")
    STAGE_CLOSED = "stage_closed", _("Stage closed")
    REVIEW_STARTED = "review_started", _("Review started")
    SUSPENDED = "suspended", _("Review suspended")
    RESUMED = "resumed", _("Review resumed")
    EXTENDED = "extended", _("Limit extended")
    DECIDED_ITEM = "item_decided", _("Item decided")
    SIGNED = "signed", _("Decision signed")
    COMMITMENT_CONFIRMED = "commitment_confirmed", _("Commitment confirmed by the after-check")
    DECISION_REVOKED = "decision_revoked", _("Decision revoked (false commitment)")
    DECIDED = "decided", _("Bundle decided")
    FEE = "fee", _("Fee")
    PAID = "paid", _("Fee paid")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VISIT = "visit", _("Visit recorded")
    CLOCK_RECOMPUTED = "clock_recomputed", _("Due date recomputed (working-day calendar changed)")


class ApplicationEvent(models.Model):
    """The applicant-facing timeline: append-only, one row per thing that happened."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    department = models.ForeignKey("approvals.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application.reference} {self.kind}"


# The SQL of `_light_rank`, built once per process (ApplicationQuerySet.with_light).
LIGHT_RANK_SQL = OncePerNow(lambda now: Application.objects.annotate(light_rank=_light_rank(now)), "light_rank")
