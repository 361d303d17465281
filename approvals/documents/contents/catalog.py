"""一次性告知单: everything an item or a package needs, from the catalog, for anyone (no login)."""

from approvals.documents.keystore import official_name
from approvals.models import DocumentKind, ItemKind, Package, ServiceItem
from approvals.services.bundling import bundle_requirements

from .common import Spec, department_facts, yuan, zh

K = DocumentKind
COMPLAINTS = "12345政务服务便民热线"


def _item_facts(item) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "department": official_name(item.department),
        "kind": zh(ItemKind(item.kind).label),
        "conditions": item.conditions,
        "legal_basis": item.legal_basis,
        "promised_days": item.promised_limit_days,
        "legal_days": item.legal_limit_days,
        "immediate": item.immediate,
        "commitment": item.commitment_allowed,
        "issues": item.issues,
        "online": item.fully_online,
        "delivery": [zh(label) for label in item.delivery_labels()],
        "fees": [{"name": rule.name, "unit": rule.unit, "min": yuan(rule.min_rate), "max": yuan(rule.max_rate),
                  "lower_bound": rule.policy == "lower_bound", "basis": rule.legal_basis}
                 for rule in item.fee_rules.order_by("id")],
        "contact": department_facts(item.department),
    }


def _materials(items) -> list:
    requirements = bundle_requirements(items)
    return [{"name": m.material_type.name, "description": m.material_type.description,
             "required": m.required, "copies": m.copies, "notes": [n for n in m.notes if n],
             "on_file": m.held_by_government, "items": [i.name for i in m.items],
             "max_pages": m.material_type.max_pages or ""}
            for m in requirements.materials]


class CatalogNotice(Spec):
    kind = K.CATALOG_NOTICE
    template = "pdf/catalog_notice.html"

    def parties(self, subject):
        from .common import Parties

        if isinstance(subject, Package):
            first = subject.stages.select_related("lead_department").order_by("order").first()
            return Parties(department=first.lead_department, matter=subject.name)
        return Parties(department=subject.department, item=subject, matter=subject.name)

    def facts(self, subject):
        if isinstance(subject, ServiceItem):
            items = [subject]
            stages = []
            package = None
        else:
            stages = [{"order": s.order, "name": s.name, "lead": official_name(s.lead_department),
                       "days": s.promised_limit_days,
                       "items": [i.name for i in s.items.order_by("code")]}
                      for s in subject.stages.select_related("lead_department").order_by("order")]
            items = list(subject.items())
            package = {"code": subject.code, "name": subject.name, "description": subject.description,
                       "joint": subject.joint}
        items = sorted(items, key=lambda i: (i.department.code, i.code))
        return {
            "package": package,
            "stages": stages,
            "items": [_item_facts(i) for i in items],
            "materials": _materials(items),
            "complaints": COMPLAINTS,
        }
