"""Applications (bundles): list and detail output, and the input of every applicant and window action."""

import threading
from contextlib import contextmanager
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals import disclosure
from approvals.api.serializers.common import (
    LIGHTS, ClockSerializer, DepartmentRefSerializer, EnterpriseRefSerializer, ItemRefSerializer, PackageRefSerializer,
    choice_field, datetime_out,
)
from approvals.api.serializers.reviews import ReviewSerializer
from approvals.models import (
    Application, ApplicationEvent, ApplicationStage, ApplicationStatus, Channel, Commitment, DeliveryMethod, FeeCharge,
    FeeStatus, MaterialFile, MaterialSource, Outcome, Package, PaymentChannel, PaymentNotice, PaymentStatus, PreReview,
    ProblemKind, StageStatus, SupplementRequest,
)
from approvals.services.applications import MAX_PARTS, completeness_problems, requirements_of
from approvals.services.fees import ZERO
from approvals.services.material_rules import Provision, material_states
from approvals.services.progress import acceptance_clock, application_calendar_published, application_light
from portal.models import Enterprise


@lru_cache(maxsize=16)
def _labels(language) -> dict:
    """The status and outcome labels in `language` (the active one), translated once per language."""
    return {"status": {value: str(label) for value, label in ApplicationStatus.choices},
            "outcome": {value: str(label) for value, label in Outcome.choices}}


def _now(serializer):
    return serializer.context.get("now") or timezone.now()


def _viewer(serializer):
    """The user the output is for (None without a request: then only what the applicant may see)."""
    return getattr(serializer.context.get("request"), "user", None)


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


_MONEY = serializers.DecimalField(max_digits=14, decimal_places=2)


class _Generic(threading.local):
    on = False


_GENERIC = _Generic()  # True while generic_representation runs: the method fields answer through their serializers


@contextmanager
def _generic():
    _GENERIC.on = True
    try:
        yield
    finally:
        _GENERIC.on = False


def _money(value):
    """A decimal as the declared DecimalField(max_digits=14, decimal_places=2) writes it."""
    return None if value is None else _MONEY.to_representation(value)


def _int(value):
    return None if value is None else int(value)


def _choice(value):
    """A TextChoices value as choice_field writes it (DRF's ChoiceField: the value's string)."""
    return value if value in ("", None) else str(value)


def _problems_out(problems) -> list:
    """ProblemSerializer(many=True) of a notice's stored problems, written out."""
    return [{"kind": _choice(p["kind"]), "key": str(p["key"]), "reason": str(p["reason"])} for p in problems]


