"""The boards' rows written in Python (approvals/templatetags/rows.py) equal the row templates they replaced.

The reference templates below are the former row loops of approvals/boards/_reviews.html, _history.html,
overdue.html and escalations.html, verbatim. Each board is rendered over a world with red and yellow reviews (one
past its legal limit), late stages, every kind of history row, undelivered decisions and a deemed acceptance, in
English and in Chinese, and each table's rows are compared as HTML with the reference's.
"""

import itertools

import pytest
from django.template import Context, RequestContext, Template
from django.test.html import parse_html
from django.utils import translation

from approvals.models import DeadlineFiring
from approvals.services.deadlines import sweep
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.approvals.views.test_boards import ESCALATIONS, OVERDUE, at, page
from tests.factories.applications import (
    accepted_application, decided_on_commitment, paid_application, submitted_application,
)
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

REVIEWS = """{% load i18n lights %}{% translate "Application" as dl_application %}{% translate "Enterprise" as dl_enterprise %}{% translate "Item" as dl_item %}{% translate "Department" as dl_department %}{% translate "Status" as dl_status %}{% translate "Due" as dl_due %}{% translate "Light" as dl_light %}{% translate "Remaining" as dl_remaining %}
  {% for review in reviews %}
    <tr class="row--{{ review.clock.light }}" data-review="{{ review.pk }}">
      <td data-label="{{ dl_application }}"><a href="{% if link_reviews %}{% url 'approvals:review' review.pk %}{% else %}{% url 'approvals:application' review.application_id %}{% endif %}"><strong>{{ review.application.reference }}</strong></a></td>
      <td data-label="{{ dl_enterprise }}">{{ review.application.enterprise.name }}</td>
      <td data-label="{{ dl_item }}">{{ review.item.name }}</td>
      {% if show_department %}<td data-label="{{ dl_department }}">{{ review.department }}</td>{% endif %}
      <td data-label="{{ dl_status }}">{{ review.get_status_display }}</td>
      <td data-label="{{ dl_due }}"><time datetime="{{ review.due_at|date:'c' }}">{{ review.due_at|date:"Y-m-d H:i" }}</time>{% if review.legal_due_at %}<br><small>{% translate "legal limit" %} <time datetime="{{ review.legal_due_at|date:'c' }}">{{ review.legal_due_at|date:"Y-m-d H:i" }}</time></small>{% endif %}</td>
      <td data-label="{{ dl_light }}">{% light_badge review.clock.light %}{% if review.legal_overrun %} <span class="tag tag--red legal-overrun" data-testid="legal-overrun"><strong>{% translate "Legal limit passed (Art. 42)" %}</strong></span>{% endif %}</td>
      <td data-label="{{ dl_remaining }}">{% if review.clock.light == "red" and review.clock.remaining_seconds == 0 %}{% translate "overdue, no office time since" %}{% else %}{{ review.clock.remaining_text|default:"—" }}{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="{% if show_department %}8{% else %}7{% endif %}">{{ empty }}</td></tr>
  {% endfor %}"""

