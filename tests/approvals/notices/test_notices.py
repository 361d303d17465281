"""Workflow notices (approvals/notices): who hears of each event, what it says, which page it links, and that
telling many people costs the same queries as telling one."""

import dataclasses
from datetime import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import Decision
from approvals.notices import Notice, announce, events
from approvals.services import acceptance, delivery, fees_charged
from portal.models import Delivery, Notification, User
from portal.services.notify import deliver
from tests.factories.applications import (
    SHANGHAI, accepted_application, decide_open_reviews, decided_application, frozen, reload, submitted_application,
)
from tests.factories.portal import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_applicant(cat):
    """The applicant reads English (the msgids); everyone else the portal's default."""
    User.objects.filter(pk=cat.applicant.pk).update(language="en")


def kinds(user, **filters):
    return list(Notification.objects.filter(recipient=user, **filters).order_by("pk").values_list("kind", flat=True))


def page(application):
    return reverse("approvals:application", args=[application.pk])


def test_not_accepted_tells_the_company_why_and_where_to_apply_instead(cat):
    application = submitted_application(cat)
    with frozen(datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI)):
        acceptance.refuse_acceptance(application, actor=cat.clerk, reason="不属于本部门职权范围",
                                     apply_instead_to="区规划自然资源局")
    [told] = Notification.objects.filter(kind=Notice.NOT_ACCEPTED)
    assert told.recipient == cat.applicant and told.link == page(application)
    assert told.title == f"Application not accepted: {application.reference}"
    assert "不属于本部门职权范围" in told.body and "Where to apply instead: 区规划自然资源局" in told.body
    assert kinds(cat.applicant) == [Notice.RECEIVED, Notice.NOT_ACCEPTED]
    assert kinds(cat.clerk) == [Notice.RECEIVED]  # the new submission, nothing more


def test_each_signed_decision_is_told_and_a_refusal_gives_its_reasons_and_the_remedies(cat):
    application = decided_application(cat, decisions={cat.fee_item.code: Decision.REFUSE})
    decisions = {n.title: n.body for n in Notification.objects.filter(kind=Notice.DECISION_SIGNED,
                                                                         recipient=cat.applicant)}
    ref = application.reference
    assert set(decisions) == {f"Not approved: 占用城市绿地审批 ({ref})", f"Approved: 户外招牌设置备案 ({ref})",
                              f"Approved: 公共场所卫生许可 ({ref})"}
    refusal = decisions[f"Not approved: 占用城市绿地审批 ({ref})"]
    assert "不符合许可条件" in refusal and "reconsideration within 60 days" in refusal
    chief = cat.chief_of(cat.fee_item.department)
    assert f"signed by {chief.display_name}" in refusal
    # The only fee is the refused item's: nothing is charged (docs/fees.md), so no payment notice is told.
    assert kinds(cat.applicant)[-1] == Notice.DECISION_SIGNED
    assert Notice.FEES_DUE not in kinds(cat.applicant)


def test_an_approved_fee_is_told_with_its_payment_code(cat):
    application = decided_application(cat)
    notice = application.payment_notice
    [told] = Notification.objects.filter(kind=Notice.FEES_DUE)
    assert told.recipient == cat.applicant and told.link == page(application)
    assert told.title == f"Fees to pay: {application.reference}"
    assert f"{notice.charged_amount:,.2f} yuan" in told.body and notice.code in told.body


def test_no_fee_to_pay_no_fee_notice_and_delivery_at_the_window_says_so(cat):
    application = decided_application(cat, items=[cat.immediate_item, cat.commitment_item])
    assert Notice.FEES_DUE not in kinds(cat.applicant)
    with frozen(datetime(2026, 6, 3, 10, 0, tzinfo=SHANGHAI)):
        delivery.deliver(application, actor=cat.window_of(application.lead_department), method="window")
    [told] = Notification.objects.filter(kind=Notice.DELIVERED)
    assert told.body == f"The results of “{application.title}” were handed over at the window."


def test_each_stage_tells_only_its_own_departments_each_of_its_own_items(cat):
    application = accepted_application(cat, package=cat.two_stage_package)
    d0, d1, d2 = cat.departments
    fee_review = application.reviews.get(item=cat.fee_item)
    for user in (cat.staff_of(d0), cat.chief_of(d0)):
        [told] = Notification.objects.filter(recipient=user, kind=Notice.REVIEWS_OPENED)
        assert told.link == reverse("approvals:review", args=[fee_review.pk])  # its one review
        assert "占用城市绿地审批" in told.title
    for user in (cat.staff_of(d1), cat.chief_of(d1), cat.staff_of(d2), cat.chief_of(d2), cat.clerk):
        assert Notice.REVIEWS_OPENED not in kinds(user)

    decide_open_reviews(cat, reload(application))  # stage 1 signed: stage 2 opens for d1 and d2
    for department, item in ((d1, cat.immediate_item), (d2, cat.commitment_item)):
        review = application.reviews.get(item=item)
        for user in (cat.staff_of(department), cat.chief_of(department)):
            [told] = Notification.objects.filter(recipient=user, kind=Notice.REVIEWS_OPENED)
            assert told.link == reverse("approvals:review", args=[review.pk])
            assert item.name in told.title and item.name in told.body
            other = cat.commitment_item if item == cat.immediate_item else cat.immediate_item
            assert other.name not in told.body
    assert kinds(cat.staff_of(d0), kind=Notice.REVIEWS_OPENED) == [Notice.REVIEWS_OPENED]


