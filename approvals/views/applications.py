"""The applicant's pages: my applications, starting a bundle, the one form, materials, pre-review and
submission, the application's timeline and results, the supplement answer, withdrawing and paying.

Thin views: every change goes through a service in `approvals.services`; a DomainError is shown to the user
as a message or a form error, and the page is re-rendered with what they typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approvals import disclosure
from approvals.forms_applications import (
    ApplicationFilterForm, ChooseItemsForm, MaterialUploadForm, OneForm, WithdrawForm,
)
from approvals.models import (
    Application, ApplicationStatus, DeliveryMethod, ItemReview, Outcome, Package, PaymentNotice, ReviewPause,
    ReviewStatus, ServiceItem,
)
from approvals.services import applications as app_services
from approvals.services import acceptance as acceptance_services
from approvals.services import delegation, material_rules, next_step, permissions, progress
from approvals.services.applications import SubmissionIncomplete
from approvals.services.bundling import bundle_requirements
from approvals.services.material_rules import Provision
from portal.errors import DomainError
from portal.models import Enterprise
from portal.models.users import Role

S = ApplicationStatus
PAGE_SIZE = 25  # applications per page of "my applications"


# --- loading ------------------------------------------------------------------------------------------------
def applicant_side(user, application) -> bool:
    """The enterprise's applicant, the window clerk who filed it in person, or a park service agent whose
    authorisation covers it today (may change it)."""
    return permissions.acts_for_enterprise(user, application.enterprise) or (
        user.role == Role.CLERK and application.created_by_id == user.pk) or (
        permissions.acts_as_agent_for(user, application))


def _application(request, pk, *, change=False):
    """The application if the user may see it (or change it); 404 otherwise, so nobody learns it exists.

    An agent who filed it but whose authorisation no longer covers it still sees the page, with the reason
    (expired, revoked, out of scope); the services refuse any change with that same reason."""
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "enterprise", "package", "lead_department", "created_by", "filed_by_agent"), pk=pk)
    if change and not applicant_side(request.user, application):
        if not (request.user.role == Role.AGENT and application.filed_by_agent_id == request.user.pk):
            raise Http404
        if request.method == "GET":
            messages.warning(request, _agent_refusal(request.user, application))
    return application


def _agent_refusal(user, application) -> str:
    try:
        permissions.require_applicant_side(user, application)
    except DomainError as exc:
        return exc.message
    return ""


def agent_enterprises(user):
    """The enterprises a park service agent may file for today (a valid authorisation, any scope)."""
    return [e for e in Enterprise.objects.order_by("name") if delegation.may_act(user, e, [])]


def _chosen_enterprise(request):
    """Whom the application is for: the applicant's own enterprise, or the one an agent chose."""
    user = request.user
    if user.role == Role.APPLICANT and user.enterprise_id:
        return user.enterprise
    if user.role != Role.AGENT:
        return None
    value = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
    return Enterprise.objects.filter(pk=value).first() if value.isdigit() else None


def field_problems(form):
    """The form's errors as a list for the summary at the top of the page, in the order of the form."""
    if not form.is_bound:
        return []
    return [{"key": key, "label": form.fields[key].label, "message": " ".join(form.errors[key])}
            for key in form.fields if key in form.errors]


def _step_links(application):
    return {
        "form": reverse("approvals:application_form", args=[application.pk]),
        "materials": reverse("approvals:application_materials", args=[application.pk]),
        "detail": reverse("approvals:application", args=[application.pk]),
        "check": reverse("approvals:application_check", args=[application.pk]),
    }


