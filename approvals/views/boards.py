"""The deadline boards: the department's escalation board (staff and chief) and the overdue board (leaders,
administrators, supervisors). Read-only pages over approvals.services.boards; the lights are the stored
thresholds the sweep fires on, shown as text and colour.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from approvals.models import Department, FiringKind
from approvals.services import boards
from approvals.services.permissions import OVERSEEING_ROLES, department_of
from approvals.services.progress import review_clock
from portal.models.users import Role
from portal.paging import CountedPaginator
from portal.widgets import OptionsSelect

LIST_LIMIT = 100  # the most urgent rows of a department's red / yellow list shown on the board
PAGE_SIZE = 25
DEPARTMENT_ROLES = (Role.STAFF, Role.CHIEF)


def _department_or_403(request):
    department = department_of(request.user)
    if request.user.role not in DEPARTMENT_ROLES or department is None:
        raise PermissionDenied(_("Only department staff and chief representatives have an escalation board."))
    return department


def _require_overseer(request):
    if request.user.role not in OVERSEEING_ROLES and not request.user.is_superuser:
        raise PermissionDenied(_("Only leaders, administrators and supervisors see the overdue board."))


def _with_clocks(reviews, now):
    reviews = list(reviews)
    for review in reviews:
        review.clock = review_clock(review, now=now)
    return reviews


def _firing_links(rows, *, review_pages: bool):
    """Where each history row leads: the review page for the department's staff, else the application."""
    boards.describe_subjects(rows)
    for firing in rows:
        if review_pages and firing.subject_review is not None:
            firing.url = reverse("approvals:review", args=[firing.subject_id])
        elif firing.application_id:
            firing.url = reverse("approvals:application", args=[firing.application_id])
        else:
            firing.url = ""


@require_safe  # read-only: a POST is refused (405)
@login_required
def escalations(request):
    """The department's running reviews in red and yellow, its late stages and its escalation history."""
    department = _department_or_403(request)
    now = timezone.now()
    # Ids first, then the rows shown (boards.review_ids).
    red = boards.reviews_in_order(boards.review_ids(boards.red_reviews(now=now, department=department))[:LIST_LIMIT],
                                  now=now)
    yellow = boards.reviews_in_order(
        boards.review_ids(boards.yellow_reviews(now=now, department=department))[:LIST_LIMIT], now=now)
    counts = boards.review_counts(now=now, department=department).get(department.pk, {})
    history = Paginator(boards.firings(department=department), PAGE_SIZE).get_page(request.GET.get("page"))
    history.object_list = list(history.object_list)
    _firing_links(history.object_list, review_pages=True)
    return render(request, "approvals/boards/escalations.html", {
        "department": department,
        "now": now,
        "red": _with_clocks(red, now),
        "yellow": _with_clocks(yellow, now),
        "red_total": counts.get("red", 0),
        "yellow_total": counts.get("yellow", 0),
        "legal_total": counts.get("legal", 0),
        "list_limit": LIST_LIMIT,
        "stages": boards.late_stages_first(LIST_LIMIT, now=now, department=department),
        "history": history,
    })


class BoardFilterForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.order_by("code"), required=False,
                                        to_field_name="code", label=gettext_lazy("Department"), widget=OptionsSelect,
                                        empty_label=gettext_lazy("All departments"))
    kind = forms.ChoiceField(choices=[("", gettext_lazy("All kinds"))] + FiringKind.choices, required=False,
                             label=gettext_lazy("Kind"))
    date_from = forms.DateField(required=False, label=gettext_lazy("Fired from"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=gettext_lazy("Fired until"),
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@require_safe  # read-only: a POST is refused (405)
@login_required
def overdue_board(request):
    """Every department: counts per light, the overdue reviews by how overdue, the firing history, the deemed
    acceptances."""
    _require_overseer(request)
    now = timezone.now()
    form = BoardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    department = data.get("department")

    counts = boards.counts_by_department(now=now)
    # The number of red reviews is on the board already (its counts per department): not counted again.
    red_total = sum(c.red for c in counts if department is None or c.department.pk == department.pk)
    overdue = CountedPaginator(boards.review_ids(boards.red_reviews(now=now, department=department)), PAGE_SIZE,
                               count=red_total).get_page(request.GET.get("overdue_page"))
    overdue.object_list = _with_clocks(boards.reviews_in_order(overdue.object_list, now=now), now)
    history = Paginator(boards.firings(department=department, kind=data.get("kind") or None,
                                       date_from=data.get("date_from"), date_to=data.get("date_to")),
                        PAGE_SIZE).get_page(request.GET.get("page"))
    history.object_list = list(history.object_list)
    _firing_links(history.object_list, review_pages=False)
    deemed = Paginator(boards.deemed_acceptances(department=department), PAGE_SIZE).get_page(
        request.GET.get("deemed_page"))
    return render(request, "approvals/boards/overdue.html", {
        "now": now,
        "form": form,
        "department": department,
        "counts": counts,
        "totals": boards.totals(counts),
        "overdue": overdue,
        "history": history,
        "deemed": deemed,
    })
