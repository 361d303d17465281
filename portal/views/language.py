"""The language switch: Django's own, and for a logged-in user also the language of their notifications."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal.services.preferences import remember_language


@require_POST
def set_language(request):
    response = django_set_language(request)
    remember_language(request.user, request.POST.get("language", ""))
    return response
