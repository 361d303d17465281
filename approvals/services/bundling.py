"""What a bundle of items asks for: one form and one set of materials (一张表申请、一次性办理).

Fields and materials are merged by canonical key, so a field or material shared by several items is asked
once. The counts item by item versus bundled are what the applicant saves.
"""

from dataclasses import dataclass, field

from approvals.models import ItemField, ItemMaterial, ServiceItem


@dataclass
class BundledField:
    field: object  # FormField
    required: bool
    items: list = field(default_factory=list)


@dataclass
class BundledMaterial:
    material_type: object  # MaterialType
    required: bool
    copies: int
    notes: list = field(default_factory=list)
    items: list = field(default_factory=list)

    @property
    def held_by_government(self) -> bool:
        return self.material_type.issued_by_government


@dataclass
class BundleRequirements:
    items: list
    fields: list
    materials: list
    fields_item_by_item: int
    materials_item_by_item: int

    @property
    def fields_saved(self) -> int:
        return self.fields_item_by_item - len(self.fields)

    @property
    def materials_to_submit(self) -> list:
        return [m for m in self.materials if not m.held_by_government]

    @property
    def materials_saved(self) -> int:
        return self.materials_item_by_item - len(self.materials_to_submit)

    @property
    def promised_days_max(self) -> int:
        return max((i.promised_limit_days for i in self.items), default=0)


def bundle_requirements(items) -> BundleRequirements:
    """Merge the fields and materials of `items` (ServiceItem objects or ids), two queries in all."""
    items = list(ServiceItem.objects.filter(pk__in=[getattr(i, "pk", i) for i in items])
                 .select_related("department").order_by("department__code", "code"))
    ids = [i.pk for i in items]
    by_id = {i.pk: i for i in items}

    fields: dict[str, BundledField] = {}
    item_field_count = 0
    for link in ItemField.objects.filter(item_id__in=ids).select_related("field").order_by("order", "id"):
        item_field_count += 1
        merged = fields.setdefault(link.field.key, BundledField(field=link.field, required=False))
        merged.required = merged.required or link.required
        merged.items.append(by_id[link.item_id])

    materials: dict[str, BundledMaterial] = {}
    item_material_count = 0
    for link in (ItemMaterial.objects.filter(item_id__in=ids).select_related("material_type")
                 .order_by("material_type__key")):
        item_material_count += 1
        merged = materials.setdefault(
            link.material_type.key,
            BundledMaterial(material_type=link.material_type, required=False, copies=0),
        )
        merged.required = merged.required or link.required
        merged.copies = max(merged.copies, link.copies)
        if link.note:
            merged.notes.append(link.note)
        merged.items.append(by_id[link.item_id])

    return BundleRequirements(
        items=items,
        fields=list(fields.values()),
        materials=sorted(materials.values(), key=lambda m: (m.held_by_government, m.material_type.key)),
        fields_item_by_item=item_field_count,
        materials_item_by_item=item_material_count,
    )
