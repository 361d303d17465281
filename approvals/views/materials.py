"""Serving an application's material files, only to the people allowed to see the application."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from approvals.models import MaterialFile
from approvals.services import permissions
from portal.services import audit


@never_cache
@login_required
@require_GET
def material_file(request, pk, file_id):
    """The stored file with its checked content type; `?download=1` saves it instead of showing it.

    Anyone who may not see the application gets a 404, so they cannot even learn that the file exists.
    """
    material = get_object_or_404(MaterialFile.objects.visible_to(request.user)
                                 .select_related("application__enterprise", "material_type"),
                                 pk=file_id, application_id=pk)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    if material.application.created_by_id != request.user.pk and not permissions.acts_for_enterprise(
            request.user, material.application.enterprise):
        # Officials reading an enterprise's documents leave a trace in the audit log.
        audit.record("application.material_viewed", actor=request.user, subject=material,
                     summary=f"{material.application.reference} {material.material_type.key} v{material.version}",
                     data={"application": material.application_id, "sha256": material.sha256}, request=request)
    response = FileResponse(handle, content_type=material.content_type,
                            as_attachment=request.GET.get("download") == "1",
                            filename=material.original_name or f"{material.material_type.key}{material.extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