# --- output ------------------------------------------------------------------------------------------------
class ApplicationListSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer()
    package = PackageRefSerializer(allow_null=True)
    lead_department = DepartmentRefSerializer()
    status = choice_field(ApplicationStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display")
    outcome = choice_field(Outcome, read_only=True, allow_blank=True)
    channel = choice_field(Channel, read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display")
    light = serializers.SerializerMethodField(help_text="The worst light of the application's running clocks.")

    class Meta:
        model = Application
        fields = ["id", "reference", "title", "status", "status_label", "outcome", "outcome_label", "channel",
                  "enterprise", "package", "lead_department", "light", "created_at", "submitted_at",
                  "accepted_at", "decided_at"]

    def to_representation(self, application):
        """The declared fields, written out for speed (a list page has fifty rows); the declared fields stay the
        definition and the schema: tests/approvals/api/test_application_output.py checks that this equals DRF's
        generic rendering of them for applications in every state."""
        enterprise, package, lead = application.enterprise, application.package, application.lead_department
        return list_row_output({
            "id": application.pk, "reference": application.reference, "title": application.title,
            "status": application.status, "outcome": application.outcome, "channel": application.channel,
            "enterprise__credit_code": enterprise.credit_code, "enterprise__name": enterprise.name,
            "package__code": None if package is None else package.code,
            "package__name": None if package is None else package.name,
            "lead_department__code": lead.code, "lead_department__name": lead.name,
            "light": self.get_light(application),
            "created_at": application.created_at, "submitted_at": application.submitted_at,
            "accepted_at": application.accepted_at, "decided_at": application.decided_at,
        })

    @extend_schema_field(serializers.ChoiceField(choices=LIGHTS))
    def get_light(self, application):
        # Lists annotate the light in SQL (Application.objects.with_light); one row falls back to the same rule.
        return getattr(application, "light", None) or application_light(application, now=_now(self))


# The columns of one row of the list, read as plain values (no model instances: a page of fifty applications
# built as instances with their enterprise, package and department was most of the list's time).
LIST_COLUMNS = ("id", "reference", "title", "status", "outcome", "channel", "enterprise__credit_code",
                "enterprise__name", "package__code", "package__name", "lead_department__code", "lead_department__name",
                "light", "created_at", "submitted_at", "accepted_at", "decided_at")


def list_rows(queryset):
    """The list's queryset (annotated `with_light`) as the plain rows `list_row_output` writes out."""
    return queryset.values(*LIST_COLUMNS)


def list_row_output(row) -> dict:
    """One row of the list as ApplicationListSerializer declares it, from the LIST_COLUMNS values; the serializer
    writes an instance out through the same function, so both ways answer alike (tests/approvals/api/
    test_application_output.py)."""
    labels = _labels(get_language())
    status, outcome = str(row["status"]), str(row["outcome"])
    return {
        "id": row["id"],
        "reference": str(row["reference"]),
        "title": str(row["title"]),
        "status": status,
        "status_label": labels["status"].get(status, status),
        "outcome": outcome,
        "outcome_label": labels["outcome"].get(outcome, outcome),
        "channel": str(row["channel"]),
        "enterprise": {"credit_code": str(row["enterprise__credit_code"]), "name": str(row["enterprise__name"])},
        "package": None if row["package__code"] is None else {"code": str(row["package__code"]),
                                                               "name": str(row["package__name"])},
        "lead_department": {"code": str(row["lead_department__code"]), "name": str(row["lead_department__name"])},
        "light": row["light"],
        "created_at": datetime_out(row["created_at"]),
        "submitted_at": datetime_out(row["submitted_at"]),
        "accepted_at": datetime_out(row["accepted_at"]),
        "decided_at": datetime_out(row["decided_at"]),
    }


class MaterialTypeRefSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class MaterialSerializer(serializers.ModelSerializer):
    material_type = MaterialTypeRefSerializer()
    source = choice_field(MaterialSource, read_only=True)
    source_label = serializers.CharField(source="get_source_display")
    items = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", default=None, allow_null=True)

    class Meta:
        model = MaterialFile
        fields = ["id", "material_type", "part", "original_name", "content_type", "size", "pages", "sha256",
                  "version", "is_current", "source", "source_label", "items", "uploaded_by", "uploaded_at"]
        extra_kwargs = {"part": {"help_text": "1 for the material's main file, 2 and up for its further files (a "
                                              "plan's photos)."}}


def material_output(material) -> dict:
    """One file as MaterialSerializer declares it, written out (its material type, uploader and items loaded)."""
    uploader = material.uploaded_by
    return {
        "id": material.pk, "material_type": {"key": str(material.material_type.key),
                                             "name": str(material.material_type.name)},
        "part": _int(material.part), "original_name": str(material.original_name),
        "content_type": str(material.content_type), "size": _int(material.size), "pages": _int(material.pages),
        "sha256": str(material.sha256), "version": _int(material.version), "is_current": bool(material.is_current),
        "source": _choice(material.source), "source_label": str(material.get_source_display()),
        "items": [str(i.code) for i in material.items.all()],
        "uploaded_by": None if uploader is None else str(uploader.display_name),
        "uploaded_at": datetime_out(material.uploaded_at),
    }


def stage_output(stage) -> dict:
    """One stage as StageSerializer declares it, written out (its lead department loaded)."""
    return {
        "order": _int(stage.order), "name": str(stage.name),
        "lead_department": {"code": str(stage.lead_department.code), "name": str(stage.lead_department.name)},
        "status": _choice(stage.status), "status_label": str(stage.get_status_display()),
        "promised_limit_days": _int(stage.promised_limit_days), "opened_at": datetime_out(stage.opened_at),
        "due_at": datetime_out(stage.due_at), "closed_at": datetime_out(stage.closed_at),
    }


class StageSerializer(serializers.ModelSerializer):
    lead_department = DepartmentRefSerializer()
    status = choice_field(StageStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = ApplicationStage
        fields = ["order", "name", "lead_department", "status", "status_label", "promised_limit_days",
                  "opened_at", "due_at", "closed_at"]


class FeeSerializer(serializers.ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = serializers.CharField(source="rule.name")
    unit = serializers.CharField(source="rule.unit")
    status = choice_field(FeeStatus, read_only=True, help_text="estimated (before the decision), charged "
                          "(item approved) or not_charged (item refused, cancelled or withdrawn).")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = FeeCharge
        fields = ["item", "name", "unit", "quantity", "standard_amount", "charged_amount", "saving", "status",
                  "status_label"]


class PaymentNoticeSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text="The payment code (缴款码) to pay with, 20 digits.")
    status = choice_field(PaymentStatus, read_only=True, help_text="due (待缴费) until the finance side "
                          "confirms the payment, then paid (已缴费).")
    status_label = serializers.CharField(source="get_status_display")
    channel = choice_field(PaymentChannel, read_only=True, allow_blank=True,
                           help_text="How the payment was confirmed: at the window or by the payment platform.")

    class Meta:
        model = PaymentNotice
        fields = ["code", "status", "status_label", "standard_amount", "charged_amount", "saving", "issued_at",
                  "paid_at", "receipt_number", "channel"]


class FeesSerializer(serializers.Serializer):
    charges = FeeSerializer(many=True)
    standard_total = serializers.DecimalField(max_digits=14, decimal_places=2,
                                              help_text="Of the estimated or charged fees (not the uncharged).")
    charged_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    saving_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    unpaid_total = serializers.DecimalField(max_digits=14, decimal_places=2,
                                            help_text="What the payment notice asks for while it is due.")
    paid = serializers.BooleanField(help_text="True when the payment notice is paid.")
    payment = PaymentNoticeSerializer(allow_null=True, help_text="The payment notice, issued at the decision "
                                      "when approved items charge a fee; null before the decision or when "
                                      "there is nothing to pay.")


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="What happened (see kind_label).")
    kind_label = serializers.CharField(source="get_kind_display")
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = ["at", "kind", "kind_label", "department", "message", "data"]


class ProblemSerializer(serializers.Serializer):
    kind = choice_field(ProblemKind)
    key = serializers.CharField(max_length=64)
    reason = serializers.CharField(max_length=1000)


class SupplementRequestSerializer(serializers.ModelSerializer):
    problems = ProblemSerializer(many=True)

    class Meta:
        model = SupplementRequest
        fields = ["requested_at", "problems", "answered_at"]


class PreReviewSerializer(serializers.ModelSerializer):
    problems = ProblemSerializer(many=True)

    class Meta:
        model = PreReview
        fields = ["requested_at", "answered_at", "problems", "comment"]


class CommitmentSerializer(serializers.ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Commitment
        fields = ["item", "signer_name", "signed_at", "text_sha256"]


class RequiredFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    field_type = serializers.CharField()
    required = serializers.BooleanField()
    unit = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), help_text="The options of a choice field.")
    items = serializers.ListField(child=serializers.CharField())
    filled = serializers.BooleanField()


class RequiredMaterialSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    required = serializers.BooleanField()
    held_by_government = serializers.BooleanField()
    provision = choice_field(Provision, read_only=True,
                             help_text="How it is provided: `submit` (by the applicant), `on_file` (attached from "
                                       "the government's records), `internal_check` (held by the government, "
                                       "verified internally by the reviewing department), `issued_in_bundle` (an "
                                       "item of this bundle issues it), `after_commitment` (follows the signed "
                                       "告知承诺). Only `submit` can be missing.")
    provision_label = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())
    present = serializers.BooleanField(help_text="A current file (uploaded or on file) is attached.")


