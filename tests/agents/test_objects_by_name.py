"""Issue 12: leaders and supervisors see objects by name, never as "demand #2" — a demand's red escalation on the
overdue board and in the model's text; the company's leader is told of it."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from agents.models import DemandClass
from approvals.models import DeadlineFiring, DigestLine, FiringKind
from approvals.services.deadlines import sweep
from tests.factories.agents import open_demand
from tests.factories.applications import shanghai as at
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = (user.totpdevice_set.first() or with_totp(user)).persistent_id
    session.save()
    return client


def test_a_red_demand_is_named_on_the_overdue_board_and_reaches_the_company_leader(cat, agent, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demand = open_demand(cat, DemandClass.GENERAL, owner=agent, now=at(2026, 6, 5, 15, 0))
    sweep(now=at(2026, 6, 9, 17, 31))
    red = DeadlineFiring.objects.get(subject_type="demand", kind=FiringKind.DEMAND_RED)
    assert DigestLine.objects.filter(firing=red, recipient=cat.leader).exists()  # 一个企业、一个领导

    assert demand.reference in str(red) and "#" not in str(red)
    for user in (UserFactory(supervisor=True), cat.leader):
        body = signed_in(user).get("/boards/overdue/").content.decode()
        assert f"{demand.reference} · {demand.title}" in body
        assert "demand #" not in body and f"#{demand.pk}<" not in body
