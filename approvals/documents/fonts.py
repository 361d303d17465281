"""A compact copy of Noto Serif CJK SC for the PDFs: the GB 2312 characters and the usual punctuation.

WeasyPrint reads the whole font collection (26 MB) and subsets it for every document; that is most of a
document's rendering time. Subsetting the system font once (HarfBuzz, a few seconds) into `PDF_FONT_DIR`
(default var/fonts/) makes each document several times faster and smaller. The templates name "Portal Serif SC"
first and the system's "Noto Serif CJK SC" after it, so a rare character outside GB 2312 (a company name's 堃)
is still printed, from the full font. Without HarfBuzz-subset or the system font, nothing changes: the templates
fall back to the system font.
"""

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)
FAMILY = "Portal Serif SC"
SYSTEM_FONTS = {
    "normal": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "bold": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
}
SC_FACE = "Noto Serif CJK SC"
VERSION = 2  # in the file name: a change to how the font is made makes new files
# HarfBuzz subset flags. WeasyPrint subsets the font again for every document, without hints and with the glyphs'
# subroutines inlined; doing both once here makes that per-document step about a third faster, and the glyphs
# embedded in the PDFs are the same.
NO_HINTING = 0x1
DESUBROUTINIZE = 0x4


def font_dir() -> Path:
    return Path(settings.PDF_FONT_DIR)


def _characters() -> list[int]:
    codes = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))  # ASCII, Latin-1, Latin Extended-A
    codes |= set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) | set(range(0x2460, 0x2500))  # punctuation,
    codes |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | {0x33A1, 0x33A5, 0x00B2, 0x00B3}  # CJK, ㎡
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codes.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return sorted(codes)


def _face_index(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == SC_FACE:
            return index
    raise LookupError(f"No {SC_FACE} face in {path}")


def _subset(source: Path, target: Path) -> None:
    from cffi import FFI

    ffi = FFI()
    ffi.cdef("""
        typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
        typedef struct hb_subset_input_t hb_subset_input_t; typedef struct hb_set_t hb_set_t;
        hb_blob_t *hb_blob_create_from_file (const char *file_name);
        hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
        void hb_face_destroy (hb_face_t *face);
        void hb_blob_destroy (hb_blob_t *blob);
        hb_blob_t *hb_face_reference_blob (hb_face_t *face);
        const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
        void hb_set_add (hb_set_t *set, uint32_t codepoint);
        hb_subset_input_t *hb_subset_input_create_or_fail (void);
        void hb_subset_input_destroy (hb_subset_input_t *input);
        hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
        void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
        hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
    """)
    harfbuzz = ffi.dlopen("libharfbuzz.so.0")
    subsetter = ffi.dlopen("libharfbuzz-subset.so.0")
    blob = harfbuzz.hb_blob_create_from_file(str(source).encode())
    face = harfbuzz.hb_face_create(blob, _face_index(source))
    wanted = subsetter.hb_subset_input_create_or_fail()
    try:
        unicodes = subsetter.hb_subset_input_unicode_set(wanted)
        for code in _characters():
            harfbuzz.hb_set_add(unicodes, code)
        subsetter.hb_subset_input_set_flags(wanted, NO_HINTING | DESUBROUTINIZE)
        subset = subsetter.hb_subset_or_fail(face, wanted)
        if subset == ffi.NULL:
            raise RuntimeError(f"HarfBuzz could not subset {source}")
        out = harfbuzz.hb_face_reference_blob(subset)
        length = ffi.new("unsigned int *")
        data = ffi.unpack(harfbuzz.hb_blob_get_data(out, length), length[0])
        harfbuzz.hb_blob_destroy(out)
        harfbuzz.hb_face_destroy(subset)
    finally:
        subsetter.hb_subset_input_destroy(wanted)
        harfbuzz.hb_face_destroy(face)
        harfbuzz.hb_blob_destroy(blob)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, target)


def font_path(weight: str) -> Path:
    return font_dir() / f"PortalSerifSC-{weight}-v{VERSION}.otf"


@lru_cache(maxsize=4)
def _font_face_css(directory: str) -> str:
    rules = []
    for weight, source in SYSTEM_FONTS.items():
        target = font_path(weight)
        try:
            if not target.exists():
                _subset(source, target)
                for stale in font_dir().glob(f"PortalSerifSC-{weight}*.otf"):  # made by an earlier version
                    if stale != target:
                        stale.unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - no HarfBuzz-subset or no system font: the full font is used instead
            log.warning("Could not make the compact PDF font from %s; using the system font.", source, exc_info=True)
            return ""
        rules.append(f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
                     f'src: url("{target.resolve().as_uri()}"); }}')
    return "\n".join(rules)


def font_face_css() -> str:
    """The @font-face rules of the compact font (made on first use), or "" to use the system font."""
    return _font_face_css(str(font_dir()))
