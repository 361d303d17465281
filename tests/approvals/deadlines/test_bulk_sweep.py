"""The sweep fires reviews in batches: a few queries per batch whatever its size, each crossing still exactly once."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import DeadlineFiring, DigestLine, FiringKind, ItemReview
from approvals.services import deadlines
from approvals.services.deadlines import SweepReport, check_reviews, sweep
from tests.factories.applications import SHANGHAI, accepted_application

pytestmark = pytest.mark.django_db
RED_FOR_ALL = datetime(2026, 6, 9, 9, 0, tzinfo=SHANGHAI)  # every review accepted on 1 June is overdue


def _accepted(cat, n):
    return [accepted_application(cat, now=datetime(2026, 6, 1, 9, minute, tzinfo=SHANGHAI)) for minute in range(n)]


def _review_firings():
    return DeadlineFiring.objects.filter(subject_type="itemreview")


def _copy_running_reviews(times):
    """`times` more copies of every running review (same clock), on copies of their applications' rows."""
    from approvals.models import Application

    originals = list(ItemReview.objects.filter(next_check_at__isnull=False))
    for n in range(times):
        for review in originals:
            app = Application.objects.get(pk=review.application_id)
            app.pk, app.reference = None, f"{app.reference[:20]}-{n}-{review.pk}"
            app.save()
            copy = ItemReview.objects.get(pk=review.pk)
            copy.pk, copy.application = None, app
            ItemReview.objects.bulk_create([copy])


def _batch_queries(now):
    """Fire every running review in one batch (`check_reviews`); (report, queries)."""
    ids = list(ItemReview.objects.filter(next_check_at__lte=now).values_list("pk", flat=True))
    report = SweepReport()
    with CaptureQueriesContext(connection) as captured:
        check_reviews(ids, now=now, report=report)
    return report, len(captured.captured_queries)


def test_queries_of_a_batch_do_not_grow_with_its_rows(cat):
    _accepted(cat, 1)
    few = ItemReview.objects.filter(next_check_at__isnull=False).count()
    report_few, queries_few = _batch_queries(RED_FOR_ALL)
    assert report_few.fired[FiringKind.REVIEW_RED] == few > 0

    DeadlineFiring.objects.all().delete()
    ItemReview.objects.update(next_check_at=datetime(2026, 6, 4, 17, 30, tzinfo=SHANGHAI))
    _copy_running_reviews(9)
    many = ItemReview.objects.filter(next_check_at__isnull=False).count()
    assert many == 10 * few
    report_many, queries_many = _batch_queries(RED_FOR_ALL)
    assert report_many.fired[FiringKind.REVIEW_RED] == many
    assert report_many.fired[FiringKind.REVIEW_YELLOW] == many
    assert queries_many == queries_few <= 12, (queries_few, queries_many)
    # And the whole pass fires nothing more.
    assert sweep(now=RED_FOR_ALL, relay=False).fired.get(FiringKind.REVIEW_RED, 0) == 0


def test_a_firing_that_exists_is_not_fired_again_and_the_others_are(cat):
    application = _accepted(cat, 1)[0]
    reviews = list(application.reviews.filter(next_check_at__isnull=False).order_by("pk"))
    first = reviews[0]
    deadlines.fire(FiringKind.REVIEW_YELLOW, first, deadline_at=first.due_at, now=RED_FOR_ALL,
                   application=application, department=first.department)
    report = SweepReport()
    check_reviews([r.pk for r in reviews], now=RED_FOR_ALL, report=report)
    assert report.fired[FiringKind.REVIEW_YELLOW] == len(reviews) - 1
    assert report.fired[FiringKind.REVIEW_RED] == len(reviews)
    for review in reviews:
        kinds = sorted(_review_firings().filter(subject_id=review.pk).values_list("kind", flat=True))
        assert kinds == [FiringKind.REVIEW_RED, FiringKind.REVIEW_YELLOW]
    # Told once per firing and person: the chief of each department hears of both crossings of its review.
    chief = cat.chief_of(first.department)
    assert DigestLine.objects.filter(recipient=chief, firing__subject_id=first.pk).count() == 1  # red only (new)

    again = SweepReport()
    check_reviews([r.pk for r in reviews], now=RED_FOR_ALL, report=again)
    assert again.total == 0


def test_a_firing_made_meanwhile_is_skipped_by_the_unique_constraint_not_doubled(cat):
    """A firing the batch did not expect (made by another path since the rows were due) is skipped by the insert
    (`ON CONFLICT DO NOTHING` on `firing_once`): neither recorded nor told twice, the others fired."""
    application = _accepted(cat, 1)[0]
    reviews = list(application.reviews.filter(next_check_at__isnull=False).order_by("pk"))
    sneaky = reviews[-1]
    deadlines.fire(FiringKind.REVIEW_RED, sneaky, deadline_at=sneaky.due_at, now=RED_FOR_ALL,
                   application=application, department=sneaky.department)
    report = sweep(now=RED_FOR_ALL, relay=False)
    assert report.failed == 0
    assert report.fired[FiringKind.REVIEW_RED] == len(reviews) - 1
    assert report.fired[FiringKind.REVIEW_YELLOW] == len(reviews)
    for review in reviews:
        assert _review_firings().filter(subject_id=review.pk, kind=FiringKind.REVIEW_RED).count() == 1
        assert ItemReview.objects.get(pk=review.pk).next_check_at == review.legal_due_at
    assert not DigestLine.objects.filter(firing__subject_id=sneaky.pk, firing__kind=FiringKind.REVIEW_RED).exists()


