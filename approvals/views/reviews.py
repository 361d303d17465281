"""Department review pages: the inbox, the review page with the staff's and the chief's actions, batch signing.

Thin views: every change goes through approvals.services.reviews. A domain error becomes a form error (the input
stays on the page); a WrongState (a second click, a colleague faster than you) becomes a message and a redirect to
the fresh page; a NotAllowed becomes 403. Reviews of another department are 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import review_queue
from approvals.forms_reviews import (
    ALL, OPEN, OPINION_READY, BatchDecideForm, BatchSignForm, DecideForm, InboxFilterForm, OpinionForm, SignForm,
    SuspendForm,
)
from approvals.models import (
    AfterCheck, ApplicationStage, Decision, DecisionSignature, FieldType, ItemReview, ReviewStatus, StageStatus,
)
from approvals.services import material_rules
from approvals.services import reviews as review_services
from approvals.services.applications import requirements_of
from approvals.services.material_rules import Provision
from approvals.services.permissions import OVERSEEING_ROLES, department_of, is_chief_of, works_for
from approvals.services.progress import review_clock
from portal.errors import DomainError, NotAllowed, WrongState
from portal.paging import CountedPaginator, rows_in_order
from portal.models.users import Role

R = ReviewStatus
CLOSED_STATES = [R.SIGNED, R.CANCELLED]
AWAITING_SIGNATURE = [R.APPROVED, R.REFUSED]
OPEN_STATES = [s for s in R.values if s not in CLOSED_STATES]
PAGE_SIZE = 25
DONE_COUNT_CAP = 1000  # the inbox counts each done status (the history) up to this, then shows "1000+"
STAGE_LIMIT = 25  # the most urgent stages the department leads, shown under its reviews
REVIEWER_ROLES = (Role.STAFF, Role.CHIEF)


# --- access ---------------------------------------------------------------------------------------------------
def _my_department(request):
    """The department whose reviews the user works on; 403 for everybody else."""
    department = department_of(request.user)
    if request.user.role not in REVIEWER_ROLES or department is None:
        raise PermissionDenied(_("Only department staff and chief representatives have a review inbox."))
    return department


def _review_or_404(request, pk, *, read_only=False):
    """The review, if the user is staff or chief of its department (or, to read it, a leader, administrator or
    supervisor); otherwise it does not exist for them."""
    review = get_object_or_404(
        ItemReview.objects.with_opinion_ready().select_related("application__enterprise", "application__package",
                                          "application__lead_department", "item", "department", "stage",
                                          "decided_by", "opinion_by", "extended_by"),
        pk=pk,
    )
    if read_only and request.user.role in OVERSEEING_ROLES:
        return review
    department = department_of(request.user)
    if request.user.role not in REVIEWER_ROLES or department is None or department.pk != review.department_id:
        raise Http404
    return review


def _require_chief(request, review):
    if not is_chief_of(request.user, review.department):
        raise PermissionDenied(_("Only the chief representative of %(department)s can decide and sign this item.")
                               % {"department": review.department})


def _fresh(review):
    return ItemReview.objects.select_related("decided_by").get(pk=review.pk)


def state_message(exc, review) -> str:
    """The service's words, plus who already acted when a second click or a colleague came first."""
    current = _fresh(review)
    parts = [exc.message]
    if current.decided_by_id:
        parts.append(_("Already decided (%(decision)s) by %(name)s at %(time)s.") % {
            "decision": current.get_decision_display(), "name": current.decided_by.display_name,
            "time": formats.date_format(timezone.localtime(current.decided_at), "DATETIME_FORMAT")})
    signature = DecisionSignature.objects.filter(review=current).first()
    if signature is not None:
        parts.append(_("Signed by %(name)s at %(time)s.") % {
            "name": signature.signer_name,
            "time": formats.date_format(timezone.localtime(signature.signed_at), "DATETIME_FORMAT")})
    return " ".join(parts)


def _wrong_state(request, exc, review):
    messages.error(request, state_message(exc, review))
    return redirect("approvals:review", review.pk)


