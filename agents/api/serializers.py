"""Serializers of the agents API.

Input serializers check the SHAPE of a request only (types, required keys, lengths, that a referenced row
exists); every business rule (who may act, which state allows it, whether an authorisation covers an item)
stays in `agents.services`. Output serializers read models and the services' computed views (lights, due
times, 三即 milestones, case progress).
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import (
    AgencyCase, Authorization, AuthorizationScope, CaseStatus, Demand, DemandAttachment, DemandClass,
    DemandReclassification, DemandStatus, InvestmentProject, ProjectStep, Stewardship,
)
from agents.models.demands import DemandCategory
from agents.api.outputs import case_progress_rows, milestone_rows
from approvals.api.serializers.common import LIGHTS, EnterpriseRefSerializer, choice_field
from approvals.models import Package, ServiceItem
from portal.models import AuditEntry, Enterprise

User = get_user_model()

DEMAND_LIGHTS = LIGHTS  # green, yellow, red, waiting (not classified yet), done (decided), paused (unused)
# Demand.LIGHT and Demand.OUTCOME_222 (agents/models/demands.py) are the one definition of both fields below.
MILESTONE_FIELDS = ["land_supplied_on", "land_handed_over_on", "construction_started_on"]


def _now(serializer):
    return serializer.context.get("now") or timezone.now()


# --- references ------------------------------------------------------------------------------------------
class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")
    role = serializers.CharField()


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}],
                      "description": "A username or a user id."})
class UserRefField(serializers.Field):
    """Input: a user by username or numeric id (active users only); `role` narrows the accepted users."""

    default_error_messages = {"missing": _("No such user: %(value)s."),
                              "role": _("%(value)s is not a user of the required role.")}

    def __init__(self, *, role=None, **kwargs):
        self.role = role
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = str(data).strip()
        users = User.objects.filter(is_active=True)
        user = (users.filter(pk=int(value)).first() if value.isdigit() else None) or \
            users.filter(username=value).first()
        if user is None:
            raise serializers.ValidationError(self.error_messages["missing"] % {"value": value})
        if self.role and user.role != self.role:
            raise serializers.ValidationError(self.error_messages["role"] % {"value": value})
        return user

    def to_representation(self, value):
        return value.username


class EnterpriseCodeField(serializers.SlugRelatedField):
    """Input: an enterprise by its unified social credit code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Unified social credit code of the enterprise.")
        super().__init__(slug_field="credit_code", queryset=Enterprise.objects.all(), **kwargs)


def user_ref_field(**kwargs):
    return UserRefSerializer(read_only=True, allow_null=True, **kwargs)


# --- enterprises -----------------------------------------------------------------------------------------
class StewardshipSerializer(serializers.ModelSerializer):
    leader = user_ref_field()
    agent = user_ref_field()
    changed_by = user_ref_field()
    current = serializers.SerializerMethodField()

    class Meta:
        model = Stewardship
        fields = ["leader", "agent", "since", "until", "current", "changed_by", "reason"]

    def get_current(self, row) -> bool:
        return row.until is None


class EnterpriseSerializer(serializers.ModelSerializer):
    leader = user_ref_field()
    service_agent = user_ref_field()
    park = serializers.CharField(source="park.name", default=None, allow_null=True)

    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "name", "legal_representative", "address", "park", "leader",
                  "service_agent"]


class EnterpriseDetailSerializer(EnterpriseSerializer):
    stewardship = serializers.SerializerMethodField(help_text="Leaders and agents over time, newest first.")

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "stewardship"]

    @extend_schema_field(StewardshipSerializer(many=True))
    def get_stewardship(self, enterprise):
        rows = self.context.get("history")
        if rows is None:
            rows = enterprise.stewardships.select_related("leader", "agent", "changed_by").order_by("-since")
        return StewardshipSerializer(rows, many=True).data


class ReassignSerializer(serializers.Serializer):
    leader = UserRefField(role="leader", required=False, allow_null=True,
                          help_text="The new responsible leader (username or id); left out: unchanged.")
    agent = UserRefField(role="agent", required=False, allow_null=True,
                         help_text="The new service agent (username or id); left out: unchanged.")
    reason = serializers.CharField(max_length=255)

    def validate(self, attrs):
        if not attrs.get("leader") and not attrs.get("agent"):
            raise serializers.ValidationError({"leader": [_("Give a new leader, a new agent, or both.")]})
        return attrs


