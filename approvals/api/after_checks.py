"""REST API of the after-checks of commitments (事后核查): /api/v1/after-checks/.

The department's worklist (soonest due first, with its light) and one action, `outcome`: confirmed, or false
commitment (which revokes the decision and bars the enterprise). Visibility is `AfterCheck.objects.visible_to`;
the light is `with_light(now)`; the service `after_checks.record_outcome` applies the rules.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from approvals.api.applications import checked, responses
from approvals.api.serializers.common import LIGHTS, DepartmentRefSerializer, ItemRefSerializer, choice_field
from approvals.api.serializers.applications import ErrorSerializer
from approvals.api.serializers.reviews import ApplicationRefSerializer
from approvals.models import AfterCheck, AfterCheckOutcome
from approvals.services import after_checks
from approvals.services.permissions import OVERSEEING_ROLES, department_of
from portal.models.users import Role

AFTER_CHECK_LIGHTS = ["green", "yellow", "red", "done"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such after-check, or not visible to the caller.")


class AfterCheckReaders(BasePermission):
    """Department staff and chiefs (their department's checks); leaders, administrators, supervisors (all)."""

    def has_permission(self, request, view):
        user = request.user
        self.message = _("The after-checks of commitments are the work of the departments' staff and chief "
                         "representatives.")
        return user.role in OVERSEEING_ROLES or (user.role in (Role.STAFF, Role.CHIEF)
                                                 and department_of(user) is not None)


class FollowUpMaterialSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    present = serializers.BooleanField(help_text="Handed in after the decision (补交).")
    handed_in_at = serializers.DateTimeField(allow_null=True)


class AfterCheckSerializer(serializers.ModelSerializer):
    application = ApplicationRefSerializer(source="review.application")
    item = ItemRefSerializer(source="review.item")
    department = DepartmentRefSerializer()
    review = serializers.IntegerField(source="review_id")
    decided_at = serializers.DateTimeField(source="review.decided_at",
                                           help_text="When the item was decided on the commitment.")
    light = serializers.ChoiceField(choices=LIGHTS, read_only=True,
                                    help_text="green, yellow, red (past the due date) or done (an outcome is "
                                              "recorded).")
    outcome = choice_field(AfterCheckOutcome, read_only=True, allow_blank=True)
    outcome_label = serializers.CharField(source="get_outcome_display")
    checked_by = serializers.CharField(source="decided_by.display_name", default=None, allow_null=True)
    checked_at = serializers.DateTimeField(source="decided_at", allow_null=True)
    revoked_at = serializers.DateTimeField(source="review.revoked_at", allow_null=True)

    class Meta:
        model = AfterCheck
        fields = ["id", "application", "item", "department", "review", "decided_at", "opened_at", "due_at",
                  "light", "outcome", "outcome_label", "note", "checked_by", "checked_at", "revoked_at"]


class AfterCheckDetailSerializer(AfterCheckSerializer):
    follow_up_materials = serializers.SerializerMethodField(
        help_text="The materials the commitment let follow the decision, and whether they were handed in.")

    class Meta(AfterCheckSerializer.Meta):
        fields = [*AfterCheckSerializer.Meta.fields, "follow_up_materials"]

    @extend_schema_field(FollowUpMaterialSerializer(many=True))
    def get_follow_up_materials(self, check):
        return FollowUpMaterialSerializer([{
            "key": state.key, "name": state.bundled.material_type.name, "present": state.current is not None,
            "handed_in_at": state.current.uploaded_at if state.current is not None else None,
        } for state in after_checks.follow_up_materials(check)], many=True).data


class OutcomeInputSerializer(serializers.Serializer):
    outcome = choice_field(AfterCheckOutcome)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                 help_text="The findings; required for a false commitment (the applicant reads it "
                                           "as the reason the decision is revoked).")


STATE_PARAM = OpenApiParameter("state", str, enum=["open", "done", "all"],
                               description="Open (no outcome yet, the default), done, or all.")
LIGHT_PARAM = OpenApiParameter("light", str, many=True, enum=AFTER_CHECK_LIGHTS,
                               description="Only checks with these lights (repeat or separate by commas).")


@extend_schema(tags=["after-checks"])
class AfterCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """After-checks (事后核查) of decisions made on commitment, with their due dates and lights."""

    permission_classes = [IsAuthenticated, AfterCheckReaders]
    lookup_value_regex = r"\d+"
    queryset = AfterCheck.objects.none()  # narrowed per user in get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AfterCheck.objects.none()
        return (AfterCheck.objects.visible_to(self.request.user).with_light(timezone.now())
                .select_related("review__application__enterprise", "review__item__department", "department",
                                "decided_by"))

    def get_serializer_class(self):
        return AfterCheckSerializer if self.action == "list" else AfterCheckDetailSerializer

    @extend_schema(summary="The after-checks the caller works on, soonest due first",
                   description="Department staff and chiefs see their department's checks; leaders, administrators "
                               "and supervisors all.", parameters=[STATE_PARAM, LIGHT_PARAM])
    def list(self, request, *args, **kwargs):
        qs = self.get_queryset()
        state = request.query_params.get("state") or "open"
        if state == "open":
            qs = qs.open()
        elif state == "done":
            qs = qs.done()
        lights = [v for raw in request.query_params.getlist("light") for v in raw.split(",") if v.strip()]
        if lights:
            qs = qs.filter(light__in=lights)
        page = self.paginate_queryset(qs.order_by("due_at", "id"))
        return self.get_paginated_response(AfterCheckSerializer(page, many=True).data)

    @extend_schema(summary="One after-check, with the materials that were to follow the commitment",
                   responses={200: AfterCheckDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(summary="Record the outcome: commitment confirmed, or false commitment (revokes the decision)",
                   request=OutcomeInputSerializer,
                   responses={**responses(ok=AfterCheckDetailSerializer), 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        check = self.get_object()
        data = checked(OutcomeInputSerializer, request)
        after_checks.record_outcome(check, actor=request.user, outcome=data["outcome"], note=data["note"],
                                    request=request)
        return Response(AfterCheckDetailSerializer(self.get_queryset().get(pk=check.pk)).data)