# --- my applications ----------------------------------------------------------------------------------------
@login_required
def my_applications(request):
    user = request.user
    if user.role == Role.APPLICANT and user.enterprise_id:
        applications = Application.objects.filter(enterprise_id=user.enterprise_id)
    else:
        applications = Application.objects.filter(created_by=user)
    form = ApplicationFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["status"]:
        applications = applications.filter(status=form.cleaned_data["status"])
    # Newest first, a page at a time (a company's history grows every year); the light and the next due time of
    # the page's rows come from the database (Application.objects.with_light).
    # The page's rows are plain values (exactly the columns shown), not model instances.
    applications = (applications.with_light(timezone.now()).with_next_due().order_by("-created_at", "-id")
                    .values("pk", "reference", "title", "channel", "status", "outcome", "light", "next_due"))
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    outcomes = dict(Outcome.choices)
    rows = [{**row, "outcome_label": outcomes.get(row["outcome"], row["outcome"])} for row in page.object_list]
    return render(request, "approvals/applications/my_applications.html", {
        "form": form, "rows": rows, "page": page, "can_start": user.role in (Role.APPLICANT, Role.AGENT),
    })


# --- starting -----------------------------------------------------------------------------------------------
def items_by_department(selected_codes=()):
    groups, current = [], None
    for item in ServiceItem.objects.filter(active=True).select_related("department").order_by(
            "department__code", "code"):
        if current is None or current["department"].pk != item.department_id:
            current = {"department": item.department, "items": []}
            groups.append(current)
        current["items"].append({"item": item, "checked": item.code in selected_codes})
    return groups


@login_required
@require_http_methods(["GET", "POST"])
def new_application(request):
    package = None
    user = request.user
    enterprise = _chosen_enterprise(request)
    if request.method == "POST":
        form = ChooseItemsForm(request.POST)
        if user.role == Role.AGENT and enterprise is None:
            form.add_error(None, _("Choose the company you are filing for."))
        elif enterprise is None:
            form.add_error(None, _("Only an applicant of a registered enterprise can start an application online."))
        if form.is_valid():
            package = form.cleaned_data["package"]
            try:
                application = app_services.create_draft(
                    actor=user, enterprise=enterprise, package=package,
                    item_codes=[i.code for i in form.cleaned_data["items"]] if not package else (),
                    title=form.cleaned_data["title"], request=request)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Draft %(ref)s created. Fill in the one form, then upload the "
                                            "materials.") % {"ref": application.reference})
                return redirect("approvals:application_form", application.pk)
        package = form.cleaned_data.get("package") if hasattr(form, "cleaned_data") else None
        selected = request.POST.getlist("items")
    else:
        code = request.GET.get("package")
        if code:
            package = Package.objects.filter(code=code, active=True).first()
            if package is None:
                messages.error(request, _("There is no package “%(code)s”; choose the items instead.")
                               % {"code": code})
        selected = request.GET.getlist("items")
        form = ChooseItemsForm(initial={"package": package.code if package else None})
    requirements = None
    if package is not None:
        requirements = bundle_requirements(list(package.items()))
    elif selected:
        requirements = bundle_requirements(list(ServiceItem.objects.filter(code__in=selected,
                                                                                        active=True)))
    choices = None
    if user.role == Role.AGENT:
        choices = agent_enterprises(user)
        if enterprise is not None and request.method == "GET" and enterprise not in choices:
            try:
                delegation.check(user, enterprise, [])
            except DomainError as exc:
                messages.warning(request, exc.message)  # expired, revoked, not yet valid: named
        elif not choices:
            messages.warning(request, _("No company has authorised you (委托) today, so you cannot file for one."))
    elif enterprise is None:
        messages.warning(request, _("Only an applicant of a registered enterprise can start an application "
                                    "online. Window clerks file for walk-in enterprises from the desk."))
    return render(request, "approvals/applications/new.html", {
        "form": form, "package": package, "groups": items_by_department(set(selected)),
        "requirements": requirements, "enterprise": enterprise, "agent_choices": choices,
        "as_agent": user.role == Role.AGENT,
    })


# --- the one form -------------------------------------------------------------------------------------------
def _commitment_rows(application, requirements, posted=None, errors=None):
    signed = {c.item_id: c for c in application.commitments.all()}
    rows = []
    for item in requirements.items:
        if not item.commitment_allowed:
            continue
        rows.append({"item": item, "commitment": signed.get(item.pk),
                     "name_input": f"commit-{item.code}",
                     "typed": (posted or {}).get(f"commit-{item.code}", ""),
                     "error": (errors or {}).get(item.code)})
    return rows


