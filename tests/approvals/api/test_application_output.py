"""The application list serializer writes its fields out by hand (speed); the declared fields stay the definition.

For applications in every state — draft, submitted, under review, decided (approved, partly refused), on
commitment — with and without a package, in English and in Chinese, with the light annotated as the list does
and without (one row), the hand-written output must equal DRF's generic rendering of the declared fields.
"""

import json
from datetime import datetime

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from approvals.api.serializers.applications import ApplicationListSerializer, list_row_output, list_rows
from approvals.models import Application
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import (
    SHANGHAI, accepted_application, frozen, one_application_in_each_state, submitted_application,
)

pytestmark = pytest.mark.django_db
LATER = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)


def _json(data):
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_hand_written_application_output_equals_the_declared_fields(cat, language):
    now = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
    one_application_in_each_state(cat, now=now)
    assert len(set(Application.objects.values_list("status", flat=True))) >= 4
    assert Application.objects.filter(package__isnull=True).exists() and \
        Application.objects.filter(package__isnull=False).exists()
    context = {"now": LATER}
    with translation.override(language), frozen(LATER):
        rows = Application.objects.select_related("enterprise", "package", "lead_department")
        for application in [*rows.with_light(LATER), *rows]:  # annotated (the list) and not (one row)
            generic = serializers.ModelSerializer.to_representation(ApplicationListSerializer(context=context),
                                                                    application)
            fast = ApplicationListSerializer(application, context=context).data
            assert _json(fast) == _json(generic), application.status
            assert list(fast) == ApplicationListSerializer.Meta.fields


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_lists_plain_rows_equal_the_declared_fields(cat, language):
    """The list API reads its page as plain values (list_rows) and writes them with list_row_output: every row
    equals DRF's generic rendering of the same application with its light annotated."""
    now = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
    one_application_in_each_state(cat, now=now)
    context = {"now": LATER}
    with translation.override(language), frozen(LATER):
        annotated = (Application.objects.select_related("enterprise", "package", "lead_department")
                     .with_light(LATER).order_by("-created_at", "-id"))
        instances = list(annotated)
        rows = list(list_rows(annotated))
        assert [r["id"] for r in rows] == [a.pk for a in instances] and len(rows) == 5
        for application, row in zip(instances, rows):
            generic = serializers.ModelSerializer.to_representation(ApplicationListSerializer(context=context),
                                                                    application)
            assert _json(list_row_output(row)) == _json(generic), application.status


def test_the_list_api_answers_the_plain_rows(cat, client):
    """GET /api/v1/applications/ answers exactly the rows list_row_output writes, newest first."""
    now = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
    submitted_application(cat, now=now)
    accepted_application(cat, now=now)
    client.force_login(cat.applicant)
    with frozen(LATER):
        data = client.get("/api/v1/applications/", HTTP_ACCEPT_LANGUAGE="en").json()
        with translation.override("en"):
            expected = [
                serializers.ModelSerializer.to_representation(ApplicationListSerializer(context={"now": LATER}), a)
                for a in Application.objects.visible_to(cat.applicant).with_light(LATER)
                .select_related("enterprise", "package", "lead_department").order_by("-created_at", "-id")]
    assert data["count"] == 2
    assert data["results"] == _json(expected)
