"""Stages of an application and the per-item reviews inside them, with their clocks and signatures.

Inside a stage every item review runs in parallel; stages run in order. Each review carries its clock:
`due_at` (promised limit) and `legal_due_at` are recomputed by the services on every start, pause, resume and
extension (see approvals/clocks.py) and indexed for the deadline sweep.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from approvals.lights import Light, Rule, when


class StageStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The light of a stage, from its stored clock columns (approvals/lights.py; docs/statuses.md).
STAGE_LIGHT = Rule(Light, [
    when(Light.DONE, {"status__in": [StageStatus.CLOSED, StageStatus.CANCELLED]}),
    when(Light.WAITING, {"status": StageStatus.WAITING}),
    # An open stage has no due time while one of its reviews is suspended (a stage follows its reviews).
    when(Light.PAUSED, {"due_at__isnull": True}),
    when(Light.RED, lambda now: {"due_at__lte": now}),
    when(Light.YELLOW, lambda now: {"warn_at__lte": now}),
], default=Light.GREEN)


_POSSIBLE: dict = {}


def _possible(rule, statuses, lights) -> list:
    """The statuses a row with one of `lights` can have under `rule` (Rule.possible), computed once."""
    key = (id(rule), frozenset(str(v) for v in ([lights] if isinstance(lights, str) else lights)))
    if key not in _POSSIBLE:
        _POSSIBLE[key] = rule.possible("status", statuses, key[1])
    return _POSSIBLE[key]


def _light_filter(rule, statuses, lights, now) -> models.Q:
    """Rows whose light under `rule` is one of `lights`: the status hint (`status IN` the statuses those lights can
    have) and the rule's filter with its status tests settled for them (`Rule.q(within=...)`)."""
    possible = _possible(rule, statuses, lights)
    return rule.q(lights, now, within=("status", possible)) & models.Q(status__in=possible)


class StageQuerySet(models.QuerySet):
    def with_light(self, now):
        """Annotate `light` (a `Light` value) at `now`, computed by the database."""
        return self.annotate(light=STAGE_LIGHT.expression(now))

    def filter_light(self, lights, now):
        """Only the stages whose light at `now` is one of `lights` (a value or a list), with the statuses those
        lights can have (an index hint, as for reviews)."""
        return self.filter(_light_filter(STAGE_LIGHT, StageStatus.values, lights, now))


