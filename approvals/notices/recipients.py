"""Who is told: each audience is one queryset of users (read in one query, whatever its size).

Inactive users are left out by the writer (portal.services.notify).
"""

from django.db.models import Exists, OuterRef, Q

from approvals.models import ItemReview, StaffAssignment
from portal.models.users import Role, User


def company_side(application):
    """The company's applicant users, and the park service agent who filed the bundle for it."""
    people = Q(enterprise_id=application.enterprise_id, role=Role.APPLICANT)
    if application.filed_by_agent_id:
        people |= Q(pk=application.filed_by_agent_id)
    return User.objects.filter(people)


def lead_window(application):
    """The window clerks of the lead department; a department without a clerk keeps its window with its staff."""
    department = application.lead_department_id
    has_clerk = StaffAssignment.objects.filter(department_id=department, user__role=Role.CLERK,
                                               user__is_active=True)
    return User.objects.filter(assignment__department_id=department).filter(
        Q(role=Role.CLERK) | (Q(role=Role.STAFF) & ~Exists(has_clerk)))


def stage_departments(stage):
    """Staff and chiefs of every department with a review in `stage` (grouped by `assignment__department_id`)."""
    reviewed = ItemReview.objects.filter(stage_id=stage.pk, department_id=OuterRef("assignment__department_id"))
    return User.objects.filter(role__in=[Role.STAFF, Role.CHIEF]).filter(Exists(reviewed))


def chiefs_of(department_id):
    return User.objects.filter(assignment__department_id=department_id, role=Role.CHIEF)
