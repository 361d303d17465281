"""Query counts of every list page, detail page and read endpoint are constant in the number of rows.

Three applications are built through the services (accepted, then swept at a later instant so their reviews are
red and yellow, firings and notifications written); each page and endpoint is requested and its queries counted.
Then the same rows are multiplied tenfold (30 applications, with their stages, reviews, firings and
notifications: copies of the real rows) and the same request must cost exactly the same number of queries.
A list that loaded a row's relations one by one, or computed a light per row, would cost more.
"""

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import Application, ApplicationStage, DeadlineFiring, ItemReview
from approvals.services.deadlines import sweep
from portal.models import Notification
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import SHANGHAI, accepted_application
from tests.factories.portal import UserFactory, signed_in_client

pytestmark = pytest.mark.django_db
LATER = datetime(2026, 6, 9, 9, 0, tzinfo=SHANGHAI)  # the reviews accepted on 1 June are overdue by now
# The most queries any of these requests may take (session, user, 2FA device, page data); the point of the test
# is that the number does not grow with the rows, checked by comparing 3 and 30 applications.
MAX_QUERIES = 40


def _multiply(applications, times: int) -> None:
    """`times` copies of each application with its stages, reviews, firings and notifications (bulk inserts)."""
    for n in range(times):
        for original in applications:
            copy = Application.objects.get(pk=original.pk)
            items = list(original.items.all())
            copy.pk = None
            copy.reference = f"{original.reference[:24]}-{n:03d}"
            copy.save()  # the protected status field keeps its value on a fresh insert
            copy.items.set(items)
            stages = {}
            for stage in ApplicationStage.objects.filter(application=original):
                old = stage.pk
                stage.pk, stage.application = None, copy
                ApplicationStage.objects.bulk_create([stage])
                stages[old] = stage
            reviews = {}
            for review in ItemReview.objects.filter(application=original):
                old = review.pk
                review.pk, review.application, review.stage = None, copy, stages[review.stage_id]
                ItemReview.objects.bulk_create([review])
                reviews[old] = review
            firings = []
            for firing in DeadlineFiring.objects.filter(application=original):
                firing.pk, firing.application = None, copy
                firing.subject_id = (reviews[firing.subject_id].pk if firing.subject_type == "itemreview"
                                     else stages[firing.subject_id].pk if firing.subject_type == "applicationstage"
                                     else copy.pk)
                firings.append(firing)
            DeadlineFiring.objects.bulk_create(firings)
    notifications = []
    for n, notification in enumerate(Notification.objects.all()):
        for k in range(times):
            notification.pk, notification.dedupe_key = None, f"copy-{n}-{k}"
            notifications.append(Notification(**{f.attname: getattr(notification, f.attname)
                                                 for f in Notification._meta.concrete_fields}))
    Notification.objects.bulk_create(notifications)


def _queries(client, url) -> int:
    with time_machine.travel(LATER, tick=False), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.fixture
def world(cat):
    """Three accepted applications, swept a week later (red reviews, firings, notifications), and who reads."""
    apps = [accepted_application(cat, now=datetime(2026, 6, 1, hour, 0, tzinfo=SHANGHAI)) for hour in (9, 10, 11)]
    sweep(now=LATER)
    supervisor = UserFactory(supervisor=True)
    return cat, apps, supervisor


def _requests(cat, apps, supervisor):
    """(who, url) for every list, detail and read endpoint worth counting."""
    app = apps[0]
    d0 = cat.departments[0]
    review = app.reviews.get(department=d0)
    chief, clerk = cat.chief_of(d0), cat.clerk
    return [
        (None, "/catalog/"), (None, "/catalog/packages/"), (None, "/api/v1/items/"), (None, "/api/v1/packages/"),
        (cat.applicant, "/applications/"), (cat.applicant, f"/applications/{app.pk}/"),
        (cat.applicant, "/api/v1/applications/"), (cat.applicant, f"/api/v1/applications/{app.pk}/"),
        (cat.applicant, "/notifications/"), (cat.applicant, "/api/v1/notifications/"),
        (None, f"/catalog/?department={d0.code}"), (cat.applicant, "/applications/?page=2"),
        (chief, "/reviews/"), (chief, "/reviews/?light=red"), (chief, "/reviews/?status=all&light=yellow"),
        (chief, "/reviews/?status=opinion_ready"), (chief, "/reviews/?q=YB"), (chief, f"/reviews/{review.pk}/"),
        (chief, "/reviews/sign/"), (chief, "/boards/escalations/"), (chief, "/notifications/"),
        (chief, "/api/v1/reviews/"), (chief, "/api/v1/reviews/?light=red"), (chief, "/api/v1/reviews/counts/"),
        (chief, f"/api/v1/reviews/{review.pk}/"), (chief, "/api/v1/notifications/"),
        (clerk, "/desk/"), (clerk, "/desk/handover/"), (clerk, f"/desk/{app.pk}/"),
        (cat.leader, "/boards/overdue/"), (cat.leader, f"/boards/overdue/?department={d0.code}&overdue_page=2"),
        (cat.leader, "/api/v1/reviews/?status=all"), (cat.leader, f"/api/v1/reviews/?department={d0.code}&light=red"),
        (cat.leader, "/api/v1/applications/"),
        (supervisor, "/boards/overdue/"), (supervisor, "/api/v1/reviews/?light=red,yellow"),
        (supervisor, "/api/v1/applications/"),
    ]


def test_every_page_and_endpoint_costs_the_same_queries_with_ten_times_the_rows(world, django_assert_max_num_queries):
    cat, apps, supervisor = world
    requests = _requests(cat, apps, supervisor)
    clients = {}

    def client_of(user):
        key = user.pk if user else None
        if key not in clients:
            with time_machine.travel(LATER, tick=False):
                clients[key] = signed_in_client(user)
        return clients[key]

    few = {}
    for user, url in requests:
        with time_machine.travel(LATER, tick=False):
            client_of(user).get(url)  # warm: the session, the calendar, the catalog cache
        few[(user.pk if user else None, url)] = _queries(client_of(user), url)
    _multiply(apps, 9)
    assert Application.objects.count() == 30
    assert ItemReview.objects.filter(application__in=apps).count() * 10 == ItemReview.objects.count()
    grown = {}
    for user, url in requests:
        key = (user.pk if user else None, url)
        with django_assert_max_num_queries(MAX_QUERIES):
            grown[key] = _queries(client_of(user), url)
    changed = {key[1]: (few[key], grown[key]) for key in few if grown[key] != few[key]}
    assert not changed, f"queries grew with the rows (3 -> 30 applications): {changed}"