class RequirementsSummarySerializer(serializers.Serializer):
    field_count = serializers.IntegerField(help_text="Fields of the one form.")
    material_count = serializers.IntegerField(help_text="Materials of the one set.")
    fields_item_by_item = serializers.IntegerField()
    materials_item_by_item = serializers.IntegerField()
    fields_saved = serializers.IntegerField(help_text="Fields not asked again thanks to the bundle.")
    materials_saved = serializers.IntegerField(help_text="Materials not asked again thanks to the bundle.")
    fields_filled = serializers.IntegerField()
    materials_present = serializers.IntegerField()
    form_fields = RequiredFieldSerializer(many=True)
    material_list = RequiredMaterialSerializer(many=True)


class ApplicationDetailSerializer(ApplicationListSerializer):
    """Everything about one bundle: form, requirements, materials, stages, reviews with clocks, fees, timeline."""

    items = ItemRefSerializer(many=True, read_only=True)
    form = serializers.JSONField(source="form_data")
    form_errors = serializers.SerializerMethodField()
    missing_materials = serializers.SerializerMethodField()
    requirements = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()
    stages = StageSerializer(many=True, read_only=True)
    reviews = serializers.SerializerMethodField()
    fees = serializers.SerializerMethodField()
    visits = serializers.IntegerField(source="visits.count", read_only=True)
    acceptance_clock = serializers.SerializerMethodField()
    calendar_published = serializers.SerializerMethodField()
    supplement_request = serializers.SerializerMethodField()
    pre_review = serializers.SerializerMethodField()
    commitments = CommitmentSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField()
    delivery_method = choice_field(DeliveryMethod, read_only=True)

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields, "items", "delivery_method", "delivery_address",
            "tracking_number", "received_at", "acceptance_due_at", "deemed_accepted", "not_accepted_reason",
            "apply_instead_to", "delivered_at", "closed_at", "withdrawn_at", "withdraw_reason", "form",
            "form_version", "form_errors", "missing_materials", "requirements", "materials", "stages", "reviews",
            "fees", "visits", "acceptance_clock", "calendar_published", "supplement_request", "pre_review", "commitments", "events",
        ]

    def to_representation(self, application):
        """The declared fields written out by hand (DRF's generic walk of the nested serializers was most of the
        detail's time); the declared fields stay the definition and the schema: tests/approvals/api/
        test_detail_output.py checks that this equals `generic_representation` for applications in every state,
        in both languages. The SerializerMethodFields are shared by both ways."""
        out = ApplicationListSerializer.to_representation(self, application)
        requirements, form_errors, missing, _states, files = self._problems(application)
        out.update({
            "items": [{"code": str(i.code), "name": str(i.name), "department": str(i.department.code)}
                      for i in application.items.all()],
            "delivery_method": _choice(application.delivery_method),
            "delivery_address": str(application.delivery_address),
            "tracking_number": str(application.tracking_number),
            "received_at": datetime_out(application.received_at),
            "acceptance_due_at": datetime_out(application.acceptance_due_at),
            "deemed_accepted": bool(application.deemed_accepted),
            "not_accepted_reason": str(application.not_accepted_reason),
            "apply_instead_to": str(application.apply_instead_to),
            "delivered_at": datetime_out(application.delivered_at),
            "closed_at": datetime_out(application.closed_at),
            "withdrawn_at": datetime_out(application.withdrawn_at),
            "withdraw_reason": str(application.withdraw_reason),
            "form": application.form_data,
            "form_version": _int(application.form_version),
            "form_errors": self.get_form_errors(application),
            "missing_materials": self.get_missing_materials(application),
            "requirements": self.get_requirements(application),
            "materials": [material_output(f) for f in files],
            "stages": [stage_output(st) for st in application.stages.all()],
            "reviews": self.get_reviews(application),
            "fees": self.get_fees(application),
            "visits": application.visits.count(),
            "acceptance_clock": self.get_acceptance_clock(application),
            "calendar_published": self.get_calendar_published(application),
            "supplement_request": self.get_supplement_request(application),
            "pre_review": self.get_pre_review(application),
            "commitments": [{"item": str(c.item.code), "signer_name": str(c.signer_name),
                             "signed_at": datetime_out(c.signed_at), "text_sha256": str(c.text_sha256)}
                            for c in application.commitments.all()],
            "events": self.get_events(application),
        })
        return out

    def generic_representation(self, application):
        """DRF's generic walk of the declared fields, nested serializers included (the slow path the tests
        compare the hand-written output with)."""
        with _generic():
            return serializers.ModelSerializer.to_representation(self, application)

    # Computed once per application and serializer run: the bundle, the current files, the material states and
    # the problems feed four fields (form_errors, missing_materials, requirements, materials).
    def _problems(self, application):
        cache = self.context.setdefault("_problems", {})
        if application.pk not in cache:
            requirements = requirements_of(application)
            files = list(application.materials.filter(is_current=True)
                         .select_related("material_type", "uploaded_by").prefetch_related("items"))
            states = material_states(application, requirements, current_files=files)
            form_errors, missing = completeness_problems(application, requirements, states)
            cache[application.pk] = (requirements, form_errors, missing, states, files)
        return cache[application.pk]

    @extend_schema_field(serializers.DictField(child=serializers.CharField(),
                                               help_text="Problems of the form as it stands, by field key."))
    def get_form_errors(self, application):
        return {key: str(message) for key, message in self._problems(application)[1].items()}

    @extend_schema_field(serializers.ListField(child=serializers.CharField(),
                                               help_text="Keys of required materials not attached yet."))
    def get_missing_materials(self, application):
        return self._problems(application)[2]

    @extend_schema_field(RequirementsSummarySerializer)
    def get_requirements(self, application):
        requirements, _errors, _missing, states, _files = self._problems(application)
        states = {st.key: st for st in states}
        form_fields = [{
            "key": b.field.key, "label": b.field.label, "field_type": b.field.field_type, "required": b.required,
            "unit": b.field.unit, "choices": [str(c) for c in b.field.choices or []],
            "items": [i.code for i in b.items], "filled": _filled(application.form_data.get(b.field.key)),
        } for b in requirements.fields]
        material_list = [{
            "key": m.material_type.key, "name": m.material_type.name, "required": m.required,
            "held_by_government": m.held_by_government, "items": [i.code for i in m.items],
            "provision": states[m.material_type.key].provision,
            "provision_label": str(Provision(states[m.material_type.key].provision).label),
            "present": states[m.material_type.key].current is not None,
        } for m in requirements.materials]
        summary = {
            "field_count": len(requirements.fields), "material_count": len(requirements.materials),
            "fields_item_by_item": requirements.fields_item_by_item,
            "materials_item_by_item": requirements.materials_item_by_item,
            "fields_saved": requirements.fields_saved, "materials_saved": requirements.materials_saved,
            "fields_filled": sum(1 for f in form_fields if f["filled"]),
            "materials_present": sum(1 for m in material_list if m["present"]),
            "form_fields": form_fields, "material_list": material_list,
        }
        if _GENERIC.on:
            return RequirementsSummarySerializer(summary).data
        for key in ("field_count", "material_count", "fields_item_by_item", "materials_item_by_item",
                    "fields_saved", "materials_saved"):
            summary[key] = _int(summary[key])
        summary["form_fields"] = [{
            "key": str(f["key"]), "label": str(f["label"]), "field_type": str(f["field_type"]),
            "required": bool(f["required"]), "unit": str(f["unit"]), "choices": f["choices"],
            "items": [str(i) for i in f["items"]], "filled": f["filled"],
        } for f in form_fields]
        summary["material_list"] = [{
            "key": str(m["key"]), "name": str(m["name"]), "required": bool(m["required"]),
            "held_by_government": bool(m["held_by_government"]), "provision": _choice(m["provision"]),
            "provision_label": m["provision_label"], "items": [str(i) for i in m["items"]], "present": m["present"],
        } for m in material_list]
        return summary

    @extend_schema_field(MaterialSerializer(many=True))
    def get_materials(self, application):
        return MaterialSerializer(self._problems(application)[4], many=True).data

    @extend_schema_field(ReviewSerializer(many=True))
    def get_reviews(self, application):
        # Prefetched with detail_reviews() by the views (application.reviews.all()), or read here.
        reviews = application.reviews.all() if "reviews" in getattr(application, "_prefetched_objects_cache", {}) \
            else detail_reviews().filter(application=application)
        return ReviewSerializer(disclosure.reviews_seen_by(_viewer(self), reviews), many=True,
                                context=self.context).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, application):
        """The timeline; the applicant side does not see the departments' internal steps."""
        events = disclosure.events_seen_by(_viewer(self), application.events.select_related("department"))
        if _GENERIC.on:
            return EventSerializer(events, many=True).data
        return [{"at": datetime_out(e.at), "kind": str(e.kind), "kind_label": str(e.get_kind_display()),
                 "department": None if e.department is None else str(e.department.code),
                 "message": str(e.message), "data": e.data} for e in events]

    @extend_schema_field(FeesSerializer)
    def get_fees(self, application):
        totals = application.fees.totals()
        try:  # selected with the application by the detail's reads, or read here
            notice = application.payment_notice
        except PaymentNotice.DoesNotExist:
            notice = None
        fees = {
            "charges": application.fees.select_related("item", "rule"),
            "standard_total": totals["standard"], "charged_total": totals["charged"],
            "saving_total": totals["saving"],
            "unpaid_total": notice.charged_amount if notice and notice.status == PaymentStatus.DUE else ZERO,
            "paid": notice is not None and notice.status == PaymentStatus.PAID,
            "payment": notice,
        }
        if _GENERIC.on:
            return FeesSerializer(fees).data
        return {
            "charges": [{"item": str(c.item.code), "name": str(c.rule.name), "unit": str(c.rule.unit),
                         "quantity": _money(c.quantity), "standard_amount": _money(c.standard_amount),
                         "charged_amount": _money(c.charged_amount), "saving": _money(c.saving),
                         "status": _choice(c.status), "status_label": str(c.get_status_display())}
                        for c in fees["charges"]],
            "standard_total": _money(fees["standard_total"]), "charged_total": _money(fees["charged_total"]),
            "saving_total": _money(fees["saving_total"]), "unpaid_total": _money(fees["unpaid_total"]),
            "paid": fees["paid"],
            "payment": None if notice is None else {
                "code": str(notice.code), "status": _choice(notice.status),
                "status_label": str(notice.get_status_display()), "standard_amount": _money(notice.standard_amount),
                "charged_amount": _money(notice.charged_amount), "saving": _money(notice.saving),
                "issued_at": datetime_out(notice.issued_at), "paid_at": datetime_out(notice.paid_at),
                "receipt_number": str(notice.receipt_number), "channel": _choice(notice.channel)},
        }

    @extend_schema_field(ClockSerializer(allow_null=True))
    def get_acceptance_clock(self, application):
        clock = acceptance_clock(application, now=_now(self))
        return None if clock is None else ClockSerializer(clock).data

    @extend_schema_field(serializers.BooleanField(
        help_text="False while a due time of the application's open clocks (acceptance, reviews, stages, delivery) "
                  "counts a year whose holiday schedule is not published: recomputed when it is."))
    def get_calendar_published(self, application):
        return application_calendar_published(application)

    @extend_schema_field(SupplementRequestSerializer(allow_null=True))
    def get_supplement_request(self, application):
        """The latest supplement notice (the pending one while the applicant has to answer)."""
        notice = application.supplement_requests.order_by("-requested_at", "-id").first()
        if notice is None or _GENERIC.on:
            return None if notice is None else SupplementRequestSerializer(notice).data
        return {"requested_at": datetime_out(notice.requested_at), "problems": _problems_out(notice.problems),
                "answered_at": datetime_out(notice.answered_at)}

    @extend_schema_field(PreReviewSerializer(allow_null=True))
    def get_pre_review(self, application):
        pre_review = application.pre_reviews.order_by("-requested_at", "-id").first()
        if pre_review is None or _GENERIC.on:
            return None if pre_review is None else PreReviewSerializer(pre_review).data
        return {"requested_at": datetime_out(pre_review.requested_at),
                "answered_at": datetime_out(pre_review.answered_at), "problems": _problems_out(pre_review.problems),
                "comment": str(pre_review.comment)}


