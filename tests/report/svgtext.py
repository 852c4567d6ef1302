"""Text boxes read from the report's inline SVG, to check that no two labels overprint.

The report keeps text as text in its SVG (``svg.fonttype: none``): each ``<text>`` has its
position, font size and anchor, and its width is measured here with matplotlib's metrics of the
font it names first (DejaVu Sans), as the label placement measured it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

_MEASURE = TextToPath()
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)


@dataclass(frozen=True)
class TextBox:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: TextBox) -> float:
        """Area shared with ``other`` (0 when apart)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


def svgs(page: str) -> list[str]:
    """Every inline SVG of a page."""
    return _SVG.findall(page)


def _attr(attrs: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', attrs)
    return m.group(1) if m else None


def text_boxes(svg: str) -> list[TextBox]:
    """The boxes of the horizontal text of one SVG (rotated text, e.g. axis titles, is left out)."""
    out = []
    for attrs, body in _TEXT.findall(svg):
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        if not text.strip():
            continue
        style = _attr(attrs, "style") or ""
        size_m = re.search(r"font-size:\s*([\d.]+)px", style)
        size = float(size_m.group(1)) if size_m else 10.0
        anchor_m = re.search(r"text-anchor:\s*(\w+)", style)
        anchor = anchor_m.group(1) if anchor_m else "start"
        transform = _attr(attrs, "transform") or ""
        rot = re.search(r"rotate\((-?[\d.]+)", transform)
        if rot and abs(float(rot.group(1))) > 1e-6:
            continue
        x, y = _attr(attrs, "x"), _attr(attrs, "y")
        if x is None or y is None:
            tr = re.search(r"translate\((-?[\d.]+)[ ,](-?[\d.]+)\)", transform)
            if tr is None:
                continue
            x, y = tr.group(1), tr.group(2)
        width, _, _ = _MEASURE.get_text_width_height_descent(
            text, FontProperties(family="DejaVu Sans", size=size), ismath=False
        )
        left = float(x) - {"start": 0.0, "middle": 0.5, "end": 1.0}.get(anchor, 0.0) * width
        base = float(y)
        out.append(TextBox(text, left, base - 0.76 * size, left + width, base + 0.24 * size))
    return out


def overlaps(svg: str, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts of one SVG whose boxes share more than ``tolerance`` square units."""
    boxes = text_boxes(svg)
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.overlap(b) > tolerance:
                found.append((a.text, b.text))
    return found
