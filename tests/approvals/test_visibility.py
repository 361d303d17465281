"""One rule of who sees an application (`Application.objects.visible_to`), the same on the pages, the material
download and the API: a draft belongs to the company and the agents it authorised; no government role sees an
unsubmitted draft (the lead department sees a pre-review it was asked for); once submitted, the departments
involved, leaders, administrators and supervisors see it."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from agents.models import AuthorizationScope
from agents.services import authorizations
from approvals.models import Application, MaterialFile
from approvals.services import applications
from tests.factories.agents import authorise_around_today
from tests.factories.applications import DEFAULT_NOW, draft_application, make_catalog, reload, submitted_application
from tests.factories.portal import UserFactory, signed_in_client

pytestmark = pytest.mark.django_db

APPS = "/api/v1/applications/"


@pytest.fixture
def cat(calendar_2026):
    return make_catalog()


@pytest.fixture
def calendar_2026(db):
    from approvals.calendar.loading import invalidate
    from approvals.calendar.seeding import load_from_chinesecalendar

    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield
    invalidate()


def government(cat):
    """Every government role: the lead department's clerk, staff and chief, another department's staff and
    chief, a leader, a supervisor and an administrator."""
    lead, other = cat.departments[0], cat.departments[1]
    return {
        "lead clerk": cat.clerk, "lead staff": cat.staff_of(lead), "lead chief": cat.chief_of(lead),
        "other staff": cat.staff_of(other), "other chief": cat.chief_of(other), "leader": cat.leader,
        "supervisor": UserFactory(role="supervisor"), "admin": UserFactory(role="admin"),
    }


def page_client(user) -> Client:
    return signed_in_client(user, "en")


def api_client(user) -> APIClient:
    client = APIClient(headers={"accept-language": "en"})
    client.force_authenticate(user)
    return client


def a_material(application) -> MaterialFile:
    return application.materials.filter(is_current=True).order_by("pk").first()


def seen(user, application) -> dict:
    """What each surface answers `user` about `application`: status codes, and whether the API list has it."""
    material = a_material(application)
    pages, api = page_client(user), api_client(user)
    listed = [a["id"] for a in api.get(f"{APPS}?page_size=500").json()["results"]]
    return {
        "page": pages.get(reverse("approvals:application", args=[application.pk])).status_code,
        "download": pages.get(reverse("approvals:material_file", args=[application.pk, material.pk])).status_code,
        "api": api.get(f"{APPS}{application.pk}/").status_code,
        "api materials": api.get(f"{APPS}{application.pk}/materials/").status_code,
        "api list": application.pk in listed,
        "rule": Application.objects.visible_to(user).filter(pk=application.pk).exists(),
        "materials rule": MaterialFile.objects.visible_to(user).filter(pk=material.pk).exists(),
    }


HIDDEN = {"page": 404, "download": 404, "api": 404, "api materials": 404, "api list": False, "rule": False,
          "materials rule": False}
SHOWN = {"page": 200, "download": 200, "api": 200, "api materials": 200, "api list": True, "rule": True,
         "materials rule": True}


def test_no_government_role_sees_a_draft_on_pages_downloads_or_the_api(cat):
    draft = draft_application(cat)
    assert a_material(draft) is not None
    for role, user in government(cat).items():
        assert seen(user, draft) == HIDDEN, role
    # The lead department's desk page does not open it either.
    for user in (cat.clerk, cat.staff_of(cat.departments[0]), cat.chief_of(cat.departments[0])):
        assert page_client(user).get(reverse("approvals:desk_application", args=[draft.pk])).status_code == 404


def test_the_company_sees_its_draft_everywhere(cat):
    draft = draft_application(cat)
    assert seen(cat.applicant, draft) == SHOWN
    colleague = UserFactory(role="applicant", enterprise=cat.enterprise)
    assert seen(colleague, draft) == SHOWN
    stranger = UserFactory(role="applicant")
    assert seen(stranger, draft) == HIDDEN


def test_an_authorised_agent_sees_the_company_draft_and_others_do_not(cat):
    draft = draft_application(cat)
    agent = UserFactory(role="agent")
    authorise_around_today(cat.enterprise, agent)
    assert seen(agent, draft) == SHOWN

    nobody_authorised = UserFactory(role="agent")
    assert seen(nobody_authorised, draft) == HIDDEN
    # An authorisation for a part of the items does not open a bundle it does not cover.
    partial = UserFactory(role="agent")
    authorise_around_today(cat.enterprise, partial, scope=AuthorizationScope.LISTED, items=[cat.immediate_item])
    assert seen(partial, draft) == HIDDEN
    listed = UserFactory(role="agent")
    authorise_around_today(cat.enterprise, listed, scope=AuthorizationScope.LISTED, packages=[cat.package])
    assert seen(listed, draft) == SHOWN


def test_a_revoked_authorisation_closes_the_company_draft(cat):
    draft = draft_application(cat)
    agent = UserFactory(role="agent")
    authorisation = authorise_around_today(cat.enterprise, agent)
    assert seen(agent, draft)["rule"] is True
    authorizations.revoke(authorisation, actor=cat.applicant, reason="合同到期")
    assert seen(agent, draft) == HIDDEN


def test_the_window_clerk_sees_the_walk_in_draft_they_file_and_no_one_else_in_government(cat):
    draft = draft_application(cat, actor=cat.clerk)
    assert seen(cat.clerk, draft) == SHOWN
    other_clerk = cat.add_user("clerk", cat.departments[0])
    assert seen(other_clerk, draft) == HIDDEN
    assert seen(cat.leader, draft) == HIDDEN


def test_a_pre_review_is_seen_by_the_lead_department_only(cat):
    draft = draft_application(cat)
    applications.request_pre_review(draft, actor=cat.applicant)
    draft = reload(draft)
    lead = cat.departments[0]
    for user in (cat.clerk, cat.staff_of(lead), cat.chief_of(lead)):
        assert seen(user, draft) == SHOWN
    people = government(cat)
    for role in ("other staff", "other chief", "leader", "supervisor", "admin"):
        assert seen(people[role], draft) == HIDDEN, role


def test_a_draft_withdrawn_before_submission_stays_private(cat):
    draft = draft_application(cat)
    applications.withdraw(draft, actor=cat.applicant, reason="项目调整")
    for role, user in government(cat).items():
        assert seen(user, reload(draft)) == HIDDEN, role
    assert seen(cat.applicant, reload(draft)) == SHOWN


def test_once_submitted_the_lead_department_and_overseers_see_it(cat):
    application = submitted_application(cat)
    people = government(cat)
    for role in ("lead clerk", "lead staff", "lead chief", "leader", "supervisor", "admin"):
        assert seen(people[role], application) == SHOWN, role
    # Another department sees it only once it has a review to do (after acceptance).
    assert seen(people["other staff"], application) == HIDDEN


def test_an_agency_case_does_not_show_a_linked_draft_to_the_companys_leader(cat):
    """The agent links its draft to the company's case; the leader reading the case does not see the draft."""
    from agents.services import cases

    cat.enterprise.leader = cat.leader
    cat.enterprise.save(update_fields=["leader"])
    agent = UserFactory(role="agent")
    authorise_around_today(cat.enterprise, agent, valid_from=DEFAULT_NOW.date())  # files at DEFAULT_NOW
    draft = draft_application(cat, actor=agent)
    case = cases.receive(actor=agent, enterprise=cat.enterprise, title="代办绿地占用审批")
    cases.link_application(case, draft, actor=agent)

    def linked(user):
        body = api_client(user).get(f"/api/v1/agency-cases/{case.pk}/").json()
        page = page_client(user).get(reverse("agents:case", args=[case.pk])).content.decode()
        return [row["reference"] for row in body["progress"]], draft.reference in page

    assert linked(agent) == ([draft.reference], True)
    assert linked(cat.leader) == ([], False)
    assert linked(UserFactory(role="supervisor")) == ([], False)