# --- inbox ----------------------------------------------------------------------------------------------------
@login_required
def inbox(request):
    """The department's reviews by due time, with lights, filters and counts; the stages it leads.

    Lights are selected, counted and filtered by the database (`ItemReview.objects.with_light`, the same rule as
    the API and the boards); only the rows of the page get their remaining working time computed."""
    department = _my_department(request)
    now = timezone.now()
    is_chief = request.user.role == Role.CHIEF
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status, light, q = data.get("status") or OPEN, data.get("light") or "", (data.get("q") or "").strip()

    base = ItemReview.objects.filter(department=department)
    # Counts per status and light: the open work exactly (a range of the index on (department, status)), the
    # history (signed, cancelled) up to DONE_COUNT_CAP ("1000+"), so the page costs the same with ten years of
    # history. The size of the list is a sum of them unless it is filtered by the opinion (its own count), a
    # search, or takes in a capped count (then the paginator counts that list, behind its filter link only).
    counts = base.status_light_counts(now, done_cap=DONE_COUNT_CAP)
    status_counts, light_counts = counts.by_status(), counts.by_light()
    ready_total = base.opinion_ready().count()

    rows = base.select_related("application__enterprise", "item", "stage", "decided_by").with_opinion_ready()
    statuses = None  # the statuses listed (None: every status)
    if status == OPEN:
        statuses = OPEN_STATES  # positive, so that it is a range of the index on (department, status)
    elif status != OPINION_READY and status != ALL:
        statuses = [status]
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    elif status == OPINION_READY:
        rows = rows.opinion_ready()
    if light:
        rows = rows.filter_light(light, now)
    known = None
    if q:
        rows = rows.filter(Q(application__reference__icontains=q) | Q(application__enterprise__name__icontains=q)
                           | Q(application__enterprise__credit_code__icontains=q.upper()))
    elif status != OPINION_READY:
        lights = [light] if light else None
        known = None if counts.is_capped(statuses, lights) else counts.total(statuses, lights)
    elif not light:
        known = ready_total
    rows = rows.order_by(F("due_at").asc(nulls_last=True), F("decided_at").desc(nulls_last=True),
                         "application__reference", "item__code")
    page = CountedPaginator(rows, PAGE_SIZE, count=known).get_page(request.GET.get("page"))
    for review in page.object_list:
        review.clock = review_clock(review, now=now)
        review.awaits_signature = review.status in AWAITING_SIGNATURE

    led = ApplicationStage.objects.filter(lead_department=department,
                                          status__in=[StageStatus.WAITING, StageStatus.OPEN])
    # The most urgent stages' ids first, then their rows with the counts of their reviews: grouping and counting
    # every open stage of the department before cutting the list cost more as the open work grew.
    stage_ids = (led.order_by(F("due_at").asc(nulls_last=True), "application__reference", "order")
                 .values_list("pk", flat=True)[:STAGE_LIMIT])
    stages = rows_in_order(
        ApplicationStage.objects.with_light(now).select_related("application__enterprise")
        .annotate(total=Count("reviews"), signed=Count("reviews", filter=Q(reviews__status=R.SIGNED))),
        stage_ids)

    status_summary = [(value, label, status_counts.get(value, 0)) for value, label in R.choices]
    light_summary = [(value, label, light_counts.get(value, 0))
                     for value, label in InboxFilterForm.base_fields["light"].choices if value]
    return render(request, "approvals/reviews/inbox.html", {
        "department": department,
        "form": form,
        "page": page,
        "status": status,
        "light": light,
        "status_summary": status_summary,
        "light_summary": light_summary,
        "capped": counts.capped_values(),
        "open_total": sum(status_counts.get(s, 0) for s in OPEN_STATES),
        "awaiting_total": sum(status_counts.get(s, 0) for s in AWAITING_SIGNATURE),
        "ready_total": ready_total,
        "OPINION_READY": OPINION_READY,
        "stages": stages,
        "stages_total": led.count(),
        "is_chief": is_chief,
        "batch_form": SignForm(auto_id="batch_%s") if is_chief else None,
    })


