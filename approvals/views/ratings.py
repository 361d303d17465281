"""Pages of 好差评: the applicant's rating form and 待评价 list, the rectification cases (the department's work and
the complainant's rating of the fix), and the supervisors' pain points. Thin: every change is a service call; a
domain error becomes a message on the page (`acting`), never a 500."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from approvals.models import (
    Application, Criterion, PainPoint, RatingLevel, RectificationCase, RectificationOutcome, RectificationStatus,
    ServiceItem,
)
from approvals.services import pain_points, ratings, rectifications
from approvals.services.permissions import OVERSEEING_ROLES, works_for
from portal.errors import DomainError
from portal.models.users import Role

PAGE_SIZE = 25
BLANK = [("", gettext_lazy("— not rated —"))]


def acting(request, service, *, done: str) -> bool:
    """Run `service()`; its domain error is shown as a message. True when it succeeded."""
    try:
        service()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


# --- rating ---------------------------------------------------------------------------------------------------
class RatingForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("What you rate"))
    level = forms.ChoiceField(label=gettext_lazy("Your rating"), choices=RatingLevel.choices,
                              widget=forms.RadioSelect)
    overall = forms.ChoiceField(label=Criterion.OVERALL.label, choices=BLANK + RatingLevel.choices, required=False)
    efficiency = forms.ChoiceField(label=Criterion.EFFICIENCY.label, choices=BLANK + RatingLevel.choices,
                                   required=False)
    guide_accuracy = forms.ChoiceField(label=Criterion.GUIDE_ACCURACY.label, choices=BLANK + RatingLevel.choices,
                                       required=False)
    convenience = forms.ChoiceField(label=Criterion.CONVENIENCE.label, choices=BLANK + RatingLevel.choices,
                                    required=False)
    usability = forms.ChoiceField(label=Criterion.USABILITY.label, choices=BLANK + RatingLevel.choices,
                                  required=False)
    text = forms.CharField(label=gettext_lazy("Comment (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


def _targets(application):
    targets = []
    if not application.ratings.filter(item__isnull=True).exists():
        targets.append(("bundle", _("The whole application")))
    targets += [(item.code, item.name) for item in ratings.unrated_items(application).order_by("code")]
    return targets


@login_required
@require_http_methods(["GET", "POST"])
def rate_application(request, pk):
    application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
    if request.user.role != Role.APPLICANT:
        raise PermissionDenied(_("Only the applicant rates the service."))
    targets = _targets(application)
    form = RatingForm(request.POST or None, targets=targets)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            item = None if data["target"] == "bundle" else ServiceItem.objects.get(code=data["target"])
            if acting(request, lambda: ratings.rate(application, actor=request.user, level=data["level"], item=item,
                                                    criteria={k: data[k] for k in Criterion.values},
                                                    text=data["text"], request=request),
                      done=_("Thank you: your rating is recorded. It cannot be changed.")):
                return redirect("approvals:rate_application", application.pk)
        status = 400
    return render(request, "approvals/ratings/rate.html", {
        "application": application, "form": form, "targets": targets,
        "given": application.ratings.select_related("item").order_by("rated_at")}, status=status)


@require_safe  # read-only: a POST is refused (405)
@login_required
def awaiting_rating(request):
    """待评价: the applicant's decided applications not rated yet."""
    if request.user.role != Role.APPLICANT:
        raise PermissionDenied(_("Only the applicant rates the service."))
    qs = Application.objects.visible_to(request.user).awaiting_rating().order_by("-decided_at")
    return render(request, "approvals/ratings/awaiting.html",
                  {"page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))})


# --- rectification --------------------------------------------------------------------------------------------
class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(NoteForm):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=RectificationOutcome.choices)


class FixForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("How satisfied are you with the fix?"),
                              choices=RatingLevel.choices, widget=forms.RadioSelect)


@require_safe  # read-only: a POST is refused (405)
@login_required
def rectification_list(request):
    qs = (RectificationCase.objects.visible_to(request.user).with_light(timezone.now())
          .select_related("application__enterprise", "department", "rating__item").order_by("due_at", "pk"))
    status = request.GET.get("status")
    if status in RectificationStatus.values:
        qs = qs.filter(status=status)
    return render(request, "approvals/ratings/rectifications.html",
                  {"page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
                   "statuses": RectificationStatus.choices, "status": status})


