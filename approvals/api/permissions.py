"""What each user can SEE through the API, as querysets (the same rules as services.permissions).

Seeing is not acting: a visible object whose action the user may not take answers 403 from the service
(NotAllowed); an object the user cannot see answers 404, so its existence is not revealed.
"""

from django.db.models import Q

from approvals.models import Application, ApplicationStatus, ItemReview
from approvals.services.permissions import OVERSEEING_ROLES, department_of
from portal.models.users import Role


def visible_applications(user):
    """Applicant: their enterprise's. Clerk/staff/chief: their department's (lead, or with a review in it),
    drafts excepted unless they filed them. Leader/admin/supervisor: all. Anyone: the ones they created."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.role in OVERSEEING_ROLES:
        return Application.objects.all()
    mine = Q(created_by=user)
    if user.role == Role.APPLICANT and user.enterprise_id:
        return Application.objects.filter(mine | Q(enterprise_id=user.enterprise_id))
    department = department_of(user)
    if department is not None:
        in_department = Q(lead_department=department) | Q(
            pk__in=ItemReview.objects.filter(department=department).values("application_id"))
        return Application.objects.filter(mine | (in_department & ~Q(status=ApplicationStatus.DRAFT)))
    return Application.objects.filter(mine)


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