# --- the review page ---------------------------------------------------------------------------------------------
def _display_value(form_field, value):
    if value is None or value == "":
        return ""
    if form_field.field_type == FieldType.BOOLEAN:
        return _("Yes") if value in (True, "true", "on", "1", "yes") else _("No")
    return f"{value} {form_field.unit}".strip() if form_field.unit else str(value)


def _review_context(request, review, **forms):
    application = review.application
    now = timezone.now()
    user = request.user
    is_chief = is_chief_of(user, review.department)
    works_here = user.role in REVIEWER_ROLES and works_for(user, review.department)
    requirements = requirements_of(application)
    form_values = [{
        "label": bundled.field.label,
        "key": bundled.field.key,
        "value": _display_value(bundled.field, application.form_data.get(bundled.field.key)),
        "for_item": any(i.pk == review.item_id for i in bundled.items),
    } for bundled in requirements.fields]
    materials = list(application.materials.filter(is_current=True).select_related("material_type")
                     .prefetch_related("items"))
    for material in materials:
        material.for_item = any(i.pk == review.item_id for i in material.items.all())
    for_item = [state for state in material_rules.material_states(application, requirements)
                if any(i.pk == review.item_id for i in state.bundled.items)]
    missing = [state.bundled for state in for_item if state.missing]
    internal_check = [state.bundled for state in for_item if state.provision == Provision.INTERNAL_CHECK]
    commitment = application.commitments.filter(item=review.item).select_related("signed_by").first()
    status = review.status
    initial_decision = {"decision": review.proposed_decision or None, "reasons": review.opinion}
    return {
        "review": review,
        "next_review": review_queue.next_for(user, exclude=review) if works_here else None,
        "decided_by_me": review.decided_by_id is not None and review.decided_by_id == user.pk,
        "application": application,
        "item": review.item,
        "form_values": form_values,
        "materials": materials,
        "missing_materials": missing,
        "internal_check": internal_check,
        "after_check": AfterCheck.objects.filter(review=review).first(),
        "commitment": commitment,
        "will_be_on_commitment": bool(commitment and review.item.commitment_allowed),
        "clock": review_clock(review, now=now),
        "pauses": review.pauses.select_related("started_by", "ended_by"),
        "signature": DecisionSignature.objects.filter(review=review).select_related("signer").first(),
        "siblings": [
            (other, review_clock(other, now=now))
            for other in application.reviews.exclude(pk=review.pk).select_related("department", "item", "stage")
        ],
        "events": application.events.select_related("actor", "department").order_by("at", "id"),
        "is_chief": is_chief,
        "can_prepare": works_here and status in (R.UNDER_REVIEW, R.SUSPENDED),
        "can_suspend": works_here and status == R.UNDER_REVIEW,
        "can_resume": works_here and status == R.SUSPENDED,
        "can_decide": is_chief and status == R.UNDER_REVIEW,
        "can_sign": is_chief and status in AWAITING_SIGNATURE,
        "opinion_form": forms.get("opinion_form") or OpinionForm(
            initial={"opinion": review.opinion, "proposed_decision": review.proposed_decision or None}),
        "suspend_form": forms.get("suspend_form") or SuspendForm(),
        "decide_form": forms.get("decide_form") or DecideForm(initial=initial_decision),
        "sign_form": forms.get("sign_form") or SignForm(auto_id="sign_%s"),
        "Decision": Decision,
        "shortcuts": [("c", _("Go to the dynamic code")), ("n", _("Next item waiting for you")),
                      ("i", _("Back to the inbox"))],
    }


def _render_review(request, review, *, status=200, **forms):
    return render(request, "approvals/reviews/review.html", _review_context(request, review, **forms), status=status)


@login_required
def review_detail(request, pk):
    review = _review_or_404(request, pk, read_only=True)
    return _render_review(request, review)


