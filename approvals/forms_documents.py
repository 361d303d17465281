"""Forms of the public verification page: by number, or by uploading the PDF (size-limited, type-checked)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from approvals.services import upload_inspection as inspection

PDF_MAGIC = b"%PDF-"


def active_content_refusal(content: bytes) -> str | None:
    """Why a PDF to verify is refused (scripts, actions, attachments, encryption), or None.

    A damaged file is not refused here: the verification itself answers "unreadable" for it.
    """
    try:
        inspection.check_pdf(content)
    except inspection.Unreadable:
        return None
    except inspection.Refusal as refusal:
        return refusal.message
    return None


class VerifyNumberForm(forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=64,
                             help_text=_("As printed on the document, e.g. 渝北城管许〔2026〕第0001号."))


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("The PDF to check"),
                           help_text=_("The file you received from the portal; it is checked, not stored."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DOCUMENT_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(limit)s; the portal's documents are much "
                                          "smaller.") % {"limit": filesizeformat(limit)})
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(_("This is not a PDF file."))
        refusal = active_content_refusal(upload.read())
        upload.seek(0)
        if refusal:
            raise forms.ValidationError(refusal)
        return upload

    def content(self) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read()
