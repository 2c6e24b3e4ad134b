"""How a drawing looks: the shapes and colours of each kind of node, in one place.

Shape and border tell the kinds apart even when the fill shows gradient magnitudes instead
(``color_by_grad=True``). The legend reads these tables. The widths of text in the fonts
viewers substitute for Helvetica are here too (:func:`text_width`): how large a box must be.

Imports nothing of ours: the standard library only.
"""

from __future__ import annotations

import math

__all__ = [
    "EDGE_EMPHASIS",
    "FOCUS_EDGE",
    "HIGHLIGHT",
    "KIND_STYLE",
    "MEANING",
    "NODE_EMPHASIS",
    "OP_STYLE",
    "heat_color",
    "text_width",
]

# The palette is Okabe and Ito's, made to stay apart for colour-blind viewers (tested with
# a deuteranopia simulation): bluish green, blue, yellow, reddish purple and vermillion.
# Each kind also differs in border (width, dashes, rounding, a double line), so the
# drawing reads in greyscale too. Attribute values are DOT attribute values, in quotes.
KIND_STYLE: dict[str, dict[str, str]] = {
    "output": {"style": "filled,bold", "peripheries": "2", "fillcolor": "#f9f4b3"},
    "parameter": {"style": "rounded,filled", "color": "#0072b2", "penwidth": "2",
                  "fillcolor": "#cce3f0"},
    "input": {"style": "filled", "color": "#009e73", "penwidth": "2", "fillcolor": "#ccece3"},
    "value": {"style": "filled", "color": "#555555", "fillcolor": "white"},
    "constant": {"style": "dashed", "color": "#888888", "fontcolor": "#555555"},
    "module": {"style": "rounded,filled", "color": "#cc79a7", "penwidth": "2",
               "fillcolor": "#e6bcd3"},
}  # fmt: skip
OP_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee"}

# Vermillion marks a highlighted path and a step-through frame's current node.
HIGHLIGHT = "#d55e00"
NODE_EMPHASIS = {"color": HIGHLIGHT, "penwidth": "3.5"}
EDGE_EMPHASIS = {"color": HIGHLIGHT, "penwidth": "3"}
FOCUS_EDGE = EDGE_EMPHASIS | {"fontcolor": HIGHLIGHT}  # its label too: the grad passed back

# What the legend says of each kind (and of the emphasis), in the order it lists them.
MEANING = {
    "input": "input",
    "parameter": "parameter",
    "value": "computed",
    "constant": "constant",
    "output": "output",
    "module": "module",
}

_HEAT_LOW, _HEAT_HIGH, _HEAT_BAD = (255, 255, 255), (230, 159, 0), "#cc79a7"


def heat_color(g: float | None, largest: float) -> str:
    """White for 0 (or not yet known), orange for the largest |grad|, linear in between;
    reddish purple for inf or nan.

    >>> [heat_color(g, 2.0) for g in (0.0, -1.0, 2.0, None, math.inf)]
    ['#ffffff', '#f2cf80', '#e69f00', '#ffffff', '#cc79a7']
    """
    if g is None or largest == 0:
        return "#ffffff"
    if not math.isfinite(g):
        return _HEAT_BAD
    t = abs(g) / largest
    rgb = (round(lo + (hi - lo) * t) for lo, hi in zip(_HEAT_LOW, _HEAT_HIGH))
    return "#" + "".join(f"{c:02x}" for c in rgb)


# -- text widths --------------------------------------------------------------------------
# A viewer shows an SVG's "Helvetica" in whatever it has: Helvetica, Arial, Liberation Sans
# or, on Linux without those, DejaVu Sans, the widest of them. Graphviz sizes a box for the
# font it measures (graphviz-pure: Helvetica's widths, exactly), so every text cell gets a
# minimum width measured in DejaVu Sans: the text then fits in each of those fonts.
# Advance widths of the printable ASCII characters, " " to "~", in 1/1000 em, read from
# DejaVuSans.ttf and DejaVuSans-Bold.ttf (version 2.37); tests/test_draw_fonts.py compares
# them with the installed font files.
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
)  # fmt: skip
_OTHER = 1200  # any other character: wider than DejaVu's widest (U+FFFD, 1113) and an em
_MONO = 610  # a monospace font's character (Courier 600, DejaVu Sans Mono 602)


def text_width(text: str, size: float, bold: bool = False, mono: bool = False) -> float:
    """The width of one line of ``text`` at ``size`` points, in points, in DejaVu Sans (or
    a monospace font): at least its width in any font a viewer shows for Helvetica.

    >>> text_width("data 2.000", 14), text_width("x1", 14, bold=True)
    (76.06, 18.77)
    """
    widths = _BOLD if bold else _REGULAR
    units = sum(_MONO if mono else widths[ord(c) - 32] if " " <= c <= "~" else _OTHER for c in text)
    return round(units * size / 1000, 2)
