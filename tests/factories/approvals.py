"""Factories for departments, the item catalog and packages."""

from decimal import Decimal

import factory

from approvals.models import (
    Department,
    FeeRule,
    FieldType,
    FormField,
    ItemField,
    ItemKind,
    ItemMaterial,
    MaterialType,
    Package,
    PackageStage,
    ServiceItem,
    StaffAssignment,
)
from approvals.models.catalog import FeePolicy


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"区测试局{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    approval_section = factory.LazyAttribute(lambda o: f"{o.name}行政审批科")
    window = "综合受理窗口"


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory("tests.factories.portal.UserFactory", staff=True)
    department = factory.SubFactory(DepartmentFactory)
    title = "审批科工作人员"


class MaterialTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialType
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"material_{n}")
    name = factory.Sequence(lambda n: f"测试材料{n}")

    class Params:
        government = factory.Trait(issued_by_government=True)


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"测试字段{n}")
    field_type = FieldType.TEXT

    class Params:
        decimal = factory.Trait(field_type=FieldType.DECIMAL, min_value=Decimal("0"))
        integer = factory.Trait(field_type=FieldType.INTEGER, min_value=Decimal("0"))


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem
        django_get_or_create = ("code",)
        skip_postgeneration_save = True
        # The trait `immediate` sets the model field `immediate` through this alias (a trait cannot set a
        # field of its own name).
        rename = {"is_immediate": "immediate"}

    code = factory.Sequence(lambda n: f"T-XK-{n:03d}")
    name = factory.Sequence(lambda n: f"测试审批事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    kind = ItemKind.LICENCE
    legal_limit_days = 20
    promised_limit_days = 5
    delivery_options = factory.LazyFunction(lambda: ["window", "electronic"])
    issues = "准予行政许可决定书"
    is_immediate = False

    class Params:
        immediate = factory.Trait(is_immediate=True, promised_limit_days=0)
        commitment = factory.Trait(
            commitment_allowed=True,
            commitment_text="本单位承诺符合许可条件，所提交材料真实有效，如有不实自愿承担法律责任。",
        )
        filing = factory.Trait(kind=ItemKind.FILING, legal_limit_days=5, promised_limit_days=1)

    @factory.post_generation
    def materials(self, create, extracted, **kwargs):
        """`materials=[MaterialType, ...]` links them as required materials."""
        if create and extracted:
            for material in extracted:
                ItemMaterial.objects.get_or_create(item=self, material_type=material)

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        """`fields=[FormField, ...]` links them in that order as required fields."""
        if create and extracted:
            for order, form_field in enumerate(extracted, start=1):
                ItemField.objects.get_or_create(item=self, field=form_field, defaults={"order": order})


class ItemMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemMaterial

    item = factory.SubFactory(ServiceItemFactory)
    material_type = factory.SubFactory(MaterialTypeFactory)


class ItemFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemField

    item = factory.SubFactory(ServiceItemFactory)
    field = factory.SubFactory(FormFieldFactory)


class FeeRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeRule

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"测试收费{n}")
    basis_field = factory.SubFactory(FormFieldFactory, decimal=True)
    unit = "元/平方米"
    min_rate = Decimal("20.00")
    max_rate = Decimal("40.00")
    policy = FeePolicy.LOWER_BOUND

    class Params:
        flat = factory.Trait(basis_field=None, unit="元/件")


class PackageFactory(factory.django.DjangoModelFactory):
    """A package. `stages=[[item, ...], [item, ...]]` adds one stage per list (default: one stage with one
    new item); `stages__limit=3` sets each stage's promised limit (default 2) and `stages__lead=department`
    its lead department (default: the department of the stage's first item)."""

    class Meta:
        model = Package
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"package-{n}")
    name = factory.Sequence(lambda n: f"测试一件事{n}")
    joint = True

    @factory.post_generation
    def stages(self, create, extracted, limit=2, lead=None, **kwargs):
        if not create:
            return
        groups = extracted if extracted is not None else [[ServiceItemFactory()]]
        for order, items in enumerate(groups, start=1):
            PackageStageFactory(package=self, order=order, items=items,
                                lead_department=lead or items[0].department, promised_limit_days=limit)


class PackageStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackageStage
        skip_postgeneration_save = True

    package = factory.SubFactory(PackageFactory, stages=[])
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"测试阶段{n}")
    lead_department = factory.SubFactory(DepartmentFactory)
    promised_limit_days = 2

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.items.set(extracted)
