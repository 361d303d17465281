"""The leader's page: running or suspended reviews of every department, and the one extension of each (Art. 42).

The rules (one extension, at most 10 working days or 15 for joint handling, a reason for the applicant) live
in approvals.services.reviews.extend; this page shows them and passes the leader's answer on.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.forms_reviews import ExtensionForm
from approvals.models import Department, ItemReview, ReviewStatus
from approvals.services import reviews as review_services
from approvals.services.progress import review_clock
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models.users import Role

R = ReviewStatus
EXTENDABLE = [R.UNDER_REVIEW, R.SUSPENDED]
PAGE_SIZE = 25


def _require_leader(request):
    if request.user.role != Role.LEADER:
        raise PermissionDenied(_("Only a leader can approve an extension."))


def max_extension_days(review) -> int:
    joint = bool(review.application.package_id and review.application.package.joint)
    return review_services.MAX_JOINT_EXTENSION_DAYS if joint else review_services.MAX_EXTENSION_DAYS


def _reviews():
    return ItemReview.objects.select_related("application__enterprise", "application__package", "item",
                                             "department", "extended_by")


@login_required
def extension_list(request):
    _require_leader(request)
    now = timezone.now()
    q = (request.GET.get("q") or "").strip()[:64]
    department_code = request.GET.get("department") or ""
    rows = _reviews().filter(status__in=EXTENDABLE)
    if q:
        rows = rows.filter(Q(application__reference__icontains=q) | Q(application__enterprise__name__icontains=q)
                           | Q(item__name__icontains=q))
    if department_code:
        rows = rows.filter(department__code=department_code)
    rows = rows.order_by(F("due_at").asc(nulls_last=True), "application__reference", "item__code")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for review in page.object_list:
        review.clock = review_clock(review, now=now)
        review.max_days = max_extension_days(review)
    return render(request, "approvals/reviews/extensions.html", {
        "page": page, "q": q, "department_code": department_code,
        "departments": Department.objects.order_by("code"),
        "max_days": review_services.MAX_EXTENSION_DAYS,
        "max_joint_days": review_services.MAX_JOINT_EXTENSION_DAYS,
    })


@login_required
def extension_detail(request, pk):
    _require_leader(request)
    review = get_object_or_404(_reviews(), pk=pk)
    max_days = max_extension_days(review)
    form = ExtensionForm(request.POST or None, max_days=max_days)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.extend(review, actor=request.user, days=form.cleaned_data["days"],
                                   reason=form.cleaned_data["reason"], request=request)
        except WrongState as exc:
            messages.error(request, exc.message)
            return redirect("approvals:extension", review.pk)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Extension approved: %(item)s of %(reference)s, %(days)d working days. "
                                        "The applicant is told the reason.")
                             % {"item": review.item.name, "reference": review.application.reference,
                                "days": form.cleaned_data["days"]})
            return redirect("approvals:extensions")
    review = get_object_or_404(_reviews(), pk=pk)
    return render(request, "approvals/reviews/extension_form.html", {
        "review": review, "form": form, "max_days": max_days, "clock": review_clock(review),
        "extendable": review.status in EXTENDABLE and not review.extension_days,
        "joint": max_days == review_services.MAX_JOINT_EXTENSION_DAYS,
    })
