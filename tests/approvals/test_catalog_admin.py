"""Administrators maintain the catalog and packages in the admin; validation shows on the right field."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from approvals.models import FeeRule, ItemMaterial, Package, ServiceItem, StaffAssignment
from tests.factories.approvals import (
    DepartmentFactory,
    FormFieldFactory,
    MaterialTypeFactory,
    PackageFactory,
    ServiceItemFactory,
)
from tests.factories.portal import UserFactory, with_totp

pytestmark = pytest.mark.django_db

INLINE_PREFIXES = ("item_materials", "item_fields", "fee_rules")


@pytest.fixture
def admin_client(client):
    """A superuser's session that has passed its second factor (as the login view leaves it)."""
    user = UserFactory(admin=True)
    device = with_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def item_post(department, **overrides):
    data = {
        "code": "CG-XK-901", "name": "测试市政设施审批", "department": str(department.pk), "kind": "licence",
        "issues": "准予行政许可决定书", "active": "on",
        "legal_limit_days": "20", "promised_limit_days": "4",
        "fully_online": "on", "delivery_options": ["window", "electronic"],
        "commitment_text": "", "legal_basis": "", "conditions": "",
    }
    for prefix in INLINE_PREFIXES:
        data.update(management(prefix))
    data.update(overrides)
    return data


def form_errors(response, field):
    return response.context["adminform"].form.errors.get(field, [])


def test_promised_over_legal_is_a_field_error(admin_client):
    department = DepartmentFactory()
    response = admin_client.post(reverse("admin:approvals_serviceitem_add"),
                                 item_post(department, legal_limit_days="4", promised_limit_days="5"))

    assert response.status_code == 200
    errors = form_errors(response, "promised_limit_days")
    assert errors and "must not exceed the legal limit" in errors[0]
    assert "(5 working days)" in errors[0] and "(4 working days)" in errors[0]
    assert not ServiceItem.objects.exists()


def test_commitment_needs_its_text(admin_client):
    response = admin_client.post(reverse("admin:approvals_serviceitem_add"),
                                 item_post(DepartmentFactory(), commitment_allowed="on"))
    assert response.status_code == 200
    assert form_errors(response, "commitment_text")
    assert not ServiceItem.objects.exists()


