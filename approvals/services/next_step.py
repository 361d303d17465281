"""What the applicant sees of where a bundle stands: the next step, the stages as a progress bar, the grouped
timeline and their to-do list. Read-only; shared by the application page, the workspace and the public
progress lookup (approvals/views/lookup.py), so all three say the same thing.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from approvals.models import Application, ApplicationStatus as S, EventKind, PaymentNotice, ReviewStatus
from approvals.notices.messages import when


@dataclass(frozen=True)
class NextStep:
    who: str  # "you" (the applicant acts) or "department" (the applicant waits)
    text: str
    action_label: str = ""
    action_url: str = ""


def next_step(application, *, supplement=None, pre_review=None, payment_notice=None) -> NextStep:
    """The one sentence that tells the applicant what happens next, and the button when it is theirs to act."""
    pk = application.pk
    status = application.status
    if status == S.DRAFT:
        if pre_review is not None and pre_review.answered_at and pre_review.problems:
            return NextStep("you", _("The lead department answered your pre-review: correct the points it lists, "
                                     "then submit."), _("Correct the form"),
                            reverse("approvals:application_form", args=[pk]))
        return NextStep("you", _("Fill in the form and upload the materials, then check your answers and submit."),
                        _("Continue with the form"), reverse("approvals:application_form", args=[pk]))
    if status == S.PRE_REVIEW:
        return NextStep("department", _("The lead department is looking at your drafts; you will be told what to "
                                        "correct before the formal submission."))
    if status == S.SUBMITTED:
        return NextStep("department", _("The window of %(department)s decides within 5 working days whether to "
                                        "accept the application, or lists everything to supplement at once.")
                        % {"department": application.lead_department})
    if status == S.SUPPLEMENT_REQUESTED:
        return NextStep("you", _("Supplement the points the window lists, in one go; the acceptance clock starts "
                                 "again when you answer."), _("Answer the supplement notice"),
                        reverse("approvals:application_supplement", args=[pk]))
    if status == S.NOT_ACCEPTED:
        return NextStep("you", _("The application was not accepted; the reason and where to apply instead are "
                                 "shown below."))
    if status == S.UNDER_REVIEW:
        suspended = application.reviews.filter(status=ReviewStatus.SUSPENDED).exists()
        if suspended:
            return NextStep("department", _("A review is suspended (the time does not count towards the limit); "
                                            "it resumes when the reason shown below is resolved."))
        return NextStep("department", _("The departments review the items in parallel; each chief representative "
                                        "decides and signs by the due time shown for each item."))
    if status == S.DECIDED:
        # The delivery clock's stored due time, the one the deadline sweep fires on (clocks.delivery_due_at):
        # none while the fee is awaited.
        if application.delivery_due_at is None:
            return NextStep("you", _("Pay the fees with the payment code on the payment notice; the results are "
                                     "delivered once the finance side confirms the payment. The 10 working days "
                                     "for the delivery do not count while the fees are unpaid."),
                            _("See the payment notice"), reverse("approvals:application", args=[pk]) + "#fees-title")
        return NextStep("department", _("The decision is signed; the lead department's window delivers the "
                                        "results as you chose, by %(due)s.")
                        % {"due": when(application.delivery_due_at)})
    if status in (S.DELIVERED, S.CLOSED):
        return NextStep("you", _("Done: the results are delivered. The documents stay available below."))
    return NextStep("you", _("This application is withdrawn; nothing more happens."))


# --- the stages as a progress bar ------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgressStep:
    label: str
    state: str  # "done", "current", "todo", "stopped"


_ORDER = [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.DECIDED, S.DELIVERED]


def progress_steps(application, stages=None) -> list[ProgressStep]:
    """Filled in → received → accepted (and each review stage) → decided → delivered."""
    status = application.status
    position = {S.DRAFT: 0, S.PRE_REVIEW: 0, S.SUBMITTED: 1, S.SUPPLEMENT_REQUESTED: 1, S.NOT_ACCEPTED: 1,
                S.UNDER_REVIEW: 2, S.DECIDED: 3, S.DELIVERED: 4, S.CLOSED: 5, S.WITHDRAWN: -1}[status]
    labels = [pgettext("progress step", "Fill in and submit"), pgettext("progress step", "Acceptance")]
    stage_rows = list(stages if stages is not None else application.stages.order_by("order"))
    steps = []
    for index, label in enumerate(labels):
        steps.append(ProgressStep(label, "done" if position > index else
                                  ("stopped" if status == S.NOT_ACCEPTED and index == 1 else
                                   "current" if position == index else "todo")))
    if stage_rows:
        for stage in stage_rows:
            state = {"closed": "done", "open": "current"}.get(stage.status, "todo")
            if position > 2:
                state = "done" if stage.status == "closed" else "stopped" if stage.status == "cancelled" else state
            steps.append(ProgressStep(stage.name, state))
    else:
        steps.append(ProgressStep(pgettext("progress step", "Review"),
                                  "done" if position > 2 else "current" if position == 2 else "todo"))
    steps.append(ProgressStep(pgettext("progress step", "Decision"),
                              "done" if position > 3 else "current" if position == 3 else "todo"))
    steps.append(ProgressStep(pgettext("progress step", "Delivery"),
                              "done" if position > 4 or status == S.DELIVERED else "todo"))
    return steps


# --- the timeline, grouped -------------------------------------------------------------------------------
GROUPED_KINDS = {EventKind.MATERIAL_UPLOADED}


@dataclass
class TimelineEntry:
    event: object
    count: int = 1
    messages: list = field(default_factory=list)


def grouped_events(events) -> list[TimelineEntry]:
    """Consecutive events of a groupable kind (e.g. seven "materials uploaded") become one entry with a count and
    the list of what they were; everything else stays one entry per event. `events` newest first."""
    entries: list[TimelineEntry] = []
    for event in events:
        last = entries[-1] if entries else None
        if (last is not None and event.kind in GROUPED_KINDS and last.event.kind == event.kind
                and last.event.actor_id == event.actor_id):
            last.count += 1
            last.messages.append(event.message)
            last.event = event  # the entry shows the earliest time of the run (events come newest first)
            continue
        entries.append(TimelineEntry(event=event, messages=[event.message] if event.message else []))
    for entry in entries:
        if entry.count > 1:
            entry.messages.reverse()
    return entries


# --- the applicant's to-dos ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ToDo:
    kind: str  # supplement, payment, pre_review, draft, rating, ...
    label: str
    application: Application
    url: str


TODO_LABELS = {
    "supplement": gettext_lazy("To supplement"),
    "payment": gettext_lazy("To pay"),
    "pre_review": gettext_lazy("Pre-review answered: correct and submit"),
    "draft": gettext_lazy("Draft to finish"),
}

# Other packages add kinds of to-dos (e.g. 待评价, rating a delivered bundle) without this module importing them:
# `register_todo_source(fn)`, where fn(applications) -> iterable of ToDo for the user's visible applications.
_todo_sources: list[Callable] = []


def register_todo_source(source: Callable) -> None:
    _todo_sources.append(source)


def todos_for(applications) -> list[ToDo]:
    """The applicant's to-dos over `applications` (a queryset they may see): supplements, payments due, answered
    pre-reviews, drafts, then whatever registered sources add (待评价 once ratings exist)."""
    todos = []
    detail = lambda a: reverse("approvals:application", args=[a.pk])  # noqa: E731
    for a in applications.filter(status=S.SUPPLEMENT_REQUESTED).order_by("updated_at"):
        todos.append(ToDo("supplement", str(TODO_LABELS["supplement"]), a,
                          reverse("approvals:application_supplement", args=[a.pk])))
    due = PaymentNotice.objects.filter(application__in=applications, status="due").select_related("application")
    for notice in due.order_by("issued_at"):
        todos.append(ToDo("payment", str(TODO_LABELS["payment"]), notice.application, detail(notice.application)))
    for a in applications.filter(status=S.DRAFT).prefetch_related("pre_reviews").order_by("-updated_at"):
        answered = any(p.answered_at and p.problems for p in a.pre_reviews.all())
        kind = "pre_review" if answered else "draft"
        todos.append(ToDo(kind, str(TODO_LABELS[kind]), a, reverse("approvals:application_form", args=[a.pk])))
    for source in _todo_sources:
        todos.extend(source(applications))
    return todos
