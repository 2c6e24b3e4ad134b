"""Where a renderer puts every text and node of a drawing, as seen on a 1920x1080 slide.

Measured from the renderer's own layout (``-Tjson``: both the system ``dot`` and
graphviz-pure write it), not from our DOT text: each text's baseline point, alignment,
font size and width, and each node's outline. The drawing is scaled to fit a 1920x1080
slide as a presentation program fits a picture (keeping its aspect ratio), so sizes are
in slide pixels.

A text's width is the larger of the renderer's own estimate and its width in DejaVu Sans
(measured from the font file with Pillow, when both are installed): DejaVu Sans is what a
Linux SVG viewer substitutes for Helvetica without Liberation Sans, and the widest of the
fonts viewers use for it, so a layout that passes here passes in each of them.

    >>> layout(drawing, "dot").smallest_text_px      # doctest: +SKIP
    >>> layout(drawing, "graphviz-pure").overlaps()  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from autograd.draw import Drawing, render

SLIDE = (1920, 1080)  # a 16:9 slide (1080p), in pixels
PAD = 4.0  # points Graphviz adds around the drawing in SVG and PNG (its "pad" default)
ASCENT, DESCENT = 0.78, 0.22  # of the font size, above and below the baseline (DejaVu Sans)


@dataclass(frozen=True)
class Box:
    """A rectangle in slide pixels, y growing downwards."""

    x0: float
    y0: float
    x1: float
    y1: float

    def meets(self, other: Box, margin: float = 0.0) -> bool:
        """Whether the two rectangles share an area (closer than ``margin`` pixels)."""
        return (
            self.x0 < other.x1 + margin
            and other.x0 < self.x1 + margin
            and self.y0 < other.y1 + margin
            and other.y0 < self.y1 + margin
        )


@dataclass(frozen=True)
class Text:
    text: str
    owner: str  # "node n3", "edge n0->n2_op", "cluster cluster_1" or "graph"
    size_px: float  # the font size on the slide
    box: Box
    bold: bool = False


@dataclass(frozen=True)
class Shape:
    """A node's outline: its bounding box, and for an ellipse its centre and radii."""

    owner: str
    box: Box
    ellipse: tuple[float, float, float, float] | None = None  # cx, cy, rx, ry

    def meets(self, box: Box) -> bool:
        if not self.box.meets(box):
            return False
        if self.ellipse is None:
            return True
        cx, cy, rx, ry = self.ellipse  # the point of the box closest to the centre
        x, y = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
        return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1


@dataclass
class Layout:
    """A drawing's texts and node outlines on a 1920x1080 slide."""

    renderer: str
    size_pt: tuple[float, float]  # the drawing's width and height in points
    scale: float  # slide pixels per point
    texts: list[Text] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)  # one per node
    rules: list[Shape] = field(default_factory=list)  # lines inside a node (cell dividers)
    frames: list[Shape] = field(default_factory=list)  # outlined cells of a label (the legend)

    @property
    def smallest_text_px(self) -> float:
        return min(t.size_px for t in self.texts)

    def overlaps(self) -> list[str]:
        """Every pair of texts that overlap, every text on a node it does not belong to, and
        every text crossing a line inside its own node (a table cell's divider)."""
        found = []
        for i, a in enumerate(self.texts):
            for b in self.texts[i + 1 :]:
                if a.box.meets(b.box):
                    found.append(f"{a.owner} {a.text!r} overlaps {b.owner} {b.text!r}")
        for text in self.texts:
            for shape in self.shapes:
                if shape.owner != text.owner and shape.meets(text.box):
                    found.append(f"{text.owner} {text.text!r} lies on {shape.owner}")
            for rule in self.rules:
                if rule.owner == text.owner and rule.box.meets(text.box):
                    found.append(f"{text.owner} {text.text!r} crosses a line inside it")
            for frame in self.frames:  # a text in an outlined cell stays inside its outline
                if frame.box.meets(text.box) and not _inside(text.box, frame.box):
                    found.append(f"{text.owner} {text.text!r} crosses the outline of a cell")
        return found

    def outside_own_node(self) -> list[str]:
        """The texts of a node that reach past its outline."""
        outline = {s.owner: s.box for s in self.shapes}
        return [
            f"{t.owner} {t.text!r}"
            for t in self.texts
            if t.owner in outline and not _inside(t.box, outline[t.owner])
        ]


