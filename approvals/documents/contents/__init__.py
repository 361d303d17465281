"""The content of each kind of document: a small view model (its facts) and its template. See common.Spec."""

from approvals.models import DocumentKind

from .acceptance import Acceptance, NotAccepted, Receipt, Supplement
from .catalog import CatalogNotice
from .common import Parties, Spec
from .fees import EReceipt, PaymentNotice
from .reviews import Certificate, DecisionDocument, Extension, Suspension
from .supervision import MonthlyReportSpec

K = DocumentKind
SPECS: dict[str, Spec] = {spec.kind: spec for spec in [
    CatalogNotice(), Receipt(), Acceptance(), NotAccepted(), Supplement(), Suspension(), Extension(),
    DecisionDocument(K.GRANT), DecisionDocument(K.REFUSAL), Certificate(), PaymentNotice(), EReceipt(),
    MonthlyReportSpec(),
]}
assert set(SPECS) == set(K.values), "every kind of document needs its spec"


def spec_for(kind) -> Spec:
    return SPECS[kind]


__all__ = ["SPECS", "Parties", "Spec", "spec_for"]
