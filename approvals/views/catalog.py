"""Public catalog pages: items, packages and the one-time notice of what is needed (一次性告知)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from approvals.forms import CatalogFilterForm
from approvals.models import Package, ServiceItem
from approvals.services.bundling import bundle_requirements

FEATURE_FILTERS = {
    "immediate": Q(immediate=True),
    "commitment": Q(commitment_allowed=True),
    "online": Q(fully_online=True),
}


def item_list(request):
    form = CatalogFilterForm(request.GET or None)
    items = ServiceItem.objects.filter(active=True).select_related("department")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        if data["department"]:
            items = items.filter(department=data["department"])
        if data["kind"]:
            items = items.filter(kind=data["kind"])
        if data["feature"]:
            items = items.filter(FEATURE_FILTERS[data["feature"]])
    return render(request, "approvals/catalog.html", {"form": form, "items": items})


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
