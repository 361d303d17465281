"""The chief's signature: a fresh TOTP code per signature, what is recorded, immutability, batch signing."""

from datetime import timedelta

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.models import ApplicationStatus, Decision, DecisionSignature, ItemReview, ReviewStatus
from approvals.services import reviews
from portal.errors import DomainError, NotAllowed, WrongState
from portal.services.authentication import verify_totp
from tests.factories.applications import (
    DEFAULT_NOW, accepted_application, frozen, fresh_totp, reload, used_totp, wrong_totp,
)

pytestmark = pytest.mark.django_db
R = ReviewStatus


def review_of(application, item):
    return application.reviews.select_related("item", "department", "application").get(item=item)


def decided_review(cat, *, refuse=False, application=None, now=DEFAULT_NOW):
    application = application or accepted_application(cat, now=now)
    review = review_of(application, cat.fee_item)
    chief = cat.chief_of(review.department)
    with frozen(now):
        if refuse:
            reviews.refuse(review, actor=chief, reasons="绿地面积超出规划指标", now=now)
        else:
            reviews.approve(review, actor=chief, reasons="符合条件", now=now)
    return reload(review), chief


def test_signing_records_who_when_what_and_the_hash_of_the_canonical_content(cat):
    review, chief = decided_review(cat)
    signed_at = DEFAULT_NOW + timedelta(minutes=5)
    with frozen(signed_at):
        reviews.sign([review], actor=chief, otp=cat.totp(chief), now=signed_at)

    review = reload(review)
    assert review.status == R.SIGNED
    # The clock stops; its due times stay on record to tell whether the decision came in time.
    assert review.next_check_at is None and review.due_at is not None and review.due_at > signed_at
    signature = DecisionSignature.objects.get(review=review)
    assert (signature.signer, signature.signer_name, signature.signed_at, signature.decision) == (
        chief, chief.display_name, signed_at, Decision.APPROVE)
    assert signature.second_factor == "totp"
    content = signature.content
    assert (content["item"], content["decision"], content["reasons"], content["signer"]) == (
        "T-GREEN", "approve", "符合条件", chief.username)
    assert content["enterprise"] == cat.enterprise.credit_code
    # The hash can be recomputed, both from the stored content and from the rows as they are now.
    assert signature.content_sha256 == reviews.content_hash(content)
    recomputed = reviews.canonical_content(ItemReview.objects.select_related("application__enterprise", "item",
                                                                             "department").get(pk=review.pk),
                                           signer=chief, signed_at=signature.signed_at)
    assert recomputed == content
    assert reviews.content_hash(recomputed) == signature.content_sha256
    assert len(signature.content_sha256) == 64
    event = review.application.events.get(kind="signed")
    assert event.data["sha256"] == signature.content_sha256


def test_the_hash_changes_when_the_content_does(cat):
    review, chief = decided_review(cat)
    reviews.sign([review], actor=chief, otp=cat.totp(chief), now=DEFAULT_NOW)
    signature = DecisionSignature.objects.get(review=review)
    tampered = {**signature.content, "reasons": "另有理由"}
    assert reviews.content_hash(tampered) != signature.content_sha256


def test_a_signed_decision_cannot_change(cat):
    review, chief = decided_review(cat)
    with frozen(DEFAULT_NOW):
        reviews.sign([review], actor=chief, otp=cat.totp(chief), now=DEFAULT_NOW)
    signature = DecisionSignature.objects.get(review=review)

    signature.decision = Decision.REFUSE
    with pytest.raises(ValueError, match="cannot change"):
        signature.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        signature.delete()
    assert DecisionSignature.objects.get(review=review).decision == Decision.APPROVE
    with pytest.raises(WrongState):
        reviews.refuse(review, actor=chief, reasons="改变主意")
    with pytest.raises(WrongState):
        reviews.approve(review, actor=chief)
    with frozen(DEFAULT_NOW + timedelta(minutes=1)):
        with pytest.raises(WrongState):  # signing again
            reviews.sign([review], actor=chief, otp=cat.totp(chief))
    assert DecisionSignature.objects.filter(review=review).count() == 1


def test_signing_refuses_a_reused_code_and_signs_nothing(cat):
    review, chief = decided_review(cat)
    device = cat.device_of(chief)
    with frozen(DEFAULT_NOW):
        login_code = fresh_totp(device)
        assert verify_totp(chief, login_code) is not None  # the code used to log in
        with pytest.raises(NotAllowed, match="already used"):
            reviews.sign([review], actor=chief, otp=used_totp(device), now=DEFAULT_NOW)
    assert reload(review).status == R.APPROVED
    assert not DecisionSignature.objects.exists()
    with frozen(DEFAULT_NOW + timedelta(seconds=5)):
        # The next step's code (what the app shows a moment later) is fresh: it signs.
        reviews.sign([review], actor=chief, otp=fresh_totp(device))
    assert reload(review).status == R.SIGNED


@pytest.mark.parametrize("code", ["", "abcdef", "wrong"])
def test_signing_refuses_a_wrong_code_and_signs_nothing(cat, code):
    review, chief = decided_review(cat)
    device = cat.device_of(chief)
    with frozen(DEFAULT_NOW):
        with pytest.raises(NotAllowed):
            reviews.sign([review], actor=chief, otp=wrong_totp(device) if code == "wrong" else code)
    assert reload(review).status == R.APPROVED
    assert not DecisionSignature.objects.exists()