# --- authorisations --------------------------------------------------------------------------------------
class AuthorizationSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer()
    agent = user_ref_field()
    scope = choice_field(AuthorizationScope, read_only=True)
    items = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    packages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    granted_by = user_ref_field()
    revoked_by = user_ref_field()
    state = serializers.SerializerMethodField(help_text="revoked, expired, not_yet_valid or valid (today).")

    class Meta:
        model = Authorization
        fields = ["id", "enterprise", "agent", "scope", "items", "packages", "valid_from", "valid_until",
                  "state", "power_of_attorney_sha256", "granted_by", "granted_at", "revoked_at", "revoked_by",
                  "revoke_reason"]

    @extend_schema_field(serializers.ChoiceField(choices=["valid", "revoked", "expired", "not_yet_valid"]))
    def get_state(self, authorization):
        today = timezone.localdate(_now(self))
        if authorization.revoked_at is not None:
            return "revoked"
        if today > authorization.valid_until:
            return "expired"
        if today < authorization.valid_from:
            return "not_yet_valid"
        return "valid"


class AuthorizationCreateSerializer(serializers.Serializer):
    enterprise = EnterpriseCodeField(required=False, allow_null=True,
                                     help_text="Credit code; the caller's own company when left out.")
    agent = UserRefField(role="agent", help_text="The park service agent (username or id).")
    scope = choice_field(AuthorizationScope, default=AuthorizationScope.ALL)
    items = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list,
                                  max_length=100, help_text="Item codes (scope `listed`).")
    packages = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list,
                                     max_length=50, help_text="Package codes (scope `listed`).")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    power_of_attorney = serializers.FileField(allow_empty_file=True,
                                              help_text="The signed power of attorney: PDF, PNG or JPEG.")

    def to_internal_value(self, data):
        # multipart forms repeat a key (items=A&items=B) or send one comma-separated value
        if hasattr(data, "getlist"):
            data = {key: (self._split(data.getlist(key)) if key in ("items", "packages") else data.get(key))
                    for key in data.keys()}
        return super().to_internal_value(data)

    @staticmethod
    def _split(values):
        return [v.strip() for raw in values for v in str(raw).split(",") if v.strip()]

    def _rows(self, model, codes, field):
        rows = list(model.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {row.code for row in rows})
        if unknown:
            raise serializers.ValidationError({field: [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}]})
        return rows

    def validate(self, attrs):
        attrs["items"] = self._rows(ServiceItem, attrs.get("items") or [], "items")
        attrs["packages"] = self._rows(Package, attrs.get("packages") or [], "packages")
        return attrs


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


