"""Read-only catalog API: departments, items (with materials, fields and fee rules) and packages."""

import re
from urllib.parse import urlencode

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from approvals import catalog_cache
from approvals.api.serializers.common import choice_field
from approvals.models import (
    Department, FeeRule, FormField, ItemField, ItemMaterial, MaterialType, Package, PackageStage, ServiceItem,
)
from approvals.services.bundling import bundle_requirements
from approvals.services.material_rules import Provision


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "short_name", "level", "approval_section", "window", "phone"]


class MaterialTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialType
        fields = ["key", "name", "description", "issued_by_government", "max_pages"]


class FormFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormField
        fields = ["key", "label", "field_type", "help_text", "min_value", "max_value", "choices", "unit"]


class ItemMaterialSerializer(serializers.ModelSerializer):
    material_type = MaterialTypeSerializer()

    class Meta:
        model = ItemMaterial
        fields = ["material_type", "required", "copies", "note", "after_commitment"]


class ItemFieldSerializer(serializers.ModelSerializer):
    field = FormFieldSerializer()

    class Meta:
        model = ItemField
        fields = ["field", "required", "order"]


class FeeRuleSerializer(serializers.ModelSerializer):
    basis_field = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = FeeRule
        fields = ["name", "basis_field", "unit", "min_rate", "max_rate", "policy", "legal_basis"]


class ServiceItemSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    issued_material = serializers.SlugRelatedField(
        slug_field="key", read_only=True, allow_null=True,
        help_text="Key of the material type this item issues: a bundle containing it never asks for it.")
    materials = ItemMaterialSerializer(source="item_materials", many=True, read_only=True)
    form_fields = ItemFieldSerializer(source="item_fields", many=True, read_only=True)
    fee_rules = FeeRuleSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceItem
        fields = [
            "code", "name", "department", "kind", "legal_limit_days", "promised_limit_days", "immediate",
            "commitment_allowed", "commitment_text", "fully_online", "delivery_options", "issues", "issued_material",
            "legal_basis", "conditions", "materials", "form_fields", "fee_rules",
        ]


class PackageStageSerializer(serializers.ModelSerializer):
    lead_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = PackageStage
        fields = ["order", "name", "lead_department", "promised_limit_days", "items"]


class PackageSerializer(serializers.ModelSerializer):
    stages = PackageStageSerializer(many=True, read_only=True)

    class Meta:
        model = Package
        fields = ["code", "name", "description", "joint", "stages"]


class ItemCodesMixin:
    """`items` as the codes of the items a bundled field or material serves."""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_items(self, bundled):
        return [item.code for item in bundled.items]


class BundledMaterialSerializer(ItemCodesMixin, serializers.Serializer):
    material_type = MaterialTypeSerializer()
    required = serializers.BooleanField()
    copies = serializers.IntegerField()
    held_by_government = serializers.BooleanField()
    provision = choice_field(
        Provision, source="catalog_provision", read_only=True,
        help_text="`submit`: the applicant provides it; `held_by_government`: attached from the company's records "
                  "or verified internally by the reviewing department; `issued_in_bundle`: an item of this "
                  "bundle issues it. Neither of the last two is ever asked of the applicant.")
    issued_by = serializers.SerializerMethodField(help_text="Codes of the bundle's items that issue it.")
    after_commitment = serializers.SerializerMethodField(
        help_text="Codes of the items that let it follow a signed commitment (告知承诺).")
    items = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_issued_by(self, bundled):
        return [item.code for item in bundled.issued_by]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_after_commitment(self, bundled):
        return [item.code for item in bundled.after_commitment_items]


class BundledFieldSerializer(ItemCodesMixin, serializers.Serializer):
    field = FormFieldSerializer()
    required = serializers.BooleanField()
    items = serializers.SerializerMethodField()


class RequirementsSerializer(serializers.Serializer):
    form_fields = BundledFieldSerializer(source="fields", many=True)
    materials = BundledMaterialSerializer(many=True)
    fields_item_by_item = serializers.IntegerField()
    materials_item_by_item = serializers.IntegerField()
    fields_saved = serializers.IntegerField()
    materials_saved = serializers.IntegerField()


# List and detail answers served from the catalog cache (approvals/catalog_cache.py): the same for everybody,
# rebuilt after any edit of the catalog. A 404 is raised, never cached. Only the plain questions are cached: the
# path with at most a department code, a kind and a page number. Anything else (a text search, parameters the view
# does not read) is answered live, so that nobody can fill the shared cache with answers to made-up URLs. (A
# comment, not a docstring: the OpenAPI schema would take it as every catalog operation's description.)
_CACHED_PARAMS = {"department": re.compile(r"[A-Za-z0-9_-]{1,32}"), "kind": re.compile(r"[a-z_]{1,16}"),
                  "page": re.compile(r"[1-9][0-9]{0,3}")}


def _cache_name(request) -> str | None:
    """The cache name of a plain catalog question, or None when it must be answered live."""
    pairs = []
    for key in request.GET:
        pattern = _CACHED_PARAMS.get(key)
        values = request.GET.getlist(key)
        if pattern is None or len(values) != 1 or not pattern.fullmatch(values[0]):
            return None
        pairs.append((key, values[0]))
    return request.path + "?" + urlencode(sorted(pairs))


class CachedCatalogMixin:

    def _answer(self, request, build):
        name = _cache_name(request)
        return Response(build() if name is None else catalog_cache.cached(name, build))

    def list(self, request, *args, **kwargs):
        return self._answer(request, lambda: super(CachedCatalogMixin, self).list(request, *args, **kwargs).data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(request,
                            lambda: super(CachedCatalogMixin, self).retrieve(request, *args, **kwargs).data)


class DepartmentViewSet(CachedCatalogMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = DepartmentSerializer
    queryset = Department.objects.all()
    lookup_field = "code"


@extend_schema(parameters=[
    OpenApiParameter("department", str, description="department code"),
    OpenApiParameter("kind", str, enum=["licence", "filing", "other"]),
    OpenApiParameter("q", str, description="text in the name or code"),
])
class ServiceItemViewSet(CachedCatalogMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = ServiceItemSerializer
    lookup_field = "code"

    def get_queryset(self):
        qs = (ServiceItem.objects.filter(active=True).select_related("department", "issued_material")
              .prefetch_related(Prefetch("item_materials", ItemMaterial.objects.select_related("material_type")),
                                Prefetch("item_fields", ItemField.objects.select_related("field")),
                                Prefetch("fee_rules", FeeRule.objects.select_related("basis_field"))))
        params = self.request.query_params
        if params.get("department"):
            qs = qs.filter(department__code=params["department"])
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        if params.get("q"):
            qs = qs.filter(name__icontains=params["q"]) | qs.filter(code__icontains=params["q"])
        return qs


class PackageViewSet(CachedCatalogMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = PackageSerializer
    lookup_field = "code"
    queryset = Package.objects.filter(active=True).prefetch_related(
        Prefetch("stages", PackageStage.objects.select_related("lead_department").prefetch_related("items"))
    )

    @extend_schema(responses=RequirementsSerializer)
    @action(detail=True)
    def requirements(self, request, code=None):
        """The one form and one set of materials of the package, and what bundling saves."""
        package = self.get_object()
        items = [item for stage in package.stages.all() for item in stage.items.all()]
        return Response(RequirementsSerializer(bundle_requirements(items)).data)
