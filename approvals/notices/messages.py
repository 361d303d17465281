"""What each workflow event says, in the active language: `(title, body)` for one audience.

Each function takes the event (approvals.notices.events.Event) and the audience's group (a department id where
the audience is split by department, else None). It is called once per language among the recipients, inside
`translation.override`, so everything here uses `gettext` at call time.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from approvals.models import Decision, DeliveryMethod, FormField, MaterialType, PauseKind, ProblemKind

MAX_LIST = 30  # lines of a list (problems, items) written out in one message


def when(value) -> str:
    """A time as people are shown it: to the minute, in the portal's time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def money(value) -> str:
    return f"{value or 0:,.2f}"


def _values(event, **more) -> dict:
    app = event.application
    return {"ref": app.reference, "title": app.title, "enterprise": app.enterprise.name,
            "department": app.lead_department.name, **more}


def _problem_lines(problems) -> str:
    """• label: reason, one line per problem of a pre-review or supplement notice (names, not keys)."""
    fields = dict(FormField.objects.filter(key__in=[p["key"] for p in problems if p["kind"] == ProblemKind.FIELD])
                  .values_list("key", "label"))
    materials = dict(MaterialType.objects.filter(key__in=[p["key"] for p in problems
                                                         if p["kind"] == ProblemKind.MATERIAL])
                     .values_list("key", "name"))
    names = {ProblemKind.FIELD: fields, ProblemKind.MATERIAL: materials}
    lines = [f"• {names.get(p['kind'], {}).get(p['key'], p['key'])}: {p['reason']}" for p in problems[:MAX_LIST]]
    if len(problems) > MAX_LIST:
        lines.append(_("… and %(n)d more on the application page.") % {"n": len(problems) - MAX_LIST})
    return "\n".join(lines)


# --- the applicant's side ----------------------------------------------------------------------------------
def receipt(event, group):
    app = event.application
    values = _values(event, received=when(app.received_at), due=when(app.acceptance_due_at))
    return (_("Application received: %(ref)s") % values,
            _("We received “%(title)s” for %(enterprise)s on %(received)s. The window of %(department)s accepts "
              "it, refuses it or lists everything to supplement in one notice by %(due)s (5 working days, "
              "Art. 32); without an answer by then it counts as accepted.") % values)


def pre_review_answered(event, group):
    pre_review = event.subject
    problems = pre_review.problems or []
    values = _values(event, n=len(problems))
    if problems:
        title = ngettext("Pre-review of %(ref)s: %(n)d thing to correct",
                         "Pre-review of %(ref)s: %(n)d things to correct", len(problems)) % values
        body = _("The window of %(department)s found, before you submit:") % values + "\n" + _problem_lines(problems)
    else:
        title = _("Pre-review of %(ref)s: ready to submit") % values
        body = _("The window of %(department)s found nothing to correct; you can submit the application.") % values
    if pre_review.comment:
        body += "\n" + pre_review.comment
    return title, body


def supplement_requested(event, group):
    values = _values(event)
    return (_("Supplement needed: %(ref)s") % values,
            _("The window of %(department)s asks, in one notice (Art. 32), for everything below. Answer it in the "
              "same application; the 5 working days for the acceptance start again from your answer.") % values
            + "\n" + _problem_lines(event.subject.problems or []))


def accepted(event, group):
    values = _values(event, accepted=when(event.application.accepted_at))
    return (_("Application accepted: %(ref)s") % values,
            _("%(department)s accepted “%(title)s” on %(accepted)s. The departments now review its items in "
              "parallel; the application page shows each one with its time limit.") % values)


def deemed_accepted(event, group):
    values = _values(event, received=timezone.localtime(event.application.received_at).strftime("%Y-%m-%d"))
    return (_("Your application %(ref)s is accepted") % values,
            _("It counts as accepted from %(received)s, the day your materials were received (Art. 32).") % values)


def not_accepted(event, group):
    app = event.application
    values = _values(event, reason=app.not_accepted_reason, where=app.apply_instead_to)
    body = _("%(department)s did not accept “%(title)s”. Reason: %(reason)s") % values
    if app.apply_instead_to:
        body += "\n" + _("Where to apply instead: %(where)s") % values
    return _("Application not accepted: %(ref)s") % values, body


def _review_values(event, **more):
    review = event.subject
    return _values(event, item=review.item.name, department=review.department.name, **more)


def suspended(event, group):
    review = event.subject
    pause = review.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
    days = pause.expected_days if pause else 0
    values = _review_values(event, kind=PauseKind(pause.kind).label if pause else "",
                            reason=pause.reason if pause else "", days=days)
    return (_("Review suspended: %(item)s (%(ref)s)") % values,
            ngettext("%(department)s suspended the review (%(kind)s): %(reason)s. It is expected to take "
                     "%(days)d working day, which does not count towards the time limit (Art. 45).",
                     "%(department)s suspended the review (%(kind)s): %(reason)s. It is expected to take "
                     "%(days)d working days, which do not count towards the time limit (Art. 45).", days) % values)


