"""A certificate the portal issued becomes a document on file (免提交) of its holder: the next bundle that needs
that material type has it attached automatically (approvals.services.applications), linked to its verification."""

from datetime import timedelta

from django.utils import timezone

from approvals.models import EnterpriseDocument


def file_certificate(document) -> EnterpriseDocument | None:
    """Inside the issuing transaction: keep the sealed certificate as the holder's document on file."""
    item = document.item
    if document.enterprise_id is None or item is None or item.issued_material_id is None:
        return None
    on_file = EnterpriseDocument.objects.create(
        enterprise_id=document.enterprise_id, material_type_id=item.issued_material_id,
        file=document.file.name, title=f"{document.title}（电子证照 {document.number}）"[:200],
        issued_at=timezone.localdate(document.issued_at), valid_until=document.valid_until,
        source=document.department.name, original_name=document.file_name[:255], content_type="application/pdf",
        size=document.size, pages=None, sha256=document.sha256,
    )
    document.on_file = on_file
    document.save(update_fields=["on_file"])
    return on_file


def withdraw_from_file(document, *, now) -> None:
    """A revoked certificate is no longer attached to new bundles: its document on file ends yesterday (the
    attachment rule skips expired documents). Bundles that already hold it keep it, with its verification
    link, which now says "revoked"."""
    EnterpriseDocument.objects.filter(pk=document.on_file_id).update(
        valid_until=timezone.localdate(now) - timedelta(days=1))
