"""Liveness and readiness for load balancers and docker-compose health checks."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    status = {"database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        status["database"] = f"error: {exc.__class__.__name__}"
        return JsonResponse(status, status=503)
    return JsonResponse(status)
