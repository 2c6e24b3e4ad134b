"""How a drawing looks: the shapes and colours of each kind of node, in one place.

Shape and border tell the kinds apart even when the fill shows gradient magnitudes instead
(``color_by_grad=True``). A legend, or another palette, reads these tables.

Imports nothing of ours: the standard library only.
"""

from __future__ import annotations

import math

__all__ = ["EDGE_EMPHASIS", "FOCUS_EDGE", "KIND_STYLE", "NODE_EMPHASIS", "OP_STYLE", "heat_color"]

# The kinds analysis tells apart (autograd.draw.analysis.GraphAnalysis.kind), plus the box a
# folded module becomes. Attribute values are DOT attribute values, in double quotes.
KIND_STYLE: dict[str, dict[str, str]] = {
    "output": {"style": "filled,bold", "peripheries": "2", "fillcolor": "#fde9a9"},
    "parameter": {"style": "rounded,filled", "color": "#1f5fa6", "penwidth": "2",
                  "fillcolor": "#cfe2f3"},
    "input": {"style": "filled", "color": "#38761d", "penwidth": "2", "fillcolor": "#d9ead3"},
    "value": {"style": "filled", "fillcolor": "white"},
    "constant": {"style": "dashed", "color": "#888888", "fontcolor": "#555555"},
    "module": {"style": "rounded,filled", "color": "#674ea7", "penwidth": "2",
               "fillcolor": "#ece5f6"},
}  # fmt: skip
OP_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee", "fontsize": "14"}

# Red marks a highlighted path and a step-through frame's current node.
HIGHLIGHT = "#d62728"
NODE_EMPHASIS = {"color": HIGHLIGHT, "penwidth": "3"}
EDGE_EMPHASIS = {"color": HIGHLIGHT, "penwidth": "2.5"}
FOCUS_EDGE = EDGE_EMPHASIS | {"fontcolor": HIGHLIGHT}  # its label too: the grad passed back

_HEAT_LOW, _HEAT_HIGH, _HEAT_BAD = (255, 255, 255), (230, 85, 13), "#ff66ff"


def heat_color(g: float | None, largest: float) -> str:
    """White for 0 (or not yet known), orange for the largest |grad|, linear in between;
    magenta for inf or nan.

    >>> [heat_color(g, 2.0) for g in (0.0, -1.0, 2.0, None, math.inf)]
    ['#ffffff', '#f2aa86', '#e6550d', '#ffffff', '#ff66ff']
    """
    if g is None or largest == 0:
        return "#ffffff"
    if not math.isfinite(g):
        return _HEAT_BAD
    t = abs(g) / largest
    rgb = (round(lo + (hi - lo) * t) for lo, hi in zip(_HEAT_LOW, _HEAT_HIGH))
    return "#" + "".join(f"{c:02x}" for c in rgb)