def resumed(event, group):
    values = _review_values(event, due=when(event.subject.due_at))
    return (_("Review resumed: %(item)s (%(ref)s)") % values,
            _("%(department)s resumed the review; it is now due by %(due)s.") % values)


def extended(event, group):
    review = event.subject
    values = _review_values(event, days=review.extension_days, reason=review.extension_reason,
                            due=when(review.due_at))
    body = ngettext("The time limit was extended once, by %(days)d working day (Art. 42). Reason: %(reason)s",
                    "The time limit was extended once, by %(days)d working days (Art. 42). Reason: %(reason)s",
                    review.extension_days) % values
    body += "\n" + (_("It is now due by %(due)s.") % values if review.due_at
                    else _("The new due time is set when the suspended review resumes."))
    return _("Time limit extended: %(item)s (%(ref)s)") % values, body


def decision_signed(event, group):
    review = event.subject
    signature = review.signature
    values = _review_values(event, date=when(signature.signed_at), chief=signature.signer_name,
                            reasons=review.reasons)
    approved = review.decision == Decision.APPROVE
    title = (_("Approved: %(item)s (%(ref)s)") if approved else _("Not approved: %(item)s (%(ref)s)")) % values
    body = _("%(department)s decided, signed by %(chief)s on %(date)s. Reasons: %(reasons)s") % values
    if not approved and review.remedy_notice:
        body += "\n" + review.remedy_notice
    return title, body


def fees_due(event, group):
    notice = event.application.payment_notice
    values = _values(event, code=notice.code, **{k: money(getattr(notice, f)) for k, f in (
        ("charged", "charged_amount"), ("standard", "standard_amount"), ("saving", "saving"))})
    return (_("Fees to pay: %(ref)s") % values,
            _("%(charged)s yuan, charged at the legal lower bound (standard %(standard)s yuan, %(saving)s yuan "
              "saved), payment code %(code)s. The results are delivered once the payment is confirmed.") % values)


def fees_paid(event, group):
    notice = event.application.payment_notice
    values = _values(event, amount=money(notice.charged_amount), receipt=notice.receipt_number)
    return (_("Payment received: %(ref)s") % values,
            _("%(amount)s yuan paid, receipt number %(receipt)s.") % values)


def delivered(event, group):
    app = event.application
    values = _values(event, tracking=app.tracking_number)
    body = {
        DeliveryMethod.MAIL: _("The results of “%(title)s” were sent by mail, tracking number %(tracking)s."),
        DeliveryMethod.WINDOW: _("The results of “%(title)s” were handed over at the window."),
    }.get(app.delivery_method, _("The results of “%(title)s” were delivered electronically; they are on the "
                                 "application page."))
    return _("Results delivered: %(ref)s") % values, body % values


# --- the window -------------------------------------------------------------------------------------------
def new_submission(event, group):
    values = _values(event, due=when(event.application.acceptance_due_at))
    return (_("New submission: %(ref)s") % values,
            _("%(enterprise)s submitted “%(title)s”. Accept it, refuse it or list every supplement in one notice "
              "by %(due)s (5 working days, Art. 32).") % values)


def pre_review_requested(event, group):
    values = _values(event)
    return (_("Pre-review requested: %(ref)s") % values,
            _("%(enterprise)s asks the window to look at the drafts of “%(title)s” before submitting.") % values)


def supplement_answered(event, group):
    values = _values(event, due=when(event.application.acceptance_due_at))
    return (_("Supplement answered: %(ref)s") % values,
            _("%(enterprise)s answered the supplement notice for “%(title)s”. Accept it, refuse it or ask again "
              "by %(due)s.") % values)


# --- the departments ----------------------------------------------------------------------------------------
def reviews_opened(event, department_id):
    reviews = event.reviews_of(department_id)
    values = _values(event, stage=event.subject.name, items="、".join(r.item.name for r in reviews[:5]))
    if len(reviews) > 5:
        values["items"] += "…"
    title = ngettext("New review: %(items)s (%(ref)s)", "New reviews: %(items)s (%(ref)s)", len(reviews)) % values
    lines = [_("%(enterprise)s, stage “%(stage)s”:") % values]
    lines += [f"• {r.item.name} — " + _("due by %(due)s") % {"due": when(r.due_at)} for r in reviews[:MAX_LIST]]
    return title, "\n".join(lines)


def opinion_ready(event, group):
    review = event.subject
    values = _review_values(event, staff=review.opinion_by.display_name if review.opinion_by_id else "",
                            decision=Decision(review.proposed_decision).label if review.proposed_decision else "",
                            opinion=review.opinion)
    return (_("Opinion ready to sign: %(item)s (%(ref)s)") % values,
            _("%(staff)s proposes: %(decision)s. %(opinion)s") % values)
