"""Fees and payment through the API: the payment platform's callback (HMAC over the raw body, idempotent per
payment code, every refusal audited), the window clerk's confirmation, and the applicant who can no longer mark
their own fees paid but sees 待缴费 → 已缴费."""

import hashlib
import hmac
import json

import pytest
from rest_framework.test import APIClient

from approvals.calendar.loading import invalidate
from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.models import EventKind, PaymentNotice, PaymentStatus
from portal.models import AuditEntry
from tests.factories.applications import accepted_application, decided_application, make_catalog

pytestmark = pytest.mark.django_db

CALLBACK = "/api/v1/payments/callback/"
APPS = "/api/v1/applications/"
SECRET = "test-only-payment-callback-secret-3f9a1c"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.PAYMENT_CALLBACK_SECRET = SECRET


@pytest.fixture
def cat(db):
    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield make_catalog()
    invalidate()


def client_of(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def callback(payload, *, sign=True, secret=SECRET, header=None, client=None):
    """POST the payload (a dict as JSON, or raw bytes) as the platform does, signed unless told otherwise."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    extra = {}
    if header is not None:
        extra["HTTP_X_PAYMENT_SIGNATURE"] = header
    elif sign:
        extra["HTTP_X_PAYMENT_SIGNATURE"] = signature(body, secret)
    return (client or client_of()).post(CALLBACK, data=body, content_type="application/json", **extra)


def paid_body(notice, **changes):
    return {"payment_code": notice.code, "amount": str(notice.charged_amount), "receipt_number": "EP-2026-0001",
            "paid_at": "2026-06-01T11:00:00+08:00", **changes}


def refusals():
    return list(AuditEntry.objects.filter(event="payment.refused", success=False).order_by("id")
                .values_list("data__reason", flat=True))


# --- the platform's callback ---------------------------------------------------------------------------------
def test_a_signed_callback_pays_the_notice_and_the_applicant_sees_it(cat):
    application = decided_application(cat)
    notice = application.payment_notice
    applicant = client_of(cat.applicant)
    before = applicant.get(f"{APPS}{application.pk}/").json()["fees"]
    assert before["payment"]["status"] == "due" and before["payment"]["code"] == notice.code
    assert (before["payment"]["standard_amount"], before["payment"]["charged_amount"],
            before["payment"]["saving"]) == ("12764.40", "6382.20", "6382.20")
    assert before["paid"] is False and before["unpaid_total"] == "6382.20"

    response = callback(paid_body(notice))

    assert response.status_code == 200, response.content
    assert response.json() == {"payment_code": notice.code, "status": "paid", "receipt_number": "EP-2026-0001",
                               "paid_at": "2026-06-01T11:00:00+08:00", "changed": True}
    after = applicant.get(f"{APPS}{application.pk}/").json()["fees"]
    assert after["payment"]["status"] == "paid" and after["payment"]["status_label"] == "Paid"
    assert after["payment"]["receipt_number"] == "EP-2026-0001" and after["payment"]["channel"] == "platform"
    assert after["paid"] is True and after["unpaid_total"] == "0.00"
    assert [c["status"] for c in after["charges"]] == ["charged"]


def test_a_second_identical_callback_changes_nothing_and_answers_200(cat):
    notice = decided_application(cat).payment_notice
    assert callback(paid_body(notice)).status_code == 200
    audit_count = AuditEntry.objects.count()

    again = callback(paid_body(notice))

    assert again.status_code == 200 and again.json()["changed"] is False and again.json()["status"] == "paid"
    assert notice.application.events.filter(kind=EventKind.PAID).count() == 1
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.parametrize("case", ["missing", "wrong_secret", "tampered", "garbage", "no_prefix", "non_ascii"])
def test_a_callback_without_a_good_signature_is_refused_and_audited(cat, case):
    notice = decided_application(cat).payment_notice
    body = json.dumps(paid_body(notice)).encode()
    if case == "missing":
        response = callback(body, sign=False)
    elif case == "wrong_secret":
        response = callback(body, secret="another-secret-entirely-0123456789")
    elif case == "tampered":  # signed for one amount, sent with another
        response = callback(body.replace(b"6382.20", b"0.01"), header=signature(body))
    elif case == "garbage":
        response = callback(body, header="sha256=not-hex")
    elif case == "no_prefix":
        response = callback(body, header=signature(body).removeprefix("sha256="))
    else:
        response = callback(body, header="sha256=é")

    assert response.status_code == 401, response.content
    expected = "missing_signature" if case == "missing" else "bad_signature"
    assert response.json()["code"] == expected and response.json()["detail"]
    assert PaymentNotice.objects.get(pk=notice.pk).status == PaymentStatus.DUE
    assert refusals() == [expected]


def test_a_logged_in_user_is_no_platform(cat):
    """Session or token authentication does not replace the signature."""
    notice = decided_application(cat).payment_notice
    response = callback(paid_body(notice), sign=False, client=client_of(cat.clerk))
    assert response.status_code == 401
    assert PaymentNotice.objects.get(pk=notice.pk).status == PaymentStatus.DUE


def test_a_wrong_amount_is_refused_and_audited(cat):
    notice = decided_application(cat).payment_notice
    response = callback(paid_body(notice, amount="6382.19"))
    assert response.status_code == 400
    assert response.json()["code"] == "amount_mismatch" and "6,382.20" in response.json()["detail"]
    assert PaymentNotice.objects.get(pk=notice.pk).status == PaymentStatus.DUE
    assert refusals() == ["amount_mismatch"]


def test_an_unknown_payment_code_is_refused_and_audited(cat):
    response = callback({"payment_code": "20269999999999999999", "amount": "1.00", "receipt_number": "EP-1"})
    assert response.status_code == 404 and response.json()["code"] == "unknown_payment_code"
    entry = AuditEntry.objects.get(event="payment.refused")
    assert entry.data["payment_code"] == "20269999999999999999" and entry.ip_address == "127.0.0.1"


def test_another_receipt_for_a_paid_notice_is_a_conflict(cat):
    notice = decided_application(cat).payment_notice
    callback(paid_body(notice))
    response = callback(paid_body(notice, receipt_number="EP-2026-0002"))
    assert response.status_code == 409 and response.json()["code"] == "already_paid"
    assert PaymentNotice.objects.get(pk=notice.pk).receipt_number == "EP-2026-0001"
    assert refusals() == ["already_paid"]


@pytest.mark.parametrize("body", [b"{not json", b"[]", json.dumps({"payment_code": "x"}).encode(),
                                  json.dumps({"payment_code": "20260000000000000000", "amount": "abc",
                                              "receipt_number": "EP-1"}).encode()])
def test_a_malformed_signed_body_is_a_400_and_audited(cat, body):
    response = callback(body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and response.json()["detail"]
    assert refusals() == ["invalid"]


def test_the_callback_takes_only_post(cat):
    assert client_of().get(CALLBACK).status_code == 405


def test_a_callback_for_an_undecided_application_finds_no_notice(cat):
    """Fees are due after the decision: before it there is no payment code to pay."""
    application = accepted_application(cat)
    response = callback({"payment_code": "20260000000000000000", "amount": "6382.20", "receipt_number": "E"})
    assert response.status_code == 404
    assert not PaymentNotice.objects.filter(application=application).exists()


# --- the applicant cannot mark fees paid; the window clerk confirms ------------------------------------------
def test_the_applicant_cannot_mark_fees_paid(cat):
    application = decided_application(cat)
    applicant = client_of(cat.applicant)
    response = applicant.post(f"{APPS}{application.pk}/pay/", {"receipt_number": "R-2026-0001"}, format="json")
    assert response.status_code == 403
    assert "payment code" in response.json()["detail"]
    assert applicant.post(f"{APPS}{application.pk}/confirm-payment/",
                          {"payment_code": application.payment_notice.code, "receipt_number": "R-1"},
                          format="json").status_code == 403
    assert PaymentNotice.objects.get(application=application).status == PaymentStatus.DUE


def test_the_window_clerk_confirms_by_payment_code(cat):
    application = decided_application(cat)
    notice = application.payment_notice
    clerk = client_of(cat.clerk)
    url = f"{APPS}{application.pk}/confirm-payment/"

    wrong = clerk.post(url, {"payment_code": "20260000000000000000", "receipt_number": "EW-1"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "payment_code_mismatch"
    assert clerk.post(url, {"payment_code": notice.code}, format="json").status_code == 400
    done = clerk.post(url, {"payment_code": notice.code, "receipt_number": "EW-1"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["fees"]["payment"]["status"] == "paid"
    assert done.json()["fees"]["payment"]["receipt_number"] == "EW-1"
    again = clerk.post(url, {"payment_code": notice.code, "receipt_number": "EW-1"}, format="json")
    assert again.status_code == 409


def test_confirming_before_the_decision_is_409(cat):
    application = accepted_application(cat)
    response = client_of(cat.clerk).post(f"{APPS}{application.pk}/confirm-payment/",
                                         {"payment_code": "20260000000000000000", "receipt_number": "EW-1"},
                                         format="json")
    assert response.status_code == 409 and "after the decision" in response.json()["detail"]
    fees = client_of(cat.applicant).get(f"{APPS}{application.pk}/").json()["fees"]
    assert fees["payment"] is None and [c["status"] for c in fees["charges"]] == ["estimated"]
    assert fees["charged_total"] == "6382.20" and fees["unpaid_total"] == "0.00"


def test_a_refused_items_fee_shows_as_not_charged(cat):
    application = decided_application(cat, decisions={"T-GREEN": "refuse"})
    fees = client_of(cat.applicant).get(f"{APPS}{application.pk}/").json()["fees"]
    assert fees["payment"] is None and fees["paid"] is False
    assert [c["status"] for c in fees["charges"]] == ["not_charged"]
    assert (fees["charged_total"], fees["standard_total"], fees["unpaid_total"]) == ("0.00", "0.00", "0.00")
    delivered = client_of(cat.clerk).post(f"{APPS}{application.pk}/deliver/", {"method": "electronic"},
                                          format="json")
    assert delivered.status_code == 200, delivered.content

