"""Public catalog pages: items, packages and the one-time notice of what is needed (一次性告知)."""

from urllib.parse import urlencode

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from approvals import catalog_cache
from approvals.forms import CatalogFilterForm
from approvals.models import Package, ServiceItem
from approvals.services.bundling import bundle_requirements

FEATURE_FILTERS = {
    "immediate": Q(immediate=True),
    "commitment": Q(commitment_allowed=True),
    "online": Q(fully_online=True),
}


def item_list(request):
    """The catalog. Its body is the same for everybody: for the plain questions (no text search; a valid
    department, kind or feature) it is rendered once per catalog version and language (approvals.catalog_cache),
    so the page costs no query; a search, or an invalid filter with its error, is rendered live."""
    form = CatalogFilterForm(request.GET or None)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    if form.is_bound and (not valid or data["q"]):
        return render(request, "approvals/catalog.html", {"content": _catalog_content(form, data)})
    department = data.get("department")
    name = "page:catalog?" + urlencode({"department": department.code if department else "",
                                        "kind": data.get("kind") or "", "feature": data.get("feature") or ""})
    return render(request, "approvals/catalog.html",
                  {"content": mark_safe(catalog_cache.cached(name, lambda: str(_catalog_content(form, data))))})


def _catalog_content(form, data):
    items = ServiceItem.objects.filter(active=True).select_related("department")
    if data.get("q"):
        items = items.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
    if data.get("department"):
        items = items.filter(department=data["department"])
    if data.get("kind"):
        items = items.filter(kind=data["kind"])
    if data.get("feature"):
        items = items.filter(FEATURE_FILTERS[data["feature"]])
    return render_to_string("approvals/_catalog_content.html", {"form": form, "items": items})


def item_detail(request, code):
    item = get_object_or_404(ServiceItem.objects.select_related("department"), code=code, active=True)
    requirements = bundle_requirements([item])
    return render(request, "approvals/item_detail.html", {
        "item": item,
        "requirements": requirements,
        "fee_rules": item.fee_rules.select_related("basis_field"),
        "packages": Package.objects.filter(stages__items=item, active=True).distinct(),
    })


def package_list(request):
    packages = Package.objects.filter(active=True).prefetch_related("stages__items", "stages__lead_department")
    return render(request, "approvals/packages.html", {"packages": packages})


def package_detail(request, code):
    package = get_object_or_404(Package, code=code, active=True)
    stages = package.stages.select_related("lead_department").prefetch_related("items__department")
    items = [item for stage in stages for item in stage.items.all()]
    return render(request, "approvals/package_detail.html", {
        "package": package,
        "stages": stages,
        "requirements": bundle_requirements(items),
    })
