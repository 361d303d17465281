"""Registering an enterprise in the portal (the only writer of new `Enterprise` rows outside the admin).

A walk-in enterprise not yet registered is registered at the window by the clerk, from its business licence:
the credit code is checked (GB 32100-2015, portal/credit_code.py) before anything is written, and a code
registered meanwhile by someone else is refused with a clear message rather than an integrity error.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.credit_code import normalise, problem
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import Enterprise
from portal.models.users import Role
from portal.services import audit


def register_at_window(*, actor, credit_code: str, name: str, legal_representative: str, address: str = "",
                       request=None) -> Enterprise:
    """Register a walk-in enterprise from its business licence (window clerks only)."""
    if actor.role != Role.CLERK:
        raise NotAllowed(_("Only a window clerk registers a walk-in enterprise."))
    code = normalise(credit_code)
    reason = problem(code)
    if reason:
        raise DomainError(reason)
    name, legal_representative = (name or "").strip(), (legal_representative or "").strip()
    if not name or not legal_representative:
        raise DomainError(_("Enter the enterprise's name and legal representative as on its business licence."))
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(credit_code=code, name=name,
                                                   legal_representative=legal_representative,
                                                   address=(address or "").strip())
            audit.record("enterprise.registered_at_window", actor=actor, subject=enterprise, request=request,
                         summary=f"{code} {name}", data={"credit_code": code})
    except IntegrityError:
        raise WrongState(_("An enterprise with the credit code %(code)s was registered meanwhile: file for it "
                           "again with the same code.") % {"code": code}) from None
    return enterprise