# --- agency cases ----------------------------------------------------------------------------------------
class LinkedApplicationSerializer(serializers.Serializer):
    """One linked application as `cases.case_progress` sees it."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    light = serializers.ChoiceField(choices=LIGHTS)
    next_due_at = serializers.DateTimeField(allow_null=True, help_text="The nearest due time of its running clocks.")


class AgencyCaseSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer()
    agent = user_ref_field()
    status = choice_field(CaseStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display")
    applications = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AgencyCase
        fields = ["id", "reference", "enterprise", "agent", "title", "status", "status_label", "received_at",
                  "chasing_since", "reported_at", "confirmed_at", "applications"]


class AgencyCaseDetailSerializer(AgencyCaseSerializer):
    confirmed_by = user_ref_field()
    progress = serializers.SerializerMethodField(help_text="The linked applications with their lights and due times.")

    class Meta(AgencyCaseSerializer.Meta):
        fields = [*AgencyCaseSerializer.Meta.fields, "description", "materials_received", "chase_note", "result",
                  "confirmed_by", "progress"]

    @extend_schema_field(LinkedApplicationSerializer(many=True))
    def get_progress(self, case):
        viewer = getattr(self.context.get("request"), "user", None)
        if viewer is None:
            return []
        return LinkedApplicationSerializer(case_progress_rows(case, viewer=viewer, now=_now(self)), many=True).data


class CaseCreateSerializer(serializers.Serializer):
    enterprise = EnterpriseCodeField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    materials_received = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                               help_text="What the agent received from the company (接件).")


class LinkApplicationSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, help_text="Id of the application (bundle).")


class ChaseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What is being chased and with whom.")


class CaseReportSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=5000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


# --- demands ---------------------------------------------------------------------------------------------
class DemandAttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username")

    class Meta:
        model = DemandAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


class DemandReclassificationSerializer(serializers.ModelSerializer):
    from_class = choice_field(DemandClass, read_only=True)
    to_class = choice_field(DemandClass, read_only=True)
    by = serializers.CharField(source="by.username")

    class Meta:
        model = DemandReclassification
        fields = ["from_class", "to_class", "reason", "by", "at"]


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    actor = serializers.CharField(source="actor_name")
    summary = serializers.CharField(allow_blank=True)


class DemandSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer()
    raised_by = serializers.CharField(source="raised_by.username")
    owner = user_ref_field()
    category = choice_field(DemandCategory, read_only=True)
    classification = choice_field(DemandClass, read_only=True, allow_blank=True)
    status = choice_field(DemandStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display")
    light = serializers.SerializerMethodField()
    met_222 = serializers.SerializerMethodField(
        help_text="Whether the 222 limit was kept: false once it was missed (also while the demand is still open "
                  "past its due time); null while it is still running.")

    class Meta:
        model = Demand
        fields = ["id", "reference", "enterprise", "title", "category", "classification", "status",
                  "status_label", "owner", "raised_by", "raised_at", "classified_at", "due_at", "light", "met_222",
                  "resolved_at", "plan_proposed_at", "plan_due_date", "closed_at", "reopened"]

    @extend_schema_field(serializers.ChoiceField(choices=DEMAND_LIGHTS))
    def get_light(self, demand):
        return str(demand.light_at(_now(self)))

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_met_222(self, demand):
        return demand.met_222_at(_now(self))


class DemandDetailSerializer(DemandSerializer):
    attachments = DemandAttachmentSerializer(many=True, read_only=True)
    reclassifications = DemandReclassificationSerializer(many=True, read_only=True)
    closed_by = user_ref_field()
    history = serializers.SerializerMethodField(help_text="The audit trail of the demand, oldest first.")

    class Meta(DemandSerializer.Meta):
        fields = [*DemandSerializer.Meta.fields, "text", "warn_at", "resolution", "plan", "closed_by",
                  "close_reason", "attachments", "reclassifications", "history"]

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, demand):
        entries = AuditEntry.objects.filter(subject_type=Demand._meta.label, subject_id=str(demand.pk))
        return HistoryEntrySerializer(entries.order_by("at", "id"), many=True).data


class DemandCreateSerializer(serializers.Serializer):
    enterprise = EnterpriseCodeField(required=False, allow_null=True,
                                     help_text="Credit code; the caller's own company when left out.")
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=10000)
    category = choice_field(DemandCategory, default=DemandCategory.OTHER)
    attachments = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False,
                                        default=list, max_length=10,
                                        help_text="Optional files (PDF, PNG or JPEG), multipart only.")

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            data = {key: (data.getlist(key) if key == "attachments" else data.get(key)) for key in data.keys()}
        return super().to_internal_value(data)


class ClassifySerializer(serializers.Serializer):
    classification = choice_field(DemandClass)
    owner = UserRefField(help_text="The one person answerable for the demand (username or id).")


class StartSerializer(serializers.Serializer):
    classification = choice_field(DemandClass)
    owner = UserRefField(required=False, help_text="Username or id; the caller when left out.")


class ReclassifySerializer(serializers.Serializer):
    classification = choice_field(DemandClass)
    reason = serializers.CharField(max_length=255)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=5000)


class ProposePlanSerializer(serializers.Serializer):
    plan = serializers.CharField(max_length=10000)
    plan_due_date = serializers.DateField(help_text="The plan's own completion date.")


class DemandReportKind(models.TextChoices):
    DAILY = "daily", _("Daily triage (日研判)")
    WEEKLY = "weekly", _("Weekly dispatch (周调度)")
    MONTHLY = "monthly", _("Monthly clear-to-zero (月清零)")
    COMPLIANCE = "compliance", _("222 compliance per class")


REPORT_KINDS = DemandReportKind.values


class ReportQuerySerializer(serializers.Serializer):
    kind = choice_field(DemandReportKind)
    day = serializers.DateField(required=False, help_text="daily: the day (default today).")
    week_start = serializers.DateField(required=False, help_text="weekly: the Monday (default this week's).")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="monthly.")
    month = serializers.IntegerField(required=False, min_value=1, max_value=12, help_text="monthly.")
    start = serializers.DateField(required=False, help_text="compliance: first day (inclusive).")
    end = serializers.DateField(required=False, help_text="compliance: last day (inclusive).")

    def validate(self, attrs):
        if attrs["kind"] == "compliance" and attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end must not be before the start.")]})
        return attrs


class ReportParametersSerializer(serializers.Serializer):
    day = serializers.DateField(required=False)
    week_start = serializers.DateField(required=False)
    year = serializers.IntegerField(required=False)
    month = serializers.IntegerField(required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class DemandRefSerializer(serializers.ModelSerializer):
    """A demand in a report row."""

    enterprise = EnterpriseRefSerializer()
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    status = choice_field(DemandStatus, read_only=True)
    classification = choice_field(DemandClass, read_only=True, allow_blank=True)

    class Meta:
        model = Demand
        fields = ["id", "reference", "title", "enterprise", "status", "classification", "owner", "raised_at",
                  "due_at"]


class DailyTriageSerializer(serializers.Serializer):
    day = serializers.DateField()
    new = DemandRefSerializer(many=True, help_text="Raised that day.")
    red = DemandRefSerializer(many=True, help_text="Overdue at the end of the day (or now, if earlier).")
    unclassified = DemandRefSerializer(many=True, help_text="Still waiting for a class.")


class DispatchLineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    raised = serializers.IntegerField()
    open = serializers.IntegerField()
    red = serializers.IntegerField()
    resolved = serializers.IntegerField()


class WeeklyDispatchSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    week_end = serializers.DateField(help_text="Exclusive.")
    by_owner = DispatchLineSerializer(many=True)
    by_department = DispatchLineSerializer(many=True)
    by_category = DispatchLineSerializer(many=True)


class OpenAtMonthEndSerializer(serializers.Serializer):
    demand = DemandRefSerializer()
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    classification = serializers.CharField(allow_blank=True)
    overdue = serializers.BooleanField()
    why = serializers.CharField(help_text="Why it is still open, in words.")


class MonthlyClearToZeroSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    raised = serializers.IntegerField()
    closed = serializers.IntegerField()
    cleared = serializers.BooleanField(help_text="Nothing left open at the month's end (月清零).")
    open_rows = OpenAtMonthEndSerializer(many=True)


class ComplianceLineSerializer(serializers.Serializer):
    classification = serializers.CharField(help_text="small, general, big, or `all` for the total line.")
    label = serializers.CharField()
    decided = serializers.IntegerField()
    in_time = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="In-time share in percent; null if none decided.")


def _report(name, report_serializer, doc):
    return type(name, (serializers.Serializer,), {
        "__doc__": doc,
        "kind": choice_field(DemandReportKind),
        "parameters": ReportParametersSerializer(help_text="The parameters used (defaults filled in)."),
        "report": report_serializer,
    })


DailyReportSerializer = _report("DailyReportSerializer", DailyTriageSerializer(), "日研判: new and red demands.")
WeeklyReportSerializer = _report("WeeklyReportSerializer", WeeklyDispatchSerializer(),
                                 "周调度: per owner, department and category.")
MonthlyReportSerializer = _report("MonthlyReportSerializer", MonthlyClearToZeroSerializer(),
                                  "月清零: what is still open at month end, and why.")
ComplianceReportSerializer = _report("ComplianceReportSerializer", ComplianceLineSerializer(many=True),
                                     "222 compliance per class; the last line is the total.")
REPORT_SERIALIZERS = {"daily": DailyReportSerializer, "weekly": WeeklyReportSerializer,
                      "monthly": MonthlyReportSerializer, "compliance": ComplianceReportSerializer}


# --- projects --------------------------------------------------------------------------------------------
class ProjectStepSerializer(serializers.ModelSerializer):
    owner = user_ref_field()

    class Meta:
        model = ProjectStep
        fields = ["number", "name", "park_work", "planned_on", "done_on", "owner", "note"]


class MilestoneSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["contract_to_land", "handover_to_certificates",
                                           "certificates_to_construction"])
    label = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    elapsed_working_days = serializers.IntegerField(allow_null=True, help_text="Working days elapsed (the start "
                                                    "day not counted); null until both ends are known.")
    same_day = serializers.BooleanField(allow_null=True, help_text="Reached on the start day itself (for "
                                        "交地即交证: the certificates issued the day the land was handed over); "
                                        "null while open.")


class ProjectSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer()
    owner = user_ref_field()

    class Meta:
        model = InvestmentProject
        fields = ["id", "name", "plot", "enterprise", "owner", "contract_signed_on", "land_supplied_on",
                  "land_handed_over_on", "construction_started_on", "created_at"]


class ProjectApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    land_parcel_no = serializers.CharField(allow_null=True, help_text="The plot its form names (宗地编号), if any.")


class ProjectDetailSerializer(ProjectSerializer):
    steps = ProjectStepSerializer(many=True, read_only=True)
    applications = serializers.SerializerMethodField(
        help_text="The project's own bundles: the 三即 are computed from these only.")
    milestones = serializers.SerializerMethodField(help_text="The 三即, from real events, in working days.")

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "steps", "applications", "milestones"]

    @extend_schema_field(ProjectApplicationSerializer(many=True))
    def get_applications(self, project):
        return ProjectApplicationSerializer([
            {"id": a.pk, "reference": a.reference, "title": a.title, "status": a.status,
             "land_parcel_no": (a.form_data or {}).get("land_parcel_no")}
            for a in project.applications.order_by("created_at", "pk")], many=True).data

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, project):
        return MilestoneSerializer(milestone_rows(project), many=True).data


class ProjectCreateSerializer(serializers.Serializer):
    enterprise = EnterpriseCodeField()
    name = serializers.CharField(max_length=200)
    plot = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    contract_signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    owner = UserRefField(required=False, allow_null=True, help_text="Username or id; the caller when left out.")


class StepPatchSerializer(serializers.Serializer):
    planned_on = serializers.DateField(required=False, allow_null=True)
    done_on = serializers.DateField(required=False, allow_null=True)
    owner = UserRefField(required=False, allow_null=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class MilestoneInputSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=MILESTONE_FIELDS)
    date = serializers.DateField()