def test_a_wrong_signing_code_counts_towards_the_device_throttle(cat):
    """Guessing codes on the signing page is throttled like guessing them at login."""
    review, chief = decided_review(cat)
    device = cat.device_of(chief)
    with frozen(DEFAULT_NOW):
        with pytest.raises(NotAllowed):
            reviews.sign([review], actor=chief, otp=wrong_totp(device))
        assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
        # Within the throttle delay even the right code is refused.
        with pytest.raises(NotAllowed):
            reviews.sign([review], actor=chief, otp=fresh_totp(device))
    with frozen(DEFAULT_NOW + timedelta(seconds=3)):
        reviews.sign([review], actor=chief, otp=fresh_totp(device))
    assert reload(review).status == R.SIGNED
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 0


def test_each_signature_needs_a_fresh_code(cat):
    first = accepted_application(cat)
    second = accepted_application(cat)
    review_a, chief = decided_review(cat, application=first)
    review_b, _chief = decided_review(cat, application=second)
    with frozen(DEFAULT_NOW):
        code = fresh_totp(cat.device_of(chief))
        reviews.sign([review_a], actor=chief, otp=code)
        with pytest.raises(NotAllowed):
            reviews.sign([review_b], actor=chief, otp=code)
    assert reload(review_b).status == R.APPROVED


def test_batch_signing_several_reviews_with_one_code(cat):
    applications = [accepted_application(cat) for _ in range(3)]
    batch = [decided_review(cat, application=a, refuse=(i == 2))[0] for i, a in enumerate(applications)]
    chief = cat.chief_of(cat.departments[0])
    with frozen(DEFAULT_NOW):
        signed = reviews.sign(batch, actor=chief, otp=cat.totp(chief), now=DEFAULT_NOW)

    assert sorted(r.pk for r in signed) == sorted(r.pk for r in batch)
    assert set(ItemReview.objects.filter(pk__in=[r.pk for r in batch]).values_list("status", flat=True)) == {R.SIGNED}
    signatures = DecisionSignature.objects.filter(review__in=batch)
    assert sorted(signatures.values_list("decision", flat=True)) == ["approve", "approve", "refuse"]
    assert len(set(signatures.values_list("content_sha256", flat=True))) == 3


def test_batch_signing_is_all_or_nothing(cat):
    application = accepted_application(cat)
    ready, chief = decided_review(cat)
    not_decided = review_of(application, cat.fee_item)  # still under review
    with frozen(DEFAULT_NOW):
        with pytest.raises(WrongState, match="no decision waiting"):
            reviews.sign([ready, not_decided], actor=chief, otp=cat.totp(chief))
        assert reload(ready).status == R.APPROVED
        assert not DecisionSignature.objects.exists()
        # A review of another department in the batch: refused, nothing signed.
        other = review_of(application, cat.immediate_item)
        reviews.approve(other, actor=cat.chief_of(other.department))
        with pytest.raises(NotAllowed):
            reviews.sign([ready, other], actor=chief, otp=cat.totp(chief))
        assert not DecisionSignature.objects.exists()
        # The code was not spent on the refused batches: it still signs.
        reviews.sign([ready], actor=chief, otp=cat.totp(chief))
    assert reload(ready).status == R.SIGNED


def test_only_the_chief_of_the_department_signs(cat):
    review, chief = decided_review(cat)
    staff = cat.staff_of(review.department)
    other_chief = cat.chief_of(cat.departments[1])
    with frozen(DEFAULT_NOW):
        for actor in (staff, other_chief, cat.leader):
            with pytest.raises(NotAllowed):
                reviews.sign([review], actor=actor, otp="000000")
        with pytest.raises(DomainError):
            reviews.sign([], actor=chief, otp=cat.totp(chief))
    assert reload(review).status == R.APPROVED


def test_after_the_last_signature_the_bundle_is_decided(cat):
    application = accepted_application(cat)
    for item in cat.items:
        review = review_of(application, item)
        chief = cat.chief_of(review.department)
        with frozen(DEFAULT_NOW):
            reviews.approve(review, actor=chief)
            assert reload(application).status == ApplicationStatus.UNDER_REVIEW
            reviews.sign([review], actor=chief, otp=cat.totp(chief), now=DEFAULT_NOW)
    application = reload(application)
    assert (application.status, application.outcome, application.decided_at) == (
        ApplicationStatus.DECIDED, "all_approved", DEFAULT_NOW)


def test_signing_with_time_moving_on(cat):
    """Outside frozen time: the chief logs in with the current code and signs with the next one."""
    review, chief = decided_review(cat)
    device = cat.device_of(chief)
    with time_machine.travel(DEFAULT_NOW, tick=True):
        assert verify_totp(chief, fresh_totp(device)) is not None
        reviews.sign([review], actor=chief, otp=fresh_totp(device))
    assert reload(review).status == R.SIGNED


def test_a_refused_signing_code_is_in_the_audit_log_and_stays_there(cat):
    """A wrong code and a throttled attempt each leave a failed `signature.refused` entry naming the decision
    and the chief's address, although nothing was signed."""
    from portal.models import AuditEntry

    review, chief = decided_review(cat)
    device = cat.device_of(chief)
    request = type("Request", (), {"META": {"REMOTE_ADDR": "203.0.113.7"}})()
    with frozen(DEFAULT_NOW):
        with pytest.raises(NotAllowed):
            reviews.sign([review], actor=chief, otp=wrong_totp(device), request=request)
        with pytest.raises(NotAllowed):  # within the throttle delay
            reviews.sign([review], actor=chief, otp=fresh_totp(device), request=request)
    refused = list(AuditEntry.objects.filter(event="signature.refused").order_by("id"))
    assert [(e.success, e.actor, e.ip_address, e.data["reason"]) for e in refused] == [
        (False, chief, "203.0.113.7", "wrong_code"), (False, chief, "203.0.113.7", "throttled")]
    assert refused[0].subject_id == str(review.pk) and review.application.reference in refused[0].summary
    assert not DecisionSignature.objects.exists()
