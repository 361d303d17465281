"""Payment papers: the payment notice (缴款通知书) when fees become due and the e-receipt (电子票据) once paid.

Fees are read through `_fee_rows` only, so a change in how fees and payments are stored touches one function.
"""

from decimal import Decimal

from approvals.models import DocumentKind, FeeStatus

from .common import Spec, application_facts, application_parties, cn_datetime, yuan

K = DocumentKind


def _fee_rows(application) -> list:
    """The charged fee lines: the approved items' fees at the legal lower bound (refused items are not charged)."""
    rows = []
    for charge in (application.fees.filter(status=FeeStatus.CHARGED).select_related("item", "rule").order_by("item__code", "rule_id")):
        rows.append({
            "item": charge.item.name,
            "name": charge.rule.name,
            "unit": charge.rule.unit,
            "quantity": f"{charge.quantity.normalize():f}",
            "rates": f"{yuan(charge.rule.min_rate)}–{yuan(charge.rule.max_rate)}",
            "basis": charge.rule.legal_basis,
            "standard": charge.standard_amount,
            "charged": charge.charged_amount,
            "saving": charge.saving,
        })
    return rows


def _totals(rows) -> dict:
    return {key: yuan(sum((Decimal(r[key]) for r in rows), Decimal("0"))) for key in ("standard", "charged", "saving")}


def _as_text(rows) -> list:
    return [{**r, "standard": yuan(r["standard"]), "charged": yuan(r["charged"]), "saving": yuan(r["saving"])}
            for r in rows]


def payment_code(application) -> str:
    notice = getattr(application, "payment_notice", None)
    return getattr(notice, "code", "") or f"{application.reference}"


class PaymentNotice(Spec):
    """缴款通知书: standard, charged (the legal lower bound) and saved amounts, and the payment code."""

    kind = K.PAYMENT_NOTICE
    template = "pdf/payment_notice.html"

    def parties(self, application):
        return application_parties(application)

    def facts(self, application):
        rows = _fee_rows(application)
        return {"application": application_facts(application), "fees": _as_text(rows), "totals": _totals(rows),
                "payment_code": payment_code(application)}


class EReceipt(Spec):
    """电子票据: what was paid, when, under which receipt number."""

    kind = K.E_RECEIPT
    template = "pdf/e_receipt.html"

    def parties(self, application):
        return application_parties(application)

    def facts(self, application):
        rows = _fee_rows(application)
        notice = application.payment_notice
        return {"application": application_facts(application),
                "fees": [{**r, "receipt_number": notice.receipt_number} for r in _as_text(rows)],
                "totals": _totals(rows), "payment_code": notice.code, "receipt_numbers": [notice.receipt_number],
                "paid_at": cn_datetime(notice.paid_at)}
