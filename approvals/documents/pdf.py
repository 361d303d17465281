"""PDFs from HTML templates (templates/pdf/*.html) with WeasyPrint and the Noto CJK fonts of the system."""

from django.conf import settings
from django.template.loader import render_to_string


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `templates/<template_name>` to PDF bytes; relative URLs resolve against the static folder."""
    import weasyprint  # imported here: loading Pango is not needed by the processes that never print

    html = render_html(template_name, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
