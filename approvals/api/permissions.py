"""What each user can SEE of the reviews through the API, as a queryset. Applications and materials have their
one rule on their models: `Application.objects.visible_to(user)`, `MaterialFile.objects.visible_to(user)`.

Seeing is not acting: a visible object whose action the user may not take answers 403 from the service
(NotAllowed); an object the user cannot see answers 404, so its existence is not revealed.
"""

from approvals.models import ItemReview
from approvals.services.permissions import OVERSEEING_ROLES, department_of
from portal.models.users import Role


def visible_reviews(user):
    """Clerk/staff/chief: their department's reviews. Leader/admin/supervisor: all. Others: none."""
    if not user.is_authenticated:
        return ItemReview.objects.none()
    if user.role in OVERSEEING_ROLES:
        return ItemReview.objects.all()
    department = department_of(user)
    if department is not None and user.role in (Role.CLERK, Role.STAFF, Role.CHIEF):
        return ItemReview.objects.filter(department=department)
    return ItemReview.objects.none()
