"""Forms of the department review pages: inbox filters, staff opinion, pause, the chief's decision and
signature, batch signing, and the leader's extension. Forms check shape only; the services apply the rules."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from approvals.lights import URGENCY, Light
from approvals.models import AfterCheckOutcome, Decision, PauseKind, ReviewStatus
from approvals.services.reviews import DEFAULT_REMEDY_NOTICE, MAX_JOINT_EXTENSION_DAYS

OPEN = "open"
ALL = "all"
OPINION_READY = "opinion_ready"  # 拟办意见已出: ItemReview.objects.opinion_ready()

STATUS_FILTERS = [
    (OPEN, _("Open (not yet signed)")),
    (OPINION_READY, _("Opinion ready")),
    (ALL, _("All")),
    *ReviewStatus.choices,
]
# Every light, the most urgent first; a review that waits, waits for its stage to open.
LIGHT_CHOICES = [(light.value, _("Waiting for its stage") if light == Light.WAITING else light.label)
                 for light in URGENCY]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTERS)
    light = forms.ChoiceField(label=_("Light"), required=False, choices=[("", _("Any light")), *LIGHT_CHOICES])
    q = forms.CharField(label=_("Search"), required=False, max_length=64,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Reference or enterprise")}))


class OTPInput(forms.TextInput):
    """A one-time code is never written back into the page."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class OTPField(forms.CharField):
    """The 6-digit dynamic code of the authenticator app, entered fresh for each signature."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Dynamic code for this signature"))
        kwargs.setdefault("help_text", _("The current 6-digit code from your authenticator app. A code can be "
                                         "used only once: wait for the next code if you have just used one. "
                                         "After a wrong code, wait a few seconds before the next try."))
        kwargs.setdefault("widget", OTPInput)
        super().__init__(min_length=6, max_length=6, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}",
                                  "size": "8", "class": "otp-input",
                                  "data-shortcut": "c"})

    def clean(self, value):
        value = (value or "").strip().replace(" ", "")
        value = super().clean(value)
        if value and not value.isdigit():
            raise forms.ValidationError(_("The dynamic code has 6 digits."))
        return value


class OpinionForm(forms.Form):
    proposed_decision = forms.ChoiceField(label=_("Proposed decision"), choices=Decision.choices,
                                          widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion for the chief representative"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 5}))


class SuspendForm(forms.Form):
    kind = forms.ChoiceField(label=_("Why the clock stops"), choices=PauseKind.choices)
    reason = forms.CharField(label=_("Reason told to the applicant"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    expected_days = forms.IntegerField(label=_("Expected length (working days)"), min_value=1, max_value=120,
                                       help_text=_("Told to the applicant in writing (Art. 45)."))


class DecideForm(forms.Form):
    """Decide and sign in one submit: the decision is recorded first, then signed with the fresh code."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Required for a refusal (Art. 38)."))
    remedy_notice = forms.CharField(label=_("Notice of the right to reconsideration or litigation"),
                                    required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Part of a refusal (Art. 38). You may edit the standard text."))
    otp = OTPField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("remedy_notice", str(DEFAULT_REMEDY_NOTICE))
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REFUSE and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("A refusal must state its reasons (Art. 38)."))
        return data


class SignForm(forms.Form):
    otp = OTPField()


class BatchSignForm(forms.Form):
    reviews = forms.ModelMultipleChoiceField(label=_("Decisions to sign"), queryset=None,
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": _("Choose at least one decision to sign.")})
    otp = OTPField()

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = queryset


class BatchDecideForm(forms.Form):
    """Decide the ticked opinion-ready reviews as the staff proposed and sign them with one code."""

    reviews = forms.ModelMultipleChoiceField(
        label=_("Reviews to decide as proposed and sign"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one review to decide and sign.")})
    otp = OTPField()

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = queryset


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Extension (working days)"), min_value=1, max_value=MAX_JOINT_EXTENSION_DAYS)
    reason = forms.CharField(label=_("Reason told to the applicant"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, max_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].validators.append(MaxValueValidator(max_days))
        self.fields["days"].widget.attrs["max"] = max_days
        self.fields["days"].help_text = _("At most %(n)d working days for this review.") % {"n": max_days}


# --- the after-check of commitments (事后核查) ------------------------------------------------------------------
AFTER_CHECK_STATES = [
    (OPEN, _("Open (no outcome yet)")),
    ("done", _("Done")),
    (ALL, _("All")),
]
AFTER_CHECK_LIGHTS = [(Light.RED, _("Red: overdue")), (Light.YELLOW, _("Yellow: due soon")),
                      (Light.GREEN, _("Green: on time")), (Light.DONE, _("Done"))]


class AfterCheckFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), required=False, choices=AFTER_CHECK_STATES)
    light = forms.ChoiceField(label=_("Light"), required=False,
                              choices=[("", _("Any light")), *AFTER_CHECK_LIGHTS])


class AfterCheckOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the after-check"), choices=AfterCheckOutcome.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("Findings"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required for a false commitment: the applicant reads it as the reason "
                                       "the decision is revoked."))