def detail_reviews():
    """The reviews of an application as the detail shows them (prefetch them with this queryset): with their item,
    department, stage, deciders and signature, and their pauses in order."""
    from django.db.models import Prefetch

    from approvals.models import ItemReview, ReviewPause

    return (ItemReview.objects.select_related("item__department", "department", "stage", "decided_by", "extended_by",
                                              "signature")
            .prefetch_related(Prefetch("pauses", queryset=ReviewPause.objects.order_by("started_at", "id")))
            .order_by("stage__order", "department__code", "item__code"))  # the model's order, within one application


class MaterialListSerializer(serializers.Serializer):
    materials = MaterialSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField(), help_text="Required material keys still missing.")


# --- input: shape only --------------------------------------------------------------------------------------
class ApplicationCreateSerializer(serializers.Serializer):
    package = serializers.SlugRelatedField(slug_field="code", queryset=Package.objects.filter(active=True),
                                           required=False, allow_null=True, help_text="Package code.")
    items = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=50,
                                  help_text="Item codes, for a free choice of items (instead of a package).")
    enterprise = serializers.SlugRelatedField(
        slug_field="credit_code", queryset=Enterprise.objects.all(), required=False, allow_null=True,
        help_text="Credit code of the enterprise; an applicant's own enterprise when left out.")
    form = serializers.DictField(required=False, default=dict, help_text="Form values by canonical field key.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    delivery_method = choice_field(DeliveryMethod, required=False)
    delivery_address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="",
                                             help_text="Postal address, for mail delivery.")

    def validate(self, attrs):
        if attrs.get("package") and attrs.get("items"):
            raise serializers.ValidationError({"package": [_("Choose either a package or items, not both.")]})
        if not attrs.get("package") and not attrs.get("items"):
            raise serializers.ValidationError({"package": [_("Choose a package or at least one item.")]})
        return attrs


