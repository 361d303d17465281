"""Opinions stay internal until the decision, on the pages too: the applicant's application page (stage table,
result, timeline) shows neither the staff opinion nor a decision waiting for the chief's signature; once signed
it shows the decision and its reasons. Department staff keep seeing their work."""

import pytest
from django.test import Client
from django.urls import reverse

from approvals.models import ApplicationStatus
from approvals.services import reviews
from tests.factories.applications import (
    DEFAULT_NOW, accepted_application, frozen, make_catalog, reload,
)
from tests.factories.agents import authorise_around_today
from tests.factories.portal import UserFactory, signed_in_client

pytestmark = pytest.mark.django_db

OPINION = "INTERNAL-OPINION: 建议不予许可"
REASONS = "REFUSAL-REASONS: 占用绿地面积超出规划指标"
REMEDY = "REMEDY-NOTICE: 可申请行政复议"


@pytest.fixture
def cat(db, settings, tmp_path):
    from approvals.calendar.loading import invalidate
    from approvals.calendar.seeding import load_from_chinesecalendar

    settings.MEDIA_ROOT = tmp_path
    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield make_catalog()
    invalidate()


def client_for(user) -> Client:
    return signed_in_client(user, "en")


def detail(user, application):
    response = client_for(user).get(reverse("approvals:application", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def refused_unsigned(cat):
    """Accepted; the green-space review has a staff opinion and the chief's refusal, not signed yet."""
    application = accepted_application(cat)
    review = application.reviews.get(item=cat.fee_item)
    staff, chief = cat.staff_of(review.department), cat.chief_of(review.department)
    with frozen(DEFAULT_NOW):
        reviews.record_opinion(review, actor=staff, opinion=OPINION, proposed_decision="refuse")
        reviews.refuse(review, actor=chief, reasons=REASONS, remedy_notice=REMEDY, now=DEFAULT_NOW)
    return application, review


def test_the_applicant_page_shows_no_unsigned_decision(cat, refused_unsigned):
    application, review = refused_unsigned
    html = detail(cat.applicant, application)
    for secret in (OPINION, REASONS, REMEDY):
        assert secret not in html
    assert "awaiting signature" not in html  # the status label would tell the decision
    assert 'data-kind="item_decided"' not in html
    assert f'data-review="{review.item.code}"' in html


def test_the_agent_page_shows_no_unsigned_decision(cat, refused_unsigned):
    application, _review = refused_unsigned
    agent = UserFactory(role="agent")
    authorise_around_today(cat.enterprise, agent)
    html = detail(agent, application)
    for secret in (OPINION, REASONS, REMEDY):
        assert secret not in html
    assert "awaiting signature" not in html


def test_staff_pages_still_show_the_decision_waiting_for_signature(cat, refused_unsigned):
    application, review = refused_unsigned
    html = detail(cat.chief_of(review.department), application)
    assert REASONS in html and "Refused, awaiting signature" in html


def test_once_signed_the_applicant_sees_the_decision_and_its_reasons(cat, refused_unsigned):
    application, review = refused_unsigned
    chief = cat.chief_of(review.department)
    with frozen(DEFAULT_NOW):
        reviews.sign([review], actor=chief, otp=cat.totp(chief), now=DEFAULT_NOW)
    assert reload(application).status == ApplicationStatus.UNDER_REVIEW  # the other items are still running
    html = detail(cat.applicant, application)
    assert REASONS in html and REMEDY in html
    assert OPINION not in html
