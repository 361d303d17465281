"""What an uploaded file holds besides its pages: active content in a PDF, an image's size before decoding.

A PDF is read with pyHanko's parser (the one that checks the seals): every object of every revision is visited,
those packed into compressed object streams included, and the parser has already turned escaped names such as
`/J#61vaScript` into `/JavaScript`. As a second net the raw bytes are scanned for the same names (hex escapes
decoded), which catches objects a damaged cross-reference table hides from the parser. Anything that can run,
open, launch or carry another file is refused; so is an encrypted PDF, whose content cannot be checked.

An image's width and height come from its header (Pillow's `Image.open` decodes no pixels); beyond
`UPLOAD_MAX_IMAGE_PIXELS` it is refused before anything decodes it, so a 30000×30000 PNG of 109 KB never
becomes 900 million pixels in memory.
"""

import re
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Each forbidden PDF name -> the reason shown to the user (several names share one reason).
SCRIPT = gettext_lazy("it contains JavaScript")
ACTION = gettext_lazy("it runs actions by itself when opened or viewed")
LAUNCH = gettext_lazy("it can launch other programs")
EMBEDDED = gettext_lazy("it carries embedded files")
RICH_MEDIA = gettext_lazy("it contains multimedia (Flash or video)")
XFA = gettext_lazy("it contains an XFA form")
FORBIDDEN_NAMES = {
    "/JS": SCRIPT, "/JavaScript": SCRIPT,
    "/OpenAction": ACTION, "/AA": ACTION,
    "/Launch": LAUNCH,
    "/EmbeddedFile": EMBEDDED, "/EmbeddedFiles": EMBEDDED, "/FileAttachment": EMBEDDED,
    "/RichMedia": RICH_MEDIA,
    "/XFA": XFA,
}
REASON_ORDER = [SCRIPT, ACTION, LAUNCH, EMBEDDED, RICH_MEDIA, XFA]
# A name token in raw PDF bytes: a slash and regular characters (PDF 32000-1, 7.2.2 and 7.3.5).
NAME_TOKEN = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
MAX_PDF_OBJECTS = 200_000  # a walk bigger than this is refused rather than allowed to run on


class Refusal(Exception):
    """The file is not acceptable; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Unreadable(Refusal):
    """The file cannot be parsed at all (damaged, or not what its first bytes claim)."""


def _refuse_pdf(reasons) -> Refusal:
    ordered = [str(reason) for reason in REASON_ORDER if reason in reasons]
    return Refusal(_("This PDF is refused because %(reasons)s. Only plain documents are accepted: print or "
                     "export it again as an ordinary PDF without scripts, actions or attachments.")
                   % {"reasons": _("; ").join(ordered)})


def raw_names(content: bytes) -> set[str]:
    """Every name token in the raw bytes, hex escapes decoded (uncompressed objects, even unreachable ones)."""
    names = set()
    for token in NAME_TOKEN.findall(content):
        if b"#" in token:
            token = HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), token)
        names.add(token.decode("latin-1"))
    return names


def _walk(reader, value, seen: set, found: set) -> None:
    """Collect the forbidden names among the keys and values reachable from `value` (iteratively)."""
    from pyhanko.pdf_utils import generic

    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise Refusal(_("This PDF has too many objects to be checked; export it again as a plain PDF."))
            try:
                stack.append(item.get_object())
            except Exception:  # noqa: BLE001 - a dangling reference is skipped, the raw scan still sees it
                continue
        elif isinstance(item, generic.DictionaryObject):  # streams too: their dictionary is checked
            for name, child in item.items():
                if name in FORBIDDEN_NAMES:
                    found.add(FORBIDDEN_NAMES[name])
                stack.append(child)
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item)
        elif isinstance(item, generic.NameObject) and item in FORBIDDEN_NAMES:
            found.add(FORBIDDEN_NAMES[item])


def check_pdf(content: bytes):
    """The parsed reader of a PDF without active content; Refusal saying why otherwise."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(content), strict=False)
        encrypted = reader.encrypted
    except (PdfReadError, KeyError, TypeError, ValueError, IndexError, RecursionError) as exc:
        raise Unreadable(_("The PDF file is damaged or cannot be read; please export it again.")) from exc
    if encrypted:
        raise Refusal(_("This PDF is encrypted or password-protected, so its content cannot be checked. Remove "
                        "the protection (save or print it as an ordinary PDF) and upload it again."))
    found = {FORBIDDEN_NAMES[name] for name in raw_names(content) if name in FORBIDDEN_NAMES}
    seen: set = set()
    try:
        _walk(reader, reader.trailer_view, seen, found)
        for revision in range(reader.xrefs.total_revisions):
            for ref in reader.xrefs.explicit_refs_in_revision(revision):
                _walk(reader, generic.IndirectObject(ref.idnum, ref.generation, reader), seen, found)
    except (PdfReadError, KeyError, TypeError, ValueError, IndexError, RecursionError) as exc:
        raise Unreadable(_("The PDF file is damaged or cannot be read; please export it again.")) from exc
    if found:
        raise _refuse_pdf(found)
    return reader


def check_image(content: bytes) -> tuple[int, int]:
    """(width, height) of a PNG or JPEG read from its header; Refusal when it is damaged or too large."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    too_large = _("The image is %(width)d × %(height)d pixels; at most %(limit)d megapixels are accepted. "
                  "Scan or export it at a lower resolution.")
    try:
        with Image.open(BytesIO(content)) as image:  # reads the header only; no pixel is decoded here
            width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours: refused all the same
        width, height = _header_size(content)
        if not width:
            raise Refusal(_("The image has too many pixels; at most %(limit)d megapixels are accepted. Scan or "
                            "export it at a lower resolution.") % {"limit": limit // 1_000_000}) from None
        raise Refusal(too_large % {"width": width, "height": height, "limit": limit // 1_000_000}) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise Unreadable(_("The image file is damaged or cannot be read; please save it again.")) from exc
    if width * height > limit:
        raise Refusal(too_large % {"width": width, "height": height, "limit": limit // 1_000_000})
    return width, height


def _header_size(content: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR (for the message when Pillow refused the bomb itself)."""
    if content[12:16] == b"IHDR":
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    return 0, 0
