"""Read side of the department review queue: which review comes next for the person working through it.

The chief representative works through the reviews waiting for them (the staff opinion ready, or a decision
recorded and waiting for the signature); department staff through those still waiting for their opinion. Both
soonest due first, like the inbox. No writes here.
"""

from django.db.models import F, Q

from approvals.models import ItemReview, ReviewStatus
from approvals.models.reviews import OPINION_READY
from approvals.services.permissions import department_of
from portal.models.users import Role

R = ReviewStatus
AWAITING_SIGNATURE = [R.APPROVED, R.REFUSED]


def waiting_for(user):
    """The reviews of the user's department that wait for this user's next step (none for other roles)."""
    department = department_of(user)
    if department is None or user.role not in (Role.CHIEF, Role.STAFF):
        return ItemReview.objects.none()
    mine = ItemReview.objects.filter(department=department)
    if user.role == Role.CHIEF:
        return mine.filter(OPINION_READY | Q(status__in=AWAITING_SIGNATURE))
    return mine.filter(status=R.UNDER_REVIEW, proposed_decision="")


def next_for(user, *, exclude=None):
    """The next review waiting for `user`, soonest due first (None when the queue is empty)."""
    queue = waiting_for(user)
    if exclude is not None:
        queue = queue.exclude(pk=getattr(exclude, "pk", exclude))
    return queue.order_by(F("due_at").asc(nulls_last=True), "pk").select_related("item", "application").first()
