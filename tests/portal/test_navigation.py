"""The role menu: every entry (registered by its app) resolves, and each role sees its own pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from portal.models.users import Role
from portal.navigation import entries
from tests.factories.portal import UserFactory


@pytest.mark.parametrize("name", [entry.url_name for entry in entries()])
def test_every_menu_entry_resolves(name):
    assert reverse(name)


def test_the_apps_register_their_pages_in_the_menu_order():
    assert [entry.url_name for entry in entries()] == [
        "portal:home", "approvals:my_applications", "approvals:awaiting_rating", "approvals:desk", "approvals:inbox",
        "approvals:extensions", "approvals:escalations", "approvals:rectifications", "approvals:overdue_board",
        "approvals:supervision", "approvals:pain_points", "agents:workspace", "agents:demands", "agents:leader",
        "approvals:catalog", "approvals:lookup", "approvals:packages", "approvals:calendar", "admin:index",
        "swagger-ui", "portal:audit_export",
        "portal:account",
    ]


def test_a_visitor_sees_the_public_catalog_only(rf):
    from portal.context_processors import navigation

    request = rf.get("/catalog/")
    request.user = AnonymousUser()
    with translation.override("en"):
        assert [(url, str(label), active) for url, label, active in navigation(request)["nav_items"]] == [
            (reverse("approvals:catalog"), "Service catalog", True),
            (reverse("approvals:lookup"), "Progress lookup", False)]


@pytest.mark.django_db
@pytest.mark.parametrize("role, expected", [
    (Role.APPLICANT, ["approvals:my_applications", "approvals:awaiting_rating"]),
    (Role.CLERK, ["approvals:desk"]),
    (Role.CHIEF, ["approvals:inbox", "approvals:escalations"]),
    (Role.LEADER, ["approvals:extensions", "approvals:overdue_board", "approvals:supervision"]),
    (Role.SUPERVISOR, ["approvals:supervision", "approvals:pain_points", "approvals:rectifications"]),
    (Role.AGENT, ["agents:workspace"]),
])
def test_each_role_sees_its_entry_pages(rf, role, expected):
    from portal.context_processors import navigation

    request = rf.get("/")
    request.user = UserFactory(role=role)
    urls = [url for url, _label, _active in navigation(request)["nav_items"]]
    for name in expected:
        assert reverse(name) in urls
    assert reverse("admin:index") not in urls
