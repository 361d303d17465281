"""Every step told: which workflow event reaches whom, saying what, linking which page.

A service function announces its event with one line, inside its transaction:

    announce(Notice.RECEIVED, application)

`RULES` maps each kind of notice to its audiences (approvals/notices/recipients.py), each with its message
(approvals/notices/messages.py) and its page. The notifications are written in the event's transaction (the
outbox: told if and only if it happened) with one query per audience plus a few bulk writes, in each
recipient's language; their deliveries, in the portal and by e-mail, are published after commit.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from approvals.models import ItemReview, PaymentNotice
from approvals.notices import messages as m
from approvals.notices import recipients as r
from portal.services.notify import Message, Recipient, rendered_links, write

log = logging.getLogger(__name__)


class Notice(models.TextChoices):
    """The kinds of workflow notices (the `kind` of their notifications)."""

    RECEIVED = "application_received", _("Application received")
    PRE_REVIEW_REQUESTED = "pre_review_requested", _("Pre-review requested")
    PRE_REVIEW_ANSWERED = "pre_review_answered", _("Pre-review answered")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_ANSWERED = "supplement_answered", _("Supplement answered")
    ACCEPTED = "accepted", _("Accepted")
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    REVIEWS_OPENED = "reviews_opened", _("New reviews")
    OPINION_READY = "opinion_ready", _("Opinion ready to sign")
    SUSPENDED = "review_suspended", _("Review suspended")
    RESUMED = "review_resumed", _("Review resumed")
    EXTENDED = "review_extended", _("Limit extended")
    DECISION_SIGNED = "decision_signed", _("Decision signed")
    FEES_DUE = "fees_due", _("Fees to pay")
    PAID = "fees_paid", _("Fee paid")
    DELIVERED = "results_delivered", _("Delivered")


@dataclass
class Event:
    kind: str
    application: object
    subject: object  # what the event is about: the application, a pre-review, a notice, a stage, a review
    at: datetime | None = None  # for events that can happen more than once to the same subject
    _reviews: dict | None = field(default=None, repr=False)
    memo: dict = field(default_factory=dict, repr=False)  # what a document-link provider read once per event

    def key(self, audience: str) -> str:
        occurrence = f"@{self.at.isoformat()}" if self.at else ""
        return f"{self.kind}:{self.subject._meta.model_name}:{self.subject.pk}{occurrence}:{audience}"

    def reviews_of(self, department_id) -> list:
        """The reviews of the event's stage in `department_id` (read once per event)."""
        if self._reviews is None:
            self._reviews = {}
            for review in (ItemReview.objects.filter(stage_id=self.subject.pk).select_related("item")
                           .order_by("due_at", "item__code")):
                self._reviews.setdefault(review.department_id, []).append(review)
        return self._reviews.get(department_id, [])


@dataclass(frozen=True)
class Audience:
    name: str  # part of the de-duplication key: one event tells each audience once
    people: Callable  # event -> queryset of users, or None (nobody this time)
    message: Callable  # (event, group) -> (title, body), in the active language
    link: Callable  # (event, group) -> path
    group_by: str = ""  # a user column that splits the audience (its values are the groups)


# --- pages ----------------------------------------------------------------------------------------------
def application_page(event, group=None) -> str:
    return reverse("approvals:application", args=[event.application.pk])


def desk_page(event, group=None) -> str:
    return reverse("approvals:desk_application", args=[event.application.pk])


def review_page(event, group=None) -> str:
    return reverse("approvals:review", args=[event.subject.pk])


def stage_page(event, department_id) -> str:
    """A department's one new review, or its inbox when the stage brings it several."""
    reviews = event.reviews_of(department_id)
    return reverse("approvals:review", args=[reviews[0].pk]) if len(reviews) == 1 else reverse("approvals:inbox")


# --- who hears of what ----------------------------------------------------------------------------------
def _company(message):
    return Audience("company", lambda e: r.company_side(e.application), message, application_page)


def _window(message):
    return Audience("window", lambda e: r.lead_window(e.application), message, desk_page)


