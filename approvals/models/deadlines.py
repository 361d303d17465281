"""Deadline firings: each warning, escalation or legal consequence happens at most once.

A firing is keyed by its subject, its kind and the deadline it belongs to; the unique constraint makes a
second sweep, a second beat or a retried task a no-op. When a clock moves (pause, resume, extension) it gets a
new deadline, so its warnings can fire again for the new time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FiringKind(models.TextChoices):
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted (Art. 32)")
    REVIEW_YELLOW = "review_yellow", _("Review: little time left")
    REVIEW_RED = "review_red", _("Review: promised limit passed")
    REVIEW_LEGAL = "review_legal", _("Review: legal limit passed")
    STAGE_YELLOW = "stage_yellow", _("Stage: little time left")
    STAGE_RED = "stage_red", _("Stage: promised limit passed")
    DELIVERY_RED = "delivery_red", _("Certificate not delivered in 10 working days (Art. 44)")
    AFTER_CHECK_OVERDUE = "after_check_overdue", _("After-check of a commitment not done in time")
    # The park's demands under the 222 rule (agents package) fire through the same sweep and table.
    DEMAND_YELLOW = "demand_yellow", _("Demand: little time left (222 rule)")
    DEMAND_RED = "demand_red", _("Demand: 222 limit passed")
    # 好差评: the rectification of a bad review and the supervisors' pain points (approvals/services/ratings.py).
    CALLBACK_RED = "callback_red", _("Bad review: no call-back in time")
    RECTIFICATION_YELLOW = "rectification_yellow", _("Rectification: little time left")
    RECTIFICATION_RED = "rectification_red", _("Rectification: deadline passed")
    RECHECK_DUE = "recheck_due", _("Rectification: the re-check (回头看) is due")
    PAIN_POINT_RED = "pain_point_red", _("Pain point: not answered in time")


class DeadlineFiring(models.Model):
    subject_type = models.CharField(_("subject type"), max_length=48)
    subject_id = models.BigIntegerField(_("subject id"))
    kind = models.CharField(_("kind"), max_length=32, choices=FiringKind.choices)
    deadline_at = models.DateTimeField(_("deadline"))
    fired_at = models.DateTimeField(_("fired at"))
    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="firings",
                                    null=True, blank=True)
    # No index of its own: `firing_board` (department, kind, fired_at) leads with it.
    department = models.ForeignKey("approvals.Department", on_delete=models.PROTECT, related_name="firings",
                                   null=True, blank=True, db_index=False)
    # What the digest says about it (approvals/notices/digest.py): the values of its message and its page.
    context = models.JSONField(_("message values"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("deadline firing")
        verbose_name_plural = _("deadline firings")
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "kind", "deadline_at"],
                                    name="firing_once"),
        ]
        indexes = [models.Index(fields=["department", "kind", "fired_at"], name="firing_board"),
                   # The history of every department, newest first (the overdue board's first page).
                   models.Index(fields=["-fired_at", "-id"], name="firing_newest_first"),
                   # One kind newest first (the deemed acceptances on the overdue board) and its count.
                   models.Index(fields=["kind", "-fired_at", "-id"], name="firing_kind_newest_first")]

    def __str__(self):
        return f"{self.subject_label} · {self.get_kind_display()} @ {self.fired_at:%Y-%m-%d %H:%M}"

    @property
    def subject_label(self) -> str:
        """What the firing is about, by name (from the values stored with it), never as "type #id"."""
        values = self.context or {}
        names = [values.get(key) for key in ("ref", "item", "stage", "title") if values.get(key)]
        return " · ".join(str(n) for n in names) or str(self.get_kind_display())


class DigestLine(models.Model):
    """One person to tell about one firing, written with the firing (the outbox).

    The sweep gathers the lines not yet told into one notification per person at the end of each pass
    (approvals/notices/digest.py); a pass that died before that leaves its lines to the next pass.
    """

    # No index of its own: `digest_line_once` (firing, recipient) leads with it.
    firing = models.ForeignKey(DeadlineFiring, on_delete=models.CASCADE, related_name="digest_lines",
                               db_index=False)
    # Neither the recipient nor the notification has an index of its own: the only reader is the digest, which
    # finds the lines still to tell through `digest_line_pending`; a told line is a record nobody searches. Each
    # such index took an entry per line written and another per line told (10,000 crossings: 25,000 lines, about
    # 100,000 index entries of the pass's 430,000). Deleting a user (an administrator's rare act; the
    # portal deactivates people) or a notification (nothing does) scans this table instead.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  db_index=False)
    told_at = models.DateTimeField(_("told at"), null=True, blank=True)
    notification = models.ForeignKey("portal.Notification", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", db_index=False)

    class Meta:
        verbose_name = _("digest line")
        verbose_name_plural = _("digest lines")
        constraints = [models.UniqueConstraint(fields=["firing", "recipient"], name="digest_line_once")]
        indexes = [models.Index(fields=["recipient"], name="digest_line_pending",
                                condition=models.Q(told_at__isnull=True))]

    def __str__(self):
        return f"{self.firing} → {self.recipient}"