class ApplicationPatchSerializer(serializers.Serializer):
    form = serializers.DictField(required=False, help_text="Values to change, by canonical field key.")
    delivery_method = choice_field(DeliveryMethod, required=False)
    delivery_address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="",
                                             help_text="Postal address, for mail delivery.")


class MaterialUploadSerializer(serializers.Serializer):
    material_type = serializers.CharField(max_length=64, help_text="Key of the material type.")
    file = serializers.FileField(allow_empty_file=True, help_text="PDF, PNG or JPEG; checked by its content.")
    add = serializers.BooleanField(
        required=False, default=False,
        help_text="True: add the file to the material as a further file (a plan and its photos) instead of "
                  "replacing its main file. The main file must be there first.")
    part = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=MAX_PARTS,
        help_text="Which file of the material the upload replaces (a new version of it): 1, the main file, unless "
                  "told otherwise. Not with `add`.")

    def validate(self, attrs):
        if attrs["add"] and attrs["part"] != 1:
            raise serializers.ValidationError({"part": _("Either add a file or replace one, not both.")})
        return attrs


class SupplementAnswerSerializer(serializers.Serializer):
    form = serializers.DictField(required=False, default=dict,
                                 help_text="New values of the fields listed in the supplement notice.")


DECLARATION_REQUIRED = gettext_lazy(
    "Submitting needs the truthfulness declaration (信用承诺): send declaration=true to declare that the information "
    "filled in and the materials submitted are true, accurate and complete.")


