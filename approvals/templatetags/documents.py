"""{% application_documents application %}: the documents issued for an application, with download links."""

from django import template

from approvals.models import IssuedDocument

register = template.Library()


@register.inclusion_tag("approvals/documents/_list.html")
def application_documents(application):
    documents = (IssuedDocument.objects.with_state().filter(application=application)
                 .select_related("item", "department").order_by("ordered_at", "id"))
    return {"documents": list(documents)}
