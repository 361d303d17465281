"""Notifications as an outbox: written in the transaction that decided to tell someone, delivered by tasks.

A `Notification` is the message to one user. Each channel it goes out on (the in-app list, e-mail) is a
`Delivery` row that a task completes once: `delivered_at` is set in the same transaction that does the work
for the in-app channel, and right after the mail server accepted the message for e-mail. Pending deliveries
whose task was lost (broker down, worker killed) are picked up again by the deadline sweep.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=48, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)
    links = models.JSONField(
        _("further links"), default=list, blank=True,
        help_text=_("[{title, url}]: the documents of the event, or each entry of a digest."),
    )
    dedupe_key = models.CharField(
        _("de-duplication key"), max_length=200, unique=True,
        help_text=_("The same event never notifies the same person twice."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    shown_at = models.DateTimeField(_("in the notification list since"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread",
                                condition=models.Q(shown_at__isnull=False, read_at__isnull=True)),
                   # One person's list, newest first (docs/performance.md).
                   models.Index(fields=["recipient", "-created_at", "-id"], name="notification_newest_first")]

    def __str__(self):
        return f"{self.recipient} · {self.title}"


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the portal")
    EMAIL = "email", _("E-mail")


class Delivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")]
        indexes = [models.Index(fields=["created_at"], name="delivery_pending",
                                condition=models.Q(delivered_at__isnull=True))]

    def __str__(self):
        return f"{self.notification} / {self.get_channel_display()}"