HISTORY = """{% load i18n %}{% translate "Fired at" as dl_fired_at %}{% translate "Kind" as dl_kind %}{% translate "Application" as dl_application %}{% translate "Subject" as dl_subject %}{% translate "Department" as dl_department %}{% translate "Deadline" as dl_deadline %}
  {% for f in history %}
    <tr data-testid="firing" data-kind="{{ f.kind }}">
      <td data-label="{{ dl_fired_at }}"><time datetime="{{ f.fired_at|date:'c' }}">{{ f.fired_at|date:"Y-m-d H:i" }}</time></td>
      <td data-label="{{ dl_kind }}"><span class="firing firing--{{ f.kind }}">{{ f.get_kind_display }}</span></td>
      <td data-label="{{ dl_application }}">{% if f.application %}{{ f.application.reference }} · {{ f.application.enterprise.name }}{% else %}—{% endif %}</td>
      <td data-label="{{ dl_subject }}">{% if f.subject_review %}{% if f.url %}<a href="{{ f.url }}">{{ f.subject_review.item.name }}</a>{% else %}{{ f.subject_review.item.name }}{% endif %}{% elif f.subject_stage %}{% if f.url %}<a href="{{ f.url }}">{% blocktranslate with name=f.subject_stage.name %}Stage: {{ name }}{% endblocktranslate %}</a>{% else %}{% blocktranslate with name=f.subject_stage.name %}Stage: {{ name }}{% endblocktranslate %}{% endif %}{% elif f.url %}<a href="{{ f.url }}">{% translate "The application" %}</a>{% elif f.application %}{% translate "The application" %}{% else %}<span data-testid="firing-subject">{{ f.subject_label }}</span>{% endif %}</td>
      {% if show_department %}<td data-label="{{ dl_department }}">{{ f.department|default:"—" }}</td>{% endif %}
      <td data-label="{{ dl_deadline }}"><time datetime="{{ f.deadline_at|date:'c' }}">{{ f.deadline_at|date:"Y-m-d H:i" }}</time></td>
    </tr>
  {% empty %}
    <tr><td colspan="{% if show_department %}6{% else %}5{% endif %}">{% translate "Nothing has fired." %}</td></tr>
  {% endfor %}"""

COUNTS = """{% load i18n %}{% translate "Department" as dl_department %}{% translate "Yellow reviews" as dl_yellow_reviews %}{% translate "Red reviews" as dl_red_reviews %}{% translate "Past the legal limit" as dl_past_the_legal_limit %}{% translate "Red stages" as dl_red_stages %}{% translate "Not delivered (Art. 44)" as dl_not_delivered_art_44 %}
    {% for c in counts %}
      <tr data-department="{{ c.department.code }}"{% if c.red or c.legal or c.red_stages or c.undelivered %} class="row--red"{% elif c.yellow %} class="row--yellow"{% endif %}>
        <th scope="row" data-label="{{ dl_department }}"><a href="{% querystring department=c.department.code page=None overdue_page=None deemed_page=None %}">{{ c.department.name }}</a></th>
        <td data-label="{{ dl_yellow_reviews }}" class="num" data-col="yellow">{{ c.yellow }}</td>
        <td data-label="{{ dl_red_reviews }}" class="num" data-col="red">{{ c.red }}</td>
        <td data-label="{{ dl_past_the_legal_limit }}" class="num" data-col="legal">{% if c.legal %}<strong>{{ c.legal }}</strong>{% else %}0{% endif %}</td>
        <td data-label="{{ dl_red_stages }}" class="num" data-col="red_stages">{{ c.red_stages }}</td>
        <td data-label="{{ dl_not_delivered_art_44 }}" class="num" data-col="undelivered">{{ c.undelivered }}</td>
      </tr>
    {% empty %}
      <tr><td colspan="6">{% translate "No department yet." %}</td></tr>
    {% endfor %}"""

DEEMED = """{% load i18n %}{% translate "Application" as dl_application %}{% translate "Enterprise" as dl_enterprise %}{% translate "Lead department" as dl_lead_department %}{% translate "Received (accepted from)" as dl_received_accepted_from %}{% translate "Answer was due" as dl_answer_was_due %}{% translate "Deemed accepted at" as dl_deemed_accepted_at %}
    {% for f in deemed %}
      <tr>
        <td data-label="{{ dl_application }}"><a href="{% url 'approvals:application' f.application_id %}">{{ f.application.reference }}</a></td>
        <td data-label="{{ dl_enterprise }}">{{ f.application.enterprise.name }}</td>
        <td data-label="{{ dl_lead_department }}">{{ f.department|default:"—" }}</td>
        <td data-label="{{ dl_received_accepted_from }}">{% if f.application.received_at %}<time datetime="{{ f.application.received_at|date:'c' }}">{{ f.application.received_at|date:"Y-m-d H:i" }}</time>{% else %}—{% endif %}</td>
        <td data-label="{{ dl_answer_was_due }}"><time datetime="{{ f.deadline_at|date:'c' }}">{{ f.deadline_at|date:"Y-m-d H:i" }}</time></td>
        <td data-label="{{ dl_deemed_accepted_at }}"><time datetime="{{ f.fired_at|date:'c' }}">{{ f.fired_at|date:"Y-m-d H:i" }}</time></td>
      </tr>
    {% empty %}
      <tr><td colspan="6">{% translate "No application has been deemed accepted." %}</td></tr>
    {% endfor %}"""

