"""PLACEHOLDER: replaced by the calendar work."""
from django.http import HttpResponse


def calendar_month(request):
    return HttpResponse("calendar")