def _save_delivery(request, application) -> str:
    """The delivery choice posted with the one form, through its service; the error message, or ""."""
    method = request.POST.get("delivery_method")
    address = request.POST.get("delivery_address", "")
    if not method or (method == application.delivery_method and address.strip() == application.delivery_address):
        return ""
    try:
        app_services.choose_delivery(application, actor=request.user, method=method, address=address,
                                     request=request)
    except DomainError as exc:
        return exc.message
    return ""


def _form_context(application, requirements, form, *, missing=(), commitment_errors=None, posted=None):
    missing_names = {m.material_type.key: m.material_type.name for m in requirements.materials}
    return {
        "application": application,
        "requirements": requirements,
        "form": form,
        "editable": application.is_editable,
        "missing": [{"key": k, "name": missing_names.get(k, k)} for k in missing],
        "commitments": _commitment_rows(application, requirements, posted, commitment_errors),
        "false_commitment": application.enterprise.false_commitment_recorded,
        "pre_review": application.pre_reviews.first(),
        "pre_review_problems": labelled_problems(
            getattr(application.pre_reviews.first(), "problems", []), problem_labels(requirements)),
        "links": _step_links(application),
        "step": "form",
        "field_problems": field_problems(form),
        "delivery_choices": DeliveryMethod.choices,
        "delivery_method": (posted or {}).get("delivery_method") or application.delivery_method,
        "delivery_address": (posted or {}).get("delivery_address", application.delivery_address),
    }


