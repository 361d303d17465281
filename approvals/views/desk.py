"""The window clerk's desk (综合受理窗口) of the lead department: acceptance, pre-review answers, filing for
a walk-in enterprise, payment confirmation and delivery of results.

Thin views: the services decide and check permissions; a DomainError becomes a form error or a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approvals.forms_applications import (
    DeliveryForm, PaymentConfirmationForm, ProblemChecklistForm, RefuseAcceptanceForm, WalkInForm,
)
from approvals.models import Application, ApplicationStatus, ItemReview, PaymentStatus
from approvals.services import acceptance, delivery, payments, permissions, progress
from approvals.services import applications as app_services
from approvals.views.applications import fee_context, items_by_department, material_rows
from portal.errors import DomainError
from portal.services import enterprises
from portal.models.users import DEPARTMENT_ROLES, Role

S = ApplicationStatus


def _department(request):
    """The desk's department: the user's assignment (clerk, staff or chief of the lead department)."""
    department = permissions.department_of(request.user)
    if request.user.role not in DEPARTMENT_ROLES or department is None:
        raise PermissionDenied(_("The desk is for the window clerks of a department."))
    return department


def _led_application(request, pk):
    department = _department(request)
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related("enterprise", "package", "lead_department",
                                                                    "created_by"),
        pk=pk, lead_department=department)
    return department, application


@login_required
def desk(request):
    department = _department(request)
    led = Application.objects.visible_to(request.user).filter(lead_department=department).select_related("enterprise")
    waiting = []
    # The acceptance clock (Art. 32) orders the queue: soonest due first, then the longest waiting.
    queue = led.filter(status=S.SUBMITTED).order_by(F("acceptance_due_at").asc(nulls_last=True), "received_at", "pk")
    for application in queue:
        waiting.append({"application": application, "clock": progress.acceptance_clock(application)})
    return render(request, "approvals/desk/desk.html", {
        "department": department,
        "waiting": waiting,
        "pre_reviews": led.filter(status=S.PRE_REVIEW).prefetch_related("pre_reviews").order_by("updated_at"),
        "supplements": led.filter(status=S.SUPPLEMENT_REQUESTED).prefetch_related("supplement_requests")
                          .order_by("updated_at"),
        "walk_ins": Application.objects.filter(created_by=request.user, status__in=[S.DRAFT, S.PRE_REVIEW])
                                       .select_related("enterprise"),
        "to_hand_over": led.filter(status=S.DECIDED).count(),
        "is_clerk": request.user.role == Role.CLERK,
    })


def _acceptance_context(application, requirements, **forms):
    values = application.form_data
    fields = [{"bundled": b, "value": values.get(b.field.key)} for b in requirements.fields]
    return {
        "application": application, "requirements": requirements, "fields": fields,
        "materials": material_rows(application, requirements),
        "clock": progress.acceptance_clock(application),
        "commitments": application.commitments.select_related("item"),
        "supplements": application.supplement_requests.all(),
        "pre_review": application.pre_reviews.first(),
        "events": application.events.select_related("department").order_by("-at", "-id")[:20],
        "labels": {**{b.field.key: b.field.label for b in requirements.fields},
                   **{m.material_type.key: m.material_type.name for m in requirements.materials}},
        **forms,
    }


@login_required
@require_http_methods(["GET", "POST"])
def desk_application(request, pk):
    """One application at the window: accept, not accept, request supplements; or answer a pre-review."""
    _dept, application = _led_application(request, pk)
    requirements = app_services.requirements_of(application)
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None
    refuse_form = RefuseAcceptanceForm(data if action == "refuse" else None, prefix="refuse")
    checklist = ProblemChecklistForm(requirements, data=data if action == "supplement" else None)
    pre_review_form = ProblemChecklistForm(requirements, data=data if action == "pre_review" else None,
                                           allow_empty=True, with_comment=True)
    status = 200
    if data is not None:
        try:
            if action == "accept":
                acceptance.accept(application, actor=request.user, request=request)
                messages.success(request, _("%(ref)s accepted: the reviews have started.")
                                 % {"ref": application.reference})
                return redirect("approvals:desk")
            if action == "refuse" and refuse_form.is_valid():
                acceptance.refuse_acceptance(application, actor=request.user,
                                             reason=refuse_form.cleaned_data["reason"],
                                             apply_instead_to=refuse_form.cleaned_data["apply_instead_to"],
                                             request=request)
                messages.success(request, _("%(ref)s is not accepted; the applicant is told why.")
                                 % {"ref": application.reference})
                return redirect("approvals:desk")
            if action == "supplement" and checklist.is_valid():
                notice = acceptance.request_supplement(application, actor=request.user,
                                                       problems=checklist.cleaned_data["problems"],
                                                       request=request)
                messages.success(request, _("One supplement notice with %(n)d points was sent to the applicant.")
                                 % {"n": len(notice.problems)})
                return redirect("approvals:desk")
            if action == "pre_review" and pre_review_form.is_valid():
                answer = app_services.answer_pre_review(
                    application, actor=request.user, problems=pre_review_form.cleaned_data["problems"],
                    comment=pre_review_form.cleaned_data.get("comment", ""), request=request)
                messages.success(request, _("Pre-review answered with %(n)d problems.") % {"n": len(answer.problems)}
                                 if answer.problems else _("Pre-review answered: ready to submit."))
                return redirect("approvals:desk")
            if action not in ("accept", "refuse", "supplement", "pre_review"):
                messages.error(request, _("Unknown action."))
            status = 400
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.http_status
        application.refresh_from_db()
    context = _acceptance_context(application, requirements, refuse_form=refuse_form, checklist=checklist,
                                  pre_review_form=pre_review_form)
    return render(request, "approvals/desk/application.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def walk_in(request):
    """File for a walk-in enterprise: a window-channel draft the clerk then fills in with the enterprise."""
    _department(request)
    if request.user.role != Role.CLERK:
        raise PermissionDenied(_("Only a window clerk files for a walk-in enterprise."))
    form = WalkInForm(request.POST or None, initial={"credit_code": request.GET.get("credit_code", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            package = form.cleaned_data["package"]
            try:
                with transaction.atomic():  # a new enterprise is registered only with its filing
                    enterprise = form.enterprise or enterprises.register_at_window(
                        actor=request.user, credit_code=form.cleaned_data["credit_code"], request=request,
                        **form.registration)
                    application = app_services.create_draft(
                        actor=request.user, enterprise=enterprise, package=package,
                        item_codes=[] if package else [i.code for i in form.cleaned_data["items"]],
                        title=form.cleaned_data["title"], request=request)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("Window filing %(ref)s created for %(enterprise)s. Fill in the form "
                                            "with the enterprise and scan their materials.")
                                 % {"ref": application.reference, "enterprise": enterprise})
                if form.enterprise is None:
                    messages.info(request, _("%(enterprise)s (%(code)s) is now registered in the portal.")
                                  % {"enterprise": enterprise, "code": enterprise.credit_code})
                return redirect("approvals:application_form", application.pk)
        else:
            status = 400
    selected = set(request.POST.getlist("items")) if request.method == "POST" else set()
    return render(request, "approvals/desk/walk_in.html",
                  {"form": form, "groups": items_by_department(selected)}, status=status)


@login_required
def handover_list(request):
    """Decided applications of the department waiting for payment and delivery."""
    department = _department(request)
    applications = (Application.objects.filter(lead_department=department, status=S.DECIDED)
                    .select_related("enterprise", "payment_notice").order_by("decided_at"))
    rows = []
    for application in applications:
        notice = getattr(application, "payment_notice", None)
        rows.append({"application": application, "notice": notice,
                     "total": notice.charged_amount if notice else 0,
                     "has_unpaid": notice is not None and notice.status == PaymentStatus.DUE})
    return render(request, "approvals/desk/handover_list.html", {"department": department, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def handover(request, pk):
    """Payment confirmation (against the payment code, with the e-receipt number) and delivery of one decided
    application. Only the approved items' fees are on the payment notice; with nothing to pay, the results
    (a refusal decision too) are delivered at once."""
    _dept, application = _led_application(request, pk)
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None
    payment_form = PaymentConfirmationForm(data if action == "pay" else None, prefix="pay")
    delivery_form = DeliveryForm(data if action == "deliver" else None, prefix="deliver",
                                 initial={"method": application.delivery_method})
    status = 200
    if data is not None:
        try:
            if action == "pay" and payment_form.is_valid():
                payments.confirm_at_window(application, actor=request.user,
                                           payment_code=payment_form.cleaned_data["payment_code"],
                                           receipt_number=payment_form.cleaned_data["receipt_number"],
                                           request=request)
                messages.success(request, _("Payment confirmed."))
                return redirect("approvals:desk_handover", application.pk)
            if action == "deliver" and delivery_form.is_valid():
                delivery.deliver(application, actor=request.user, method=delivery_form.cleaned_data["method"],
                                 tracking_number=delivery_form.cleaned_data["tracking_number"], request=request)
                messages.success(request, _("%(ref)s delivered.") % {"ref": application.reference})
                return redirect("approvals:desk_handover_list")
            status = 400
        except payments.PaymentCodeMismatch as exc:
            payment_form.add_error("payment_code", exc.message)
            status = exc.http_status
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.http_status
        application.refresh_from_db()
    reviews = ItemReview.objects.filter(application=application).select_related("item", "department")
    return render(request, "approvals/desk/handover.html", {
        "application": application, **fee_context(application), "reviews": reviews,
        "payment_form": payment_form, "delivery_form": delivery_form, "is_clerk": request.user.role == Role.CLERK,
        "visits": application.visits.count(),
    }, status=status)
