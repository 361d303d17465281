"""Issue 12 at the window: the acceptance queue in the order of the acceptance clock, and walk-in filing for an
enterprise not yet registered (registered on the spot, its credit code checked)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application, Channel
from portal.models import AuditEntry, Enterprise
from tests.approvals.views.test_applicant_pages import (  # noqa: F401  (shared fixtures)
    _media_and_calendar, bundle, login_staff, text,
)
from tests.approvals.views.test_desk_pages import clerk_client  # noqa: F401
from tests.factories.portal import valid_credit_code

pytestmark = pytest.mark.django_db


def test_the_queue_is_sorted_by_the_acceptance_clock_not_by_filing_order(clerk_client, bundle):
    """Filed first but received later (e.g. handed in at the window days after the draft was made): its clock
    is due later, so it comes after."""
    early_draft, late_draft = bundle.complete(bundle.draft()), bundle.complete(bundle.draft())
    from approvals.services import applications

    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        applications.submit(late_draft, actor=bundle.applicant, declared=True)  # received three days ago: due soonest
    applications.submit(early_draft, actor=bundle.applicant, declared=True)
    assert early_draft.pk < late_draft.pk

    response = clerk_client.get(reverse("approvals:desk"))
    order = [row["application"].pk for row in response.context["waiting"]]
    assert order == [late_draft.pk, early_draft.pk]
    dues = [row["clock"].due_at for row in response.context["waiting"]]
    assert dues == sorted(dues)
    body = text(response)
    assert body.index(Application.objects.get(pk=late_draft.pk).reference) < body.index(
        Application.objects.get(pk=early_draft.pk).reference)


def test_walk_in_registers_an_unknown_enterprise_on_the_spot(clerk_client, bundle):
    url = reverse("approvals:desk_walk_in")
    code = valid_credit_code(424242)
    assert not Enterprise.objects.filter(credit_code=code).exists()

    # Unknown and no licence details: a clear error at the code, the registration fields marked, nothing saved.
    unknown = clerk_client.post(url, {"credit_code": code, "package": "trio"})
    assert unknown.status_code == 400
    assert "To register it now" in text(unknown)
    assert unknown.context["form"].errors["enterprise_name"]
    assert not Enterprise.objects.filter(credit_code=code).exists()

    # A wrong check character is caught before anything is registered.
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    typo = clerk_client.post(url, {"credit_code": wrong, "package": "trio", "enterprise_name": "两江新材料有限公司",
                                   "legal_representative": "陈明"})
    assert typo.status_code == 400 and "check character" in text(typo)
    assert not Enterprise.objects.filter(name="两江新材料有限公司").exists()

    created = clerk_client.post(url, {"credit_code": code.lower(), "package": "trio",
                                      "enterprise_name": " 两江新材料有限公司 ", "legal_representative": "陈明",
                                      "address": "重庆市渝北区悦港大道1号"}, follow=True)
    assert created.status_code == 200
    enterprise = Enterprise.objects.get(credit_code=code)
    assert (enterprise.name, enterprise.legal_representative) == ("两江新材料有限公司", "陈明")
    application = Application.objects.get(enterprise=enterprise)
    assert application.channel == Channel.WINDOW and application.created_by == bundle.clerk
    assert AuditEntry.objects.filter(event="enterprise.registered_at_window", actor=bundle.clerk).count() == 1
    assert "is now registered in the portal" in " ".join(str(m) for m in created.context["messages"])

    # The next filing for the same code finds the registered enterprise: no second registration.
    again = clerk_client.post(url, {"credit_code": code, "package": "trio", "enterprise_name": "别的名字",
                                    "legal_representative": "别人"})
    assert again.status_code == 302
    assert Enterprise.objects.filter(credit_code=code).count() == 1
    assert Enterprise.objects.get(credit_code=code).name == "两江新材料有限公司"
