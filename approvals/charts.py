"""Charts drawn on the server as SVG (no script, no CDN): pure geometry for the templates.

`bar_chart([(label, value, link)], ...)` returns the bars' rectangles and labels in a fixed view box; the
template draws them (templates/approvals/supervision/_bars.svg.html) with each bar a link to the list behind it.
`grouped_bar_chart` draws two series per period (received and decided per week or month)."""

from dataclasses import dataclass

WIDTH, HEIGHT, BASE, TOP = 640, 240, 200, 20


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: object
    link: str = ""
    series: int = 0


def _scale(values):
    top = max([v for v in values if v] or [1])
    return (BASE - TOP) / top


def bar_chart(points, *, width=WIDTH):
    """points: [(label, value, link)]; one bar each."""
    n = max(len(points), 1)
    slot = width / n
    scale = _scale([p[1] or 0 for p in points])
    bars = []
    for i, (label, value, link) in enumerate(points):
        h = (value or 0) * scale
        bars.append(Bar(x=i * slot + slot * 0.15, y=BASE - h, width=slot * 0.7, height=h, label=str(label),
                        value=value, link=link))
    return {"bars": bars, "width": width, "height": HEIGHT, "base": BASE}


def grouped_bar_chart(periods, series: list[str], *, width=WIDTH):
    """periods: [(label, [value per series], [link per series])]."""
    n = max(len(periods), 1)
    slot = width / n
    k = max(len(series), 1)
    scale = _scale([v or 0 for _label, values, _links in periods for v in values])
    bars = []
    for i, (label, values, links) in enumerate(periods):
        inner = slot * 0.8 / k
        for j, value in enumerate(values):
            h = (value or 0) * scale
            bars.append(Bar(x=i * slot + slot * 0.1 + j * inner, y=BASE - h, width=inner * 0.9, height=h,
                            label=str(label) if j == 0 else "", value=value, link=links[j], series=j))
    return {"bars": bars, "width": width, "height": HEIGHT, "base": BASE, "series": series,
            "labels": [(i * slot + slot / 2, str(label)) for i, (label, _v, _l) in enumerate(periods)]}
