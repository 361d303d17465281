"""Who may do what to an application or a review. Pure checks on users and objects; no writes."""

from django.utils.translation import gettext as _

from portal.errors import NotAllowed
from portal.models.users import Role

OVERSEEING_ROLES = {Role.LEADER, Role.ADMIN, Role.SUPERVISOR}


def department_of(user):
    assignment = getattr(user, "assignment", None) if user.is_authenticated else None
    return assignment.department if assignment is not None else None


def works_for(user, department) -> bool:
    mine = department_of(user)
    return mine is not None and department is not None and mine.pk == department.pk


def is_chief_of(user, department) -> bool:
    return user.role == Role.CHIEF and works_for(user, department)


def acts_for_enterprise(user, enterprise) -> bool:
    """An applicant of the enterprise (a member acting in its own name)."""
    return user.role == Role.APPLICANT and user.enterprise_id == enterprise.pk


def acts_as_agent_for(user, application) -> bool:
    """A park service agent whose authorisation covers every item of the application today."""
    from approvals.services import delegation

    return user.role == Role.AGENT and delegation.may_act(user, application.enterprise, application.items.all())


def can_view_application(user, application) -> bool:
    """One application through the one visibility rule (Application.objects.visible_to)."""
    from approvals.models import Application

    return Application.objects.visible_to(user).filter(pk=application.pk).exists()


def require_applicant_side(user, application):
    """The enterprise's applicant, the window clerk who filed it in person, or an authorised agent."""
    if acts_for_enterprise(user, application.enterprise):
        return
    if user.role == Role.AGENT:
        from approvals.services import delegation

        delegation.check(user, application.enterprise, application.items.all())  # NotAllowed names the reason
        return
    if user.role == Role.CLERK and application.created_by_id == user.pk:
        return
    raise NotAllowed(_("Only the applicant of %(enterprise)s can change this application.")
                     % {"enterprise": application.enterprise})


def require_lead_window(user, application):
    if user.role in (Role.CLERK, Role.STAFF, Role.CHIEF) and works_for(user, application.lead_department):
        return
    raise NotAllowed(_("Only the acceptance window of the lead department (%(department)s) can do this.")
                     % {"department": application.lead_department})


def require_lead_clerk(user, application):
    """The window clerk of the lead department: at the window, the finance side's hand (payment confirmation)."""
    if user.role == Role.CLERK and works_for(user, application.lead_department):
        return
    raise NotAllowed(_("Only a window clerk of the lead department (%(department)s) confirms payments.")
                     % {"department": application.lead_department})


def require_department_staff(user, review):
    if user.role in (Role.STAFF, Role.CHIEF) and works_for(user, review.department):
        return
    raise NotAllowed(_("Only the staff of %(department)s can work on this review.")
                     % {"department": review.department})


def require_chief(user, review):
    if is_chief_of(user, review.department):
        return
    raise NotAllowed(_("Only the chief representative of %(department)s can decide and sign this item.")
                     % {"department": review.department})


def require_leader(user):
    if user.role == Role.LEADER:
        return
    raise NotAllowed(_("Only a leader can approve an extension."))
