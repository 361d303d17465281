"""The red round seal, drawn by the portal as SVG: the department's name along the upper arc, a star in the middle
and the seal's purpose below it, as a Chinese official seal (公章) looks. Placed in the PDF where the document is
signed; the PAdES signature field lies exactly over it."""

import math
from html import escape

SEAL_RED = "#d7000f"
SIZE_MM = 42
VIEW = 200  # the drawing's own units: a 200 x 200 square
_CENTRE = VIEW / 2


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        radius = outer if i % 2 == 0 else inner
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def seal_svg(name: str, caption: str = "行政审批专用章", *, size_mm: int = SIZE_MM) -> str:
    """Inline SVG markup (already escaped) of a seal bearing `name` (any length; long names get smaller)."""
    chars = list(name.strip()) or ["印"]
    count = len(chars)
    font = 24 if count <= 12 else max(14, int(24 * 12 / count))
    span = min(250.0, 22.0 * count + 10)  # degrees of the arc the name covers, centred on the top
    radius = 70  # where the characters' baselines sit
    letters = []
    for index, char in enumerate(chars):
        angle = -span / 2 + span * (index + 0.5) / count
        letters.append(
            f'<text x="{_CENTRE}" y="{_CENTRE - radius + font * 0.35:.1f}" font-size="{font}" '
            f'transform="rotate({angle:.2f} {_CENTRE} {_CENTRE})">{escape(char)}</text>'
        )
    caption_font = 15 if len(caption) <= 8 else 12
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="seal-drawing" width="{size_mm}mm" height="{size_mm}mm" '
        f'viewBox="0 0 {VIEW} {VIEW}" role="img" aria-label="{escape(name)}">'
        f'<g fill="{SEAL_RED}" font-family="Portal Serif SC, Noto Serif CJK SC, serif" font-weight="bold" '
        f'text-anchor="middle" fill-opacity="0.88">'
        f'<circle cx="{_CENTRE}" cy="{_CENTRE}" r="{VIEW / 2 - 5}" fill="none" stroke="{SEAL_RED}" stroke-width="7" '
        f'stroke-opacity="0.88"/>'
        f'{"".join(letters)}'
        f'<polygon points="{_star(_CENTRE, _CENTRE + 2, 30, 12)}"/>'
        f'<text x="{_CENTRE}" y="{_CENTRE + 60}" font-size="{caption_font}">{escape(caption)}</text>'
        f"</g></svg>"
    )
