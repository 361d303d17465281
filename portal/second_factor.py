"""`User.second_factor_enrolled`, kept from the devices themselves.

Whether a user has a confirmed authenticator is asked on every request (`User.needs_second_factor`, by the
second-factor middleware): reading it from the user's own row, which the request has loaded anyway, spares a query
of the devices each time. The flag is recomputed from the devices whenever one is saved or deleted, by the
enrolment service, the administrator (django-otp's admin) or anything else, so it cannot drift from them.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User


def recompute(user_id: int, loaded: User | None = None) -> None:
    """Store whether the user now has a confirmed device (one UPDATE, only when it changes); `loaded`, the same
    user in memory (the device's), is told too."""
    user = User.objects.filter(pk=user_id).only("pk", "second_factor_enrolled").first()
    if user is None:
        return
    enrolled = user.has_confirmed_device()
    if enrolled != user.second_factor_enrolled:
        User.objects.filter(pk=user_id).update(second_factor_enrolled=enrolled)
    if loaded is not None:
        loaded.second_factor_enrolled = enrolled


@receiver(post_save, sender=TOTPDevice, dispatch_uid="second_factor_enrolled_on_save")
@receiver(post_delete, sender=TOTPDevice, dispatch_uid="second_factor_enrolled_on_delete")
def _device_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata: the fixture carries the user's flag
        return
    loaded = instance.user if TOTPDevice.user.is_cached(instance) else None
    recompute(instance.user_id, loaded)
