"""OptionsSelect renders exactly what Django's Select renders (its templates), only cheaper."""

import pytest
from django import forms

from portal.widgets import OptionsSelect

CHOICES = [("", "全部部门"), ("cgj", "城管局 <总局> & “分局”"), ("zjw", "住建委"), (3, "三")]
GROUPED = [("", "Any"), ("Lights", [("red", "Red"), ("yellow", "Yellow")]), ("Other", [("done", "Done")])]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", [None, "", "cgj", 3, "yellow"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_department", "aria-describedby": "x y", "required": True,
                                          "disabled": False, "data-x": 'a"b'}])
def test_options_select_renders_like_djangos_select(choices, value, attrs):
    ours = OptionsSelect(choices=choices).render("department", value, attrs=attrs)
    djangos = forms.Select(choices=choices).render("department", value, attrs=attrs)
    assert str(ours) == str(djangos)


def test_a_model_choice_field_renders_alike(db):
    from approvals.models import Department
    from tests.factories.approvals import DepartmentFactory

    for code in ("b", "a", "c"):
        DepartmentFactory(code=code)

    def form(widget):
        class F(forms.Form):
            department = forms.ModelChoiceField(queryset=Department.objects.order_by("code"), to_field_name="code",
                                                required=False, widget=widget, empty_label="All")
        return F({"department": "b"})

    assert str(form(OptionsSelect)["department"]) == str(form(forms.Select)["department"])
    assert 'value="b" selected' in str(form(OptionsSelect)["department"])