def layout(drawing: Drawing | str, renderer: str, font: str | None = "DejaVu Sans") -> Layout:
    """The layout ``renderer`` ("dot" or "graphviz-pure") gives ``drawing``, fitted to a slide.

    Each text is as wide as it is in ``font`` if that is wider than the renderer's estimate
    (see the module's docstring); ``font=None``: the renderer's estimate only.
    """
    source = drawing if isinstance(drawing, str) else drawing.source
    graph = json.loads(render.run(source, ["-Tjson"], renderer))
    x0, y0, x1, y1 = map(float, graph["bb"].split(","))
    width, height = x1 - x0 + 2 * PAD, y1 - y0 + 2 * PAD
    scale = min(SLIDE[0] / width, SLIDE[1] / height)

    def point(x: float, y: float) -> tuple[float, float]:  # Graphviz's y grows upwards
        return (x - x0 + PAD) * scale, (y1 - y + PAD) * scale

    found = Layout(renderer, (width, height), scale)
    names = {o["_gvid"]: o["name"] for o in graph.get("objects", [])}
    owners: list[tuple[str, dict[str, Any], bool]] = [("graph", graph, False)]
    for o in graph.get("objects", []):
        is_cluster = "nodes" in o or "subgraphs" in o or o["name"].startswith("cluster")
        owners.append((f"{'cluster' if is_cluster else 'node'} {o['name']}", o, not is_cluster))
    for e in graph.get("edges", []):
        owners.append((f"edge {names[e['tail']]}->{names[e['head']]}", e, False))
    for owner, obj, is_node in owners:
        for key in ("_ldraw_", "_hldraw_", "_tldraw_"):
            found.texts += _texts(obj.get(key, []), owner, point, scale, font)
        if owner == "graph":
            found.frames += [
                f for f in _shapes(obj.get("_ldraw_", []), owner, point) if not _thin(f)
            ]
        if is_node:
            outline = list(_shapes(obj.get("_draw_", []), owner, point))
            if outline:
                found.shapes.append(_union(outline, owner))
            found.rules += [r for r in _shapes(obj.get("_ldraw_", []), owner, point) if _thin(r)]
    return found


def _texts(
    ops: list[dict[str, Any]], owner: str, point: Any, scale: float, font: str | None
) -> Iterator[Text]:
    size, face, bold = 14.0, "Times-Roman", False
    for op in ops:
        if op["op"] == "F":
            size, face = float(op["size"]), op["face"]
        elif op["op"] == "t":
            bold = bool(int(op["fontchar"]) & 1)
        elif op["op"] == "T" and op["text"].strip():
            width = float(op["width"])
            if font is not None:
                measured = font_width(op["text"], size, bold or "Bold" in face, font)
                width = max(width, measured or 0.0)
            (x, y), align = op["pt"], op["align"]
            left = x - {"l": 0.0, "c": width / 2, "r": width}[align]
            ax, ay = point(left, y + ASCENT * size)
            bx, by = point(left + width, y - DESCENT * size)
            box = Box(ax, ay, bx, by)
            yield Text(op["text"], owner, size * scale, box, bold)


def _shapes(ops: list[dict[str, Any]], owner: str, point: Any) -> Iterator[Shape]:
    for op in ops:
        if op["op"] in ("p", "P", "b", "B", "L"):
            xs, ys = zip(*(point(x, y) for x, y in op["points"]))
            yield Shape(owner, Box(min(xs), min(ys), max(xs), max(ys)))
        elif op["op"] in ("e", "E"):
            cx, cy, rx, ry = op["rect"]
            (px, py), (qx, qy) = point(cx - rx, cy + ry), point(cx + rx, cy - ry)
            centre = ((px + qx) / 2, (py + qy) / 2, (qx - px) / 2, (qy - py) / 2)
            yield Shape(owner, Box(px, py, qx, qy), centre)


def _union(shapes: list[Shape], owner: str) -> Shape:
    boxes = [s.box for s in shapes]
    box = Box(
        min(b.x0 for b in boxes),
        min(b.y0 for b in boxes),
        max(b.x1 for b in boxes),
        max(b.y1 for b in boxes),
    )
    ellipses = [s.ellipse for s in shapes if s.ellipse]
    return Shape(owner, box, ellipses[0] if len(ellipses) == len(shapes) == 1 else None)


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer.x0 <= inner.x0
        and inner.x1 <= outer.x1
        and outer.y0 <= inner.y0
        and inner.y1 <= outer.y1
    )


def _thin(shape: Shape) -> bool:
    """A line (a cell divider), as opposed to a filled area."""
    return min(shape.box.x1 - shape.box.x0, shape.box.y1 - shape.box.y0) < 0.5


# -- fonts ------------------------------------------------------------------------------
@functools.cache
def font_file(family: str, bold: bool = False) -> str | None:
    """The file fontconfig picks for ``family``, if it is that family (not a substitute)."""
    if shutil.which("fc-match") is None:
        return None
    pattern = f"{family}:bold" if bold else family
    done = subprocess.run(
        ["fc-match", "-f", "%{family}\n%{file}", pattern], capture_output=True, text=True
    )
    lines = done.stdout.split("\n")
    if done.returncode != 0 or len(lines) < 2 or family not in lines[0].split(","):
        return None
    return lines[1]


def font_width(
    text: str, size: float, bold: bool = False, family: str = "DejaVu Sans"
) -> float | None:
    """The width in points of ``text`` at ``size`` points in ``family``, from the font file
    (None without Pillow or the font)."""
    try:
        from PIL import ImageFont
    except ImportError:
        return None
    path = font_file(family, bold)
    if path is None:
        return None
    font = ImageFont.truetype(path, 1000)  # measured large, then scaled: no rounding to pixels
    return font.getlength(text) * size / 1000
