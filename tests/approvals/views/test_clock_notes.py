"""Pages that show a due date say so when it counts a year whose holiday schedule is not published (2027 here:
only 2026 is loaded), and say nothing once it is."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.services.calendar_days import publish_year
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import accepted_application, shanghai, submitted_application
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db
NOTE = 'data-testid="calendar-unpublished"'


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    if user.role != "applicant":  # staff pass the second factor
        device = user.totpdevice_set.first() or with_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def page(user, name, pk):
    response = client_of(user).get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_review_and_application_pages_note_a_due_date_in_an_unpublished_year(cat):
    application = accepted_application(cat, items=cat.items, now=shanghai(2026, 12, 14, 10))  # legal: 2027-01-11
    review = application.reviews.get(item=cat.fee_item)
    chief = cat.chief_of(review.department)
    assert NOTE in page(cat.applicant, "approvals:application", application.pk)
    assert NOTE in page(chief, "approvals:review", review.pk)

    publish_year(2027, actor=UserFactory(admin=True))
    assert NOTE not in page(cat.applicant, "approvals:application", application.pk)
    assert NOTE not in page(chief, "approvals:review", review.pk)


def test_no_note_when_every_due_date_is_on_a_published_year(cat):
    application = accepted_application(cat, items=cat.items, now=shanghai(2026, 6, 1, 10))
    review = application.reviews.get(item=cat.fee_item)
    assert NOTE not in page(cat.applicant, "approvals:application", application.pk)
    assert NOTE not in page(cat.chief_of(review.department), "approvals:review", review.pk)


def test_the_acceptance_desk_notes_an_answer_due_in_an_unpublished_year(cat):
    application = submitted_application(cat, now=shanghai(2026, 12, 29, 10))  # 5 days: into January 2027
    assert application.acceptance_due_at.year == 2027
    assert NOTE in page(cat.clerk, "approvals:desk_application", application.pk)
    assert NOTE in page(cat.applicant, "approvals:application", application.pk)
