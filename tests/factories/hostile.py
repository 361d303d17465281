"""Hostile files built in code: PDFs with scripts, actions, launches, attachments or encryption; image bombs.

Every PDF here is well formed (correct cross-reference offsets), so a refusal is about its content, never about
damage. Object 1 is the catalog, 2 the page tree, 3 the one page; `extra` objects are numbered from 4.
"""

import zlib
from io import BytesIO
from struct import pack


def pdf(*, catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF with `catalog` and `page` appended to those dictionaries and `extra` objects from 4 on."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


OPEN_ACTION_JAVASCRIPT = dict(catalog=b"/OpenAction 4 0 R",
                              extra=(b"<< /Type /Action /S /JavaScript /JS (app.alert('pwned')) >>",))
NAMES_JAVASCRIPT = dict(catalog=b"/Names << /JavaScript 4 0 R >>",
                        extra=(b"<< /Names [(x) 5 0 R] >>", b"<< /S /JavaScript /JS (this.print()) >>"))
HEX_ESCAPED_JAVASCRIPT = dict(catalog=b"/Names << /J#61vaScript 4 0 R >>",
                              extra=(b"<< /Names [(x) 5 0 R] >>", b"<< /S /J#61vaScript /J#53 (1) >>"))
LAUNCH = dict(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>")
PAGE_ADDITIONAL_ACTION = dict(page=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>")
EMBEDDED_FILE = dict(catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                     extra=(b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
                            b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"))
RICH_MEDIA = dict(page=b"/Annots [4 0 R]",
                  extra=(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>",))
XFA = dict(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>",
           extra=(b"<< /Length 7 >>\nstream\n<xdp/>\nendstream",))


def pdf_with_script_in_object_stream() -> bytes:
    """The JavaScript action packed into a compressed object stream (invisible to a scan of the raw bytes)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter(stream_xrefs=True)
    object_stream = writer.prepare_object_stream()
    action = generic.DictionaryObject({
        generic.NameObject("/S"): generic.NameObject("/JavaScript"),
        generic.NameObject("/JS"): generic.TextStringObject("app.alert('pwned')"),
    })
    writer.root[generic.NameObject("/OpenAction")] = writer.add_object(action, obj_stream=object_stream)
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A plain PDF encrypted with a user password (AES-256)."""
    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(pdf())))
    writer.security_handler = StandardSecurityHandler.build_from_pw("secret")
    writer._encrypt = writer.add_object(writer.security_handler.as_pdf_object())
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A black-and-white PNG of width × height pixels, all zero: about 110 KB that decodes to 900 megapixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"\x00" * ((1 + (width + 7) // 8) * 1000)  # a thousand rows: filter byte and 1 bit per pixel
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(rows) for _ in range(height // 1000)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height (no pixel data): enough for a check that reads headers only."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b""))
