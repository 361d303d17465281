"""Documents on the web: downloads (only for the people entitled), the public catalog notices, and the public
verification page (/verify/), by number (where the certificates' QR codes land) or by uploading the PDF."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from approvals.documents import access, verification
from approvals.documents.catalog_notice import catalog_notice
from approvals.documents.serving import file_response
from approvals.forms_documents import VerifyNumberForm, VerifyUploadForm
from approvals.models import IssuedDocument, Package, ServiceItem


@never_cache
@login_required
@require_GET
def document(request, pk):
    """A document's page (where the notifications link): its record and the download, or, while it is being
    issued, a note to come back in a moment. Hidden (404) from whoever may not download it."""
    document = get_object_or_404(
        IssuedDocument.objects.with_state().select_related("application", "department", "enterprise", "item",
                                                           "superseded_by"), pk=pk)
    if not access.may_download(request.user, document):
        raise Http404
    successor = getattr(document, "superseded_by", None)
    return render(request, "approvals/documents/document.html", {
        "document": document, "successor": successor,
        "state_message": verification.STATE_MESSAGES.get(document.state),
    })


@never_cache
@login_required
@require_GET
def download(request, pk):
    """Whoever may not download the document gets a 404, so they cannot even learn that it exists."""
    document = get_object_or_404(IssuedDocument.objects.issued().select_related("application__enterprise",
                                                                                 "department"), pk=pk)
    if not access.may_download(request.user, document):
        raise Http404
    return file_response(request, document)


@require_GET
def item_notice(request, code):
    item = get_object_or_404(ServiceItem.objects.select_related("department"), code=code, active=True)
    return file_response(request, catalog_notice(item), inline=True)


@require_GET
def package_notice(request, code):
    package = get_object_or_404(Package, code=code, active=True)
    return file_response(request, catalog_notice(package), inline=True)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    number_form = VerifyNumberForm(request.GET if "number" in request.GET else None)
    if number_form.is_bound and number_form.is_valid():
        return redirect("approvals:verify_number", number_form.cleaned_data["number"].strip())
    upload_form = VerifyUploadForm(request.POST, request.FILES) if request.method == "POST" else VerifyUploadForm()
    result, status = None, 200
    if request.method == "POST":
        if upload_form.is_valid():
            result = verification.verify_pdf(upload_form.content())
        else:
            status = 400
    return render(request, "approvals/documents/verify.html", {
        "number_form": number_form, "upload_form": upload_form, "result": result,
    }, status=status)


@never_cache
@require_GET
def verify_number(request, number):
    document = verification.lookup(number)
    return render(request, "approvals/documents/verify_number.html", {
        "number": number, "document": document, "number_form": VerifyNumberForm(initial={"number": number}),
        "upload_form": VerifyUploadForm(),
        "state_message": verification.STATE_MESSAGES.get(document.state) if document else None,
        "unknown_message": verification.UNKNOWN_NUMBER,
    }, status=200 if document else 404)
