"""Aggregate tables of the supervision figures (docs/metrics.md#aggregates): per day and scope, the counts and sums
the figures add up, refreshed by Celery beat (approvals/aggregates.py). They hold nothing that is not derived from
the portal's records and are rebuilt from them at any time (`manage.py refresh_metrics --full`).

Scope: an application counts for every department and every item it has (docs/metrics.md, Filters), so a row is
kept per day for all of them together (`scope` ALL, `scope_id` 0), per department (`scope` D) and per item
(`scope` I); `package` and `park` are dimensions of their own (empty: an application of no package, an
enterprise in no park)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    ALL = "all", _("All")
    DEPARTMENT = "d", _("Department")
    ITEM = "i", _("Item")


class MetricsDay(models.Model):
    day = models.DateField(_("day"))
    scope = models.CharField(_("scope"), max_length=3, choices=Scope.choices)
    scope_id = models.IntegerField(_("department or item"), default=0)
    package_id = models.IntegerField(_("package"), null=True)
    park_id = models.IntegerField(_("park"), null=True)
    # applications received / accepted / decided on the day
    received = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    # item reviews decided and signed on the day: how many, on time, Σ promised and legal limits
    decided_items = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    promised_days = models.BigIntegerField(default=0)
    legal_days = models.BigIntegerField(default=0)
    # visits and fees of the applications decided on the day
    visits = models.IntegerField(default=0)
    with_visit = models.IntegerField(default=0)  # applications with at least one visit
    with_two_visits = models.IntegerField(default=0)  # ... with at least two
    fees_standard = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    fees_charged = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # ratings given on the day, per level
    very_satisfied = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically_satisfied = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)
    very_dissatisfied = models.IntegerField(default=0)
    # rectification cases opened on the day: how many, called back, with an outcome (as of the refresh)
    cases = models.IntegerField(default=0)
    cases_called_back = models.IntegerField(default=0)
    cases_resolved = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily supervision figures")
        verbose_name_plural = _("daily supervision figures")
        indexes = [models.Index(fields=["scope", "scope_id", "day"], name="metrics_day_scope")]


class MetricsDuration(models.Model):
    """Applications decided on `day` that took `working_days` from acceptance to decision, per scope."""

    day = models.DateField(_("day"))
    scope = models.CharField(_("scope"), max_length=3, choices=Scope.choices)
    scope_id = models.IntegerField(_("department or item"), default=0)
    package_id = models.IntegerField(_("package"), null=True)
    park_id = models.IntegerField(_("park"), null=True)
    working_days = models.IntegerField(_("working days"))
    applications = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("decision durations per day")
        verbose_name_plural = _("decision durations per day")
        indexes = [models.Index(fields=["scope", "scope_id", "day"], name="metrics_duration_scope")]


class MetricsRefresh(models.Model):
    """One refresh of the aggregate tables: the days it recomputed and when it finished."""

    full = models.BooleanField(_("full rebuild"), default=False)
    first_day = models.DateField(_("from"), null=True)
    last_day = models.DateField(_("to"), null=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), db_index=True)
    rows = models.IntegerField(_("rows written"), default=0)

    class Meta:
        verbose_name = _("refresh of the supervision figures")
        verbose_name_plural = _("refreshes of the supervision figures")
        ordering = ["-finished_at"]


EVERY_REPORT = "every"


def report_readership(user):
    """What `user` reads of the monthly reports: `EVERY_REPORT` (the overseeing roles: leaders, administrators,
    supervisors), their own department (a department's chief), or None (nobody else)."""
    from approvals.services.permissions import OVERSEEING_ROLES, department_of
    from portal.models.users import Role

    if not getattr(user, "is_authenticated", False):
        return None
    if user.role in OVERSEEING_ROLES:
        return EVERY_REPORT
    return department_of(user) if user.role == Role.CHIEF else None


class MonthlyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule of the monthly reports (their documents' pages and downloads, the reports page
        and its list): `report_readership`."""
        readership = report_readership(user)
        if readership is None:
            return self.none()
        return self if readership == EVERY_REPORT else self.filter(department=readership)


class MonthlyReport(models.Model):
    """监管月报: the subject of one sealed monthly report (an IssuedDocument of kind monthly_report) per month and
    scope (`scope`: "" for the whole district, or a department's code). Ordered by the beat task for the previous
    month, or by an administrator; ordering twice returns the same report (approvals/documents/monthly_report.py)."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    scope = models.CharField(_("scope"), max_length=32, blank=True, default="")
    department = models.ForeignKey("approvals.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    ordered_at = models.DateTimeField(_("ordered at"))
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ordered by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-year", "-month", "scope"]
        constraints = [models.UniqueConstraint(fields=["year", "month", "scope"], name="monthly_report_once")]

    def __str__(self):
        return f"{self.year}-{self.month:02d}{' ' + self.scope if self.scope else ''}"
