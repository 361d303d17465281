"""Registering a walk-in enterprise at the window: clerks only, the credit code checked, a code registered
meanwhile refused with a message (not an integrity error), audited."""

import pytest
from django.utils import translation

from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import AuditEntry, Enterprise
from portal.services import enterprises
from tests.factories.portal import EnterpriseFactory, UserFactory, valid_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_clerk_registers_a_walk_in_enterprise(settings):
    clerk = UserFactory(clerk=True)
    code = valid_credit_code(777001)
    enterprise = enterprises.register_at_window(actor=clerk, credit_code=code.lower(), name=" 渝北精密制造有限公司 ",
                                                legal_representative="周敏")
    assert (enterprise.credit_code, enterprise.name, enterprise.legal_representative) == (
        code, "渝北精密制造有限公司", "周敏")
    entry = AuditEntry.objects.get(event="enterprise.registered_at_window")
    assert entry.actor == clerk and entry.data["credit_code"] == code


def test_only_clerks_with_a_valid_code_and_the_licence_details():
    code = valid_credit_code(777002)
    with pytest.raises(NotAllowed):
        enterprises.register_at_window(actor=UserFactory(applicant=True), credit_code=code, name="某公司",
                                       legal_representative="某人")
    clerk = UserFactory(clerk=True)
    with pytest.raises(DomainError, match="check character"):
        enterprises.register_at_window(actor=clerk, credit_code=code[:17] + ("0" if code[17] != "0" else "1"),
                                       name="某公司", legal_representative="某人")
    with pytest.raises(DomainError, match="legal representative"):
        enterprises.register_at_window(actor=clerk, credit_code=code, name="某公司", legal_representative=" ")
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_a_code_registered_meanwhile_is_a_clear_message():
    existing = EnterpriseFactory()
    with pytest.raises(WrongState, match="registered meanwhile"):
        enterprises.register_at_window(actor=UserFactory(clerk=True), credit_code=existing.credit_code,
                                       name="另一家", legal_representative="某人")
    assert Enterprise.objects.filter(credit_code=existing.credit_code).count() == 1
