"""Query counts of the park's lists, detail pages and endpoints are constant in the number of demands.

Three demands are raised and classified through the services (on the real clock: the pages run on it), the pages
and endpoints of the agent, the company, the park leader and the demand's owner are counted; then 27 more demands
and the same requests must cost the same number of queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.agents.views.conftest import logged_in
from tests.factories.agents import open_demand
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
MAX_QUERIES = 40


def _demands(cat, owner, n):
    return [open_demand(cat, owner=owner, now=timezone.now(), title=f"园区诉求{i}") for i in range(n)]


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def test_park_pages_and_endpoints_cost_the_same_with_ten_times_the_demands(cat, filer, django_assert_max_num_queries):
    owner = UserFactory(role="agent", username="demand_owner")  # a park service agent answers for them
    first = _demands(cat, owner, 3)[0]
    park_leader = UserFactory(role="leader", username="park_leader")
    requests = [
        (filer, "/park/"), (filer, "/park/demands/"), (filer, f"/park/demands/{first.pk}/"), (filer, "/park/cases/"),
        (filer, "/api/v1/demands/"), (filer, f"/api/v1/demands/{first.pk}/"), (filer, "/api/v1/agency-cases/"),
        (cat.applicant, "/park/demands/"), (cat.applicant, "/api/v1/demands/"),
        (park_leader, "/park/leader/"), (park_leader, "/park/demands/"), (park_leader, "/park/reports/"),
        (park_leader, "/api/v1/demands/?light=red"),
        (owner, "/park/demands/"), (owner, f"/park/demands/{first.pk}/"),
    ]
    clients = {user.pk: logged_in(user) for user, _url in requests}
    few = {}
    for user, url in requests:
        clients[user.pk].get(url)  # warm
        few[(user.pk, url)] = _count(clients[user.pk], url)
    _demands(cat, owner, 27)
    changed = {}
    for user, url in requests:
        with django_assert_max_num_queries(MAX_QUERIES):
            grown = _count(clients[user.pk], url)
        if grown != few[(user.pk, url)]:
            changed[f"{user.username} {url}"] = (few[(user.pk, url)], grown)
    assert not changed, f"queries grew with the demands (3 -> 30): {changed}"
