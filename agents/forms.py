"""Forms of the agents pages: they check the shape of what was typed; the rules stay in agents.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agents.models import AuthorizationScope, DemandClass
from agents.models.demands import DemandCategory
from approvals.models import Package, ServiceItem
from portal.models import User
from portal.models.users import Role

ACCEPTED_UPLOADS = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
GOVERNMENT_SIDE = (Role.AGENT, Role.CLERK, Role.STAFF, Role.CHIEF, Role.LEADER)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.display_name
        if obj.role not in Role.values or str(Role(obj.role).label) in name:
            return name
        return f"{name} ({Role(obj.role).label})"


def agents():
    return User.objects.filter(role=Role.AGENT, is_active=True).order_by("username")


def owners():
    """Whoever can own a demand or a step: park agents, leaders and department people."""
    return User.objects.filter(role__in=GOVERNMENT_SIDE, is_active=True).order_by("role", "username")


# --- authorisations -----------------------------------------------------------------------------------------
class GrantForm(forms.Form):
    agent = PersonChoiceField(label=_("Service agent"), queryset=User.objects.none())
    scope = forms.ChoiceField(label=_("Scope"), choices=AuthorizationScope.choices, initial=AuthorizationScope.ALL,
                              widget=forms.RadioSelect)
    items = forms.ModelMultipleChoiceField(
        label=_("Items (when the scope is listed)"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=ServiceItem.objects.filter(active=True).order_by("code"))
    packages = forms.ModelMultipleChoiceField(
        label=_("Packages (when the scope is listed)"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Package.objects.filter(active=True).order_by("code"))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())
    power_of_attorney = forms.FileField(
        label=_("Signed power of attorney (PDF or scan)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_UPLOADS}),
        help_text=_("The letter signed and stamped by the company; PDF, PNG or JPEG."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.TextInput(attrs={"size": 40}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=255, required=False)


# --- stewardship --------------------------------------------------------------------------------------------
class ReassignForm(forms.Form):
    leader = PersonChoiceField(label=_("Responsible leader"), required=False,
                               queryset=User.objects.filter(role=Role.LEADER, is_active=True).order_by("username"))
    agent = PersonChoiceField(label=_("Service agent"), required=False, queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason for the change"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents()


# --- agency cases -------------------------------------------------------------------------------------------
class ReceiveCaseForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Company"), queryset=None)
    title = forms.CharField(label=_("The company's request"), max_length=200,
                            help_text=_("For example: get us the two certificates for plot 12."))
    description = forms.CharField(label=_("Details"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    materials_received = forms.CharField(label=_("Materials received (接件)"), required=False, max_length=2000,
                                         widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class LinkApplicationForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Application"), queryset=None)

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: f"{a.reference} {a.title}"


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What is being chased"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResultForm(forms.Form):
    result = forms.CharField(label=_("Result for the company"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


# --- demands ------------------------------------------------------------------------------------------------
class RaiseDemandForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Company"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Describe the problem"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(label=_("Category"), choices=DemandCategory.choices)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first().pk
            self.fields["enterprise"].empty_label = None


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Class (222 rule)"), choices=DemandClass.choices,
                                       widget=forms.RadioSelect)
    owner = PersonChoiceField(label=_("Owner (责任人)"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()


class ReclassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Correct class"), choices=DemandClass.choices)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=255)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.Form):
    plan = forms.CharField(label=_("Solution plan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    plan_due_date = forms.DateField(label=_("The plan is done by"), widget=DateInput())


class DemandFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    classification = forms.ChoiceField(label=_("Class"), required=False,
                                       choices=[("", _("All classes")), *DemandClass.choices])

    def __init__(self, *args, **kwargs):
        from agents.models import DemandStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), ("active", _("Not closed off")),
                                         *DemandStatus.choices]


# --- reports ------------------------------------------------------------------------------------------------
class ReportDatesForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput())
    week = forms.DateField(label=_("Week starting"), required=False, widget=DateInput(),
                           help_text=_("Any day of the week; it is counted from its Monday."))
    month = forms.CharField(label=_("Month"), required=False, max_length=7,
                            widget=forms.DateInput(attrs={"type": "month"}))
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean_month(self):
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            if not 1 <= month <= 12:
                raise ValueError
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None
        return year, month

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end must not be before the start."))
        return data


# --- projects -----------------------------------------------------------------------------------------------
class ProjectForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Company"), queryset=None)
    name = forms.CharField(label=_("Project"), max_length=200)
    plot = forms.CharField(label=_("Plot"), max_length=128, required=False)
    contract_signed_on = forms.DateField(label=_("Investment contract signed on"), required=False,
                                         widget=DateInput())
    owner = PersonChoiceField(label=_("Owner (service agent)"), queryset=User.objects.none())

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["owner"].queryset = agents()


class StepForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned"), required=False, widget=DateInput())
    done_on = forms.DateField(label=_("Done"), required=False, widget=DateInput())
    owner = PersonChoiceField(label=_("Owner"), required=False, queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()


MILESTONE_FIELDS = [
    ("land_supplied_on", _("Land supplied on")),
    ("land_handed_over_on", _("Land handed over on")),
    ("construction_started_on", _("Construction started on")),
]


class MilestoneForm(forms.Form):
    field = forms.ChoiceField(label=_("Milestone"), choices=MILESTONE_FIELDS)
    date = forms.DateField(label=_("Date"), widget=DateInput())