def test_a_batch_that_fails_is_rolled_back_whole_and_fired_row_by_row(cat):
    """A receiver failing on the batch rolls it back (nothing of it kept); each row is then fired on its own,
    every crossing exactly once, told once."""
    from approvals.signals import deadline_fired

    application = _accepted(cat, 1)[0]
    reviews = list(application.reviews.filter(next_check_at__isnull=False).order_by("pk"))
    assert len(reviews) > 1
    batches = []

    def fails_on_batches(sender, *, fired, **kwargs):
        batches.append(len(fired))
        if len(fired) > 1:
            raise RuntimeError("a receiver failed")

    deadline_fired.connect(fails_on_batches, dispatch_uid="test.fails_on_batches")
    try:
        report = sweep(now=RED_FOR_ALL, relay=False)
    finally:
        deadline_fired.disconnect(dispatch_uid="test.fails_on_batches")
    assert batches[0] == 2 * len(reviews) and set(batches[1:]) == {1}  # the batch, then one firing at a time
    assert report.failed == 0
    assert report.fired[FiringKind.REVIEW_YELLOW] == report.fired[FiringKind.REVIEW_RED] == len(reviews)
    assert _review_firings().count() == 2 * len(reviews)
    chief_lines = DigestLine.objects.filter(firing__subject_type="itemreview", recipient__role="chief")
    assert chief_lines.count() == 2 * len(reviews)  # each firing told to its department's chief once
    for review in reviews:
        assert ItemReview.objects.get(pk=review.pk).next_check_at == review.legal_due_at


def test_a_pass_with_nothing_due_is_one_query(cat, django_assert_num_queries):
    """One probe asks every clock (and the digest's waiting lines) at once; nothing due: nothing more."""
    _accepted(cat, 2)
    assert sweep(now=RED_FOR_ALL, relay=False).total > 0  # what is due by then, fired and told
    with django_assert_num_queries(1):
        report = sweep(now=RED_FOR_ALL, relay=False)
    assert report.total == 0 and report.digests == 0


def test_a_pass_takes_the_same_number_of_queries_for_ten_times_the_crossings(cat):
    """Two batches' worth of queries whatever the number of crossings: the pass's query count does not grow with
    the rows (here 10 times as many reviews, all due)."""
    def pass_queries():
        with CaptureQueriesContext(connection) as captured:
            report = sweep(now=RED_FOR_ALL, relay=False)
        return report, len(captured.captured_queries)

    _accepted(cat, 1)
    ItemReview.objects.exclude(next_check_at=None).update(next_check_at=datetime(2026, 6, 4, 17, 30,
                                                                                 tzinfo=SHANGHAI))
    from approvals.models import ApplicationStage
    ApplicationStage.objects.update(next_check_at=None)  # reviews only: stages fire one by one
    snapshot = list(ItemReview.objects.exclude(next_check_at=None).values_list("pk", "next_check_at"))
    report_few, few = pass_queries()
    assert report_few.fired[FiringKind.REVIEW_RED] == len(snapshot) > 0

    DeadlineFiring.objects.all().delete()
    for pk, moment in snapshot:
        ItemReview.objects.filter(pk=pk).update(next_check_at=moment)
    _copy_running_reviews(9)
    ApplicationStage.objects.update(next_check_at=None)
    report_many, many = pass_queries()
    assert report_many.fired[FiringKind.REVIEW_RED] == 10 * len(snapshot)
    assert many <= few, (few, many)  # the first pass also reads the people once


def _written():
    """Every review firing and digest line, as plain values (no ids of their own)."""
    firings = sorted(_review_firings().values_list("subject_id", "kind", "deadline_at", "fired_at", "application_id",
                                                   "department_id", "context", "link"), key=repr)
    lines = sorted(DigestLine.objects.filter(firing__subject_type="itemreview").values_list(
        "firing__subject_id", "firing__kind", "recipient_id", "told_at", "notification_id"))
    return firings, lines


def test_a_batch_writes_what_the_row_by_row_path_writes(cat):
    """The set-based batch and the one-review fallback (`check_review`) record the same firings (message values
    and page included) and tell the same people, and move the next checks to the same times."""
    _accepted(cat, 3)
    before = dict(ItemReview.objects.filter(next_check_at__isnull=False).values_list("pk", "next_check_at"))
    ids = sorted(before)

    check_reviews(ids, now=RED_FOR_ALL, report=SweepReport())
    batch, batch_moves = _written(), dict(ItemReview.objects.filter(pk__in=ids).values_list("pk", "next_check_at"))
    assert batch[0] and batch[1]

    DeadlineFiring.objects.all().delete()
    for pk, at in before.items():
        ItemReview.objects.filter(pk=pk).update(next_check_at=at)
    for pk in ids:
        deadlines.check_review(pk, now=RED_FOR_ALL, report=SweepReport())
    assert _written() == batch
    assert dict(ItemReview.objects.filter(pk__in=ids).values_list("pk", "next_check_at")) == batch_moves


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_the_batch_shows_times_as_when_does(zone):
    from django.utils import timezone

    from approvals.notices.messages import when

    values = [None, RED_FOR_ALL, datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI),
              datetime(2026, 3, 8, 7, 30, tzinfo=UTC)]
    with timezone.override(zone):
        shown = deadlines._times_shown()
        assert [shown(v) for v in values + values] == [when(v) for v in values + values]
