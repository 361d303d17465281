"""Payment papers: the payment notice (缴款通知书) when fees become due and the e-receipt (电子票据) once paid.

Fees are read through `_fee_rows` only, so a change in how fees and payments are stored touches one function.
"""

from decimal import Decimal

from approvals.models import DocumentKind

from .common import Spec, application_facts, application_parties, cn_datetime, yuan

K = DocumentKind


def _fee_rows(application, *, paid: bool | None = None) -> list:
    rows = []
    for charge in application.fees.select_related("item", "rule").order_by("item__code", "rule_id"):
        paid_at = getattr(charge, "paid_at", None)
        if paid is True and paid_at is None:
            continue
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
            "paid_at": cn_datetime(paid_at),
            "receipt_number": getattr(charge, "receipt_number", "") or "",
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
        rows = _fee_rows(application, paid=True)
        numbers = sorted({r["receipt_number"] for r in rows if r["receipt_number"]})
        return {"application": application_facts(application), "fees": _as_text(rows), "totals": _totals(rows),
                "payment_code": payment_code(application), "receipt_numbers": numbers,
                "paid_at": max((r["paid_at"] for r in rows), default="")}
