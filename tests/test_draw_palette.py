"""The palette stays apart for colour-blind viewers: each kind's colours, and the highlight
against every border, simulated for deuteranopia and protanopia (Machado, Oliveira and
Fernandes 2009, severity 1, applied in linear RGB) and compared by CIEDE2000 (Sharma, Wu
and Dalal 2005). Implemented here from the papers, independent of the drawing code.
"""

from __future__ import annotations

import itertools
import math

import pytest

from autograd.draw.style import HIGHLIGHT, KIND_STYLE

VISIONS = ("normal", "deuteranopia", "protanopia")
MACHADO = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}
APART = 10.0  # CIEDE2000: 1 is a just-noticeable difference; 10 reads as another colour
HIGHLIGHT_APART = 15.0  # the highlight replaces a border's colour: it must stand out more


def hex_to_rgb(color: str) -> tuple[float, ...]:
    named = {"white": "#ffffff", "black": "#000000"}
    h = named.get(color, color).lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))


def linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(color: str, vision: str = "normal") -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour as seen with ``vision``."""
    rgb = [linear(c) for c in hex_to_rgb(color)]
    if vision != "normal":
        rgb = [min(max(sum(m * c for m, c in zip(row, rgb)), 0.0), 1.0) for row in MACHADO[vision]]
    r, g, b = rgb
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + (360 if h1 + h2 < 360 else -360)) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    rotation = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    rc = 2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    sc, sh = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    rt = -math.sin(math.radians(2 * rotation)) * rc
    dl, dc = (l2 - l1) / sl, (c2 - c1) / sc
    return math.sqrt(dl**2 + dc**2 + (d_hue / sh) ** 2 + rt * dc * (d_hue / sh))


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # pairs 1, 7 and 17 of Sharma, Wu and Dalal's test data
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ],
)
def test_ciede2000_gives_the_published_differences(
    lab1: tuple, lab2: tuple, expected: float
) -> None:
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def border(kind: str) -> str:
    return KIND_STYLE[kind].get("color", "#000000")


def fill(kind: str) -> str:
    style = KIND_STYLE[kind]
    return style.get("fillcolor", "white") if "filled" in style["style"] else "white"


def line(kind: str) -> str:
    return "dashed" if "dashed" in KIND_STYLE[kind]["style"] else "solid"


@pytest.mark.parametrize("vision", VISIONS)
def test_kinds_drawn_with_the_same_line_differ_in_border_or_fill(vision: str) -> None:
    for a, b in itertools.combinations(KIND_STYLE, 2):
        if line(a) != line(b):
            continue  # a dashed border tells these apart in any vision
        borders = ciede2000(lab(border(a), vision), lab(border(b), vision))
        fills = ciede2000(lab(fill(a), vision), lab(fill(b), vision))
        assert max(borders, fills) >= APART, (vision, a, b, borders, fills)


@pytest.mark.parametrize("vision", VISIONS)
def test_the_highlight_stands_out_from_every_border(vision: str) -> None:
    for kind in KIND_STYLE:
        assert ciede2000(lab(border(kind), vision), lab(HIGHLIGHT, vision)) >= HIGHLIGHT_APART, kind


def test_the_old_red_on_green_fails_for_deuteranopes() -> None:
    """The check can fail: the highlight red #d62728 on the input green #38761d."""
    assert ciede2000(lab("#38761d"), lab("#d62728")) > HIGHLIGHT_APART
    seen = ciede2000(lab("#38761d", "deuteranopia"), lab("#d62728", "deuteranopia"))
    assert seen < HIGHLIGHT_APART
