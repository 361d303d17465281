"""Forms of the approvals package."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import Department, ItemKind
from portal.widgets import OptionsSelect


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Item name or code")}))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), required=False,
                                        widget=OptionsSelect,
                                        to_field_name="code", empty_label=_("All departments"))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *ItemKind.choices])
    feature = forms.ChoiceField(label=_("Feature"), required=False, choices=[
        ("", _("Any")),
        ("immediate", _("Handled immediately (即办)")),
        ("commitment", _("Commitment allowed (告知承诺)")),
        ("online", _("Fully online")),
    ])