def test_a_lead_department_without_a_clerk_keeps_its_window_with_its_staff(cat):
    application = submitted_application(cat, items=[cat.immediate_item])  # led by departments[1]: no clerk
    department = cat.departments[1]
    assert application.lead_department == department
    [told] = Notification.objects.filter(kind=Notice.RECEIVED).exclude(recipient=cat.applicant)
    assert told.recipient == cat.staff_of(department)
    assert told.link == reverse("approvals:desk_application", args=[application.pk])


def test_only_active_members_of_the_company_are_told_once_per_event(cat):
    colleague = UserFactory(applicant=True, enterprise=cat.enterprise, email="colleague@example.org")
    UserFactory(applicant=True, enterprise=cat.enterprise, is_active=False)
    UserFactory(applicant=True, enterprise=EnterpriseFactory())  # another company
    application = submitted_application(cat)
    told = Notification.objects.filter(kind=Notice.RECEIVED, link=page(application))
    assert sorted(told.values_list("recipient", flat=True)) == sorted([cat.applicant.pk, colleague.pk])
    assert announce(Notice.RECEIVED, application) == 0  # the same event again: nobody twice
    assert Notification.objects.filter(kind=Notice.RECEIVED).count() == 3  # and the window's one


def test_telling_a_company_of_any_size_takes_the_same_number_of_queries(cat):
    application = submitted_application(cat)

    def queries(moment):
        with CaptureQueriesContext(connection) as captured:
            written = announce(Notice.RECEIVED, application, at=moment)
        return len(captured), written

    cold, _told = queries(datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI))  # + the company and department, once
    first, told_first = queries(datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI))
    for i in range(30):
        UserFactory(applicant=True, enterprise=cat.enterprise, email=f"member{i}@example.org",
                    language="en" if i % 2 else "")
    second, told_second = queries(datetime(2026, 6, 2, 11, 0, tzinfo=SHANGHAI))
    assert (told_first, told_second) == (2, 32)  # the company (1, then 31) and the window's clerk
    # Per audience one query for its people; the event's documents, read once for both audiences; then the
    # known keys, the notifications (in a savepoint: 3) and their deliveries: the same for 2 people as for 32.
    assert first == second == 8 and cold == first + 2


def test_documents_registered_for_an_event_are_linked_in_the_portal_and_in_the_mail(cat, monkeypatch, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
    User.objects.filter(pk=cat.applicant.pk).update(email="li@example.org")

    def acceptance_notice(event, audience):
        if event.kind == Notice.ACCEPTED and audience == "company":
            return [{"title": "受理通知书", "url": f"/documents/acceptance/{event.application.pk}/"}]
        return []

    monkeypatch.setattr(events, "_document_links", [])
    events.register_document_links(acceptance_notice)
    application = accepted_application(cat)
    [told] = Notification.objects.filter(kind=Notice.ACCEPTED)
    url = f"/documents/acceptance/{application.pk}/"
    assert told.link == page(application) and told.links == [{"title": "受理通知书", "url": url}]
    assert not Notification.objects.exclude(pk=told.pk).exclude(links=[]).exists()
    deliver(Delivery.objects.get(notification=told, channel="email").pk)
    [message] = mail.outbox
    assert f"受理通知书: https://portal.example.gov.cn{url}" in message.body


def test_the_portal_links_the_documents_of_its_events():
    """approvals.documents registers its provider when the app is ready (tests/approvals/documents/
    test_notice_links.py follows each event)."""
    from approvals.documents import notice_links

    assert notice_links.links in events._document_links


def test_a_message_that_fails_still_tells_its_people_and_never_fails_the_event(cat, monkeypatch, caplog):
    def broken(event, group):
        raise KeyError("a placeholder nobody filled")

    audiences = [dataclasses.replace(a, message=broken) for a in events.RULES[Notice.RECEIVED]]
    monkeypatch.setitem(events.RULES, Notice.RECEIVED, audiences)
    application = submitted_application(cat)  # the submission itself goes through
    assert reload(application).status == "submitted"
    told = Notification.objects.filter(kind=Notice.RECEIVED)
    assert sorted(told.values_list("recipient", flat=True)) == sorted([cat.applicant.pk, cat.clerk.pk])
    assert told.get(recipient=cat.applicant).title == f"Application received: {application.reference}"
    assert "Message of application_received for company failed" in caplog.text