STAGES = """{% load i18n lights %}{% translate "Application" as dl_application %}{% translate "Enterprise" as dl_enterprise %}{% translate "Stage" as dl_stage %}{% translate "Signed" as dl_signed %}{% translate "Stage due" as dl_stage_due %}{% translate "Light" as dl_light %}
    {% for stage in stages %}
      <tr>
        <td data-label="{{ dl_application }}"><a href="{% url 'approvals:application' stage.application_id %}">{{ stage.application.reference }}</a></td>
        <td data-label="{{ dl_enterprise }}">{{ stage.application.enterprise.name }}</td>
        <td data-label="{{ dl_stage }}">{{ stage.order }}. {{ stage.name }}</td>
        <td data-label="{{ dl_signed }}" class="num">{{ stage.signed }} / {{ stage.total }}</td>
        <td data-label="{{ dl_stage_due }}"><time datetime="{{ stage.due_at|date:'c' }}">{{ stage.due_at|date:"Y-m-d H:i" }}</time></td>
        <td data-label="{{ dl_light }}">{% if stage.is_red %}{% light_badge "red" %}{% else %}{% light_badge "yellow" %}{% endif %}</td>
      </tr>
    {% empty %}
      <tr><td colspan="6">{% translate "No stage your department leads is late or due soon." %}</td></tr>
    {% endfor %}"""

INBOX = """{% load i18n lights %}  {% translate "Select to sign" as l_pick %}{% translate "Application" as l_app %}{% translate "Enterprise" as l_ent %}{% translate "Item" as l_item %}{% translate "Stage" as l_stage %}{% translate "Status" as l_status %}{% translate "Due" as l_due %}{% translate "Light" as l_light %}{% translate "Remaining" as l_remaining %}
  {% for review in reviews %}
    <tr class="row--{{ review.clock.light }}">
      {% if is_chief %}<td class="pick" data-label="{{ l_pick }}">{% if review.awaits_signature %}<input type="checkbox" name="reviews" value="{{ review.pk }}" form="batch-sign" id="pick-{{ review.pk }}" aria-label="{% blocktranslate with ref=review.application.reference item=review.item.name %}Sign {{ item }} of {{ ref }}{% endblocktranslate %}">{% endif %}</td>{% endif %}
      <td data-label="{{ l_app }}"><a href="{% url 'approvals:review' review.pk %}"><strong>{{ review.application.reference }}</strong></a></td>
      <td data-label="{{ l_ent }}">{{ review.application.enterprise.name }}</td>
      <td data-label="{{ l_item }}">{{ review.item.name }}</td>
      <td data-label="{{ l_stage }}">{{ review.stage.order }}. {{ review.stage.name }}</td>
      <td data-label="{{ l_status }}">{% review_status_badge review %}</td>
      <td data-label="{{ l_due }}">{% if review.due_at %}<time datetime="{{ review.due_at|date:'c' }}">{{ review.due_at|date:"Y-m-d H:i" }}</time>{% else %}—{% endif %}</td>
      <td data-label="{{ l_light }}">{% light_badge review.clock.light %}</td>
      <td data-label="{{ l_remaining }}">{{ review.clock.remaining_text|default:"—" }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="{% if is_chief %}9{% else %}8{% endif %}">{% translate "No review matches these filters." %}</td></tr>
  {% endfor %}
"""

