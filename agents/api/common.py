"""Shared pieces of the agents API: documented error answers and input checking."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import IsAuthenticated

from approvals.api.applications import checked  # noqa: F401  (the same 400 shape as the approvals API)
from approvals.api.serializers.applications import ErrorSerializer

ERROR = OpenApiResponse(ErrorSerializer, description="Not allowed: the message says why.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or not visible to the caller.")
BAD_REQUEST = OpenApiResponse(ErrorSerializer, description="Invalid input (field errors) or refused by a "
                                                           "business rule.")
CONFLICT = OpenApiResponse(ErrorSerializer, description="Wrong state, e.g. a second click.")


def responses(ok, ok_status=200):
    """The documented answers of an action: its result, and 400 / 403 / 404 / 409 with a message."""
    return {ok_status: ok, 400: BAD_REQUEST, 403: ERROR, 404: NOT_FOUND, 409: CONFLICT}


class AgentsViewSetMixin:
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"


def query_values(request, name) -> list[str]:
    return [v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",") if v.strip()]