@login_required
@require_http_methods(["GET", "POST"])
def application_form(request, pk):
    application = _application(request, pk, change=True)
    requirements = app_services.requirements_of(application)
    if request.method == "GET":
        form = OneForm(requirements.fields, initial_values=application.form_data)
        if not application.is_editable:
            for field in form.fields.values():
                field.disabled = True
        return render(request, "approvals/applications/form.html", _form_context(application, requirements, form))

    action = request.POST.get("action", "save")
    form = OneForm(requirements.fields, data=request.POST)
    typed = form.typed_values()
    commitment_errors, missing, status = {}, [], 200
    try:
        errors = app_services.save_form(application, actor=request.user, data=typed, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
        application.refresh_from_db()
        form.attach_errors(getattr(exc, "form_errors", {}))
        return render(request, "approvals/applications/form.html",
                      _form_context(application, requirements, form, posted=request.POST), status=exc.http_status)
    delivery_error = _save_delivery(request, application)
    if delivery_error:
        messages.error(request, delivery_error)
        application.refresh_from_db()
        form.attach_errors(errors)
        context = _form_context(application, requirements, form, posted=request.POST)
        context["delivery_error"] = delivery_error
        return render(request, "approvals/applications/form.html", context, status=400)

    if action.startswith("sign:"):
        item_code = action.split(":", 1)[1]
        try:
            app_services.sign_commitment(application, actor=request.user, item_code=item_code,
                                         signer_name=request.POST.get(f"commit-{item_code}", ""), request=request)
        except DomainError as exc:
            commitment_errors[item_code] = exc.message
            messages.error(request, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("Commitment signed. Your draft was saved too."))
            return redirect(reverse("approvals:application_form", args=[application.pk]) + "#commitments")
    elif action == "pre_review":
        try:
            app_services.request_pre_review(application, actor=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("Pre-review requested: the lead department will list every problem at "
                                        "once. Your draft was saved."))
            return redirect("approvals:application", application.pk)
    else:
        if errors:
            messages.warning(request, _("Draft saved. %(n)d fields still need attention; they are marked below.")
                             % {"n": len(errors)})
        else:
            messages.success(request, _("Draft saved. The form is complete."))
        if action == "save_next":
            return redirect("approvals:application_materials", application.pk)
        if action in ("check", "submit"):  # submitting always goes through check-your-answers and the 信用承诺
            return redirect("approvals:application_check", application.pk)

    application.refresh_from_db()
    form.attach_errors(errors)
    return render(request, "approvals/applications/form.html",
                  _form_context(application, requirements, form, missing=missing,
                                commitment_errors=commitment_errors, posted=request.POST), status=status)


# --- materials ----------------------------------------------------------------------------------------------
def material_rows(application, requirements, *, only=None, errors=None):
    """One row per bundled material type: the current file, its history, who uses it, and how it is provided
    (material_rules: to submit, on file, verified internally, issued in the bundle, after the commitment)."""
    files = {}
    for material in application.materials.select_related("material_type").order_by("material_type_id",
                                                                                   "-version"):
        files.setdefault(material.material_type.key, []).append(material)
    rows = []
    for state in material_rules.material_states(application, requirements):
        key = state.key
        if only is not None and key not in only:
            continue
        versions = files.get(key, [])
        rows.append({
            "bundled": state.bundled, "key": key, "current": state.current, "state": state,
            "provision": state.provision, "never_asked": state.never_asked,
            "history": [m for m in versions if not m.is_current],
            "added_files": list(state.files[1:]),
            "on_file": state.provision == Provision.ON_FILE,
            "error": (errors or {}).get(key),
        })
    return rows


def _int(value, default=0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _can_upload(application, row):
    """Whether the upload form is offered: never for what the applicant is not asked for (the service refuses
    the same), on a draft, for the points of a supplement notice, and after submission for a material that
    follows the signed commitment (补交)."""
    if row["never_asked"]:
        return False
    if application.is_editable:
        return True
    if application.status == S.SUPPLEMENT_REQUESTED:
        notice = application.supplement_requests.filter(answered_at__isnull=True).first()
        return notice is not None and row["key"] in notice.material_keys
    return row["provision"] == Provision.AFTER_COMMITMENT and application.status in app_services.FOLLOW_UP_STATES


@login_required
@require_http_methods(["GET", "POST"])
def application_materials(request, pk):
    application = _application(request, pk, change=True)
    requirements = app_services.requirements_of(application)
    errors, status = {}, 200
    if request.method == "POST" and request.POST.get("remove_part"):
        key = request.POST.get("material_type", "")
        try:
            app_services.remove_material_part(application, actor=request.user, material_type_key=key,
                                              part=_int(request.POST.get("remove_part")), request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The file was removed from the material; it stays in its history."))
        return redirect(reverse("approvals:application_materials", args=[application.pk]) + f"#m-{key}")
    if request.method == "POST":
        form = MaterialUploadForm(request.POST, request.FILES)
        key = request.POST.get("material_type", "")
        if form.is_valid():
            try:
                material = app_services.upload_material(application, actor=request.user, material_type_key=key,
                                                        uploaded=form.cleaned_data["file"],
                                                        add=request.POST.get("add") == "1", request=request)
            except DomainError as exc:
                errors[key] = exc.message
                status = exc.http_status
            else:
                messages.success(request, _("“%(name)s” stored as version %(v)d of %(material)s.") % {
                    "name": material.original_name, "v": material.version, "material": material.material_type})
                return redirect(reverse("approvals:application_materials", args=[application.pk]) + f"#m-{key}")
        else:
            errors[key] = " ".join(e for errs in form.errors.values() for e in errs)
            status = 400
        if errors:
            messages.error(request, _("The file was not accepted: %(reason)s Everything else is kept.")
                           % {"reason": errors[key]})
    rows = material_rows(application, requirements, errors=errors)
    pre_review = application.pre_reviews.filter(answered_at__isnull=False).order_by("-answered_at").first()
    criticised = {}  # the pre-review answer, shown at the material it criticises while the draft is open
    if pre_review is not None and application.is_editable:
        for problem in pre_review.problems or []:
            if problem.get("kind") == "material":
                criticised.setdefault(problem["key"], []).append(problem["reason"])
    for row in rows:
        row["can_upload"] = _can_upload(application, row)
        row["pre_review"] = criticised.get(row["key"], [])
    form_errors, missing = app_services.completeness_problems(application, requirements)
    return render(request, "approvals/applications/materials.html", {
        "application": application, "requirements": requirements, "rows": rows,
        "missing": missing, "form_error_count": len(form_errors), "links": _step_links(application),
        "step": "materials", "editable": application.is_editable,
    }, status=status)


# --- the application: status, clocks, timeline, results ------------------------------------------------------
def _review_rows(application, user):
    """The application's reviews as `user` may see them, with their clocks, signatures and pauses. The reviews are
    read once (with their signatures and pauses) onto the application, where its light and calendar use them."""
    prefetch_related_objects([application], Prefetch(
        "reviews", queryset=ItemReview.objects.select_related("item", "department", "stage", "signature")
        .prefetch_related(Prefetch("pauses", queryset=ReviewPause.objects.order_by("started_at", "id")))
        .order_by("stage__order", "department__code", "item__code")))
    rows = []
    for review in disclosure.reviews_seen_by(user, application.reviews.all()):
        signature = getattr(review, "signature", None) if review.status == ReviewStatus.SIGNED else None
        rows.append({"review": review, "clock": progress.review_clock(review), "signature": signature,
                     "pauses": list(review.pauses.all())})
    return rows


def _detail_context(application, user):
    stages = []
    reviews = _review_rows(application, user)
    for stage in application.stages.select_related("lead_department").order_by("order"):
        stages.append({"stage": stage, "reviews": [r for r in reviews if r["review"].stage_id == stage.pk]})
    side = applicant_side(user, application)
    labels = problem_labels(app_services.requirements_of(application))
    fees = fee_context(application)
    notices = list(application.supplement_requests.all())  # read once: the pending one and the history
    supplement = next((n for n in notices if n.answered_at is None), None)
    pre_review = application.pre_reviews.order_by("-requested_at").first()
    events = disclosure.events_seen_by(user, application.events.select_related("department", "actor")
                                       .order_by("-at", "-id"))
    return {
        "next_step": next_step.next_step(application, supplement=supplement, pre_review=pre_review,
                                         payment_notice=fees["payment_notice"]),
        "progress_steps": next_step.progress_steps(application, [s["stage"] for s in stages]),
        "timeline": next_step.grouped_events(events),
        "pre_review_problems": labelled_problems(pre_review.problems, labels) if pre_review else [],
        "application": application,
        "applicant_side": side,
        "acceptance_clock": progress.acceptance_clock(application),
        "calendar_published": progress.application_calendar_published(application),
        "light": progress.application_light(application),
        "stages": stages,
        "decided_reviews": [r for r in reviews if r["review"].decision],
        "revoked_reviews": [r for r in reviews if r["review"].revoked_at],
        **fees,
        "visits": application.visits.count(),
        "events": events,
        "supplement": supplement,
        "supplements": [{"notice": n, "problems": labelled_problems(n.problems, labels)}
                        for n in notices],
        "pre_review": pre_review,
        "commitments": application.commitments.select_related("item"),
        "can_withdraw": side and application.status in (S.DRAFT, S.PRE_REVIEW, S.SUBMITTED,
                                                        S.SUPPLEMENT_REQUESTED, S.UNDER_REVIEW),
        "links": _step_links(application),
    }


def problem_labels(requirements):
    """{(kind, key): label} of every field and material of a bundle."""
    labels = {("field", b.field.key): b.field.label for b in requirements.fields}
    labels.update({("material", m.material_type.key): m.material_type.name for m in requirements.materials})
    return labels


def labelled_problems(problems, labels):
    """A notice's problems with the names the applicant knows, not the canonical keys."""
    return [{**p, "label": labels.get((p["kind"], p["key"]), p["key"])} for p in problems or []]


def fee_context(application) -> dict:
    """The fees (estimated, charged or not), their totals and the payment notice, for the pages."""
    return {
        "fees": list(application.fees.select_related("item", "rule")),
        "totals": application.fees.totals(),
        "payment_notice": PaymentNotice.objects.filter(application=application).select_related("confirmed_by")
                                               .first(),
    }


@login_required
@require_http_methods(["GET"])
def application_detail(request, pk):
    """Status, clocks, results, fees and the payment notice. Nobody marks a fee paid here: the finance side
    confirms payments (the lead window's clerk, or the payment platform)."""
    application = _application(request, pk)
    return render(request, "approvals/applications/detail.html", _detail_context(application, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_application(request, pk):
    application = _application(request, pk, change=True)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            app_services.withdraw(application, actor=request.user, reason=form.cleaned_data["reason"],
                                  request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("approvals:application", application.pk)
        messages.success(request, _("The application %(ref)s is withdrawn.") % {"ref": application.reference})
        return redirect("approvals:application", application.pk)
    if request.method == "POST":
        status = 400
    return render(request, "approvals/applications/withdraw.html",
                  {"application": application, "form": form}, status=status)


# --- answering a supplement request ---------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def application_supplement(request, pk):
    application = _application(request, pk, change=True)
    notice = application.supplement_requests.filter(answered_at__isnull=True).first()
    if application.status != S.SUPPLEMENT_REQUESTED or notice is None:
        messages.info(request, _("There is no supplement request to answer."))
        return redirect("approvals:application", application.pk)
    requirements = app_services.requirements_of(application)
    form = OneForm(requirements.fields, data=request.POST or None, initial_values=application.form_data,
                   editable=notice.field_keys)
    upload_errors, missing, status = {}, [], 200
    if request.method == "POST":
        action = request.POST.get("action", "answer")
        for key in sorted(notice.material_keys):
            uploaded = request.FILES.get(f"m-{key}")
            if uploaded is None:
                continue
            try:
                app_services.upload_material(application, actor=request.user, material_type_key=key,
                                             uploaded=uploaded, request=request)
            except DomainError as exc:
                upload_errors[key] = exc.message
        typed = form.typed_values()
        if upload_errors:
            messages.error(request, _("Some files were not accepted; the reasons are shown next to them. "
                                      "Everything else you entered is kept."))
            status = 400
            form.attach_errors({})
        elif action == "answer":
            try:
                acceptance_services.answer_supplement(application, actor=request.user, form=typed,
                                                      request=request)
            except SubmissionIncomplete as exc:
                form.attach_errors({k: v for k, v in exc.form_errors.items()})
                missing = exc.missing_materials
                messages.error(request, exc.message)
                status = 400
            except DomainError as exc:
                messages.error(request, exc.message)
                form.attach_errors({})
                status = exc.http_status
            else:
                messages.success(request, _("Your answer is submitted; the acceptance clock starts again from "
                                            "today."))
                return redirect("approvals:application", application.pk)
        else:
            messages.success(request, _("Files uploaded. Submit the answer when everything listed is ready."))
            form.attach_errors({})
    application.refresh_from_db()
    problems = {(p["kind"], p["key"]): p["reason"] for p in notice.problems}
    rows = material_rows(application, requirements, only=notice.material_keys, errors=upload_errors)
    for row in rows:
        row["reason"] = problems.get(("material", row["key"]))
        row["fresh"] = row["current"] is not None and row["current"].uploaded_at > notice.requested_at
    for (kind, key), reason in problems.items():
        if kind == "field" and key in form.fields:
            form.fields[key].supplement_reason = reason
    labels = problem_labels(requirements)
    return render(request, "approvals/applications/supplement.html", {
        "application": application, "notice": notice, "form": form, "rows": rows,
        "listed_fields": [form[key] for key in form.fields if key in notice.field_keys],
        "other_fields": [form[key] for key in form.fields if key not in notice.field_keys],
        "problems": labelled_problems(notice.problems, labels),
        "missing": [{"key": k, "name": labels.get(("material", k), k)} for k in missing],
        "field_problems": field_problems(form), "links": _step_links(application), "hide_upload_link": True,
    }, status=status)

