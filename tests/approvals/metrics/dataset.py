"""A hand-built data set with known figures (docs/metrics.md works through the same numbers).

Catalog: A1 (department A, licence, legal 20, promised 4, fully online, one required material), A2 (A, filing,
legal 10, promised 0, immediate, not online, no material), B1 (B, licence, legal 20, promised 6, online, none).
Applications of one enterprise, times in Asia/Shanghai, June 2026 (Fri 06-19 is the Dragon Boat Festival):
- app1 (A1+B1, lead A): submitted and accepted Mon 06-01, decided Fri 06-05 (4 working days); both items on
  time; no visit; fee standard 100, charged 60.
- app2 (A1): submitted 06-02, accepted Wed 06-03, decided Mon 06-22 (12 working days); A1 decided late (due
  06-09); two visits; fee 50 charged 50.
- app3 (B1): submitted and accepted 06-10, under review, due 06-12: overdue on 06-30.
- app4: a draft (never counted); app5 (A2): submitted 07-02, outside June.
Ratings: app1 bundle 非常满意 (A), app1 B1 不满意 (B, a case called back, not resolved), app2 bundle 基本满意 (A).
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from approvals.models import (
    Application, ApplicationStage, FeeCharge, FeeRule, ItemMaterial, ItemReview, Rating, RectificationCase, Visit,
)
from tests.factories.approvals import DepartmentFactory, MaterialTypeFactory, ServiceItemFactory
from tests.factories.portal import EnterpriseFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")


def t(month, day, hour=10, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def build():
    a = DepartmentFactory(code="m-a", name="甲局")
    b = DepartmentFactory(code="m-b", name="乙局")
    a1 = ServiceItemFactory(code="M-A1", department=a, kind="licence", legal_limit_days=20, promised_limit_days=4,
                            fully_online=True, immediate=False)
    a2 = ServiceItemFactory(code="M-A2", department=a, kind="filing", legal_limit_days=10, promised_limit_days=0,
                            fully_online=False, immediate=True)
    b1 = ServiceItemFactory(code="M-B1", department=b, kind="licence", legal_limit_days=20, promised_limit_days=6,
                            fully_online=True, immediate=False)
    ItemMaterial.objects.create(item=a1, material_type=MaterialTypeFactory(key="m_plan"), required=True)
    enterprise = EnterpriseFactory()
    applicant = UserFactory(role="applicant", enterprise=enterprise)
    clerk = UserFactory(role="clerk")
    rule = FeeRule.objects.create(item=a1, name="费", unit="元", min_rate=Decimal("1"), max_rate=Decimal("2"))

    def application(ref, items, status, *, submitted=None, accepted=None, decided=None):
        app = Application.objects.create(reference=ref, enterprise=enterprise, title=ref, lead_department=a,
                                         created_by=applicant, status=status, submitted_at=submitted,
                                         accepted_at=accepted, decided_at=decided)
        app.items.set(items)
        return app

    def review(app, item, status, *, due, decided=None):
        stage, _ = ApplicationStage.objects.get_or_create(
            application=app, order=1, defaults={"name": "s", "lead_department": a, "promised_limit_days": 5})
        return ItemReview.objects.create(application=app, stage=stage, item=item, department=item.department,
                                         status=status, limit_days=item.promised_limit_days,
                                         legal_limit_days=item.legal_limit_days, started_at=app.accepted_at,
                                         due_at=due, decided_at=decided)

    app1 = application("M-1", [a1, b1], "decided", submitted=t(6, 1), accepted=t(6, 1, 11), decided=t(6, 5, 15))
    review(app1, a1, "signed", due=t(6, 5, 17, 30), decided=t(6, 5, 15))
    review(app1, b1, "signed", due=t(6, 9, 17, 30), decided=t(6, 4))
    app2 = application("M-2", [a1], "closed", submitted=t(6, 2), accepted=t(6, 3), decided=t(6, 22))
    review(app2, a1, "signed", due=t(6, 9, 17, 30), decided=t(6, 22))
    app3 = application("M-3", [b1], "under_review", submitted=t(6, 10), accepted=t(6, 10, 11))
    review(app3, b1, "under_review", due=t(6, 12, 17, 30))
    application("M-4", [a1], "draft")
    application("M-5", [a2], "submitted", submitted=t(7, 2))
    for app, standard, charged in ((app1, "100", "60"), (app2, "50", "50")):
        FeeCharge.objects.create(application=app, item=a1, rule=rule, quantity=Decimal("1"),
                                 standard_amount=Decimal(standard), charged_amount=Decimal(charged),
                                 saving=Decimal(standard) - Decimal(charged), computed_at=app.decided_at)
    for hour in (9, 15):
        Visit.objects.create(application=app2, kind="window_filing", at=t(6, 2, hour), recorded_by=clerk)
    Rating.objects.create(application=app1, department=a, rater=applicant, level="very_satisfied",
                          rated_at=t(6, 6))
    bad = Rating.objects.create(application=app1, item=b1, department=b, rater=applicant, level="dissatisfied",
                                rated_at=t(6, 6))
    Rating.objects.create(application=app2, department=a, rater=applicant, level="basically_satisfied",
                          rated_at=t(6, 23))
    RectificationCase.objects.create(rating=bad, application=app1, department=b, status="called_back",
                                     opened_at=t(6, 6), callback_due_at=t(6, 8, 17, 30), due_at=t(6, 26, 17, 30),
                                     called_back_at=t(6, 8))
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "apps": [app1, app2, app3]}


def build_packages(data):
    """Two bundle types on the data set (docs/metrics.md#package-savings works through them):

    Fields: A1 asks name and site, A2 name, B1 name and area: 5 item by item, 3 distinct. Materials: A1 the plan
    (above), A2 the business licence (held by the government), B1 the plan and a permit that A2 issues: 4 item by
    item; bundled only the plan is asked. The extra links are optional, so the catalog figures do not move.
    - P (m-pkg): stage 1 (promised 6) A1 + B1 in parallel, stage 2 (promised 0) A2. Item by item 3 steps and
      4 + 6 + 0 = 10 promised days; bundled 2 steps, 6 days. Saved per bundle: 2 fields, 3 materials, 1 step,
      4 days. app1 (June) and app5 (July) are P bundles.
    - Q (m-solo): one stage (promised 4) with A1 alone: nothing saved. app2 (June) is a Q bundle.
    June: 2 bundles; saved 2 fields, 3 materials, 1 step, 4 working days (P's once, Q's nothing)."""
    from approvals.models import ItemField, Package, PackageStage
    from tests.factories.approvals import FormFieldFactory

    a, a1, a2, b1 = data["a"], data["a1"], data["a2"], data["b1"]
    name, site, area = (FormFieldFactory(key=key) for key in ("m_name", "m_site", "m_area"))
    for item, fields in ((a1, (name, site)), (a2, (name,)), (b1, (name, area))):
        for order, field in enumerate(fields):
            ItemField.objects.create(item=item, field=field, order=order)
    licence = MaterialTypeFactory(key="m_licence", issued_by_government=True)
    permit = MaterialTypeFactory(key="m_permit")
    a2.issued_material = permit
    a2.save(update_fields=["issued_material"])
    ItemMaterial.objects.create(item=a2, material_type=licence, required=False)
    ItemMaterial.objects.create(item=b1, material_type=MaterialTypeFactory(key="m_plan"), required=False)
    ItemMaterial.objects.create(item=b1, material_type=permit, required=False)
    p = Package.objects.create(code="m-pkg", name="甲乙一件事")
    PackageStage.objects.create(package=p, order=1, name="并联", lead_department=a,
                                promised_limit_days=6).items.set([a1, b1])
    PackageStage.objects.create(package=p, order=2, name="备案", lead_department=a,
                                promised_limit_days=0).items.set([a2])
    q = Package.objects.create(code="m-solo", name="甲单项")
    PackageStage.objects.create(package=q, order=1, name="单项", lead_department=a,
                                promised_limit_days=4).items.set([a1])
    app1, app2, _app3 = data["apps"]
    Application.objects.filter(reference__in=["M-1", "M-5"]).update(package=p)
    Application.objects.filter(pk=app2.pk).update(package=q)
    return {"p": p, "q": q}
