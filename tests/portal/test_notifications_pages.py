"""The notification list, mark one / all as read, the unread badge in the header, and the API — each user only
ever sees and marks their own notifications, and only those delivered to the in-app list."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from portal.models import Delivery, Notification
from portal.models.notifications import Channel
from portal.services.notifications_read import ALL, mark_read
from portal.services.notify import deliver, notify, unread_count
from portal.services.tokens import issue_token
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db
LIST = "/notifications/"
READ = "/notifications/read/"
API_LIST = "/api/v1/notifications/"
API_READ = "/api/v1/notifications/read/"


def login(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    if user.needs_second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = (user.totpdevice_set.first() or with_totp(user)).persistent_id
        session.save()
    return client


def tell(user, n, *, shown=True, key="event"):
    """`n` notifications for `user`, delivered to the in-app list (by the real delivery) unless `shown=False`."""
    made = []
    for i in range(n):
        [notification] = notify([user], kind="review_red", title=f"Overdue {key} {i}", body=f"Body {i}",
                                link=f"/reviews/{i + 1}/", key=f"{key}-{i}")
        if shown:
            in_app = Delivery.objects.get(notification=notification, channel=Channel.IN_APP)
            assert deliver(in_app.pk, now=timezone.now() + timedelta(seconds=i)) == "delivered"
        made.append(Notification.objects.get(pk=notification.pk))
    return made


@pytest.fixture
def chief():
    return UserFactory(chief=True, email="chief@example.org")


@pytest.fixture
def other():
    return UserFactory(applicant=True)


def test_list_shows_own_shown_notifications_newest_first_unread_highlighted(chief, other):
    first, second = tell(chief, 2)
    tell(chief, 1, shown=False, key="pending")  # its in-app delivery has not run: not in the list yet
    tell(other, 1, key="theirs")
    mark_read(chief, [first.pk])

    page = login(chief).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Overdue event 1") < html.index("Overdue event 0")  # newest first
    assert "Overdue pending" not in html and "Overdue theirs" not in html
    assert html.count('data-testid="notification"') == 2
    assert html.count("notification--unread") == 1
    assert f'href="{second.link}"' in html
    assert "You have 1 unread notification." in html


def test_mark_one_then_all_as_read(chief, other):
    first, second, third = tell(chief, 3)
    [theirs] = tell(other, 1, key="theirs")
    client = login(chief)

    response = client.post(READ, {"ids": [first.pk, theirs.pk]})  # someone else's id is ignored
    assert response.status_code == 302 and response["Location"] == LIST
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert unread_count(chief) == 2

    client.post(READ, {"all": "on"})
    assert unread_count(chief) == 0
    assert unread_count(other) == 1
    page = client.get(LIST)
    assert "notification--unread" not in page.content.decode()
    assert "Mark all as read" not in page.content.decode()


def test_mark_read_needs_post_and_a_choice(chief):
    tell(chief, 1)
    client = login(chief)
    assert client.get(READ).status_code == 405
    response = client.post(READ, {}, follow=True)
    assert "Choose the notifications to mark as read." in response.content.decode()
    assert client.post(READ, {"ids": ["x"]}).status_code == 302
    assert unread_count(chief) == 1


def test_mark_read_service_only_touches_own_unread_shown():
    me, you = UserFactory(applicant=True), UserFactory(applicant=True)
    mine = tell(me, 2)
    [pending] = tell(me, 1, shown=False, key="pending")
    [yours] = tell(you, 1, key="yours")
    assert mark_read(me, [mine[0].pk, yours.pk, pending.pk]) == 1
    assert mark_read(me, [mine[0].pk]) == 0  # already read
    assert mark_read(me, ALL) == 1
    assert Notification.objects.get(pk=pending.pk).read_at is None
    assert Notification.objects.get(pk=yours.pk).read_at is None


def test_header_badge_shows_the_unread_count(chief):
    client = login(chief)
    home = client.get(reverse("portal:account")).content.decode()
    assert 'data-testid="notifications-badge"' in home
    assert "tag--red" not in home.split('data-testid="notifications-badge"')[1].split("</a>")[0]
    tell(chief, 3)
    badge = client.get(reverse("portal:account")).content.decode().split('data-testid="notifications-badge"')[1]
    badge = badge.split("</a>")[0]
    assert ">3<" in badge and "unread" in badge
    assert f'href="{LIST}"' in client.get(reverse("portal:account")).content.decode()


def test_anonymous_is_sent_to_login():
    client = Client()
    assert client.get(LIST).status_code == 302
    assert client.post(READ, {"all": "on"}).status_code == 302
    assert client.get(API_LIST).status_code in (401, 403)


def test_api_lists_own_with_unread_count_and_marks_read(chief, other):
    first, second = tell(chief, 2)
    tell(chief, 1, shown=False, key="pending")
    [theirs] = tell(other, 1, key="theirs")
    _token, key = issue_token(chief)
    client = Client(headers={"authorization": f"Token {key}"})

    listing = client.get(API_LIST).json()
    assert listing["unread"] == 2 and listing["count"] == 2
    assert [n["id"] for n in listing["results"]] == [second.pk, first.pk]
    assert listing["results"][0]["unread"] is True and listing["results"][0]["link"] == second.link

    bad = client.post(API_READ, {}, content_type="application/json")
    assert bad.status_code == 400
    marked = client.post(API_READ, {"ids": [first.pk, theirs.pk]}, content_type="application/json").json()
    assert marked == {"marked": 1, "unread": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    marked = client.post(API_READ, {"all": True}, content_type="application/json").json()
    assert marked == {"marked": 1, "unread": 0}
    assert client.get(API_LIST).json()["unread"] == 0


def test_api_session_login_works_for_staff_too(chief):
    tell(chief, 1)
    client = login(chief)
    assert client.get(API_LIST).json()["unread"] == 1


# The rows as the page wrote them before it read plain values and translated its words once per page: the same
# markup from the notification instances, with a translation per row. The page must write exactly this.
_SLOW_ROWS = """{% load i18n %}{% for n in page.object_list %}
    <tr class="notification{% if not n.read_at %} notification--unread{% endif %}" data-testid="notification" data-id="{{ n.pk }}">
      <td data-label="{{ dl_status }}">{% if n.read_at %}<span class="tag">{% translate "Read" %}</span>{% else %}<span class="tag tag--red"><strong>{% translate "Unread" %}</strong></span>{% endif %}</td>
      <td data-label="{{ dl_received }}"><time datetime="{{ n.created_at|date:'c' }}">{{ n.created_at|date:"Y-m-d H:i" }}</time></td>
      <td data-label="{{ dl_notification }}">
        {% if n.link %}<a href="{{ n.link }}" class="notification__title">{{ n.title }}</a>{% else %}<span class="notification__title">{{ n.title }}</span>{% endif %}
        {% if n.body %}<p class="notification__body">{{ n.body|linebreaksbr }}</p>{% endif %}
        {% if n.links %}<ul class="notification__links">{% for link in n.links %}<li><a href="{{ link.url }}">{{ link.title }}</a></li>{% endfor %}</ul>{% endif %}
      </td>
      <td data-label="{{ dl_actions }}">{% if not n.read_at %}
        <form method="post" action="{% url 'portal:notifications_read' %}" class="inline-form">
          {% csrf_token %}
          <input type="hidden" name="ids" value="{{ n.pk }}">
          <input type="hidden" name="page" value="{{ page.number }}">
          <button type="submit" class="btn btn--small btn--secondary" aria-label="{% blocktranslate with title=n.title %}Mark “{{ title }}” as read{% endblocktranslate %}">{% translate "Mark as read" %}</button>
        </form>{% endif %}
      </td>
    </tr>
{% endfor %}"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_equal_the_per_row_rendering(chief, language):
    from django.core.paginator import Paginator
    from django.template import engines
    from django.utils import translation

    from portal.services.notifications_read import visible_to

    made = tell(chief, 4, key='<b>"x"</b> & y')
    Notification.objects.filter(pk=made[0].pk).update(link="", body="line one\nline two",
                                                      links=[{"title": "Doc <1>", "url": "/d/1/"}])
    mark_read(chief, [made[1].pk])
    client = login(chief)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    token = response.context["csrf_token"]
    with translation.override(language):
        labels = {"dl_status": translation.gettext("Status"), "dl_received": translation.gettext("Received"),
                  "dl_notification": translation.gettext("Notification"), "dl_actions": translation.gettext("Actions")}
        page = Paginator(visible_to(chief), 25).get_page(1)
        slow = engines["django"].from_string(_SLOW_ROWS).render({"page": page, "csrf_token": token, **labels})
    rows = html[html.index("<tbody>") + len("<tbody>"):html.index("</tbody>")]
    slow_rows = [r.strip() for r in slow.split("</tr>") if r.strip()]
    fast_rows = [r.strip() for r in rows.split("</tr>") if r.strip()]
    assert len(slow_rows) == 4 and fast_rows == slow_rows
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; y" in rows and "line one<br>line two" in rows


def test_the_api_rows_equal_drfs_generic_rendering(chief):
    from rest_framework import serializers

    from portal.api.notifications import NotificationSerializer

    made = tell(chief, 3, key="api")
    Notification.objects.filter(pk=made[0].pk).update(link="", links=[{"title": "Doc", "url": "/d/1/"},
                                                                      {"title": "摘要 2", "url": "/d/2/"}])
    mark_read(chief, [made[1].pk])
    for notification in Notification.objects.filter(recipient=chief):
        fast = NotificationSerializer(notification).data
        generic = serializers.ModelSerializer.to_representation(NotificationSerializer(), notification)
        assert fast == generic and list(fast) == NotificationSerializer.Meta.fields
    client = login(chief)
    data = client.get(API_LIST).json()
    assert [r["id"] for r in data["results"]] == [n.pk for n in sorted(made, key=lambda n: (n.created_at, n.pk),
                                                                        reverse=True)]
    assert data["results"][2]["links"] == [{"title": "Doc", "url": "/d/1/"}, {"title": "摘要 2", "url": "/d/2/"}]
