"""QR codes as inline SVG (the qrcode package), for the e-certificates' link to the public verification page."""

import re

import qrcode
import qrcode.image.svg


def qr_svg(data: str, *, size_mm: int = 28) -> str:
    """SVG markup of a QR code for `data` (medium error correction), `size_mm` wide."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image()
    svg = image.to_string(encoding="unicode")
    # Drop the XML declaration and give it a printed size; the path keeps its own viewBox.
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\swidth="[^"]*"\s+height="[^"]*"', f' width="{size_mm}mm" height="{size_mm}mm"', svg, count=1)
    return svg.replace("<svg ", '<svg class="qr" ', 1)
