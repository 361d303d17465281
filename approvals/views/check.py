"""Check your answers before submitting (with the truthfulness declaration, 信用承诺), then the confirmation page
with the reference and what happens next."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from approvals.models import ApplicationStatus as S
from approvals.services import applications as app_services
from approvals.services import fees, material_rules, next_step
from approvals.services.applications import DECLARATION, SubmissionIncomplete
from approvals.views.applications import _application
from portal.errors import DomainError

class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(label=DECLARATION, error_messages={
        "required": gettext_lazy("Tick the declaration to submit the application.")})


def fee_estimate(application, items) -> dict:
    """The fees the bundle would charge if every item were approved, at the legal lower bound; a fee whose
    quantity is not filled in yet is listed as a problem instead of a figure."""
    lines, problems = [], []
    for item in items:
        try:
            sheet = fees.quote_item_fees(item, application.form_data)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        lines.extend({"item": item, "line": line} for line in sheet.lines)
    total = {"standard": sum(r["line"].standard for r in lines), "charged": sum(r["line"].charged for r in lines),
             "saving": sum(r["line"].saving for r in lines)}
    return {"lines": lines, "problems": problems, "total": total}


def _check_context(application, form):
    requirements = app_services.requirements_of(application)
    form_errors, missing = app_services.completeness_problems(application, requirements)
    answers = [{"key": b.field.key, "label": b.field.label, "unit": b.field.unit,
                "value": application.form_data.get(b.field.key, ""), "error": form_errors.get(b.field.key)}
               for b in requirements.fields]
    states = material_rules.material_states(application, requirements)
    return {
        "application": application, "form": form, "answers": answers, "materials": states,
        "missing": missing, "form_errors": form_errors,
        "fees": fee_estimate(application, list(application.items.prefetch_related("fee_rules"))),
        "commitments": application.commitments.select_related("item"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def application_check(request, pk):
    application = _application(request, pk, change=True)
    if not application.is_editable:
        return redirect("approvals:application", application.pk)
    form = DeclarationForm(request.POST if request.method == "POST" else None)  # an empty POST is still bound
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                app_services.submit(application, actor=request.user, declared=form.cleaned_data["declaration"],
                                    request=request)
            except SubmissionIncomplete as exc:
                messages.error(request, exc.message)
                status = 400
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.http_status
            else:
                return redirect("approvals:application_submitted", application.pk)
        else:
            status = 400
        application.refresh_from_db()
    return render(request, "approvals/applications/check.html", _check_context(application, form), status=status)


@login_required
@require_http_methods(["GET"])
def application_submitted(request, pk):
    application = _application(request, pk)
    if application.status in (S.DRAFT, S.PRE_REVIEW):
        messages.info(request, _("This application has not been submitted yet."))
        return redirect("approvals:application_check", application.pk)
    return render(request, "approvals/applications/submitted.html", {
        "application": application,
        "next_step": next_step.next_step(application),
        "progress_steps": next_step.progress_steps(application),
        "applicant_side": True,
    })
