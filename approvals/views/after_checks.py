"""The after-check (事后核查) of decisions made on commitment (告知承诺): the department's worklist with lights and
due dates, and one check's page with the outcome form.

Thin views: `AfterCheck.objects.visible_to(user)` says who sees a check (others get 404), `with_light(now)` is
the light, and `after_checks.record_outcome` is the only writer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approvals.clocks import Light
from approvals.forms_reviews import ALL, OPEN, AfterCheckFilterForm, AfterCheckOutcomeForm
from approvals.models import AfterCheck
from approvals.services import after_checks
from approvals.services.permissions import OVERSEEING_ROLES, department_of, works_for
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models.users import Role

PAGE_SIZE = 25
CHECKERS = (Role.STAFF, Role.CHIEF)


def _require_reader(user):
    if user.role in OVERSEEING_ROLES or (user.role in CHECKERS and department_of(user) is not None):
        return
    raise PermissionDenied(_("The after-checks of commitments are the work of the departments' staff and chief "
                             "representatives."))


@login_required
def after_check_list(request):
    """The department's after-checks, soonest due first, with their lights; filters by status and light."""
    _require_reader(request.user)
    now = timezone.now()
    form = AfterCheckFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    state, light = data.get("state") or OPEN, data.get("light") or ""
    visible = AfterCheck.objects.visible_to(request.user).with_light(now)
    counts = dict(visible.order_by().values_list("light").annotate(n=Count("id")))
    rows = visible.select_related("review__application__enterprise", "review__item", "department", "decided_by")
    if state == OPEN:
        rows = rows.open()
    elif state != ALL:
        rows = rows.done()
    if light:
        rows = rows.filter(light=light)
    page = Paginator(rows.order_by("due_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/reviews/after_checks.html", {
        "form": form, "page": page, "department": department_of(request.user),
        "counts": [(value, counts.get(value, 0)) for value in (Light.RED, Light.YELLOW, Light.GREEN, Light.DONE)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def after_check_detail(request, pk):
    """One after-check: the decision, the commitment, the materials that were to follow, and the outcome form."""
    _require_reader(request.user)
    check = get_object_or_404(
        AfterCheck.objects.visible_to(request.user).with_light(timezone.now())
        .select_related("review__application__enterprise", "review__item", "department", "decided_by",
                        "commitment"), pk=pk)
    can_decide = (not check.outcome and request.user.role in CHECKERS
                  and works_for(request.user, check.department))
    form, status = AfterCheckOutcomeForm(request.POST or None), 200
    if request.method == "POST":
        if not can_decide and not check.outcome:
            raise PermissionDenied(_("Only the staff and chief representative of %(department)s record the outcome.")
                                   % {"department": check.department})
        if form.is_valid():
            try:
                after_checks.record_outcome(check, actor=request.user, outcome=form.cleaned_data["outcome"],
                                            note=form.cleaned_data["note"], request=request)
            except WrongState as exc:
                messages.error(request, exc.message)
                return redirect("approvals:after_check", check.pk)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from None
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("The outcome of the after-check is recorded."))
                return redirect("approvals:after_check", check.pk)
        else:
            status = 400
    return render(request, "approvals/reviews/after_check.html", {
        "check": check, "review": check.review, "application": check.review.application,
        "follow_up": after_checks.follow_up_materials(check), "form": form, "can_decide": can_decide,
    }, status=status)
