"""Fixtures of the agents tests: the 2026 official calendar, the compact catalog, a park agent and leader."""

import pytest
from django.utils import translation

from approvals.calendar.loading import invalidate
from approvals.calendar.seeding import load_from_chinesecalendar
from tests.factories.agents import authorise
from tests.factories.applications import make_catalog
from tests.factories.portal import UserFactory


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the portal's default language is Simplified Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def calendar_2026(db):
    """The official 2026 schedule (National Day 10-01..10-07, make-up Saturday 10-10, ...) in the database."""
    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield
    invalidate()


@pytest.fixture
def cat(calendar_2026):
    """make_catalog(), with the catalog's leader as the enterprise's responsible leader."""
    catalog = make_catalog()
    catalog.enterprise.leader = catalog.leader
    catalog.enterprise.save(update_fields=["leader"])
    return catalog


@pytest.fixture
def agent(cat):
    """A park service agent authorised by the company for all items through 2026 (not its assigned agent)."""
    user = UserFactory(role="agent", username="agent_x", full_name="李晓梅")
    authorise(cat.enterprise, user)
    return user


@pytest.fixture
def stranger_agent(cat):
    """An agent nobody authorised."""
    return UserFactory(role="agent", username="agent_y")
