"""One notification per person per sweep pass, listing everything that fired for them; told exactly once, even
when a pass dies before it writes its digests; the same number of queries whatever the number of people."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import DeadlineFiring, DigestLine, FiringKind
from approvals.notices import digest
from approvals.services.deadlines import fire, sweep
from portal.models import Delivery, Notification
from tests.factories.applications import SHANGHAI, accepted_application
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
YELLOW = datetime(2026, 6, 4, 17, 31, tzinfo=SHANGHAI)  # the fee item (4 working days from Mon 06-01) turns yellow
RED = datetime(2026, 6, 5, 17, 31, tzinfo=SHANGHAI)  # ... and red


def fee_only_applications(cat, n):
    """`n` bundles of the fee item alone (lead: its department), accepted Mon 06-01 a minute apart."""
    return [accepted_application(cat, items=[cat.fee_item], now=datetime(2026, 6, 1, 10, i, tzinfo=SHANGHAI))
            for i in range(n)]


def review_page(application):
    return reverse("approvals:review", args=[application.reviews.get().pk])


def digests(user):
    return list(Notification.objects.filter(recipient=user, kind__in=[*FiringKind.values, digest.DIGEST_KIND])
                .order_by("pk"))


def test_three_reviews_going_yellow_in_one_pass_make_one_notification_per_person_listing_all_three(cat):
    chief = cat.chief_of(cat.fee_item.department)
    deputy = cat.add_user("chief", cat.fee_item.department, email="deputy@example.org", language="en")
    bundles = fee_only_applications(cat, 3)
    before = Notification.objects.count()

    report = sweep(now=YELLOW)

    # Each bundle's review and its one stage (same 4 days) turned yellow: six firings, two people told.
    assert report.fired == {FiringKind.REVIEW_YELLOW: 3, FiringKind.STAGE_YELLOW: 3}
    assert report.digests == 2 and Notification.objects.count() == before + 2
    [english] = digests(deputy)
    [chinese] = digests(chief)
    for notification in (english, chinese):
        assert notification.kind == digest.DIGEST_KIND
        assert notification.link == reverse("approvals:escalations")  # the department's escalation board
        assert [link["url"] for link in notification.links if link["url"] != reverse("approvals:inbox")] == [
            review_page(b) for b in bundles]
        assert DigestLine.objects.filter(notification=notification).count() == 6
    assert english.title == "6 deadlines need attention"
    for bundle in bundles:
        assert f"Due soon: 占用城市绿地审批 ({bundle.reference})" in english.body
        assert f"即将到期：占用城市绿地审批（{bundle.reference}）" in chinese.body
    # One delivery per channel each: the deputy has an e-mail address, the chief does not.
    assert Delivery.objects.filter(notification=english).count() == 2
    assert Delivery.objects.filter(notification=chinese).count() == 1

    # A second pass at the same moment, and a later one before red: nothing new.
    assert sweep(now=YELLOW).total == 0 and sweep(now=YELLOW.replace(hour=17, minute=45)).total == 0
    assert Notification.objects.count() == before + 2
    assert DigestLine.objects.count() == 12 and not DigestLine.objects.filter(told_at=None).exists()


def test_a_pass_firing_one_thing_for_a_person_reads_as_that_thing_alone(cat):
    [bundle] = fee_only_applications(cat, 1)
    supervisor = UserFactory(supervisor=True)
    sweep(now=YELLOW)
    sweep(now=RED)  # red: the review and its stage; the supervisor is told of both, the chief too
    [review_red, stage_red] = DeadlineFiring.objects.filter(kind__in=[FiringKind.REVIEW_RED, FiringKind.STAGE_RED]
                                                            ).order_by("kind")
    [told] = digests(supervisor)
    assert told.kind == digest.DIGEST_KIND and told.link == reverse("approvals:overdue_board")
    assert "超期督办：占用城市绿地审批" in told.body

    # One more bundle goes red later, alone: the supervisor's next digest is that one firing.
    later = accepted_application(cat, items=[cat.fee_item], now=datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI))
    later.stages.update(next_check_at=None)  # only its review this time
    sweep(now=datetime(2026, 6, 8, 17, 31, tzinfo=SHANGHAI))
    single = digests(supervisor)[-1]
    assert single.kind == FiringKind.REVIEW_RED
    assert single.title == f"超期督办：占用城市绿地审批（{later.reference}）"
    assert single.link == review_page(later) and single.links == []
    assert review_red.subject_id == bundle.reviews.get().pk and stage_red.subject_id == bundle.stages.get().pk


def test_lines_of_a_pass_that_died_before_its_digests_are_told_by_the_next_pass(cat, monkeypatch):
    chief = cat.chief_of(cat.fee_item.department)
    fee_only_applications(cat, 2)
    real = digest._flush_batch

    def dying(now):
        raise RuntimeError("worker killed before the digests")

    monkeypatch.setattr(digest, "_flush_batch", dying)
    with pytest.raises(RuntimeError):
        sweep(now=YELLOW)
    assert DeadlineFiring.objects.count() == 4  # the firings are committed, each with its line
    assert DigestLine.objects.filter(told_at=None, recipient=chief).count() == 4
    assert digests(chief) == []

    monkeypatch.setattr(digest, "_flush_batch", real)
    report = sweep(now=YELLOW)
    assert report.total == 0 and report.digests == 1  # nothing fires again; the lines are told now
    [told] = digests(chief)
    assert DigestLine.objects.filter(notification=told).count() == 4
    assert sweep(now=YELLOW).digests == 0 and len(digests(chief)) == 1


def test_a_person_deactivated_before_the_digest_is_not_told(cat):
    chief = cat.chief_of(cat.fee_item.department)
    fee_only_applications(cat, 1)
    chief.is_active = False
    chief.save(update_fields=["is_active"])
    cat.add_user("chief", cat.fee_item.department)  # the new chief is told
    report = sweep(now=YELLOW)
    assert report.digests == 1 and digests(chief) == []


@pytest.mark.parametrize("n", [2, 25])
def test_writing_the_digests_takes_the_same_number_of_queries_for_any_number_of_people(cat, n,
                                                                                      django_assert_num_queries):
    [bundle] = fee_only_applications(cat, 1)
    review = bundle.reviews.get()
    people = [UserFactory(chief=True, email=f"c{i}@example.org", language="en" if i % 2 else "") for i in range(n)]
    for kind in (FiringKind.REVIEW_YELLOW, FiringKind.REVIEW_RED):
        firing = fire(kind, review, deadline_at=review.due_at, now=RED, context={"item": "x", "ref": "y"},
                      link="/reviews/1/")
        with CaptureQueriesContext(connection) as telling:
            digest.tell(firing, people)
        assert len(telling) == 1  # one INSERT of every line
    # In one transaction: the people waiting, their lines (claimed, as plain rows), the people's addresses, the
    # firings written out, known keys, the notifications (in a savepoint: 3), their deliveries, the lines marked
    # told; plus the transaction's own 2.
    with django_assert_num_queries(12):
        assert digest.flush(now=RED) == n
    assert Notification.objects.filter(kind=digest.DIGEST_KIND).count() == n
