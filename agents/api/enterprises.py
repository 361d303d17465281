"""/api/v1/enterprises/: the companies the caller answers for or belongs to, with their leader, service agent
and stewardship history (一个企业、一个领导、一个专员); reassigning keeps the history."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from agents.api import serializers as s
from agents.api.common import NOT_FOUND, AgentsViewSetMixin, checked, responses
from agents.api.permissions import visible_enterprises
from agents.services import stewardship
from portal.models import Enterprise


@extend_schema(tags=["agents: enterprises"])
class EnterpriseViewSet(AgentsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Companies: an agent sees the ones they serve or are authorised for, a leader those they answer for, a
    company member their own, administrators and supervisors all."""

    queryset = Enterprise.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enterprise.objects.none()
        return (visible_enterprises(self.request.user).select_related("leader", "service_agent", "park")
                .order_by("name", "pk"))

    def get_serializer_class(self):
        return s.EnterpriseSerializer if self.action == "list" else s.EnterpriseDetailSerializer

    @extend_schema(summary="List the companies the caller may see")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One company with its leader, service agent and stewardship history",
                   responses={200: s.EnterpriseDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        enterprise = self.get_object()
        history = list(stewardship.history(enterprise))
        return Response(s.EnterpriseDetailSerializer(enterprise, context={"history": history}).data)

    @extend_schema(summary="Reassign the leader and/or the service agent (administrator or leader)",
                   description="Closes the current stewardship row and opens a new one with the reason; the "
                               "company's leader and service agent change at once.",
                   request=s.ReassignSerializer, responses=responses(s.EnterpriseDetailSerializer))
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        enterprise = self.get_object()
        data = checked(s.ReassignSerializer, request)
        stewardship.reassign(enterprise, actor=request.user, leader=data.get("leader"), agent=data.get("agent"),
                             reason=data["reason"], request=request)
        enterprise = Enterprise.objects.select_related("leader", "service_agent", "park").get(pk=enterprise.pk)
        history = list(stewardship.history(enterprise))
        return Response(s.EnterpriseDetailSerializer(enterprise, context={"history": history}).data)