def _staff_action(request, review, call, *, form, form_name, success):
    """Run a staff service call: form errors re-render, wrong state redirects with a message."""
    try:
        call()
    except WrongState as exc:
        return _wrong_state(request, exc, review)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        if form is None:
            messages.error(request, exc.message)
            return redirect("approvals:review", review.pk)
        form.add_error(None, exc.message)
        return _render_review(request, review, **{form_name: form})
    messages.success(request, success)
    return redirect("approvals:review", review.pk)


@require_POST
@login_required
def review_opinion(request, pk):
    review = _review_or_404(request, pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, review, opinion_form=form)
    return _staff_action(
        request, review,
        lambda: review_services.record_opinion(review, actor=request.user, opinion=form.cleaned_data["opinion"],
                                               proposed_decision=form.cleaned_data["proposed_decision"],
                                               request=request),
        form=form, form_name="opinion_form", success=_("Your opinion is saved for the chief representative."))


@require_POST
@login_required
def review_suspend(request, pk):
    review = _review_or_404(request, pk)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        return _render_review(request, review, suspend_form=form)
    data = form.cleaned_data
    return _staff_action(
        request, review,
        lambda: review_services.suspend(review, actor=request.user, kind=data["kind"], reason=data["reason"],
                                        expected_days=data["expected_days"], request=request),
        form=form, form_name="suspend_form",
        success=_("The review is suspended; its clock has stopped and the applicant is told why."))


@require_POST
@login_required
def review_resume(request, pk):
    review = _review_or_404(request, pk)
    return _staff_action(
        request, review, lambda: review_services.resume(review, actor=request.user, request=request),
        form=None, form_name="", success=_("The review is resumed; the due date has moved on by the paused working days."))


def _sign_one(request, review, otp):
    """Sign one decided review; a wrong code keeps the decision and asks for the current code."""
    try:
        review_services.sign([review], actor=request.user, otp=otp, request=request)
    except WrongState as exc:
        return _wrong_state(request, exc, review)
    except NotAllowed as exc:
        fresh = _review_or_404(request, review.pk)
        sign_form = SignForm({"otp": otp}, auto_id="sign_%s")
        sign_form.is_valid()
        sign_form.add_error("otp", exc.message)
        messages.warning(request, _("Your decision (%(decision)s) is recorded and waits for your signature. "
                                    "Nothing was signed: enter the current code to sign.")
                         % {"decision": fresh.get_decision_display()})
        return _render_review(request, fresh, sign_form=sign_form)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("approvals:review", review.pk)
    return _signed_next(request, review)


def _signed_next(request, review):
    """After a signature the chief sees the signed decision and, in the message and at the top of the page, the
    next review waiting for them (one click or the `n` key)."""
    following = review_queue.next_for(request.user, exclude=review)
    if following is None:
        messages.success(request, _("Decision signed. It can no longer change. Nothing else waits for you."))
    else:
        messages.success(request, _("Decision signed. It can no longer change. Next item: %(item)s of %(ref)s "
                                    "(press n).") % {"item": following.item.name,
                                                      "ref": following.application.reference})
    return redirect("approvals:review", review.pk)


@require_POST
@login_required
def review_decide(request, pk):
    """The chief decides and signs in one submit: the decision is recorded, then signed with the fresh code."""
    review = _review_or_404(request, pk)
    _require_chief(request, review)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _render_review(request, review, decide_form=form)
    data = form.cleaned_data
    try:
        if data["decision"] == Decision.APPROVE:
            review_services.approve(review, actor=request.user, reasons=data["reasons"], request=request)
        else:
            review_services.refuse(review, actor=request.user, reasons=data["reasons"],
                                   remedy_notice=data["remedy_notice"], request=request)
    except WrongState as exc:
        return _wrong_state(request, exc, review)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render_review(request, review, decide_form=form)
    return _sign_one(request, review, data["otp"])