def test_valid_item_with_materials_and_fee_rule_is_saved(admin_client):
    department = DepartmentFactory()
    material = MaterialTypeFactory(key="site_plan")
    area = FormFieldFactory(key="green_area_m2", decimal=True)
    data = item_post(department)
    data.update(management("item_materials", total=1))
    data.update({"item_materials-0-material_type": str(material.pk), "item_materials-0-required": "on",
                 "item_materials-0-copies": "1", "item_materials-0-note": ""})
    data.update(management("item_fields", total=1))
    data.update({"item_fields-0-field": str(area.pk), "item_fields-0-required": "on", "item_fields-0-order": "1"})
    data.update(management("fee_rules", total=1))
    data.update({"fee_rules-0-name": "绿化补偿费", "fee_rules-0-basis_field": str(area.pk),
                 "fee_rules-0-unit": "元/平方米", "fee_rules-0-min_rate": "20", "fee_rules-0-max_rate": "40",
                 "fee_rules-0-policy": "lower_bound", "fee_rules-0-legal_basis": ""})

    response = admin_client.post(reverse("admin:approvals_serviceitem_add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    item = ServiceItem.objects.get(code="CG-XK-901")
    assert item.delivery_options == ["window", "electronic"]
    assert ItemMaterial.objects.filter(item=item, material_type=material).exists()
    assert FeeRule.objects.get(item=item).basis_field == area


@pytest.mark.parametrize("rule, field, words", [
    ({"min_rate": "40", "max_rate": "20"}, "max_rate", "must not be below the minimum"),
    ({"basis": "text"}, "basis_field", "must come from a number field"),
])
def test_fee_rule_errors(admin_client, rule, field, words):
    text_field = FormFieldFactory(key="project_name")
    number_field = FormFieldFactory(key="green_area_m2", decimal=True)
    basis = text_field if rule.get("basis") == "text" else number_field
    data = item_post(DepartmentFactory())
    data.update(management("fee_rules", total=1))
    data.update({"fee_rules-0-name": "绿化补偿费", "fee_rules-0-basis_field": str(basis.pk),
                 "fee_rules-0-unit": "元/平方米", "fee_rules-0-min_rate": rule.get("min_rate", "20"),
                 "fee_rules-0-max_rate": rule.get("max_rate", "40"), "fee_rules-0-policy": "lower_bound"})

    response = admin_client.post(reverse("admin:approvals_serviceitem_add"), data)

    assert response.status_code == 200
    inline = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "fee_rules")
    errors = inline.formset.forms[0].errors.get(field, [])
    assert errors and words in errors[0]
    assert not ServiceItem.objects.exists()


def test_changelist_filters_and_search(admin_client):
    department = DepartmentFactory(name="区城市管理局")
    ServiceItemFactory(name="市政设施建设类审批", department=department, immediate=True)
    ServiceItemFactory(name="公共场所卫生许可", commitment=True)
    url = reverse("admin:approvals_serviceitem_changelist")

    response = admin_client.get(url, {"immediate__exact": "1"})
    assert response.status_code == 200
    assert [i.name for i in response.context["cl"].result_list] == ["市政设施建设类审批"]

    response = admin_client.get(url, {"q": "卫生"})
    assert [i.name for i in response.context["cl"].result_list] == ["公共场所卫生许可"]
    content = response.content.decode()
    assert "Legal limit" in content or "legal limit" in content


def stage_post(stages, **overrides):
    data = {"code": "test-package", "name": "测试一件事", "description": "", "joint": "on", "active": "on"}
    data.update(management("stages", total=len(stages)))
    data["stages-MIN_NUM_FORMS"] = "1"
    for i, (order, lead, items) in enumerate(stages):
        data.update({f"stages-{i}-order": str(order), f"stages-{i}-name": f"阶段{order}",
                     f"stages-{i}-lead_department": str(lead.pk), f"stages-{i}-promised_limit_days": "2",
                     f"stages-{i}-items": [str(item.pk) for item in items]})
    data.update(overrides)
    return data


def test_package_with_ordered_stages_is_saved(admin_client):
    lead = DepartmentFactory(name="区住房城乡建委")
    first, second = ServiceItemFactory(), ServiceItemFactory()

    response = admin_client.post(reverse("admin:approvals_package_add"),
                                 stage_post([(1, lead, [first]), (2, lead, [second])]))

    assert response.status_code == 302
    package = Package.objects.get(code="test-package")
    assert [(s.order, list(s.items.all())) for s in package.stages.order_by("order")] == [
        (1, [first]), (2, [second])]


def test_package_needs_a_stage_and_an_item_in_one_stage_only(admin_client):
    lead = DepartmentFactory()
    item = ServiceItemFactory()
    url = reverse("admin:approvals_package_add")

    response = admin_client.post(url, stage_post([]))
    assert response.status_code == 200 and not Package.objects.exists()

    response = admin_client.post(url, stage_post([(1, lead, [item]), (2, lead, [item])]))
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    assert "one stage of a package" in " ".join(inline.non_form_errors())
    assert not Package.objects.exists()


def test_package_changelist_counts_stages(admin_client):
    PackageFactory(name="施工许可阶段", stages=[[ServiceItemFactory()], [ServiceItemFactory()]])
    response = admin_client.get(reverse("admin:approvals_package_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_list[0]._stage_count == 2


def test_department_inline_refuses_non_department_roles(admin_client):
    department = DepartmentFactory()
    applicant = UserFactory(applicant=True)
    chief = UserFactory(chief=True)
    url = reverse("admin:approvals_department_change", args=[department.pk])
    data = {"code": department.code, "name": department.name, "short_name": "", "level": "district",
            "approval_section": department.approval_section, "window": "", "phone": ""}
    data.update(management("assignments", total=1))
    data.update({"assignments-0-user": str(applicant.pk), "assignments-0-title": "科员"})

    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not StaffAssignment.objects.exists()

    data["assignments-0-user"] = str(chief.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert StaffAssignment.objects.get().user == chief


def test_admin_without_second_factor_is_sent_to_login(client):
    client.force_login(UserFactory(admin=True))
    response = client.get(reverse("admin:approvals_serviceitem_changelist"))
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_seeded_catalog_pages_render(admin_client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from approvals.demo.loading import load_demo

    load_demo()
    item = ServiceItem.objects.get(code="CG-XK-002")
    response = admin_client.get(reverse("admin:approvals_serviceitem_change", args=[item.pk]))
    assert response.status_code == 200
    assert "城市园林绿化补偿费（草坪）" in response.content.decode()
    package = Package.objects.get(code="construction-permit")
    response = admin_client.get(reverse("admin:approvals_package_change", args=[package.pk]))
    assert response.status_code == 200
    assert "建筑工程施工许可证核发" in response.content.decode()
    for name in ["department", "materialtype", "formfield", "serviceitem", "package"]:
        assert admin_client.get(reverse(f"admin:approvals_{name}_changelist")).status_code == 200