@login_required
@require_http_methods(["GET", "POST"])
def rectification_detail(request, pk):
    case = get_object_or_404(RectificationCase.objects.visible_to(request.user).with_light(timezone.now())
                             .select_related("application__enterprise", "department", "rating__item"), pk=pk)
    user = request.user
    handles = user.role in (Role.STAFF, Role.CHIEF) and works_for(user, case.department)
    complainant = user.role == Role.APPLICANT and user.enterprise_id == case.application.enterprise_id
    action = request.POST.get("action")
    forms_ = {"call_back": NoteForm(prefix="cb"), "resolve": OutcomeForm(prefix="rs"),
              "recheck": NoteForm(prefix="rc"), "rate_fix": FixForm(prefix="fx")}
    status = 200
    if request.method == "POST":
        prefixes = {"call_back": "cb", "resolve": "rs", "recheck": "rc", "rate_fix": "fx"}
        form = None
        if action in prefixes:
            form = type(forms_[action])(request.POST, prefix=prefixes[action])
            forms_[action] = form
        else:  # bad input: a clear message and a 400, not a 404 that would pretend the case is not there
            messages.error(request, _("Choose one of the actions on this page."))
        if form is not None and form.is_valid():
            d = form.cleaned_data
            services = {
                "call_back": lambda: rectifications.call_back(case, actor=user, note=d["note"], request=request),
                "resolve": lambda: rectifications.resolve(case, actor=user, outcome=d["outcome"], note=d["note"],
                                                          request=request),
                "recheck": lambda: rectifications.recheck(case, actor=user, note=d["note"], request=request),
                "rate_fix": lambda: rectifications.rate_fix(case, actor=user, level=d["level"], request=request),
            }
            if acting(request, services[action], done=_("Recorded.")):
                return redirect("approvals:rectification", case.pk)
        status = 400
    S = RectificationStatus
    return render(request, "approvals/ratings/rectification.html", {
        "case": case, "forms": forms_, "handles": handles, "complainant": complainant,
        "can_call_back": handles and case.status == S.OPEN, "can_resolve": handles and case.status == S.CALLED_BACK,
        "can_recheck": (handles or user.role == Role.ADMIN) and case.status == S.RESOLVED,
        "can_rate_fix": complainant and case.status in (S.RESOLVED, S.RECHECKED) and not case.fix_level,
    }, status=status)


# --- pain points ----------------------------------------------------------------------------------------------
class FlagForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("What is the pain point?"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


def _require_overseer(request):
    if request.user.role not in OVERSEEING_ROLES:
        raise PermissionDenied(_("Pain points are kept by the supervisors and the administrators."))


@require_safe  # read-only: a POST is refused (405)
@login_required
def pain_point_list(request):
    _require_overseer(request)
    qs = (PainPoint.objects.visible_to(request.user).with_light(timezone.now())
          .select_related("application", "item", "flagged_by").order_by("status", "due_at", "pk"))
    return render(request, "approvals/ratings/pain_points.html",
                  {"page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))})


@login_required
@require_http_methods(["GET", "POST"])
def flag_pain_point(request):
    """?application=<id> or ?item=<code>: the subject; supervisors and leaders flag."""
    _require_overseer(request)
    application = item = None
    if request.GET.get("application", "").isdigit():
        application = get_object_or_404(Application.objects.visible_to(request.user), pk=request.GET["application"])
    elif request.GET.get("item"):
        item = get_object_or_404(ServiceItem, code=request.GET["item"])
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = {}

            def flag():
                created["point"] = pain_points.flag(actor=request.user, application=application, item=item,
                                                    description=form.cleaned_data["description"], request=request)

            if acting(request, flag, done=_("The pain point is flagged; the administrators will answer it.")):
                return redirect("approvals:pain_point", created["point"].pk)
        status = 400
    return render(request, "approvals/ratings/flag.html", {"form": form, "application": application, "item": item},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pain_point_detail(request, pk):
    _require_overseer(request)
    point = get_object_or_404(PainPoint.objects.visible_to(request.user).with_light(timezone.now())
                              .select_related("application", "item", "flagged_by", "answered_by"), pk=pk)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and acting(request, lambda: pain_points.answer(point, actor=request.user,
                                                                          text=form.cleaned_data["answer"],
                                                                          request=request),
                                      done=_("The answer is recorded.")):
            return redirect("approvals:pain_point", point.pk)
        status = 400
    return render(request, "approvals/ratings/pain_point.html", {
        "point": point, "form": form,
        "can_answer": request.user.role == Role.ADMIN and point.status == "open"}, status=status)
