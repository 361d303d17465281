""""My applications" reads its page as plain values and writes the badges with tags (speed); each row must say
what the applications themselves say: reference and link, title, the window tag, the status and outcome labels,
the light (the same rule evaluated on the loaded application and its reviews) and the next due time."""

import re
from datetime import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import translation
from django.utils import timezone
from django.utils.html import escape

from approvals.models import Application, Channel
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import SHANGHAI, frozen, one_application_in_each_state

pytestmark = pytest.mark.django_db
LATER = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)
LIGHT_WORDS = {"en": {"green": "On time", "yellow": "Due soon", "red": "Overdue", "paused": "Clock paused",
                      "done": "Done", "waiting": "No clock running"},
               "zh-hans": None}


def _rows(html):
    return {m.group(1): m.group(2) for m in re.finditer(r'<tr data-reference="([^"]+)">(.*?)</tr>', html, re.S)}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_row_says_what_the_application_says(cat, client, language):
    now = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
    one_application_in_each_state(cat, now=now)
    Application.objects.filter(pk=Application.objects.order_by("id").first().pk).update(channel=Channel.WINDOW)
    client.force_login(cat.applicant)
    with frozen(LATER):
        html = client.get(reverse("approvals:my_applications"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    rows = _rows(html)
    applications = list(Application.objects.filter(enterprise=cat.applicant.enterprise).order_by("-created_at", "-id"))
    assert len(applications) == 5 and list(rows) == [a.reference for a in applications]
    lights = set()
    with translation.override(language), frozen(LATER):
        for application in applications:
            row = rows[application.reference]
            light = str(application.light_at(LATER))
            lights.add(light)
            assert f'href="{reverse("approvals:application", args=[application.pk])}"' in row
            assert f"<code>{application.reference}</code>" in row
            assert escape(application.title) in row
            assert (str(translation.gettext("filed at the window")) in row) == (application.channel == Channel.WINDOW)
            assert (f'<span class="status status--{application.status}" data-status="{application.status}">'
                    f'{escape(application.get_status_display())}</span>') in row
            assert (f" · {escape(application.get_outcome_display())}" in row) == bool(application.outcome)
            assert f'<span class="light light--{light}" data-light="{light}">' in row
            if LIGHT_WORDS.get(language):
                assert f'data-light="{light}">{LIGHT_WORDS[language][light]}</span>' in row
            next_due = Application.objects.with_next_due().get(pk=application.pk).next_due
            if next_due:
                assert f'<time datetime="{date_filter(timezone.localtime(next_due), "c")}">' in row
            else:
                assert "—" in row
    assert len(lights) >= 2  # more than one light shown
