"""The events that produce documents: one call from each service, inside its transaction.

Each function orders the document (a pending row with the facts of the moment); the issuing task runs after
commit. Imports are local so the services can import this module without an import cycle.
"""

from approvals.models import Decision, DocumentKind

K = DocumentKind


def _order(kind, subject):
    from approvals.documents.issuing import order

    return order(kind, subject)


def submitted(application):
    """申请材料接收凭证 on formal submission."""
    return _order(K.RECEIPT, application)


def supplement_answered(notice):
    """申请材料接收凭证 for the answer to a supplement notice: the materials count as received again."""
    return _order(K.RECEIPT, notice)


def accepted(application):
    """受理通知书 (also when deemed accepted, Art. 32)."""
    return _order(K.ACCEPTANCE, application)


def not_accepted(application):
    return _order(K.NOT_ACCEPTED, application)


def supplement_requested(notice):
    return _order(K.SUPPLEMENT, notice)


def suspended(pause):
    return _order(K.SUSPENSION, pause)


def extended(review):
    return _order(K.EXTENSION, review)


def signed(review):
    """The decision of a signed item review and, for an approved item that issues one, its e-certificate."""
    decision = _order(K.GRANT if review.decision == Decision.APPROVE else K.REFUSAL, review)
    if review.decision == Decision.APPROVE and review.item.issues_certificate:
        _order(K.CERTIFICATE, review)
    return decision


def fees_due(application):
    """缴款通知书 once the application's payment notice is issued (the approved items' fees, at the decision)."""
    return _order(K.PAYMENT_NOTICE, application)


def paid(application):
    """电子票据 once the fees are paid."""
    return _order(K.E_RECEIPT, application)