LED = """{% load i18n lights %}{% translate "Application" as l_app %}{% translate "Enterprise" as l_ent %}{% translate "Stage" as l_stage %}{% translate "Status" as l_status %}{% translate "Light" as l_light %}    {% translate "Signed" as l_signed %}{% translate "Stage due" as l_stage_due %}
    {% for stage in stages %}
      <tr>
        <td data-label="{{ l_app }}">{{ stage.application.reference }}</td>
        <td data-label="{{ l_ent }}">{{ stage.application.enterprise.name }}</td>
        <td data-label="{{ l_stage }}">{{ stage.order }}. {{ stage.name }}</td>
        <td data-label="{{ l_status }}">{{ stage.get_status_display }}</td>
        <td data-label="{{ l_signed }}" class="num">{{ stage.signed }} / {{ stage.total }}</td>
        <td data-label="{{ l_stage_due }}">{% if stage.due_at %}<time datetime="{{ stage.due_at|date:'c' }}">{{ stage.due_at|date:"Y-m-d H:i" }}</time>{% else %}—{% endif %}</td>
        <td data-label="{{ l_light }}">{% light_badge stage.light %}</td>
      </tr>
    {% empty %}
      <tr><td colspan="7">{% translate "Your department leads no open stage." %}</td></tr>
    {% endfor %}
"""

NEW = {
    "reviews": "{% load rows %}{% board_review_rows reviews link_reviews=link_reviews show_department=show_department empty=empty %}",
    "history": "{% load rows %}{% firing_rows history show_department=show_department %}",
    "counts": "{% load rows %}{% department_count_rows counts %}",
    "deemed": "{% load rows %}{% deemed_rows deemed %}",
    "stages": "{% load rows %}{% late_stage_rows stages %}",
    "inbox": "{% load rows %}{% inbox_review_rows reviews is_chief=is_chief %}",
    "led": "{% load rows %}{% led_stage_rows stages %}",
}
OLD = {"reviews": REVIEWS, "history": HISTORY, "counts": COUNTS, "deemed": DEEMED, "stages": STAGES, "inbox": INBOX, "led": LED}


def same_rows(kind, request, **values):
    """The rows of `kind` by the new tag and by the former template, parsed as HTML; both returned."""
    def context():
        return Context(values) if request is None else RequestContext(request, values)

    old = Template(OLD[kind]).render(context())
    new = Template(NEW[kind]).render(context())
    assert parse_html(new) == parse_html(old), (kind, new, old)
    return new


@pytest.fixture
def world(cat):
    accepted_application(cat, now=at(2026, 6, 1, 9, 0))
    accepted_application(cat, now=at(2026, 6, 3, 16, 0))
    paid_application(cat, now=at(2026, 6, 1, 11, 0))  # undelivered by the 16th
    submitted_application(cat, now=at(2026, 6, 1, 12, 0))  # deemed accepted after 5 working days
    decided_on_commitment(cat, sign=False, now=at(2026, 6, 2, 10, 0))  # a decision waiting for the signature
    for when in (at(2026, 6, 4, 18, 0), at(2026, 6, 9, 9, 0), at(2026, 6, 16, 9, 0)):
        sweep(now=when)
    return cat


