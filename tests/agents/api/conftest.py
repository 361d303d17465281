"""Fixtures for the agents API: the demo district and token clients (shared with the approvals API tests),
plus the enterprises and an authorisation granted through the API."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import Enterprise
from tests.approvals.api.conftest import (  # noqa: F401  (fixtures)
    _demo_district, _media_root, accounts, pdf_bytes, png_bytes,
)
from tests.approvals.api.conftest import login as token_login  # noqa: F401  (fixture)

API = "/api/v1/"
AUTHORIZATIONS = f"{API}authorizations/"
DEMANDS = f"{API}demands/"
CASES = f"{API}agency-cases/"
PROJECTS = f"{API}projects/"
ENTERPRISES = f"{API}enterprises/"
APPS = f"{API}applications/"
TRIO = ["CG-XK-001", "CG-XK-002", "CG-XK-003"]


@pytest.fixture
def login(token_login):
    """login(username) -> a token client that asks for English (the msgids the messages are asserted in; the
    portal answers in Simplified Chinese by default)."""

    def _login(username):
        client = token_login(username)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return _login


@pytest.fixture(autouse=True)
def _no_demo_agency_data(accounts):
    """The demo district also seeds authorisations, demands, cases and projects (agents.demo); each test here
    starts from the district without them (removed inside the test's own transaction), so that what a test
    grants or raises is all there is."""
    from agents.models import AgencyCase, Authorization, Demand, InvestmentProject

    for model in (AgencyCase, Demand, InvestmentProject, Authorization):
        model.objects.all().delete()


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def company(accounts):
    """The demo applicant's company (service agent `agent`)."""
    return Enterprise.objects.get(members__username="applicant")


@pytest.fixture
def other_company(accounts):
    """Another company (service agent `agent2`), which never authorised `agent`."""
    return Enterprise.objects.get(members__username="applicant_lh")


def poa(name="poa.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def grant(login):
    """grant(username="applicant", agent="agent", **fields) -> the response of POST authorizations/ (multipart)."""

    def _grant(username="applicant", agent="agent", **fields):
        body = {"agent": agent, "scope": "all", "valid_from": str(days(-1)), "valid_until": str(days(30)),
                "power_of_attorney": poa(), **fields}
        return login(username).post(AUTHORIZATIONS, body, format="multipart")

    return _grant
