"""The park's agency layer built through its services: authorisations, demands in a named state, projects.

    authorise(enterprise, agent, ...)        an authorisation granted by a member of the company (grant())
    authorise_around_today(enterprise, agent, ...)   the same, valid around today (for pages and the API)
    raised_demand(cat, ...)                  on the list, waiting for a class
    open_demand(cat, classification, ...)    classified, the 222 clock running from `now`
    certificate_items(departments)           GH-XK-001 / GH-XK-002 / GH-DJ-001 (not in make_catalog)
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from agents.models import AuthorizationScope
from agents.services import authorizations, demands
from approvals.models import ItemField, ItemMaterial
from tests.factories.applications import DEFAULT_NOW, frozen, pdf_upload, reload
from tests.factories.approvals import PackageFactory, ServiceItemFactory
from tests.factories.portal import UserFactory


def power_of_attorney(salt: str = "poa"):
    return pdf_upload(1, "委托书.pdf", salt=salt)


def authorise(enterprise, agent, *, by=None, scope=AuthorizationScope.ALL, items=(), packages=(),
              valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31), now=DEFAULT_NOW):
    """`agent` authorised by a member of `enterprise` (one is created when `by` is not given)."""
    by = by or UserFactory(role="applicant", enterprise=enterprise)
    with frozen(now):
        return authorizations.grant(actor=by, enterprise=enterprise, agent=agent, scope=scope, items=items,
                                    packages=packages, valid_from=valid_from, valid_until=valid_until,
                                    power_of_attorney=power_of_attorney(f"{agent.pk}-{valid_from}"), now=now)


def authorise_around_today(enterprise, agent, **kwargs):
    """An authorisation valid from a month ago for a year: the pages and the API run on the real clock."""
    today = timezone.localdate()
    kwargs.setdefault("valid_from", today - timedelta(days=30))
    kwargs.setdefault("valid_until", today + timedelta(days=365))
    return authorise(enterprise, agent, now=timezone.now(), **kwargs)


def raised_demand(cat, *, actor=None, title="园区道路积水", text="厂区门口道路雨后积水，影响货车进出。",
                  category="utilities", now=DEFAULT_NOW, **kwargs):
    with frozen(now):
        return demands.raise_demand(actor=actor or cat.applicant, enterprise=cat.enterprise, title=title,
                                    text=text, category=category, now=now, **kwargs)


def open_demand(cat, classification="small", *, owner, by=None, now=DEFAULT_NOW, **kwargs):
    """Raised and classified at `now` (the clock runs from `now`)."""
    demand = raised_demand(cat, now=now, **kwargs)
    with frozen(now):
        demands.classify(demand, actor=by or owner, classification=classification, owner=owner, now=now)
    return reload(demand)


def certificate_items(department):
    """The three certificates of 交地即交证, as one-day items of `department`, and a package with the three."""
    items = [
        ServiceItemFactory(code="GH-XK-001", name="建设用地规划许可证核发", department=department,
                           promised_limit_days=1),
        ServiceItemFactory(code="GH-XK-002", name="建设工程规划许可证核发", department=department,
                           promised_limit_days=1),
        ServiceItemFactory(code="GH-DJ-001", name="国有建设用地使用权首次登记", department=department,
                           promised_limit_days=1),
    ]
    return items


def link_fields(items, fields: dict, materials: dict):
    """Give `items` the catalog's project_name field and site_plan material (so a draft can be completed)."""
    for item in items:
        ItemField.objects.get_or_create(item=item, field=fields["project_name"], defaults={"order": 1})
        ItemMaterial.objects.get_or_create(item=item, material_type=materials["site_plan"])


def certificate_package(department, items):
    return PackageFactory(code="tst-handover", name="交地即办证", joint=False, stages=[items],
                          stages__limit=1, stages__lead=department)