class ApplicationStage(ConcurrentTransitionMixin, models.Model):
    LIGHT = STAGE_LIGHT

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=128)
    lead_department = models.ForeignKey("approvals.Department", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("lead department"))
    promised_limit_days = models.PositiveIntegerField(_("promised stage limit (working days)"))
    status = FSMField(_("status"), max_length=16, choices=StageStatus.choices, default=StageStatus.WAITING,
                      protected=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next deadline check"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = StageQuerySet.as_manager()

    class Meta:
        verbose_name = _("application stage")
        verbose_name_plural = _("application stages")
        ordering = ["application", "order"]
        constraints = [models.UniqueConstraint(fields=["application", "order"], name="app_stage_order_once")]
        indexes = [models.Index(fields=["next_check_at"], name="stage_next_check",
                                condition=models.Q(next_check_at__isnull=False)),
                   # Late stages (red: due_at <= now, yellow: warn_at <= now) on the boards and their counts.
                   # (with the status and warn_at the light reads: the counts are index-only scans)
                   models.Index(fields=["due_at", "lead_department", "status", "warn_at"], name="stage_open_clock",
                                condition=models.Q(status="open")),
                   models.Index(fields=["warn_at", "lead_department"], name="stage_open_warn",
                                condition=models.Q(status="open")),
                   # The stages a department leads, by status and due time (its inbox).
                   models.Index(fields=["lead_department", "status", "due_at"], name="stage_department_status")]

    def __str__(self):
        return f"{self.application.reference} · {self.order}. {self.name}"

    def set_clock(self, due_at, warn_at):
        """Store a (re)computed clock; None while one of its reviews is suspended. The sweep starts again from
        its first threshold (a moved clock is a new deadline)."""
        self.due_at = due_at
        self.warn_at = warn_at
        self.next_check_at = (warn_at or due_at) if due_at else None

    def light_at(self, now) -> Light:
        """This stage's light at `now` (the rule of `with_light`, evaluated on the loaded row)."""
        return STAGE_LIGHT.of(self, now)

    @transition(field=status, source=StageStatus.WAITING, target=StageStatus.OPEN)
    def open(self, *, now, due_at, warn_at):
        self.opened_at = now
        self.set_clock(due_at, warn_at)

    @transition(field=status, source=StageStatus.OPEN, target=StageStatus.CLOSED)
    def close(self, *, now):
        self.closed_at = now
        self.next_check_at = None

    @transition(field=status, source=[StageStatus.WAITING, StageStatus.OPEN], target=StageStatus.CANCELLED)
    def cancel(self, *, now):
        self.closed_at = now
        self.next_check_at = None


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UNDER_REVIEW = "under_review", _("Under review")
    SUSPENDED = "suspended", _("Suspended")
    APPROVED = "approved", _("Approved, awaiting signature")
    REFUSED = "refused", _("Refused, awaiting signature")
    SIGNED = "signed", _("Decided and signed")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")


R = ReviewStatus
OPEN_REVIEW_STATES = [R.UNDER_REVIEW, R.SUSPENDED, R.APPROVED, R.REFUSED]
# A review's clock runs while it is under review and while its decision waits for the chief's signature.
RUNNING_REVIEW_STATES = [R.UNDER_REVIEW, R.APPROVED, R.REFUSED]
# Every state whose light is not done (not yet signed or cancelled): what the live board reads, by the partial index
# `review_live_app_clock` (a small share of the history). Tested equal to what REVIEW_LIGHT allows.
LIVE_REVIEW_STATES = [R.PENDING, *OPEN_REVIEW_STATES]
# The history: every other state, whose light is always done.
DONE_REVIEW_STATES = [s for s in R if s not in LIVE_REVIEW_STATES]

# The light of a review, from its stored clock columns (approvals/lights.py; docs/statuses.md): done once
# signed or cancelled; paused while suspended; waiting until its stage starts it; then red from `due_at`,
# yellow from `warn_at` (the thresholds the services store on every start, pause, resume and extension and
# the deadline sweep fires on), green before.
REVIEW_LIGHT = Rule(Light, [
    when(Light.DONE, {"status__in": [R.SIGNED, R.CANCELLED]}),
    when(Light.PAUSED, {"status": R.SUSPENDED}),
    when(Light.WAITING, {"status": R.PENDING}),
    when(Light.WAITING, {"started_at__isnull": True}),
    when(Light.PAUSED, {"due_at__isnull": True}),
    when(Light.RED, lambda now: {"due_at__lte": now}),
    when(Light.YELLOW, lambda now: {"warn_at__lte": now}),
], default=Light.GREEN)

# "Opinion ready" (拟办意见已出): under review, and the staff have written their opinion and proposed decision for
# the chief representative. A status of the inbox, not of the machine: the one definition that the inbox filter
# and count, the batch decide-and-sign page and service, and the API use (`ReviewQuerySet.opinion_ready`).
OPINION_READY = models.Q(status=R.UNDER_REVIEW) & ~models.Q(proposed_decision="") & ~models.Q(opinion="")


# An item's decision that stands: a signed approval not revoked since (a false commitment revokes it).
STANDING_APPROVAL = models.Q(status=ReviewStatus.SIGNED, decision=Decision.APPROVE, revoked_at__isnull=True)


class ReviewQuerySet(models.QuerySet):
    def standing_approvals(self):
        """The items approved and still approved: what the bundle's outcome counts (`Application.outcome`)."""
        return self.filter(STANDING_APPROVAL)

    def opinion_ready(self):
        """Only the reviews whose staff opinion is ready for the chief's decision (拟办意见已出)."""
        return self.filter(OPINION_READY)

    def with_opinion_ready(self):
        """Annotate `opinion_ready` (a boolean), computed by the database from the same definition."""
        return self.annotate(opinion_ready=models.ExpressionWrapper(OPINION_READY,
                                                                    output_field=models.BooleanField()))

    def with_light(self, now):
        """Annotate `light` (a `Light` value) at `now`, computed by the database."""
        return self.annotate(light=REVIEW_LIGHT.expression(now))

    def filter_light(self, lights, now):
        """Only the reviews whose light at `now` is one of `lights` (a value or a list).

        With the statuses those lights can have (`Rule.possible`), so that red, yellow and green lists and counts
        are range scans of the partial indexes on open reviews (docs/performance.md)."""
        return self.filter(_light_filter(REVIEW_LIGHT, ReviewStatus.values, lights, now))

    def light_counts(self, now) -> dict:
        """{light: number of reviews} at `now`, every light present (one grouped query).

        `COUNT(*)`, not of a column: every column the light reads is in the covering indexes, so this is an
        index-only scan (docs/performance.md)."""
        counts = dict(self.with_light(now).order_by().values_list("light").annotate(n=models.Count("*")))
        return {light.value: counts.get(light.value, 0) for light in Light}

    def status_light_counts(self, now, *, done_cap=None) -> "StatusLightCounts":
        """The number of reviews per (status, light) at `now`. Counts per status, per light and of any list
        filtered by statuses and lights are sums of it (`StatusLightCounts`), so a page needs no other COUNT(*).

        With `done_cap`, the open work is counted apart from the history: the reviews not done are one grouped
        query over the range `status IN LIVE_REVIEW_STATES` of `review_department_clock` (index-only, as many rows
        as there is open work), and each done status (signed, cancelled: light done, whatever the clock) is
        counted up to `done_cap` only (`SELECT COUNT(*) FROM (... LIMIT done_cap + 1)`); a status with more is
        reported as `done_cap` and listed in `capped` ("1000+"). Without it, one grouped query over every review
        (its cost grows with the whole history)."""
        if done_cap is None:
            rows = self.with_light(now).order_by().values_list("status", "light").annotate(n=models.Count("*"))
            return StatusLightCounts({(status, light): n for status, light, n in rows})
        rows = (self.filter(status__in=LIVE_REVIEW_STATES).with_light(now).order_by()
                .values_list("status", "light").annotate(n=models.Count("*")))
        counts = {(status, light): n for status, light, n in rows}
        capped = set()
        for status in DONE_REVIEW_STATES:
            n = self.filter(status=status).order_by().values("pk")[:done_cap + 1].count()
            if n > done_cap:
                n = done_cap
                capped.add(str(status))
            if n:
                counts[(str(status), Light.DONE.value)] = n
        return StatusLightCounts(counts, capped=capped)


class StatusLightCounts:
    """Reviews counted per (status, light): the status counts, the light counts and the size of any list
    filtered by statuses and lights, all from the grouped counts of `ReviewQuerySet.status_light_counts`.

    `capped`: the statuses counted only up to a cap (their number is the cap; the true one is larger)."""

    def __init__(self, counts: dict, capped=()):
        self.counts = counts
        self.capped = {str(s) for s in capped}

    def _cells(self, statuses, lights):
        statuses = None if statuses is None else {str(s) for s in statuses}
        lights = None if lights is None else {str(v) for v in lights}
        return [(status, light, n) for (status, light), n in self.counts.items()
                if (statuses is None or status in statuses) and (lights is None or light in lights)]

    def total(self, statuses=None, lights=None) -> int:
        """Reviews with one of `statuses` (None: any) and one of `lights` (None: any); at least this many when
        `is_capped(statuses, lights)`."""
        return sum(n for _status, _light, n in self._cells(statuses, lights))

    def is_capped(self, statuses=None, lights=None) -> bool:
        """Whether `total(statuses, lights)` includes a capped count (the true number is larger)."""
        return any(status in self.capped for status, _light, _n in self._cells(statuses, lights))

    def capped_values(self) -> set:
        """The statuses and lights whose count (`by_status`, `by_light`) is a lower bound."""
        return self.capped | {light.value for light in Light if self.is_capped(lights=[light.value])}

    def by_status(self) -> dict:
        """{status: number}, every status present."""
        return {status: self.total(statuses=[status]) for status in ReviewStatus.values}

    def by_light(self) -> dict:
        """{light: number}, every light present (as `ReviewQuerySet.light_counts`)."""
        return {light.value: self.total(lights=[light.value]) for light in Light}


class ItemReview(ConcurrentTransitionMixin, models.Model):
    LIGHT = REVIEW_LIGHT

    # No index of its own: `one_review_per_item` (application, item) leads with it.
    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="reviews",
                                    db_index=False)
    stage = models.ForeignKey(ApplicationStage, on_delete=models.CASCADE, related_name="reviews")
    item = models.ForeignKey("approvals.ServiceItem", on_delete=models.PROTECT, related_name="reviews")
    # No index of its own: `review_department_clock` (department, status, ...) leads with it.
    department = models.ForeignKey("approvals.Department", on_delete=models.PROTECT, related_name="reviews",
                                   db_index=False)
    status = FSMField(_("status"), max_length=16, choices=ReviewStatus.choices, default=R.PENDING, protected=True)

    # The clock (all times aware; limits in working days).
    started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    limit_days = models.PositiveIntegerField(_("promised limit (working days)"))
    legal_limit_days = models.PositiveIntegerField(_("legal limit (working days)"))
    extension_days = models.PositiveIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", db_index=False, verbose_name=_("extension approved by"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    legal_due_at = models.DateTimeField(_("legal limit due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    next_check_at = models.DateTimeField(
        _("next deadline check"), null=True, blank=True,
        help_text=_("The next instant a warning or escalation can fire; empty while the clock is stopped."),
    )

    # The staff opinion and the chief's decision.
    opinion = models.TextField(_("staff opinion"), blank=True)
    opinion_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", db_index=False)
    proposed_decision = models.CharField(_("proposed decision"), max_length=8, choices=Decision.choices,
                                         blank=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    remedy_notice = models.TextField(_("notice of remedies"), blank=True,
                                     help_text=_("Refusals tell the applicant of reconsideration and litigation."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", db_index=False, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    on_commitment = models.BooleanField(_("decided on commitment (告知承诺)"), default=False)
    verify_after = models.BooleanField(_("to verify afterwards"), default=False)
    # A decision on commitment found false by the after-check (事后核查) is revoked: the signed decision stays on
    # record (its signature never changes), these columns say it no longer stands and why.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", db_index=False, verbose_name=_("revoked by"))
    revocation_reason = models.TextField(_("reason for the revocation"), blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("item review")
        verbose_name_plural = _("item reviews")
        ordering = ["application", "stage__order", "department__code", "item__code"]
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="one_review_per_item")]
        indexes = [
            # The deadline sweep reads only running clocks whose next threshold has come.
            models.Index(fields=["next_check_at"], name="review_next_check",
                         condition=models.Q(next_check_at__isnull=False)),
            # Covering indexes (docs/performance.md): every column a light rule reads (status, started_at, due_at,
            # warn_at; legal_due_at for the boards' legal overruns) is in the index, so counts per status and light
            # and the ids of a page are index-only scans, and only the rows of the page are read from the table.
            # A department's reviews by status: its status and light counts, its inbox filtered by status.
            models.Index(fields=["department", "status", "due_at", "warn_at", "started_at"],
                         name="review_department_clock"),
            # Open reviews by due time: the first page of an inbox, the red and yellow lists of the boards and
            # their counts are range scans of these, whatever the size of the history.
            models.Index(fields=["department", "due_at", "id", "status", "warn_at", "started_at", "legal_due_at"],
                         name="review_open_dept_clock", condition=models.Q(status__in=OPEN_REVIEW_STATES)),
            models.Index(fields=["due_at", "id", "status", "warn_at", "started_at", "department", "legal_due_at"],
                         name="review_open_clock", condition=models.Q(status__in=OPEN_REVIEW_STATES)),
            # The reviews not done, by application, with every column of the light: the live board's light of each
            # running bundle (approvals/metrics.py live_board) and the red count are index-only scans of these.
            models.Index(fields=["application", "status", "due_at", "warn_at", "started_at"],
                         name="review_live_app_clock", condition=models.Q(status__in=LIVE_REVIEW_STATES)),
            # Yellow or red (warn_at <= now): the boards' counts per department.
            models.Index(fields=["warn_at", "department", "status", "due_at", "started_at", "legal_due_at"],
                         name="review_open_warn_clock", condition=models.Q(status__in=OPEN_REVIEW_STATES)),
            # Every index is written again when the sweep moves a review's next check (`next_check_at` is indexed,
            # so the update is never HOT): the table keeps only the indexes something reads (0022_sweep_indexes).
            # One plain index on the status (the field's own index came with a `varchar_pattern_ops` twin that
            # only LIKE needs); the people who acted, only where someone did (open reviews have none).
            models.Index(fields=["status"], name="review_status"),
            models.Index(fields=["extended_by"], name="review_extended_by",
                         condition=models.Q(extended_by__isnull=False)),
            models.Index(fields=["opinion_by"], name="review_opinion_by", condition=models.Q(opinion_by__isnull=False)),
            models.Index(fields=["decided_by"], name="review_decided_by", condition=models.Q(decided_by__isnull=False)),
            models.Index(fields=["revoked_by"], name="review_revoked_by", condition=models.Q(revoked_by__isnull=False)),
        ]

    def __str__(self):
        return f"{self.application.reference} · {self.item.name}"

    # --- transitions ---------------------------------------------------------------------------------
    def set_clock(self, due_at, legal_due_at, warn_at):
        """Store a recomputed clock without a change of state (the calendar changed)."""
        self._set_clock(due_at, legal_due_at, warn_at)

    def _set_clock(self, due_at, legal_due_at, warn_at):
        """Store a (re)computed clock; the sweep starts again from its first threshold."""
        self.due_at = due_at
        self.legal_due_at = legal_due_at
        self.warn_at = warn_at
        self.next_check_at = (warn_at or due_at) if due_at else None

    @transition(field=status, source=R.PENDING, target=R.UNDER_REVIEW)
    def start(self, *, at, due_at, legal_due_at, warn_at=None):
        self.started_at = at
        self._set_clock(due_at, legal_due_at, warn_at)

    @transition(field=status, source=R.UNDER_REVIEW, target=R.SUSPENDED)
    def suspend(self):
        # A paused clock never fires: its due time is unknown until it resumes.
        self._set_clock(None, None, None)

    @transition(field=status, source=R.SUSPENDED, target=R.UNDER_REVIEW)
    def resume(self, *, due_at, legal_due_at, warn_at=None):
        self._set_clock(due_at, legal_due_at, warn_at)

    @transition(field=status, source=[R.UNDER_REVIEW, R.SUSPENDED],
                target=RETURN_VALUE(R.UNDER_REVIEW, R.SUSPENDED), conditions=[lambda self: self.extension_days == 0])
    def extend(self, *, days, reason, by, at, due_at, legal_due_at, warn_at=None):
        """The one extension (Art. 42); a suspended review stays suspended, its clock still unknown."""
        self.extension_days = days
        self.extension_reason = reason
        self.extended_by = by
        self.extended_at = at
        self._set_clock(due_at, legal_due_at, warn_at)
        return self.status

    @transition(field=status, source=R.UNDER_REVIEW, target=R.APPROVED)
    def approve(self, *, by, at, reasons, on_commitment=False):
        self.decision = Decision.APPROVE
        self.reasons = reasons
        self.decided_by = by
        self.decided_at = at
        self.on_commitment = on_commitment
        self.verify_after = on_commitment

    @transition(field=status, source=R.UNDER_REVIEW, target=R.REFUSED)
    def refuse(self, *, by, at, reasons, remedy_notice):
        self.decision = Decision.REFUSE
        self.reasons = reasons
        self.remedy_notice = remedy_notice
        self.decided_by = by
        self.decided_at = at

    @transition(field=status, source=[R.APPROVED, R.REFUSED], target=R.SIGNED)
    def sign(self):
        # The due times stay on record (was it decided in time?); the clock stops.
        self.next_check_at = None

    @transition(field=status, source=[R.PENDING, R.UNDER_REVIEW, R.SUSPENDED, R.APPROVED, R.REFUSED],
                target=R.CANCELLED)
    def cancel(self):
        self._set_clock(None, None, None)

    def revoke(self, *, by, at, reason):
        """A signed approval on commitment no longer stands (a false commitment). Pure: sets fields only."""
        self.revoked_at = at
        self.revoked_by = by
        self.revocation_reason = reason

    @property
    def is_decided(self) -> bool:
        return self.status == R.SIGNED

    def light_at(self, now) -> Light:
        """This review's light at `now` (the rule of `with_light`, evaluated on the loaded row)."""
        return REVIEW_LIGHT.of(self, now)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PauseKind(models.TextChoices):
    EXPERT_REVIEW = "expert_review", _("Expert review")
    HEARING = "hearing", _("Hearing")
    TESTING = "testing", _("Testing")
    INSPECTION = "inspection", _("Inspection")
    APPRAISAL = "appraisal", _("Appraisal")
    SUPPLEMENT = "supplement", _("Supplement during review")


class ReviewPause(models.Model):
    """Time that does not count (Art. 45); the applicant is told the reason and the expected length."""

    review = models.ForeignKey(ItemReview, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=16, choices=PauseKind.choices)
    reason = models.TextField(_("reason"))
    expected_days = models.PositiveIntegerField(_("expected length (working days)"))
    started_at = models.DateTimeField(_("paused at"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["review", "started_at"]
        constraints = [models.UniqueConstraint(fields=["review"], condition=models.Q(ended_at__isnull=True),
                                               name="one_open_pause_per_review")]


class DecisionSignature(models.Model):
    """The chief representative's signature: who, when, what, and the hash of the canonical content."""

    review = models.OneToOneField(ItemReview, on_delete=models.PROTECT, related_name="signature")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signed as"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    content = models.JSONField(_("canonical decision content"))
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    second_factor = models.CharField(_("second factor"), max_length=32, default="totp")

    class Meta:
        verbose_name = _("decision signature")
        verbose_name_plural = _("decision signatures")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A signed decision cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A signed decision cannot be deleted.")
