"""Every notification about an event that has a document links the document's page, which offers the PDF once it
is issued (approvals/documents/notice_links.py), in the portal and in the e-mail."""

from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse

from approvals.models import DocumentKind, IssuedDocument, ReviewPause
from approvals.notices import Notice
from approvals.services import acceptance, delivery
from portal.models import Delivery, Notification, User
from portal.services.notify import deliver
from tests.factories.applications import SHANGHAI, frozen, submitted_application

from .conftest import issue_pending, journey, login_staff

K = DocumentKind


def page(document) -> str:
    return reverse("approvals:document", args=[document.pk])


def document(application, kind, **filters) -> IssuedDocument:
    return IssuedDocument.objects.current().get(application=application, kind=kind, **filters)


def told(user, kind) -> list:
    """The links of each notification of `kind` to `user`, oldest first."""
    return [[link["url"] for link in n.links]
            for n in Notification.objects.filter(recipient=user, kind=kind).order_by("pk")]


def test_each_event_of_a_journey_links_its_documents_for_the_company_and_the_window(cat):
    application = journey(cat)
    applicant, clerk = cat.applicant, cat.window_of(application.lead_department)
    receipts = list(IssuedDocument.objects.filter(application=application, kind=K.RECEIPT).order_by("pk"))
    assert len(receipts) == 2  # the submission, and the answer to the supplement notice
    fee_review = application.reviews.get(item=cat.fee_item)
    refused_review = application.reviews.get(item=cat.commitment_item)
    pause = ReviewPause.objects.get(review=fee_review)

    assert told(applicant, Notice.RECEIVED) == [[page(receipts[0])]]
    assert told(clerk, Notice.RECEIVED) == [[page(receipts[0])]]  # the window may download it too
    assert told(applicant, Notice.SUPPLEMENT_REQUESTED) == [[page(document(application, K.SUPPLEMENT))]]
    assert told(clerk, Notice.SUPPLEMENT_ANSWERED) == [[page(receipts[1])]]
    assert told(applicant, Notice.ACCEPTED) == [[page(document(application, K.ACCEPTANCE))]]
    assert told(applicant, Notice.SUSPENDED) == [[page(document(application, K.SUSPENSION, subject_id=pause.pk))]]
    assert told(applicant, Notice.RESUMED) == [[]]  # no document for a resumption
    assert told(applicant, Notice.EXTENDED) == [[page(document(application, K.EXTENSION))]]
    grant = document(application, K.GRANT, subject_id=fee_review.pk)
    certificate = document(application, K.CERTIFICATE, subject_id=fee_review.pk)
    refusal = document(application, K.REFUSAL, subject_id=refused_review.pk)
    assert sorted(told(applicant, Notice.DECISION_SIGNED)) == sorted([[page(grant), page(certificate)],
                                                                       [page(refusal)]])
    assert told(applicant, Notice.FEES_DUE) == [[page(document(application, K.PAYMENT_NOTICE))]]
    assert told(applicant, Notice.PAID) == [[page(document(application, K.E_RECEIPT))]]
    # The departments' own notices have no document.
    assert not Notification.objects.filter(kind__in=[Notice.REVIEWS_OPENED, Notice.OPINION_READY]).exclude(
        links=[]).exists()


def test_the_links_read_in_the_readers_language(cat):
    User.objects.filter(pk=cat.applicant.pk).update(language="en")
    journey(cat)
    decisions = Notification.objects.filter(recipient=cat.applicant, kind=Notice.DECISION_SIGNED)
    titles = sorted(link["title"] for n in decisions for link in n.links)
    assert titles == ["Decision not to grant the licence: 公共场所卫生许可",
                      "Decision to grant the licence: 占用城市绿地审批",
                      "Electronic certificate: 占用城市绿地许可证"]
    [received] = Notification.objects.filter(recipient=cat.applicant, kind=Notice.RECEIVED)
    assert [link["title"] for link in received.links] == ["Receipt of application materials"]


def test_not_accepted_links_its_notice_and_the_mail_carries_the_link(cat, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
    User.objects.filter(pk=cat.applicant.pk).update(email="li@example.org", language="en")
    application = submitted_application(cat, items=[cat.fee_item])
    with frozen(datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI)):
        acceptance.refuse_acceptance(application, actor=cat.clerk, reason="不属于本部门职权范围",
                                     apply_instead_to="区规划自然资源局")
    notice = document(application, K.NOT_ACCEPTED)
    [notification] = Notification.objects.filter(recipient=cat.applicant, kind=Notice.NOT_ACCEPTED)
    assert notification.links == [{"title": "Notice of non-acceptance", "url": page(notice)}]
    deliver(Delivery.objects.get(notification=notification, channel="email").pk)
    [message] = mail.outbox
    assert f"Notice of non-acceptance: https://portal.example.gov.cn{page(notice)}" in message.body


def test_delivery_links_the_results(cat, seals):
    application = journey(cat)
    issue_pending()
    with frozen(datetime(2026, 6, 8, 10, 0, tzinfo=SHANGHAI)):
        delivery.deliver(application, actor=cat.window_of(application.lead_department), method="window")
    [notification] = Notification.objects.filter(recipient=cat.applicant, kind=Notice.DELIVERED)
    results = IssuedDocument.objects.filter(application=application, kind__in=[K.GRANT, K.REFUSAL, K.CERTIFICATE])
    assert sorted(link["url"] for link in notification.links) == sorted(page(d) for d in results)


# --- the page the links lead to ---------------------------------------------------------------------------------
@pytest.fixture
def pending_receipt(cat):
    application = submitted_application(cat, items=[cat.fee_item])
    return document(application, K.RECEIPT)


def test_while_pending_the_page_says_it_is_being_issued_and_reloads(client, cat, pending_receipt):
    client.force_login(cat.applicant)
    response = client.get(page(pending_receipt))
    content = response.content.decode()
    assert response.status_code == 200 and 'data-testid="document-pending"' in content
    assert 'http-equiv="refresh"' in content
    assert reverse("approvals:document_download", args=[pending_receipt.pk]) not in content


def test_once_issued_the_page_offers_the_download_and_the_verification(client, cat, seals, pending_receipt):
    [receipt] = issue_pending()
    client.force_login(cat.applicant)
    content = client.get(page(receipt)).content.decode()
    assert 'data-testid="document-pending"' not in content and 'http-equiv="refresh"' not in content
    assert reverse("approvals:document_download", args=[receipt.pk]) in content
    assert reverse("approvals:verify_number", args=[receipt.number]) in content
    assert receipt.sha256 in content
    assert client.get(reverse("approvals:document_download", args=[receipt.pk])).status_code == 200


def test_the_page_is_hidden_from_whoever_may_not_download(client, cat, pending_receipt):
    from tests.factories.portal import EnterpriseFactory, UserFactory

    url = page(pending_receipt)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(role="applicant", enterprise=EnterpriseFactory()))
    assert client.get(url).status_code == 404
    login_staff(client, cat.staff_of(cat.departments[1]))  # a department not involved
    assert client.get(url).status_code == 404
    login_staff(client, cat.clerk)  # the lead window
    assert client.get(url).status_code == 200
