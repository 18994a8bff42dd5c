"""Server-rendered SVG charts: a bar chart and a line chart, no JavaScript.

The SVG is standalone (xmlns, width/height) so the same string goes inline into a page and,
as a data URI, into a PDF (xhtml2pdf draws it through svglib). Colours are SVG presentation
attributes (allowed under the CSP and honoured by svglib); CSS classes let the screen and
print stylesheets restyle them. Every chart has <title> and <desc>, and value labels so it
reads without colour.
"""
from __future__ import annotations

import base64
import itertools
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#1f5aa6", "#b3161b", "#1e7a3c", "#a35c00")
INK, GRID, MUTED = "#1d2433", "#d5dae3", "#5b6475"
FONT = "DejaVu Sans"
_ids = itertools.count(1)


def _num(value: float) -> str:
    """Up to two decimals with the Indonesian decimal comma: 1,92 / 0,5 / 3."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def percent(value) -> str:
    """'83,3%': one decimal with the Indonesian decimal comma, as every page and report prints it."""
    if value is None:
        return "\u2013"
    return f"{float(value):.1f}".replace(".", ",") + "%"


def _fmt(value, unit: str) -> str:
    if value is None:
        return "\u2013"
    if unit == "%":
        return percent(value)
    text = _num(value) if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def _nice_max(value: float, integer: bool = False) -> float:
    """A round upper bound for the axis (1, 2, 2.5, 5 x 10^n); even, so counts get whole ticks."""
    if integer:
        top = max(2, math.ceil(_nice_max(value)))
        return top + top % 2
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _open(kind: str, width: int, height: int, title: str, desc: str, css_class: str) -> tuple[str, list[str]]:
    uid = f"chart{next(_ids)}"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind} {escape(css_class)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}" font-size="11">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    return uid, head


def _axis(parts: list[str], x0: float, y0: float, x1: float, top: float, vmax: float, unit: str) -> None:
    """Horizontal grid lines with values at 0, 1/2 and the top of the scale."""
    parts.append('<g class="grid">')
    for frac in (0, 0.5, 1):
        y = y0 - frac * (y0 - top)
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text class="tick" x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                     f'{escape(_num(vmax * frac) + unit)}</text>')
    parts.append("</g>")


def _x_labels(parts: list[str], labels: Sequence[str], xs: Sequence[float], y: float, every: int) -> None:
    parts.append('<g class="x-labels">')
    last = len(labels) - 1
    prev = last - last % every if last % every else last - every
    # the last label too, unless it would collide with the one before it
    show_last = every == 1 or prev < 0 or xs[last] - xs[prev] >= 6.5 * (len(labels[last]) + 1)
    for i, (label, x) in enumerate(zip(labels, xs, strict=False)):
        if i % every == 0 or (i == last and show_last):
            parts.append(f'<text class="x-label" x="{x:.1f}" y="{y}" text-anchor="middle" fill="{INK}">'
                         f'{escape(label)}</text>')
    parts.append("</g>")


def bar_chart(labels: Sequence[str], values: Sequence[float | None], *, title: str, desc: str = "",
              unit: str = "", width: int = 560, height: int = 220, max_value: float | None = None,
              css_class: str = "", label_every: int = 1, highlight: Sequence[bool] | None = None,
              integer: bool = False) -> Markup:
    """Vertical bars, one per label, each with its value above it (None = no bar, shown "–").

    highlight marks bars (e.g. columns over a limit) with the class "bar hi" and the alert colour.
    """
    if len(labels) != len(values):
        raise ValueError("labels and values must have the same length")
    left, right, top, bottom = 40, 8, 18, 34
    x0, y0, x1 = left, height - bottom, width - right
    vmax = _nice_max(max_value if max_value is not None else max([v or 0 for v in values] or [0]), integer)
    slot = (x1 - x0) / max(len(values), 1)
    bar_w = max(2.0, slot * 0.62)
    uid, parts = _open("bar", width, height, title, desc or title, css_class)
    _axis(parts, x0, y0, x1, top, vmax, unit)
    parts.append('<g class="series s0">')
    centers = []
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        cx = x0 + slot * (i + 0.5)
        centers.append(cx)
        v = max(0.0, float(value or 0))
        h = (y0 - top) * min(v, vmax) / vmax
        hi = bool(highlight and highlight[i])
        colour = PALETTE[1] if hi else PALETTE[0]
        parts.append(f'<rect class="bar{" hi" if hi else ""}" x="{cx - bar_w / 2:.1f}" y="{y0 - h:.1f}" '
                     f'width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                     f'<title>{escape(label)}: {escape(_fmt(value, unit))}</title></rect>')
        parts.append(f'<text class="value" x="{cx:.1f}" y="{y0 - h - 3:.1f}" text-anchor="middle" '
                     f'fill="{INK}">{escape(_fmt(value, unit))}</text>')
    parts.append("</g>")
    _x_labels(parts, labels, centers, height - bottom + 14, label_every)
    parts.append(f'<line class="axis" x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="{INK}" stroke-width="1"/>')
    parts.append("</svg>")
    # Every text and attribute value above is a number or passed through escape().
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, title: str,
               desc: str = "", unit: str = "", width: int = 560, height: int = 220,
               css_class: str = "", label_every: int = 1, integer: bool = True) -> Markup:
    """One polyline (with a dot per point) per named series over shared x labels, and a legend."""
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} points for {len(labels)} labels")
    left, right, top, bottom = 40, 8, 26, 34
    x0, y0, x1 = left, height - bottom, width - right
    vmax = _nice_max(max([max((x for x in v if x is not None), default=0) for _, v in series] or [0]), integer)
    n = len(labels)
    xs = [x0 + (x1 - x0) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    uid, parts = _open("line", width, height, title, desc or title, css_class)
    _axis(parts, x0, y0, x1, top, vmax, unit)
    legend_x = x0
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        # None is "no value yet" (a day still to come): no point and a gap in the line, never a zero.
        pts = [None if v is None else (x, y0 - (y0 - top) * float(v) / vmax) for x, v in zip(xs, values, strict=False)]
        parts.append(f'<g class="series s{k}"><title>{escape(name)}</title>')
        dash = ' stroke-dasharray="6 3"' if k % 2 else ""
        for run in _runs(pts):
            parts.append(f'<polyline class="line" fill="none" stroke="{colour}" stroke-width="2"{dash} points="'
                         + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + '"/>')
        for pt, label, v in zip(pts, labels, values, strict=False):
            if pt is None:
                continue
            x, y = pt
            parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">'
                         f'<title>{escape(name)} {escape(label)}: {escape(_fmt(v, unit))}</title></circle>')
        parts.append("</g>")
        parts.append(f'<g class="legend"><line x1="{legend_x}" y1="8" x2="{legend_x + 14}" y2="8" stroke="{colour}" '
                     f'stroke-width="3"{dash}/>'
                     f'<text x="{legend_x + 18}" y="12" fill="{INK}">{escape(name)}</text></g>')
        legend_x += 28 + 7 * len(name)
    _x_labels(parts, labels, xs, height - bottom + 14, label_every)
    parts.append(f'<line class="axis" x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="{INK}" stroke-width="1"/>')
    parts.append("</svg>")
    # Every text and attribute value above is a number or passed through escape().
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def _runs(points):
    """Consecutive non-None points, each run drawn as one polyline."""
    run = []
    for p in points:
        if p is None:
            if run:
                yield run
            run = []
        else:
            run.append(p)
    if run:
        yield run


def data_uri(svg: str) -> str:
    """The SVG as a data URI for <img> in PDF templates."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode("utf-8")).decode("ascii")
