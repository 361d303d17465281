"""/api/v1/demands/: 诉求 under 清单制+责任制+销号制 and the 222 rule, and the demand reports.

Every action calls one function of agents.services.demands; lights and the 222 outcome are `Demand.LIGHT` and
`Demand.OUTCOME_222` (agents/models/demands.py: filters in SQL, the same rule for each row shown), the reports
come from agents.services.reports.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from agents.api import serializers as s
from agents.api.common import (
    BAD_REQUEST, ERROR, NOT_FOUND, AgentsViewSetMixin, checked, query_values, responses,
)
from agents.api.permissions import PARK_ROLES, visible_demands
from agents.models import Demand, DemandClass, DemandStatus
from agents.services import demands
from agents.services import reports as demand_reports
from portal.errors import NotAllowed
from portal.input_guard import SafeJSONParser
from portal.models.users import Role

def demand_detail(request, demand, status_code=200):
    fresh = (Demand.objects.select_related("enterprise", "raised_by", "owner", "closed_by")
             .prefetch_related("attachments__uploaded_by", "reclassifications__by").get(pk=demand.pk))
    context = {"request": request, "now": timezone.now()}
    return Response(s.DemandDetailSerializer(fresh, context=context).data, status=status_code)


LIST_PARAMETERS = [
    OpenApiParameter("class", str, many=True, enum=DemandClass.values, description="Only these classes."),
    OpenApiParameter("status", str, many=True, enum=DemandStatus.values, description="Only these statuses."),
    OpenApiParameter("light", str, many=True, enum=s.DEMAND_LIGHTS,
                     description="Only these lights now (`waiting`: not classified yet; `done`: decided)."),
    OpenApiParameter("enterprise", str, many=True, description="Credit codes of the companies."),
    OpenApiParameter("owner", str, many=True, description="Usernames of the owners; `me` for the caller."),
]
REPORT_PARAMETERS = [
    OpenApiParameter("kind", str, enum=s.REPORT_KINDS, required=True,
                     description="daily: 日研判 (new and red demands of `day`); weekly: 周调度 (per owner and per "
                                 "department/category from `week_start`); monthly: 月清零 (open at the end of "
                                 "`year`-`month`, and why); compliance: 222 compliance per class between `start` "
                                 "and `end`."),
    OpenApiParameter("day", datetime.date, description="daily: default today."),
    OpenApiParameter("week_start", datetime.date, description="weekly: default this week's Monday."),
    OpenApiParameter("year", int, description="monthly: default this year."),
    OpenApiParameter("month", int, description="monthly: default this month."),
    OpenApiParameter("start", datetime.date, description="compliance: default the first day of this month."),
    OpenApiParameter("end", datetime.date, description="compliance: default today."),
]


@extend_schema(tags=["agents: demands"])
class DemandViewSet(AgentsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Demands: the company and its agents, the companies' leader, the owner, administrators and supervisors
    see them."""

    queryset = Demand.objects.none()
    serializer_class = s.DemandSerializer
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Demand.objects.none()
        qs = visible_demands(self.request.user).select_related("enterprise", "raised_by", "owner")
        if self.action == "list":
            request = self.request
            if wanted := query_values(request, "class"):
                qs = qs.filter(classification__in=wanted)
            if wanted := query_values(request, "status"):
                qs = qs.filter(status__in=wanted)
            if wanted := query_values(request, "light"):
                qs = qs.filter_light(wanted, self._now())  # Demand.LIGHT: the light the rows show
            if wanted := query_values(request, "enterprise"):
                qs = qs.filter(enterprise__credit_code__in=wanted)
            if wanted := query_values(request, "owner"):
                names = [request.user.username if name == "me" else name for name in wanted]
                qs = qs.filter(owner__username__in=names)
        return qs.order_by("-raised_at", "-pk")

    def _now(self):
        """One instant per request: the filter and the lights shown agree."""
        if not hasattr(self, "_request_now"):
            self._request_now = timezone.now()
        return self._request_now

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self._now()}

    @extend_schema(summary="The list (清单): demands the caller may see, with filters", parameters=LIST_PARAMETERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One demand with its light, due time, 222 result, attachments and history",
                   responses={200: s.DemandDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return demand_detail(request, self.get_object())

    @extend_schema(
        summary="Raise a demand (a company member, or its agent for it); attachments optional (multipart)",
        request={"application/json": s.DemandCreateSerializer, "multipart/form-data": s.DemandCreateSerializer},
        responses=responses(s.DemandDetailSerializer, 201),
    )
    def create(self, request, *args, **kwargs):
        data = checked(s.DemandCreateSerializer, request)
        enterprise = data.get("enterprise")
        if enterprise is None:
            if request.user.role != Role.APPLICANT or request.user.enterprise is None:
                return Response({"enterprise": [_("Give the credit code of the company the demand is for.")]},
                                status=status.HTTP_400_BAD_REQUEST)
            enterprise = request.user.enterprise
        demand = demands.raise_demand(actor=request.user, enterprise=enterprise, title=data["title"],
                                      text=data["text"], category=data["category"],
                                      attachments=data["attachments"], request=request)
        return demand_detail(request, demand, status.HTTP_201_CREATED)

    @extend_schema(summary="Classify (the park): class and owner; the first time starts the 222 clock from when "
                           "the demand was raised", request=s.ClassifySerializer,
                   responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        demand = self.get_object()
        data = checked(s.ClassifySerializer, request)
        demands.classify(demand, actor=request.user, classification=data["classification"], owner=data["owner"],
                         request=request)
        return demand_detail(request, demand)

    @extend_schema(
        summary="Start: the park takes the demand on",
        description="There is no separate 'started' state: a demand is being handled once it is classified "
                    "and has an owner. So `start` classifies a demand that is still `raised` (class, and owner = "
                    "the given user or the caller), exactly like `classify`; the 222 clock runs from when the "
                    "demand was raised. On a demand that is already classified it answers 409 (use `reclassify` "
                    "to correct the class).",
        request=s.StartSerializer, responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        demand = self.get_object()
        data = checked(s.StartSerializer, request)
        demands.classify(demand, actor=request.user, classification=data["classification"],
                         owner=data.get("owner") or request.user, request=request)
        return demand_detail(request, demand)

    @extend_schema(summary="Correct the class, with a reason (the due time is recomputed from when the demand "
                           "was raised)", request=s.ReclassifySerializer,
                   responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"])
    def reclassify(self, request, pk=None):
        demand = self.get_object()
        data = checked(s.ReclassifySerializer, request)
        demands.reclassify(demand, actor=request.user, classification=data["classification"],
                           reason=data["reason"], request=request)
        return demand_detail(request, demand)

    @extend_schema(summary="Resolve (the owner or a leader)", request=s.ResolveSerializer,
                   responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        demand = self.get_object()
        data = checked(s.ResolveSerializer, request)
        demands.resolve(demand, actor=request.user, resolution=data["resolution"], request=request)
        return demand_detail(request, demand)

    @extend_schema(summary="Propose the solution plan of a big demand, with its own completion date",
                   request=s.ProposePlanSerializer, responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"], url_path="propose-plan")
    def propose_plan(self, request, pk=None):
        demand = self.get_object()
        data = checked(s.ProposePlanSerializer, request)
        demands.propose_plan(demand, actor=request.user, plan=data["plan"], plan_due_date=data["plan_due_date"],
                             request=request)
        return demand_detail(request, demand)

    @extend_schema(summary="销号: the company confirms the resolution (closes the demand)", request=None,
                   responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        demand = self.get_object()
        demands.confirm(demand, actor=request.user, request=request)
        return demand_detail(request, demand)

    @extend_schema(summary="销号 by a leader, with a reason", request=s.ReasonSerializer,
                   responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        demand = self.get_object()
        data = checked(s.ReasonSerializer, request)
        demands.close(demand, actor=request.user, reason=data["reason"], request=request)
        return demand_detail(request, demand)

    @extend_schema(summary="Reopen (the company or a leader), with a reason: a new clock from now",
                   request=s.ReasonSerializer, responses=responses(s.DemandDetailSerializer))
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        demand = self.get_object()
        data = checked(s.ReasonSerializer, request)
        demands.reopen(demand, actor=request.user, reason=data["reason"], request=request)
        return demand_detail(request, demand)

    @extend_schema(summary="Reports: daily triage, weekly dispatch, monthly clear-to-zero, 222 compliance",
                   description="For the park (agents, leaders, administrators, supervisors). The answer's "
                               "`kind` tells which report it is.",
                   parameters=REPORT_PARAMETERS,
                   responses={200: PolymorphicProxySerializer(component_name="DemandReport",
                                                              serializers=s.REPORT_SERIALIZERS,
                                                              resource_type_field_name="kind"),
                              400: BAD_REQUEST, 403: ERROR,
                              401: OpenApiResponse(description="Not logged in.")})
    @action(detail=False, methods=["get"], url_path="reports")
    def reports(self, request):
        if request.user.role not in PARK_ROLES:
            raise NotAllowed(_("Only the park (agents, leaders, administrators, supervisors) sees demand reports."))
        query = s.ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        kind = params["kind"]
        today = timezone.localdate()
        if kind == "daily":
            used = {"day": params.get("day") or today}
            result = demand_reports.daily_triage(used["day"])
        elif kind == "weekly":
            used = {"week_start": params.get("week_start") or today - datetime.timedelta(days=today.weekday())}
            result = demand_reports.weekly_dispatch(used["week_start"])
        elif kind == "monthly":
            used = {"year": params.get("year") or today.year, "month": params.get("month") or today.month}
            result = demand_reports.monthly_clear_to_zero(used["year"], used["month"])
        else:
            start = params.get("start") or today.replace(day=1)
            used = {"start": start, "end": params.get("end") or max(today, start)}
            if used["end"] < used["start"]:
                return Response({"end": [_("The end must not be before the start.")]},
                                status=status.HTTP_400_BAD_REQUEST)
            result = demand_reports.compliance_222(used["start"], used["end"])
        return Response(s.REPORT_SERIALIZERS[kind]({"kind": kind, "parameters": used, "report": result}).data)
