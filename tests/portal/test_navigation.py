"""The role menu: every entry resolves, and each role sees its own pages."""

import pytest
from django.urls import reverse

from portal.context_processors import MENU
from portal.models.users import Role
from tests.factories.portal import UserFactory


@pytest.mark.parametrize("name", [name for name, _label, _roles in MENU])
def test_every_menu_entry_resolves(name):
    assert reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize("role, expected", [
    (Role.APPLICANT, ["approvals:my_applications"]),
    (Role.CLERK, ["approvals:desk"]),
    (Role.CHIEF, ["approvals:inbox", "approvals:escalations"]),
    (Role.LEADER, ["approvals:extensions", "approvals:overdue_board"]),
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
