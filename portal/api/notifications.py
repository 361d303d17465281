"""REST API of the caller's notifications: GET /api/v1/notifications/ and POST /api/v1/notifications/read/.

Only the caller's own notifications that are shown in the portal (delivered to the in-app list) are listed or
marked; ids of other people's notifications are ignored, never revealed.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.models import Notification
from portal.services.notifications_read import ALL, mark_read, visible_to
from portal.services.notify import unread_count


class NotificationLinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="A path in the portal (or an absolute URL).")


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()
    links = NotificationLinkSerializer(many=True, read_only=True,
                                       help_text="Further links: the event's documents, or each entry of a digest.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "links", "shown_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None

    def to_representation(self, obj):
        """The declared fields written out (a page has 25 rows); tests/portal/test_notifications_pages.py checks
        that this equals DRF's generic rendering of them."""
        return {
            "id": obj.pk, "kind": str(obj.kind), "title": str(obj.title), "body": str(obj.body), "link": str(obj.link),
            "links": [{"title": str(link["title"]), "url": str(link["url"])} for link in obj.links or []],
            "shown_at": _datetime_out(obj.shown_at), "read_at": _datetime_out(obj.read_at),
            "unread": obj.read_at is None,
        }


_DATETIME = serializers.DateTimeField()


def _datetime_out(value):
    return None if value is None else _DATETIME.to_representation(value)


class NotificationPagination(PageNumberPagination):
    """Page-number pagination plus the caller's unread count (over every page)."""

    page_size = 25
    unread: int = 0

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread"] = self.unread
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["unread"] = {"type": "integer", "description": "Unread notifications in all."}
        paginated.setdefault("required", []).append("unread")
        return paginated


@extend_schema(tags=["notifications"])
class NotificationListView(ListAPIView):
    """The caller's notifications, newest first, with the number still unread."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination

    def get_queryset(self):
        return visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        self.paginator.unread = unread_count(request.user)
        return super().list(request, *args, **kwargs)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=500)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError(_("Give the ids of the notifications to mark as read, or all: true."))
        return attrs


@extend_schema(tags=["notifications"])
class MarkReadView(APIView):
    """Mark some (`ids`) or all (`all: true`) of the caller's notifications as read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadSerializer,
                   responses={200: inline_serializer("MarkReadResponse", {"marked": serializers.IntegerField(),
                                                                          "unread": serializers.IntegerField()})})
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = ALL if data.validated_data.get("all") else data.validated_data["ids"]
        marked = mark_read(request.user, target)
        return Response({"marked": marked, "unread": unread_count(request.user)})
