"""Reading one's notifications: the list a user sees and marking them read.

Only notifications already delivered to the in-app list (`shown_at` set by the delivery task) are visible, and
a user only ever sees and marks their own.
"""

from django.utils import timezone

from portal.models import Notification

ALL = "all"


def visible_to(user):
    """The user's notifications shown in the portal, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, shown_at__isnull=False).order_by("-created_at", "-id")


def mark_read(user, ids, *, now=None) -> int:
    """Mark the user's unread notifications `ids` (or every one, with `ALL`) as read; returns how many changed.

    Ids of other people's notifications, of notifications not yet shown, or already read are ignored: the
    update is one statement filtered on the recipient, so nobody can mark someone else's list.
    """
    now = now or timezone.now()
    unread = visible_to(user).filter(read_at__isnull=True)
    if ids != ALL:
        wanted = {int(pk) for pk in ids}
        if not wanted:
            return 0
        unread = unread.filter(pk__in=wanted)
    return unread.update(read_at=now)
