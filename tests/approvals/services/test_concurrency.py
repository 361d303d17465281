"""Two chiefs, or two clicks, at the same moment: exactly one wins, the other gets WrongState (409).

On PostgreSQL the services lock the row (`select_for_update`): real threads with their own connections race
for it. SQLite serialises writers and has no row locks, so there the optimistic check is exercised
deterministically: the same row loaded twice, both copies transitioned, the second save refused by
`ConcurrentTransitionMixin` and turned into WrongState by `approvals.services.locking.save`.
"""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, connections, transaction

from approvals.models import (
    Application, ApplicationEvent, ApplicationStatus, DecisionSignature, EventKind, ItemReview, PaymentChannel,
    PaymentNotice, PaymentStatus, ReviewStatus,
)
from approvals.services import acceptance, locking, payments, reviews
from portal.errors import NotAllowed, WrongState
from tests.factories.applications import (
    DEFAULT_NOW, accepted_application, decided_application, frozen, fresh_totp, reload, submitted_application,
)

S = ApplicationStatus
R = ReviewStatus

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks need PostgreSQL: SQLite serialises writers and has no SELECT ... FOR UPDATE "
           "(run with DATABASE_URL=postgres://...); the optimistic path is tested below on every database.",
)


def race(*calls):
    """Run the calls in threads released together; each result is "ok" or the DomainError raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            call()
            results[index] = "ok"
        except WrongState as exc:
            results[index] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion, not lost in the thread
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


def one_winner(results):
    assert sorted(r == "ok" for r in results) == [False, True], results
    loser = next(r for r in results if r != "ok")
    assert isinstance(loser, WrongState), repr(loser)
    assert loser.http_status == 409


# --- PostgreSQL: real concurrent transactions ------------------------------------------------------------------
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_chiefs_approve_at_once_exactly_one_wins(cat):
    application = accepted_application(cat)
    review = application.reviews.get(item=cat.fee_item)
    first = cat.chief_of(review.department)
    second = cat.add_user("chief", review.department)

    results = race(lambda: reviews.approve(review, actor=first, reasons="甲", now=DEFAULT_NOW),
                   lambda: reviews.refuse(review, actor=second, reasons="乙", now=DEFAULT_NOW))

    one_winner(results)
    review = ItemReview.objects.get(pk=review.pk)
    winner = first if results[0] == "ok" else second
    assert review.decided_by == winner
    assert review.status == (R.APPROVED if winner == first else R.REFUSED)
    assert review.reasons == ("甲" if winner == first else "乙")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_accept_exactly_one_wins(cat):
    application = submitted_application(cat)
    other_window = cat.add_user("clerk", cat.departments[0])

    results = race(lambda: acceptance.accept(application, actor=cat.clerk, now=DEFAULT_NOW),
                   lambda: acceptance.accept(application, actor=other_window, now=DEFAULT_NOW))

    one_winner(results)
    application = reload(application)
    assert application.status == S.UNDER_REVIEW
    assert application.stages.count() == 1  # laid out once
    assert application.reviews.count() == 3
    assert application.fees.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_accept_and_not_accept_at_once_exactly_one_wins(cat):
    application = submitted_application(cat)
    results = race(lambda: acceptance.accept(application, actor=cat.clerk, now=DEFAULT_NOW),
                   lambda: acceptance.refuse_acceptance(application, actor=cat.clerk, reason="不属于本区管辖"))
    one_winner(results)
    status = reload(application).status
    assert status == (S.UNDER_REVIEW if results[0] == "ok" else S.NOT_ACCEPTED)
    assert application.stages.exists() == (status == S.UNDER_REVIEW)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_sign_sign_once(cat):
    application = accepted_application(cat)
    review = application.reviews.get(item=cat.fee_item)
    chief = cat.chief_of(review.department)
    reviews.approve(review, actor=chief, now=DEFAULT_NOW)
    with frozen(DEFAULT_NOW):
        code = fresh_totp(cat.device_of(chief))
        results = race(lambda: reviews.sign([review], actor=chief, otp=code, now=DEFAULT_NOW),
                       lambda: reviews.sign([review], actor=chief, otp=code, now=DEFAULT_NOW))
    one_winner(results)
    assert DecisionSignature.objects.filter(review=review).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_locked_application_makes_the_second_click_wait_then_refuses_it(cat):
    """Deterministic: the first click holds the row lock; the second waits for it and then sees the result."""
    application = submitted_application(cat)
    second = {}

    def second_click():
        close_old_connections()
        try:
            acceptance.accept(application, actor=cat.clerk, now=DEFAULT_NOW)
            second["result"] = "ok"
        except WrongState as exc:
            second["result"] = exc
        finally:
            connections.close_all()

    with transaction.atomic():
        locking.lock(Application, application.pk)  # the first click has the row
        thread = threading.Thread(target=second_click)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second click did not wait for the row lock"
        acceptance.accept(application, actor=cat.clerk, now=DEFAULT_NOW)
    thread.join(timeout=30)
    assert isinstance(second["result"], WrongState)
    assert reload(application).stages.count() == 1


# --- every database: the optimistic check ---------------------------------------------------------------------
@pytest.mark.django_db
def test_a_stale_copy_of_an_application_cannot_be_saved(cat):
    application = submitted_application(cat)
    first = Application.objects.get(pk=application.pk)
    second = Application.objects.get(pk=application.pk)

    first.accept(by=cat.clerk, at=DEFAULT_NOW)
    second.refuse_acceptance(reason="不属于本区管辖", apply_instead_to="", now=DEFAULT_NOW)
    with transaction.atomic():
        locking.save(first)
    with pytest.raises(WrongState, match="Someone else changed this"), transaction.atomic():
        locking.save(second)

    application = reload(application)
    assert (application.status, application.not_accepted_reason) == (S.UNDER_REVIEW, "")


@pytest.mark.django_db
def test_a_stale_copy_of_a_review_cannot_be_decided_again(cat):
    application = accepted_application(cat)
    pk = application.reviews.get(item=cat.fee_item).pk
    chief = cat.chief_of(cat.departments[0])
    deputy = cat.add_user("chief", cat.departments[0])
    first, second = ItemReview.objects.get(pk=pk), ItemReview.objects.get(pk=pk)

    first.approve(by=chief, at=DEFAULT_NOW, reasons="甲")
    second.refuse(by=deputy, at=DEFAULT_NOW, reasons="乙", remedy_notice="复议")
    with transaction.atomic():
        locking.save(first)
    with pytest.raises(WrongState) as lost, transaction.atomic():
        locking.save(second)

    assert lost.value.http_status == 409
    review = ItemReview.objects.get(pk=pk)
    assert (review.status, review.decided_by, review.reasons) == (R.APPROVED, chief, "甲")


@pytest.mark.django_db
def test_a_second_click_after_the_first_gets_wrong_state(cat):
    """What the loser sees on any database once the winner has committed."""
    application = accepted_application(cat)
    review = application.reviews.get(item=cat.fee_item)
    chief = cat.chief_of(review.department)
    reviews.approve(review, actor=chief)
    with pytest.raises(WrongState, match="not waiting for a decision"):
        reviews.approve(review, actor=chief)
    with pytest.raises(WrongState):
        acceptance.accept(application, actor=cat.clerk)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_cannot_sign_two_batches_at_once(cat):
    """A one-time code used by two requests at the same moment signs only one of them."""
    chief = cat.chief_of(cat.departments[0])
    batches = []
    for _ in range(2):
        review = accepted_application(cat).reviews.get(item=cat.fee_item)
        reviews.approve(review, actor=chief, now=DEFAULT_NOW)
        batches.append([review])
    with frozen(DEFAULT_NOW):
        code = fresh_totp(cat.device_of(chief))
        results = race(*[lambda batch=batch: reviews.sign(batch, actor=chief, otp=code, now=DEFAULT_NOW)
                         for batch in batches])
    assert sorted(r == "ok" for r in results) == [False, True], results
    loser = next(r for r in results if r != "ok")
    assert isinstance(loser, NotAllowed), repr(loser)
    assert DecisionSignature.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_code_being_used_cannot_be_replayed_by_a_second_request(cat):
    """Deterministic: the first signature has verified the code but not committed; the second request with the
    same code must wait for it and then be refused, not verify against the device's old state.

    (What makes it wait today: `reviews._load` locks the review with select_related, and PostgreSQL's FOR
    UPDATE then also locks the joined department row, so one department's signatures run one at a time. The
    TOTP device row itself is not locked; if that join lock goes away, this test fails.)"""
    chief = cat.chief_of(cat.departments[0])
    batches = []
    for _ in range(2):
        review = accepted_application(cat).reviews.get(item=cat.fee_item)
        reviews.approve(review, actor=chief, now=DEFAULT_NOW)
        batches.append([review])
    second = {}

    def replay():
        close_old_connections()
        try:
            reviews.sign(batches[1], actor=chief, otp=code, now=DEFAULT_NOW)
            second["result"] = "ok"
        except Exception as exc:  # noqa: BLE001
            second["result"] = exc
        finally:
            connections.close_all()

    with frozen(DEFAULT_NOW):
        code = fresh_totp(cat.device_of(chief))
        with transaction.atomic():
            reviews.sign(batches[0], actor=chief, otp=code, now=DEFAULT_NOW)
            thread = threading.Thread(target=replay)
            thread.start()
            thread.join(timeout=1)
        thread.join(timeout=30)
    assert isinstance(second.get("result"), NotAllowed), second
    assert DecisionSignature.objects.count() == 1


# --- payment confirmations: two callbacks, or the window and the platform, at once --------------------------------
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_callbacks_at_once_pay_once(cat):
    """The platform retries while the first callback is still running: both answer paid, one changed the state."""
    notice = decided_application(cat).payment_notice
    outcomes = []

    def callback():
        outcomes.append(payments.confirm_from_platform(payment_code=notice.code, amount=Decimal("6382.20"),
                                                       receipt_number="EP-77", now=DEFAULT_NOW).changed)

    assert race(callback, callback) == ["ok", "ok"]
    assert sorted(outcomes) == [False, True]
    assert PaymentNotice.objects.get(pk=notice.pk).status == PaymentStatus.PAID
    assert ApplicationEvent.objects.filter(application=notice.application_id, kind=EventKind.PAID).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_different_confirmations_at_once_exactly_one_wins(cat):
    application = decided_application(cat)
    notice = application.payment_notice

    results = race(lambda: payments.confirm_from_platform(payment_code=notice.code, amount=Decimal("6382.20"),
                                                          receipt_number="EP-1", now=DEFAULT_NOW),
                   lambda: payments.confirm_at_window(application, actor=cat.clerk, payment_code=notice.code,
                                                      receipt_number="EW-2", now=DEFAULT_NOW))

    one_winner(results)
    notice = PaymentNotice.objects.get(pk=notice.pk)
    assert notice.receipt_number == ("EP-1" if results[0] == "ok" else "EW-2")
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.PAID).count() == 1


@pytest.mark.django_db
def test_a_stale_copy_of_a_payment_notice_cannot_be_paid_again(cat):
    notice = decided_application(cat).payment_notice
    first, second = PaymentNotice.objects.get(pk=notice.pk), PaymentNotice.objects.get(pk=notice.pk)

    first.confirm(at=DEFAULT_NOW, receipt_number="EP-1", channel=PaymentChannel.PLATFORM)
    second.confirm(at=DEFAULT_NOW, receipt_number="EW-2", channel=PaymentChannel.WINDOW, by=cat.clerk)
    with transaction.atomic():
        locking.save(first)
    with pytest.raises(WrongState), transaction.atomic():
        locking.save(second)

    assert PaymentNotice.objects.get(pk=notice.pk).receipt_number == "EP-1"
