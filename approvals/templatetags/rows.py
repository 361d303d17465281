"""The rows of the boards' long tables, written out in Python.

    {% load rows %}<tbody>{% board_review_rows reviews link_reviews=True show_department=False empty=text %}</tbody>

Django's template engine resolves every variable, filter and tag of a row loop one by one: the overdue board's
75 rows cost some 2,500 variable lookups and 200 date formats per request, most of its time
(docs/performance.md). These tags write the same markup with one f-string per row, every value escaped (`_e`,
Django's `conditional_escape` without its lazy-string wrapper); the labels, the URL prefixes and the translated
words are computed once per table, not once per row. tests/approvals/views/test_board_rows.py renders the former
row templates over the same rows and checks that the HTML is equal.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from approvals.models import FiringKind, ReviewStatus
from approvals.templatetags.lights import _light_text, review_status_badge

register = template.Library()

_MARK = 987654321987
EMPTY_TIME = '<time datetime=""></time>'  # what `|date` printed for a missing datetime


def _e(value) -> str:
    """The value escaped for HTML, as `{{ value }}` prints it (markup already safe stays as it is)."""
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value))


def url_prefix(name: str):
    """A function pk -> the URL of `name` with that pk, from one `reverse` (the pk is the path's last part)."""
    head, _sep, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
    return lambda pk: f"{head}{pk}{tail}"


def _time(value) -> str:
    """<time datetime="...">Y-m-d H:i</time> in the current time zone, as `|date:'c'` and `|date:"Y-m-d H:i"`."""
    if value is None:
        return EMPTY_TIME
    value = timezone.localtime(value)
    return f'<time datetime="{value.isoformat()}">{value:%Y-%m-%d %H:%M}</time>'


def _badge(light) -> str:
    """{% light_badge light %}"""
    return f'<span class="light light--{_e(light or "")}">{_e(_light_text(get_language(), light))}</span>'


def _labels(*words) -> list[str]:
    return [_e(_(word)) for word in words]


def _empty(colspan, text):
    return mark_safe(f'<tr><td colspan="{colspan}">{_e(text)}</td></tr>')


@register.simple_tag
def board_review_rows(reviews, *, link_reviews=False, show_department=False, empty=""):
    """The rows of approvals/boards/_reviews.html: one review each, with its clock (`review.clock`)."""
    reviews = list(reviews)
    if not reviews:
        return _empty(8 if show_department else 7, empty)
    l_app, l_ent, l_item, l_dep, l_status, l_due, l_light, l_remaining = _labels(
        "Application", "Enterprise", "Item", "Department", "Status", "Due", "Light", "Remaining")
    statuses = {value: _e(label) for value, label in ReviewStatus.choices}
    legal_limit, overdue_text = _e(_("legal limit")), _e(_("overdue, no office time since"))
    # The msgid stays outside the f-string: makemessages does not look into f-strings.
    passed = _e(_("Legal limit passed (Art. 42)"))
    overrun = (' <span class="tag tag--red legal-overrun" data-testid="legal-overrun"><strong>'
               f'{passed}</strong></span>')
    url_of = url_prefix("approvals:review") if link_reviews else url_prefix("approvals:application")
    rows = []
    for review in reviews:
        clock = review.clock
        light = clock.light
        application = review.application
        due = _time(review.due_at)
        if review.legal_due_at:
            due += f"<br><small>{legal_limit} {_time(review.legal_due_at)}</small>"
        if light == "red" and clock.remaining_seconds == 0:
            remaining = overdue_text
        else:
            remaining = _e(clock.remaining_text or "—")
        department = f'<td data-label="{l_dep}">{_e(review.department)}</td>' if show_department else ""
        rows.append(
            f'<tr class="row--{_e(light)}" data-review="{review.pk}">'
            f'<td data-label="{l_app}"><a href="{url_of(review.pk if link_reviews else review.application_id)}">'
            f'<strong>{_e(application.reference)}</strong></a></td>'
            f'<td data-label="{l_ent}">{_e(application.enterprise.name)}</td>'
            f'<td data-label="{l_item}">{_e(review.item.name)}</td>{department}'
            f'<td data-label="{l_status}">{statuses.get(review.status) or _e(review.status)}</td>'
            f'<td data-label="{l_due}">{due}</td>'
            f'<td data-label="{l_light}">{_badge(light)}{overrun if getattr(review, "legal_overrun", False) else ""}'
            f'</td><td data-label="{l_remaining}">{remaining}</td></tr>')
    return mark_safe("\n".join(rows))  # every value went through _e


@register.simple_tag
def firing_rows(firings, *, show_department=False):
    """The rows of approvals/boards/_history.html: one firing each (`describe_subjects` and `url` set)."""
    firings = list(firings)
    if not firings:
        return _empty(6 if show_department else 5, _("Nothing has fired."))
    l_at, l_kind, l_app, l_subject, l_dep, l_deadline = _labels(
        "Fired at", "Kind", "Application", "Subject", "Department", "Deadline")
    kinds = {value: _e(label) for value, label in FiringKind.choices}
    the_application = _e(_("The application"))
    rows = []
    for f in firings:
        application = f.application
        app_cell = (f"{_e(application.reference)} · {_e(application.enterprise.name)}"
                    if application is not None else "—")
        department = (f'<td data-label="{l_dep}">{_e(f.department) if f.department is not None else "—"}</td>'
                      if show_department else "")
        kind = _e(f.kind)
        rows.append(
            f'<tr data-testid="firing" data-kind="{kind}"><td data-label="{l_at}">{_time(f.fired_at)}</td>'
            f'<td data-label="{l_kind}"><span class="firing firing--{kind}">{kinds.get(f.kind) or kind}</span></td>'
            f'<td data-label="{l_app}">{app_cell}</td><td data-label="{l_subject}">{_subject(f, the_application)}'
            f'</td>{department}<td data-label="{l_deadline}">{_time(f.deadline_at)}</td></tr>')
    return mark_safe("\n".join(rows))  # every value went through _e


def _subject(f, the_application) -> str:
    def linked(text):
        return f'<a href="{_e(f.url)}">{text}</a>' if f.url else text

    if f.subject_review:
        return linked(_e(f.subject_review.item.name))
    if f.subject_stage:
        return linked(_e(_("Stage: %(name)s") % {"name": f.subject_stage.name}))
    if f.url:
        return linked(the_application)
    if f.application:
        return the_application
    return f'<span data-testid="firing-subject">{_e(f.subject_label)}</span>'


@register.simple_tag
def deemed_rows(firings):
    """The rows of the overdue board's deemed acceptances (firings of that kind, with their application)."""
    firings = list(firings)
    if not firings:
        return _empty(6, _("No application has been deemed accepted."))
    l_app, l_ent, l_lead, l_received, l_due, l_deemed = _labels(
        "Application", "Enterprise", "Lead department", "Received (accepted from)", "Answer was due",
        "Deemed accepted at")
    application_url = url_prefix("approvals:application")
    rows = []
    for f in firings:
        application = f.application
        received = _time(application.received_at) if application.received_at else "—"
        rows.append(
            f'<tr><td data-label="{l_app}"><a href="{application_url(f.application_id)}">'
            f'{_e(application.reference)}</a></td><td data-label="{l_ent}">{_e(application.enterprise.name)}</td>'
            f'<td data-label="{l_lead}">{_e(f.department) if f.department is not None else "—"}</td>'
            f'<td data-label="{l_received}">{received}</td><td data-label="{l_due}">{_time(f.deadline_at)}</td>'
            f'<td data-label="{l_deemed}">{_time(f.fired_at)}</td></tr>')
    return mark_safe("\n".join(rows))  # every value went through _e


@register.simple_tag(takes_context=True)
def department_count_rows(context, counts):
    """The rows of the overdue board's counts per department, each linking to the board filtered by it."""
    counts = list(counts)
    if not counts:
        return _empty(6, _("No department yet."))
    l_dep, l_yellow, l_red, l_legal, l_stages, l_late = _labels(
        "Department", "Yellow reviews", "Red reviews", "Past the legal limit", "Red stages",
        "Not delivered (Art. 44)")
    params = context.request.GET.copy()  # as {% querystring department=... page=None ... %}
    for key in ("page", "overdue_page", "deemed_page"):
        if key in params:
            del params[key]
    rows = []
    for c in counts:
        department = c.department
        params["department"] = department.code
        tone = (' class="row--red"' if c.red or c.legal or c.red_stages or c.undelivered
                else ' class="row--yellow"' if c.yellow else "")
        legal = f"<strong>{c.legal}</strong>" if c.legal else "0"
        rows.append(
            f'<tr data-department="{_e(department.code)}"{tone}><th scope="row" data-label="{l_dep}">'
            f'<a href="?{_e(params.urlencode())}">{_e(department.name)}</a></th>'
            f'<td data-label="{l_yellow}" class="num" data-col="yellow">{c.yellow}</td>'
            f'<td data-label="{l_red}" class="num" data-col="red">{c.red}</td>'
            f'<td data-label="{l_legal}" class="num" data-col="legal">{legal}</td>'
            f'<td data-label="{l_stages}" class="num" data-col="red_stages">{c.red_stages}</td>'
            f'<td data-label="{l_late}" class="num" data-col="undelivered">{c.undelivered}</td></tr>')
    return mark_safe("\n".join(rows))  # every value went through _e


@register.simple_tag
def late_stage_rows(stages):
    """The rows of the escalation board's late stages (`is_red`, `signed`, `total` annotated)."""
    stages = list(stages)
    if not stages:
        return _empty(6, _("No stage your department leads is late or due soon."))
    l_app, l_ent, l_stage, l_signed, l_due, l_light = _labels(
        "Application", "Enterprise", "Stage", "Signed", "Stage due", "Light")
    application_url = url_prefix("approvals:application")
    red, yellow = _badge("red"), _badge("yellow")
    rows = []
    for stage in stages:
        application = stage.application
        rows.append(
            f'<tr><td data-label="{l_app}"><a href="{application_url(stage.application_id)}">'
            f'{_e(application.reference)}</a></td><td data-label="{l_ent}">{_e(application.enterprise.name)}</td>'
            f'<td data-label="{l_stage}">{stage.order}. {_e(stage.name)}</td>'
            f'<td data-label="{l_signed}" class="num">{stage.signed} / {stage.total}</td>'
            f'<td data-label="{l_due}">{_time(stage.due_at)}</td>'
            f'<td data-label="{l_light}">{red if stage.is_red else yellow}</td></tr>')
    return mark_safe("\n".join(rows))  # every value went through _e


@register.simple_tag
def inbox_review_rows(reviews, *, is_chief=False):
    """The rows of the review inbox (approvals/reviews/inbox.html): `review.clock` and `review.awaits_signature`
    set by the view; the chief's rows start with the box that picks a decision for the batch signature."""
    reviews = list(reviews)
    if not reviews:
        return _empty(9 if is_chief else 8, _("No review matches these filters."))
    l_pick, l_app, l_ent, l_item, l_stage, l_status, l_due, l_light, l_remaining = _labels(
        "Select to sign", "Application", "Enterprise", "Item", "Stage", "Status", "Due", "Light", "Remaining")
    sign_label = _("Sign %(item)s of %(ref)s")
    review_url = url_prefix("approvals:review")
    rows = []
    for review in reviews:
        application, item, stage, clock = review.application, review.item, review.stage, review.clock
        pick = ""
        if is_chief:
            box = ""
            if review.awaits_signature:
                label = sign_label % {"item": _e(item.name), "ref": _e(application.reference)}
                box = (f'<input type="checkbox" name="reviews" value="{review.pk}" form="batch-sign" '
                       f'id="pick-{review.pk}" aria-label="{label}">')
            pick = f'<td class="pick" data-label="{l_pick}">{box}</td>'
        due = _time(review.due_at) if review.due_at else "—"
        rows.append(
            f'<tr class="row--{_e(clock.light)}">{pick}<td data-label="{l_app}"><a href="{review_url(review.pk)}">'
            f'<strong>{_e(application.reference)}</strong></a></td>'
            f'<td data-label="{l_ent}">{_e(application.enterprise.name)}</td>'
            f'<td data-label="{l_item}">{_e(item.name)}</td>'
            f'<td data-label="{l_stage}">{stage.order}. {_e(stage.name)}</td>'
            f'<td data-label="{l_status}">{review_status_badge(review)}</td><td data-label="{l_due}">{due}</td>'
            f'<td data-label="{l_light}">{_badge(clock.light)}</td>'
            f'<td data-label="{l_remaining}">{_e(clock.remaining_text or "—")}</td></tr>')
    return mark_safe("\n".join(rows))  # every value went through _e


@register.simple_tag
def led_stage_rows(stages):
    """The rows of the inbox's stages the department leads (`light`, `signed`, `total` annotated)."""
    stages = list(stages)
    if not stages:
        return _empty(7, _("Your department leads no open stage."))
    l_app, l_ent, l_stage, l_status, l_signed, l_due, l_light = _labels(
        "Application", "Enterprise", "Stage", "Status", "Signed", "Stage due", "Light")
    rows = []
    for stage in stages:
        application = stage.application
        due = _time(stage.due_at) if stage.due_at else "—"
        rows.append(
            f'<tr><td data-label="{l_app}">{_e(application.reference)}</td>'
            f'<td data-label="{l_ent}">{_e(application.enterprise.name)}</td>'
            f'<td data-label="{l_stage}">{stage.order}. {_e(stage.name)}</td>'
            f'<td data-label="{l_status}">{_e(stage.get_status_display())}</td>'
            f'<td data-label="{l_signed}" class="num">{stage.signed} / {stage.total}</td>'
            f'<td data-label="{l_due}">{due}</td><td data-label="{l_light}">{_badge(stage.light)}</td></tr>')
    return mark_safe("\n".join(rows))  # every value went through _e