@require_POST
@login_required
def review_sign(request, pk):
    """Sign a decision recorded earlier (e.g. after a wrong code)."""
    review = _review_or_404(request, pk)
    _require_chief(request, review)
    form = SignForm(request.POST, auto_id="sign_%s")
    if not form.is_valid():
        return _render_review(request, review, sign_form=form)
    return _sign_one(request, review, form.cleaned_data["otp"])


# --- signing several ----------------------------------------------------------------------------------------------
@login_required
def sign_batch(request):
    """The chief signs several decided reviews of the department with one code: all or nothing."""
    department = _my_department(request)
    if request.user.role != Role.CHIEF:
        raise PermissionDenied(_("Only the chief representative can sign decisions."))
    department_reviews = ItemReview.objects.filter(department=department)
    awaiting = list(department_reviews.filter(status__in=AWAITING_SIGNATURE)
                    .select_related("application__enterprise", "item", "decided_by")
                    .order_by("decided_at", "pk"))
    form = BatchSignForm(request.POST or None, queryset=department_reviews, auto_id="batch_%s")
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["reviews"])
        try:
            signed = review_services.sign(chosen, actor=request.user, otp=form.cleaned_data["otp"], request=request)
        except WrongState as exc:
            messages.error(request, exc.message + " " + _("Nothing was signed; the list below is up to date."))
            return redirect("approvals:sign_batch")
        except NotAllowed as exc:
            form.add_error("otp", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(n)d decisions signed with one code.") % {"n": len(signed)})
            return redirect("approvals:inbox")
    selected = set()
    if form.is_bound:
        selected = {str(v) for v in form.data.getlist("reviews")}
    for review in awaiting:
        review.selected = str(review.pk) in selected
    return render(request, "approvals/reviews/sign_batch.html", {
        **_batch_page(_("Sign several decisions"), _("Select to sign"), awaiting),
        "department": department, "form": form, "awaiting": awaiting,
    })


def _batch_page(title, select_label, rows) -> dict:
    """What the two batch pages (templates/approvals/reviews/_batch.html) have in common."""
    return {"page_title": title, "select_label": select_label, "rows": rows, "inbox_url": reverse("approvals:inbox"),
            "shortcuts": [("a", _("Tick or clear all reviews")), ("c", _("Go to the dynamic code")),
                          ("i", _("Back to the inbox"))]}


# --- deciding several as proposed --------------------------------------------------------------------------------
@login_required
def decide_batch(request):
    """The chief decides the ticked opinion-ready reviews as the staff proposed and signs them with one code:
    all or nothing (approvals.services.reviews.decide_as_proposed_and_sign)."""
    department = _my_department(request)
    if request.user.role != Role.CHIEF:
        raise PermissionDenied(_("Only the chief representative can decide and sign."))
    now = timezone.now()
    department_reviews = ItemReview.objects.filter(department=department)
    ready = list(department_reviews.opinion_ready()
                 .select_related("application__enterprise", "item", "stage", "opinion_by")
                 .order_by(F("due_at").asc(nulls_last=True), "pk"))
    form = BatchDecideForm(request.POST or None, queryset=department_reviews, auto_id="decide_%s")
    if request.method == "POST" and form.is_valid():
        try:
            done = review_services.decide_as_proposed_and_sign(
                list(form.cleaned_data["reviews"]), actor=request.user, otp=form.cleaned_data["otp"],
                request=request)
        except WrongState as exc:
            messages.error(request, exc.message + " " + _("The list below is up to date."))
            return redirect("approvals:decide_batch")
        except NotAllowed as exc:
            form.add_error("otp", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(n)d decisions made as proposed and signed with one code.")
                             % {"n": len(done)})
            return redirect("approvals:decide_batch")
    selected = {str(v) for v in form.data.getlist("reviews")} if form.is_bound else set()
    for review in ready:
        review.selected = str(review.pk) in selected
        review.clock = review_clock(review, now=now)
    return render(request, "approvals/reviews/decide_batch.html", {
        **_batch_page(_("Decide as proposed and sign"), _("Select"), ready),
        "department": department, "form": form, "ready": ready,
    })
