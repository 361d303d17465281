"""What a bundle of items asks for: one form and one set of materials (一张表申请、一次性办理).

Fields and materials are merged by canonical key, so a field or material shared by several items is asked
once. The counts item by item versus bundled are what the applicant saves. A material the government holds, or
one an item of the same bundle issues, is never asked for (the rule, per company: services/material_rules.py).
"""

from dataclasses import dataclass, field

from approvals import catalog_cache
from approvals.models import ItemField, ItemMaterial, ServiceItem


@dataclass
class BundledField:
    field: object  # FormField
    required: bool
    items: list = field(default_factory=list)


@dataclass(frozen=True)
class MaterialLink:
    """One item's need of a material, as the catalog states it."""

    item: object  # ServiceItem
    required: bool
    after_commitment: bool


@dataclass
class BundledMaterial:
    material_type: object  # MaterialType
    required: bool
    copies: int
    notes: list = field(default_factory=list)
    items: list = field(default_factory=list)
    links: list = field(default_factory=list)  # MaterialLink per item
    issued_by: list = field(default_factory=list)  # the items of this bundle that issue it

    @property
    def held_by_government(self) -> bool:
        return self.material_type.issued_by_government

    @property
    def issued_in_bundle(self) -> bool:
        return bool(self.issued_by)

    @property
    def never_asked(self) -> bool:
        """Held by the government or issued within this bundle: never asked of the applicant."""
        return self.held_by_government or self.issued_in_bundle

    @property
    def catalog_provision(self) -> str:
        """How it is provided before the company is known (material_rules.catalog_provision)."""
        from approvals.services.material_rules import catalog_provision

        return catalog_provision(self)

    @property
    def after_commitment_items(self) -> list:
        """The items that let this material follow their signed commitment (告知承诺)."""
        return [link.item for link in self.links if link.after_commitment and link.item.commitment_allowed]

    def required_before_submission(self, committed_item_ids) -> bool:
        """Required by some item that does not let it follow a commitment signed for it."""
        return any(link.required and not (link.after_commitment and link.item.commitment_allowed
                                          and link.item.pk in committed_item_ids)
                   for link in self.links)


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
        return [m for m in self.materials if not m.never_asked]

    @property
    def materials_saved(self) -> int:
        return self.materials_item_by_item - len(self.materials_to_submit)

    @property
    def promised_days_max(self) -> int:
        return max((i.promised_limit_days for i in self.items), default=0)


def bundle_requirements(items) -> BundleRequirements:
    """Merge the fields and materials of `items` (ServiceItem objects or ids).

    Catalog data only, so it is kept in the catalog cache per set of items (approvals.catalog_cache: any edit of
    an item, field, material or their links writes a new version): an application's pages, its API detail, its
    submission and its documents ask for the same bundle many times, and each answer used to cost three queries.
    Every caller gets its own copy (unpickled from the cache), so nobody can change another's."""
    ids = sorted({getattr(i, "pk", i) for i in items})
    return catalog_cache.cached("bundle:" + ",".join(str(pk) for pk in ids), lambda: _merged(ids),
                                timeout=BUNDLE_TIMEOUT)


BUNDLE_TIMEOUT = 3600  # drafts choose their own sets of items: entries of unused sets just expire


def _merged(ids) -> BundleRequirements:
    """The merge itself (three queries)."""
    items = list(ServiceItem.objects.filter(pk__in=ids).select_related("department")
                 .order_by("department__code", "code"))
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
        merged.links.append(MaterialLink(item=by_id[link.item_id], required=link.required,
                                         after_commitment=link.after_commitment))
    for merged in materials.values():
        merged.issued_by = [i for i in items if i.issued_material_id == merged.material_type.pk]

    return BundleRequirements(
        items=items,
        fields=list(fields.values()),
        materials=sorted(materials.values(), key=lambda m: (m.never_asked, m.material_type.key)),
        fields_item_by_item=item_field_count,
        materials_item_by_item=item_material_count,
    )