def test_escalation_board_rows_equal_the_former_templates(world):
    cat = world
    seen = {"red": 0, "yellow": 0, "stages": 0, "history": 0, "legal": 0}
    for when, department, language in itertools.product(
            [at(2026, 6, 5, 8, 0), at(2026, 6, 16, 10, 0), at(2026, 8, 5, 9, 0)], cat.departments[:3],
            ["en", "zh-hans"]):
        response = page(cat.chief_of(department), ESCALATIONS, when)
        context = response.context
        with translation.override(language):
            for key in ("red", "yellow"):
                same_rows("reviews", None, reviews=context[key], link_reviews=True, show_department=False,
                          empty="none")
            same_rows("history", None, history=context["history"].object_list, show_department=False)
            same_rows("stages", None, stages=context["stages"])
        for key in ("red", "yellow", "stages"):
            seen[key] += len(context[key])
        seen["history"] += len(context["history"].object_list)
        seen["legal"] += sum(1 for r in context["red"] if r.legal_overrun)
    assert all(seen.values()), seen  # every kind of row was compared


def test_overdue_board_rows_equal_the_former_templates(world):
    supervisor = UserFactory(supervisor=True)
    for params, language in itertools.product([{}, {"kind": "review_red", "deemed_page": "1"}], ["en", "zh-hans"]):
        _overdue_rows(supervisor, params, language)


def _overdue_rows(supervisor, params, language):
    response = page(supervisor, OVERDUE, at(2026, 8, 5, 9, 0), **params)
    context = response.context
    request = response.wsgi_request
    rows = list(context["overdue"].object_list)
    assert rows and any(r.legal_overrun for r in rows)
    assert DeadlineFiring.objects.exists() and context["deemed"].object_list
    with translation.override(language):
        html = same_rows("reviews", None, reviews=rows, link_reviews=False, show_department=True, empty="none")
        assert 'data-testid="legal-overrun"' in html
        same_rows("history", None, history=context["history"].object_list, show_department=True)
        counts = same_rows("counts", request, counts=context["counts"])
        assert ("?kind=review_red&amp;department=" if params else '"?department=') in counts
        same_rows("deemed", None, deemed=context["deemed"].object_list)


def test_empty_tables_equal_the_former_templates(cat):
    for kind, name in (("reviews", "reviews"), ("history", "history"), ("deemed", "deemed"), ("stages", "stages")):
        for show in (True, False):
            same_rows(kind, None, **{name: []}, show_department=show, link_reviews=False, empty="Nothing")


def test_history_rows_without_a_link_or_an_application(world):
    """Firings of the overdue board: no review page link, and a firing with no application (its label)."""
    firings = list(DeadlineFiring.objects.select_related("application__enterprise", "department")[:10])
    from approvals.services.boards import describe_subjects
    describe_subjects(firings)
    for f in firings:
        f.url = ""
    orphan = DeadlineFiring(subject_type="demand", subject_id=1, kind="demand_red", deadline_at=firings[0].deadline_at,
                            fired_at=firings[0].fired_at, context={"title": "<b>Park</b> demand"})
    orphan.subject_review = orphan.subject_stage = None
    orphan.url = ""
    html = same_rows("history", None, history=[*firings, orphan], show_department=True)
    assert "&lt;b&gt;Park&lt;/b&gt; demand" in html


def test_inbox_rows_equal_the_former_template(world):
    cat = world
    seen = {"awaits": 0, "rows": 0, "stages": 0}
    for department, language in itertools.product(cat.departments[:3], ["en", "zh-hans"]):
        for user in (cat.chief_of(department), cat.staff_of(department)):
            for params in ({}, {"status": "all"}, {"light": "red"}):
                context = page(user, "/reviews/", at(2026, 6, 9, 10, 0), **params).context
                rows = list(context["page"].object_list)
                with translation.override(language):
                    same_rows("inbox", None, reviews=rows, is_chief=context["is_chief"])
                    same_rows("led", None, stages=context["stages"])
                seen["rows"] += len(rows)
                seen["awaits"] += sum(1 for r in rows if r.awaits_signature and context["is_chief"])
                seen["stages"] += len(context["stages"])
    assert all(seen.values()), seen  # rows, boxes to sign and stages were compared
    for is_chief in (True, False):
        same_rows("inbox", None, reviews=[], is_chief=is_chief)
    same_rows("led", None, stages=[])
