"""The acceptance stage (Administrative Licensing Law Art. 32): receipt of the materials, acceptance, refusal to
accept, and the one notice listing every supplement."""

from approvals.models import Application, DocumentKind, ProblemKind, SupplementRequest
from approvals.services.bundling import bundle_requirements

from .common import LAW, Spec, application_facts, application_parties, cn_date, cn_datetime, remedies

K = DocumentKind


def _materials(application) -> list:
    rows = []
    for material in (application.materials.filter(is_current=True).select_related("material_type")
                     .order_by("material_type__key")):
        rows.append({
            "name": material.material_type.name,
            "version": material.version,
            "pages": material.pages or "",
            "on_file": material.source == "on_file",
            "sha256": material.sha256[:16],
        })
    return rows


class Receipt(Spec):
    """申请材料接收凭证: what was received and when, and the 5-working-day acceptance clock.

    The subject is the application (its submission) or a supplement notice (the answer to it)."""

    kind = K.RECEIPT
    template = "pdf/receipt.html"

    def _application(self, subject):
        return subject if isinstance(subject, Application) else subject.application

    def parties(self, subject):
        return application_parties(self._application(subject))

    def facts(self, subject):
        application = self._application(subject)
        return {
            "application": application_facts(application),
            "received_at": cn_datetime(application.received_at),
            "acceptance_due": cn_datetime(application.acceptance_due_at),
            "supplement_of": cn_datetime(subject.requested_at) if isinstance(subject, SupplementRequest) else "",
            "materials": _materials(application),
            "basis": f"{LAW}第三十二条",
        }


class Acceptance(Spec):
    """受理通知书: accepted (or deemed accepted, Art. 32), with the limits of every item."""

    kind = K.ACCEPTANCE
    template = "pdf/acceptance.html"

    def parties(self, subject):
        return application_parties(subject)

    def facts(self, application):
        return {
            "application": application_facts(application),
            "received_at": cn_datetime(application.received_at),
            "accepted_at": cn_datetime(application.accepted_at),
            "deemed": application.deemed_accepted,
            "joint": bool(application.package_id and application.package.joint),
            "stages": [{"order": s.order, "name": s.name, "lead": s.lead_department.name,
                        "items": [{"name": r.item.name, "department": r.department.name,
                                   "promised_days": r.limit_days, "legal_days": r.legal_limit_days,
                                   "due": cn_date(r.due_at), "legal_due": cn_date(r.legal_due_at)}
                                  for r in s.reviews.select_related("item", "department").order_by("item__code")]}
                       for s in application.stages.select_related("lead_department").order_by("order")],
            "basis": f"{LAW}第三十二条、第四十二条",
        }


class NotAccepted(Spec):
    """不予受理通知书: the reason and where to apply instead, with the remedies."""

    kind = K.NOT_ACCEPTED
    template = "pdf/not_accepted.html"

    def parties(self, subject):
        return application_parties(subject)

    def facts(self, application):
        return {
            "application": application_facts(application),
            "received_at": cn_datetime(application.received_at),
            "decided_at": cn_datetime(application.closed_at),
            "reason": application.not_accepted_reason,
            "apply_instead_to": application.apply_instead_to,
            "remedies": remedies(),
            "basis": f"{LAW}第三十二条第一款",
        }


class Supplement(Spec):
    """补正材料通知书: everything to supplement, in one notice (一次告知)."""

    kind = K.SUPPLEMENT
    template = "pdf/supplement.html"

    def parties(self, notice):
        return application_parties(notice.application)

    def facts(self, notice):
        application = notice.application
        requirements = bundle_requirements(list(application.items.all()))
        labels = {(ProblemKind.FIELD, b.field.key): b.field.label for b in requirements.fields}
        labels.update({(ProblemKind.MATERIAL, m.material_type.key): m.material_type.name
                       for m in requirements.materials})
        return {
            "application": application_facts(application),
            "received_at": cn_datetime(application.received_at),
            "requested_at": cn_datetime(notice.requested_at),
            "problems": [{"kind": "申请材料" if p["kind"] == ProblemKind.MATERIAL else "申请表填写项",
                          "name": labels.get((p["kind"], p["key"]), p["key"]), "reason": p["reason"]}
                         for p in notice.problems],
            "basis": f"{LAW}第三十二条第一款第（四）项",
        }
