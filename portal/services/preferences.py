"""The user's own preferences."""

from django.conf import settings

from portal.models import User


def remember_language(user, code: str) -> bool:
    """Keep `code` as the language of `user`'s notifications and e-mails; False when it is not offered."""
    if code not in dict(settings.LANGUAGES) or not getattr(user, "is_authenticated", False):
        return False
    if user.language != code:
        User.objects.filter(pk=user.pk).update(language=code)
        user.language = code
    return True
