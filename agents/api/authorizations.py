"""/api/v1/authorizations/: a company authorises (委托) a park service agent, and can revoke it any time."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from agents.api import serializers as s
from agents.api.common import NOT_FOUND, AgentsViewSetMixin, checked, query_values, responses
from agents.api.permissions import visible_authorizations
from agents.models import Authorization
from agents.services import authorizations
from portal.input_guard import SafeJSONParser
from portal.models.users import Role

STATES = ["valid", "revoked", "expired", "not_yet_valid"]


def _detail(request, authorization, status_code=200):
    fresh = (Authorization.objects.select_related("enterprise", "agent", "granted_by", "revoked_by")
             .prefetch_related("items", "packages").get(pk=authorization.pk))
    return Response(s.AuthorizationSerializer(fresh, context={"request": request}).data, status=status_code)


@extend_schema(tags=["agents: authorisations"])
class AuthorizationViewSet(AgentsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Company members see their company's authorisations, agents their own; leaders those of the companies
    they answer for; administrators and supervisors all."""

    queryset = Authorization.objects.none()
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]
    serializer_class = s.AuthorizationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Authorization.objects.none()
        qs = (visible_authorizations(self.request.user)
              .select_related("enterprise", "agent", "granted_by", "revoked_by").prefetch_related("items", "packages"))
        if self.action == "list":
            today = timezone.localdate()
            wanted = set(query_values(self.request, "state"))
            if wanted:
                q = Q(pk__in=[])
                if "revoked" in wanted:
                    q |= Q(revoked_at__isnull=False)
                live = Q(revoked_at__isnull=True)
                if "expired" in wanted:
                    q |= live & Q(valid_until__lt=today)
                if "not_yet_valid" in wanted:
                    q |= live & Q(valid_from__gt=today)
                if "valid" in wanted:
                    q |= live & Q(valid_from__lte=today, valid_until__gte=today)
                qs = qs.filter(q)
            codes = query_values(self.request, "enterprise")
            if codes:
                qs = qs.filter(enterprise__credit_code__in=codes)
        return qs.order_by("-granted_at", "-pk")

    @extend_schema(summary="List the authorisations the caller may see",
                   parameters=[OpenApiParameter("state", str, many=True, enum=STATES,
                                                description="Only these states today (repeat or comma-separate)."),
                               OpenApiParameter("enterprise", str, many=True, description="Credit codes.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One authorisation", responses={200: s.AuthorizationSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Authorise an agent for the caller's company (multipart, with the signed power of attorney)",
        description="Only a member of the company may grant. Scope `all` covers every item; `listed` only the "
                    "given items and the items of the given packages. The power of attorney is checked by its "
                    "content (PDF, PNG or JPEG) and stored with its SHA-256.",
        request={"multipart/form-data": s.AuthorizationCreateSerializer},
        responses=responses(s.AuthorizationSerializer, 201),
    )
    def create(self, request, *args, **kwargs):
        data = checked(s.AuthorizationCreateSerializer, request)
        enterprise = data.get("enterprise")
        if enterprise is None:
            if request.user.role != Role.APPLICANT or request.user.enterprise is None:
                return Response({"enterprise": [_("Give the credit code of the company that authorises.")]},
                                status=status.HTTP_400_BAD_REQUEST)
            enterprise = request.user.enterprise
        authorization = authorizations.grant(
            actor=request.user, enterprise=enterprise, agent=data["agent"], valid_from=data["valid_from"],
            valid_until=data["valid_until"], power_of_attorney=data["power_of_attorney"], scope=data["scope"],
            items=data["items"], packages=data["packages"], request=request)
        return _detail(request, authorization, status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke an authorisation (a member of the company), with a reason",
                   request=s.RevokeSerializer, responses=responses(s.AuthorizationSerializer))
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        authorization = self.get_object()
        data = checked(s.RevokeSerializer, request)
        authorizations.revoke(authorization, actor=request.user, reason=data["reason"], request=request)
        return _detail(request, authorization)
