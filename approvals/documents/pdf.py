"""PDFs from HTML templates (templates/pdf/*.html) with WeasyPrint and the Noto CJK fonts of the system.

Rendering fetches nothing but the portal's own files: relative URLs resolve against the static folder
(`base_url`), and the URL fetcher refuses every URL outside it and the compact font's folder (approvals.documents
.fonts): no http, https, data or other files. Values are escaped by the templates' autoescaping, so a hostile form
value prints as text.
"""

import atexit
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from approvals.documents import fonts

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF user space is in points (1/72 in)
PDF_VARIANT = "pdf/a-2b"  # the official documents: archivable, and still PDF/A once sealed (signing.py)
SEAL_ANCHOR = "seal"  # the id of the element the seal is drawn in and the signature field lies over
OFFICIAL_STYLESHEET = "pdf/official.css"  # in the static folder: the common style of templates/pdf/_official.html


class RefusedResource(ValueError):
    """A template asked for something outside the portal's static files."""


def static_root() -> Path:
    return Path(settings.BASE_DIR / "static").resolve()


def _fetcher():
    import weasyprint

    roots = [static_root(), fonts.font_dir().resolve()]

    class StaticOnlyFetcher(weasyprint.URLFetcher):
        """Serves `file:` URLs inside the static folder (and the compact font); refuses everything else."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise RefusedResource(f"Only the portal's static files may be used in a PDF, not {url[:80]!r}")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
                raise RefusedResource(f"Not one of the portal's static files: {url[:80]!r}")
            return super().fetch(path.as_uri(), headers)

    return StaticOnlyFetcher(allowed_protocols=["file"])


@dataclass(frozen=True)
class SealPlacement:
    """Where the seal was drawn: a page index and a box (x1, y1, x2, y2) in PDF points from the bottom left."""

    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    seal: SealPlacement | None


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


class _Typesetter:
    """What every document of one thread shares: the Fontconfig/Pango configuration with the compact font loaded,
    the parsed stylesheets and the URL fetcher.

    A FontConfiguration is costly to make (Fontconfig loads its configuration, WeasyPrint copies each @font-face
    file to a temporary folder and Pango builds its font map and caches from scratch): making one per document
    took about half of a one-page document's time. It is not safe to share between threads (Pango's font map is
    not), so each thread keeps its own; a Celery worker process has one. Parsed stylesheets are kept with it
    (they hold the @font-face rules registered in it).
    """

    def __init__(self, key):
        import weasyprint

        self.key = key
        self.fetcher = _fetcher()
        self.font_config = weasyprint.text.fonts.FontConfiguration()
        font_css = fonts.font_face_css()
        self.font_faces = ([weasyprint.CSS(string=font_css, url_fetcher=self.fetcher, font_config=self.font_config)]
                           if font_css else [])
        self._sheets = {}

    def stylesheet(self, name: str):
        """The parsed stylesheet `static/<name>`."""
        import weasyprint

        if name not in self._sheets:
            path = static_root() / name
            self._sheets[name] = weasyprint.CSS(url=path.as_uri(), url_fetcher=self.fetcher,
                                                font_config=self.font_config)
        return self._sheets[name]


_local = threading.local()


@atexit.register
def _forget_typesetter():
    """Drop this thread's configuration before the interpreter tears its modules down (its temporary font folder
    is removed then, while the module that removes it still works)."""
    _local.__dict__.clear()


def _typesetter() -> _Typesetter:
    key = (static_root(), fonts.font_dir().resolve())  # settings a test may change
    typesetter = getattr(_local, "typesetter", None)
    if typesetter is None or typesetter.key != key:
        typesetter = _local.typesetter = _Typesetter(key)
    return typesetter


def _layout(template_name: str, context: dict, stylesheets: tuple[str, ...] = ()):
    import weasyprint  # imported here: loading Pango is not needed by the processes that never print

    html = render_html(template_name, context)
    typesetter = _typesetter()
    sheets = typesetter.font_faces + [typesetter.stylesheet(name) for name in stylesheets]
    return weasyprint.HTML(string=html, base_url=static_root().as_uri() + "/", url_fetcher=typesetter.fetcher).render(
        stylesheets=sheets, font_config=typesetter.font_config)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `templates/<template_name>` (a template with its own style) to PDF bytes."""
    return _layout(template_name, context).write_pdf()


def render_document(template_name: str, context: dict) -> Rendered:
    """Render an official document (a template extending pdf/_official.html, styled by static/pdf/official.css)
    to PDF and report where the element with id="seal" landed (the last one, if several)."""
    document = _layout(template_name, context, (OFFICIAL_STYLESHEET,))
    seal = None
    for index, page in enumerate(document.pages):
        anchor = page.anchors.get(SEAL_ANCHOR)
        if anchor is None:
            continue
        x1, y1, x2, y2 = anchor  # CSS pixels from the top left of the page
        height = page.height * PX_TO_PT
        seal = SealPlacement(index, (x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT))
    return Rendered(pdf=document.write_pdf(pdf_variant=PDF_VARIANT), pages=len(document.pages), seal=seal)
