"""What the applicant side sees of a department's work: opinions stay internal until the decision.

A staff opinion and its proposed decision are an internal draft for the chief representative: the applicant, and
the agent acting for it, never see them. The chief's decision, its reasons and the notice of remedies exist for
the applicant only once signed; until then the review reads as under review, and the timeline does not tell of
the unsigned decision. Government roles see the work as it is.

One rule, applied by the application page and the API (docs/privacy.md). Read-only: nothing here writes.
"""

from approvals.models import Decision, EventKind, ReviewStatus
from portal.models.users import STAFF_ROLES

UNSIGNED_DECISIONS = frozenset({ReviewStatus.APPROVED, ReviewStatus.REFUSED})
# Timeline entries that are a department's internal steps, never shown to the applicant side.
INTERNAL_EVENTS = (EventKind.DECIDED_ITEM,)


def sees_internal_work(user) -> bool:
    """Government roles see opinions and unsigned decisions; anyone else (applicants, agents) does not."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in STAFF_ROLES


class ApplicantView:
    """A review as the applicant side sees it. Reads pass through to the review, except the opinion and the
    proposed decision (always blank) and, until the signature, the decision and everything about it."""

    def __init__(self, review):
        self._review = review
        self.opinion = ""
        self.proposed_decision = ""
        if review.status in UNSIGNED_DECISIONS:
            self.status = ReviewStatus.UNDER_REVIEW
            self.decision = self.reasons = self.remedy_notice = ""
            self.decided_by = self.decided_at = None
            self.on_commitment = self.verify_after = False

    def __getattr__(self, name):
        return getattr(self._review, name)

    def get_status_display(self):
        return ReviewStatus(self.status).label

    def get_decision_display(self):
        return Decision(self.decision).label if self.decision else ""

    def get_proposed_decision_display(self):
        return ""


def reviews_seen_by(user, reviews) -> list:
    """`reviews` as `user` may see them (the reviews themselves for government roles)."""
    if sees_internal_work(user):
        return list(reviews)
    return [ApplicantView(review) for review in reviews]


def events_seen_by(user, events):
    """The timeline (a queryset of ApplicationEvent) as `user` may see it."""
    return events if sees_internal_work(user) else events.exclude(kind__in=INTERNAL_EVENTS)