def _fees_unpaid(event):
    """The company side, while the application's payment notice waits for payment."""
    due = PaymentNotice.objects.due().filter(application=event.application).exists()
    return r.company_side(event.application) if due else None


RULES: dict[str, list[Audience]] = {
    Notice.RECEIVED: [_company(m.receipt), _window(m.new_submission)],
    Notice.PRE_REVIEW_REQUESTED: [_window(m.pre_review_requested)],
    Notice.PRE_REVIEW_ANSWERED: [_company(m.pre_review_answered)],
    Notice.SUPPLEMENT_REQUESTED: [_company(m.supplement_requested)],
    Notice.SUPPLEMENT_ANSWERED: [_window(m.supplement_answered)],
    Notice.ACCEPTED: [_company(m.accepted)],
    Notice.DEEMED_ACCEPTED: [_company(m.deemed_accepted)],
    Notice.NOT_ACCEPTED: [_company(m.not_accepted)],
    Notice.REVIEWS_OPENED: [Audience("department", lambda e: r.stage_departments(e.subject), m.reviews_opened,
                                     stage_page, group_by="assignment__department_id")],
    Notice.OPINION_READY: [Audience("chiefs", lambda e: r.chiefs_of(e.subject.department_id), m.opinion_ready,
                                    review_page)],
    Notice.SUSPENDED: [_company(m.suspended)],
    Notice.RESUMED: [_company(m.resumed)],
    Notice.EXTENDED: [_company(m.extended)],
    Notice.DECISION_SIGNED: [_company(m.decision_signed)],
    Notice.FEES_DUE: [Audience("company", _fees_unpaid, m.fees_due, application_page)],
    Notice.PAID: [_company(m.fees_paid)],
    Notice.DELIVERED: [_company(m.delivered)],
}


# --- documents (the documents package plugs in here) ------------------------------------------------------
_document_links: list = []


def register_document_links(provider) -> None:
    """`provider(event, audience_name)` returns [{"title": str, lazy or callable, "url": path}] for the documents
    of the event that this audience may download (e.g. the acceptance notice for the company); they are added to
    the notification's `links` and to its e-mail. It is called once per audience and may keep what it read in
    `event.memo`. approvals.documents.notice_links is the portal's provider (registered in ApprovalsConfig)."""
    if provider not in _document_links:
        _document_links.append(provider)


def _documents(event, audience) -> list:
    return [link for provider in _document_links for link in provider(event, audience) or ()]


# --- telling ----------------------------------------------------------------------------------------------
def announce(kind: str, application, *, subject=None, at=None) -> int:
    """Tell everyone `kind` concerns; returns how many notifications were written (none for a repeat)."""
    event = Event(kind=kind, application=application, subject=subject or application, at=at)
    messages = []
    for audience in RULES[kind]:
        people = audience.people(event)
        if people is None:
            continue
        columns = ["pk", "email", "language"] + ([audience.group_by] if audience.group_by else [])
        rows = people.filter(is_active=True).order_by().values_list(*columns).distinct()
        documents = _documents(event, audience.name)
        texts, key = {}, event.key(audience.name)
        for row in rows:
            person, group = Recipient(row[0], row[1] or "", row[2] or ""), (row[3] if audience.group_by else None)
            if (person.lang, group) not in texts:
                with translation.override(person.lang):
                    title, body = _message(audience, event, group)
                    texts[person.lang, group] = (str(title), str(body), audience.link(event, group),
                                                 rendered_links(documents))
            title, body, link, links = texts[person.lang, group]
            messages.append(Message(recipient=person, kind=kind, title=title, body=body, link=link, links=links,
                                    key=f"{key}:{person.pk}"))
    return len(write(messages))


def _message(audience, event, group):
    """The audience's message; should its text fail (a bug, a value missing), the event's name and reference
    rather than a failed business operation or nobody told."""
    try:
        return audience.message(event, group)
    except Exception:  # noqa: BLE001 - logged; the event itself must not fail for its message
        log.exception("Message of %s for %s failed", event.kind, audience.name)
        return f"{Notice(event.kind).label}: {event.application.reference}", ""
