"""The review stage: suspension (Art. 45), extension (Art. 42), the decisions (Art. 38) and e-certificates."""

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.encoding import uri_to_iri

from approvals.documents.keystore import official_name
from approvals.models import Decision, DocumentKind, PauseKind
from approvals.services.reviews import DEFAULT_REMEDY_NOTICE

from .common import LAW, Spec, application_facts, application_parties, cn_date, cn_datetime, remedies, zh

K = DocumentKind


def review_parties(review):
    return application_parties(review.application, department=review.department, item=review.item,
                               matter=review.item.name)


def review_facts(review) -> dict:
    return {
        "application": application_facts(review.application),
        "item": {"code": review.item.code, "name": review.item.name, "legal_basis": review.item.legal_basis,
                 "promised_days": review.limit_days, "legal_days": review.legal_limit_days},
        "started_at": cn_date(review.started_at),
    }


class Suspension(Spec):
    """中止计时告知书: why the clock stops and for how long (Art. 45). The subject is the pause."""

    kind = K.SUSPENSION
    template = "pdf/suspension.html"

    def parties(self, pause):
        return review_parties(pause.review)

    def facts(self, pause):
        return {
            **review_facts(pause.review),
            "kind": zh(PauseKind(pause.kind).label),
            "reason": pause.reason,
            "expected_days": pause.expected_days,
            "started_at": cn_datetime(pause.started_at),
            "basis": f"{LAW}第四十五条",
        }


class Extension(Spec):
    """延期告知书: the one extension, its reason and the new date (Art. 42). The subject is the review."""

    kind = K.EXTENSION
    template = "pdf/extension.html"

    def parties(self, review):
        return review_parties(review)

    def facts(self, review):
        return {
            **review_facts(review),
            "days": review.extension_days,
            "reason": review.extension_reason,
            "approved_by": review.extended_by.display_name if review.extended_by_id else "",
            "extended_at": cn_datetime(review.extended_at),
            "due": cn_datetime(review.due_at),
            "legal_due": cn_date(review.legal_due_at),
            "suspended": review.due_at is None,
            "basis": f"{LAW}第四十二条",
        }


class DecisionDocument(Spec):
    """准予 / 不予行政许可决定书 of one item, signed for the department by its chief representative."""

    template = "pdf/decision.html"

    def __init__(self, kind):
        self.kind = kind

    def parties(self, review):
        return review_parties(review)

    def signer_name(self, review):
        return review.signature.signer_name

    def facts(self, review):
        signature = review.signature
        grant = review.decision == Decision.APPROVE
        custom_remedy = review.remedy_notice.strip()
        if custom_remedy in {zh(DEFAULT_REMEDY_NOTICE), _english(DEFAULT_REMEDY_NOTICE)}:
            custom_remedy = ""
        item = review.item
        return {
            **review_facts(review),
            "grant": grant,
            "reasons": review.reasons,
            "on_commitment": review.on_commitment,
            "issues": item.issues,
            "certificate": item.certificate_name if grant and item.issues_certificate else "",
            "decided_at": cn_datetime(review.decided_at),
            "signer": signature.signer_name,
            "signed_at": cn_datetime(signature.signed_at),
            "signature_sha256": signature.content_sha256,
            "remedies": "" if grant else remedies(),
            "remedy_note": "" if grant else custom_remedy,
            "basis": f"{LAW}第三十八条第{'一' if grant else '二'}款",
        }


def _english(lazy) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(lazy)


def verify_url(number: str, *, readable: bool = False) -> str:
    """The public verification page of `number` (percent-encoded; `readable`: as an IRI, for print)."""
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("approvals:verify_number", args=[number])
    return uri_to_iri(url) if readable else url


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Certificate(Spec):
    """电子证照 of an approved item that issues one: holder, scope from the form, validity, QR to /verify/."""

    kind = K.CERTIFICATE
    template = "pdf/certificate.html"

    def title(self, review):
        return review.item.certificate_name or super().title(review)

    def parties(self, review):
        return review_parties(review)

    def valid_until(self, review, issued_on):
        years = review.item.certificate_validity_years
        return add_years(issued_on, years) - timedelta(days=1) if years else None

    def facts(self, review):
        application = review.application
        form = application.form_data or {}
        scope = []
        for link in review.item.item_fields.select_related("field").order_by("order", "id"):
            value = form.get(link.field.key)
            if value in (None, ""):
                continue
            if link.field.key in ("contact_person", "contact_phone"):
                continue  # who to call is not what is permitted
            unit = f" {link.field.unit}" if link.field.unit else ""
            scope.append({"label": link.field.label, "value": f"{value}{unit}"})
        return {
            "name": review.item.certificate_name,
            "holder": application.enterprise.name,
            "credit_code": application.enterprise.credit_code,
            "legal_representative": application.enterprise.legal_representative,
            "item": review.item.name,
            "item_code": review.item.code,
            "scope": scope,
            "on_commitment": review.on_commitment,
            "decided_at": cn_date(review.decided_at),
            "reference": application.reference,
            "department": official_name(review.department),
            "validity_years": review.item.certificate_validity_years or 0,
        }