class SubmitSerializer(serializers.Serializer):
    declaration = serializers.BooleanField(
        help_text="The truthfulness declaration (信用承诺), required and true: \"We declare that the information "
                  "filled in and the materials submitted are true, accurate and complete. If anything is false, we "
                  "accept the legal consequences and that it is recorded in our credit file.\"",
        error_messages={"required": DECLARATION_REQUIRED, "invalid": DECLARATION_REQUIRED,
                        "null": DECLARATION_REQUIRED})

    def validate_declaration(self, value):
        if value is not True:
            raise serializers.ValidationError(DECLARATION_REQUIRED)
        return value


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RefuseAcceptanceSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    apply_instead_to = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RequestSupplementSerializer(serializers.Serializer):
    problems = ProblemSerializer(many=True, allow_empty=False,
                                 help_text="Every missing or wrong material and field, in one notice.")


class AnswerPreReviewSerializer(serializers.Serializer):
    problems = ProblemSerializer(many=True, help_text="Every problem found; empty means ready to submit.")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CommitmentInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=64, help_text="Code of the item that allows 告知承诺.")
    signer_name = serializers.CharField(max_length=64)


class ConfirmPaymentSerializer(serializers.Serializer):
    payment_code = serializers.CharField(max_length=40, help_text="The payment code on the payment notice.")
    receipt_number = serializers.CharField(max_length=64, help_text="The e-receipt (电子票据) number of the payment.")


class PaymentCallbackSerializer(serializers.Serializer):
    """What the payment platform reports (the raw body it signs)."""

    payment_code = serializers.CharField(max_length=40, help_text="The payment code of the notice paid.")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Yuan paid, e.g. \"24182.20\".")
    receipt_number = serializers.CharField(max_length=64, help_text="The e-receipt (电子票据) number.")
    paid_at = serializers.DateTimeField(required=False, help_text="When it was paid (ISO 8601); now if left out.")


class PaymentCallbackResultSerializer(serializers.Serializer):
    payment_code = serializers.CharField()
    status = choice_field(PaymentStatus, read_only=True)
    receipt_number = serializers.CharField()
    paid_at = serializers.DateTimeField()
    changed = serializers.BooleanField(help_text="False when this payment had already been recorded.")


class DeliverSerializer(serializers.Serializer):
    method = choice_field(DeliveryMethod, required=False)
    tracking_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class IncompleteSerializer(ErrorSerializer):
    form_errors = serializers.DictField(child=serializers.CharField())
    missing_materials = serializers.ListField(child=serializers.CharField())
