"""Lecture drawings on a 16:9 slide: fitted to 1920x1080, the smallest text is 20 px or
more and no text overlaps another or a node it does not belong to.

Measured from each renderer's own layout (tests/layout.py reads ``-Tjson``), with every
text as wide as it is in DejaVu Sans, the widest font an SVG viewer substitutes for
Helvetica; SVG and PNG come from that one layout (a PNG's size is checked against it).
"""

from __future__ import annotations

import re
import struct

import pytest
from drawing_helpers import lecture_mlp, slide_neuron
from layout import font_file, layout

from autograd import draw_dot
from autograd.draw import Drawing, backward_frames, render

SMALLEST_PX = 20


def renderers() -> list[object]:
    return [
        pytest.param(
            name,
            marks=pytest.mark.skipif(
                render.find_renderer(name) is None,
                reason=f"{name} is not installed (tools/system-packages.sh installs dot)",
            ),
        )
        for name in render.RENDERERS
    ]


def lecture_drawings() -> dict[str, Drawing]:
    o, params = slide_neuron()
    return {
        "neuron": draw_dot(o, params=params),
        "neuron with local derivatives": draw_dot(o, params=params, show_local_grads=True),
        "neuron with a legend and a highlight": draw_dot(
            o, params=params, legend=True, highlight=params["w1"]
        ),
        "MLP(2, [4, 4, 1]) collapsed": lecture_mlp(),
    }


@pytest.fixture(autouse=True)
def dejavu() -> None:
    if font_file("DejaVu Sans") is None:
        pytest.skip("DejaVu Sans is not installed (apt install fonts-dejavu-core)")


@pytest.mark.renderer
@pytest.mark.parametrize("renderer", renderers())
@pytest.mark.parametrize("name", list(lecture_drawings()))
def test_a_lecture_drawing_reads_on_a_slide(renderer: str, name: str) -> None:
    drawing = lecture_drawings()[name]
    seen = layout(drawing, renderer)
    assert seen.smallest_text_px >= SMALLEST_PX, (name, seen.size_pt)
    assert seen.overlaps() == []
    assert seen.outside_own_node() == []
    png = drawing.pipe("png", renderer=renderer)  # 96 dpi: 4/3 pixels a point
    width, height = struct.unpack(">II", png[16:24])
    assert width == pytest.approx(seen.size_pt[0] * 96 / 72, abs=2)
    assert height == pytest.approx(seen.size_pt[1] * 96 / 72, abs=2)


@pytest.mark.renderer
@pytest.mark.parametrize("renderer", renderers())
def test_the_lecture_drawings_read_on_a_slide_top_to_bottom_too(renderer: str) -> None:
    o, params = slide_neuron()
    for drawing in (lecture_mlp(rankdir="TB"), draw_dot(o, params=params, rankdir="TB")):
        seen = layout(drawing, renderer)
        assert seen.smallest_text_px >= SMALLEST_PX
        assert seen.overlaps() == [] and seen.outside_own_node() == []


@pytest.mark.renderer
@pytest.mark.parametrize("renderer", renderers())
def test_every_frame_of_the_neuron_reads_on_a_slide_top_to_bottom(renderer: str) -> None:
    """A step-through's frames hold more (every edge keeps room for the gradient it sends
    back): top to bottom, the neuron's fit a slide."""
    o, params = slide_neuron()
    for k, frame in enumerate(backward_frames(o, params=params, rankdir="TB"), 1):
        seen = layout(frame, renderer)
        assert seen.smallest_text_px >= SMALLEST_PX, k
        assert seen.overlaps() == [] and seen.outside_own_node() == [], k


@pytest.mark.renderer
@pytest.mark.parametrize("renderer", renderers())
def test_no_text_of_a_frame_overlaps_left_to_right_either(renderer: str) -> None:
    o, params = slide_neuron()
    for k, frame in enumerate(backward_frames(o, params=params), 1):
        seen = layout(frame, renderer)
        assert seen.overlaps() == [] and seen.outside_own_node() == [], k


@pytest.mark.renderer
@pytest.mark.parametrize("renderer", renderers())
def test_the_layout_helper_finds_text_on_text(renderer: str) -> None:
    """The measurement can fail: two labels drawn on one spot are found."""
    source = (
        'digraph { a [shape=plaintext, label="data 2.000", pos="0,0!"]; '
        'b [shape=plaintext, label="grad 1.000", pos="0.3,0!"]; }'
    )
    seen = layout(Drawing(source.replace("digraph {", "digraph { layout=neato;")), renderer)
    assert seen.overlaps()


@pytest.mark.renderer
def test_the_layout_helper_finds_text_crossing_a_legend_swatch() -> None:
    """The measurement can fail: swatches 12 points too narrow for their words."""
    if render.find_renderer("graphviz-pure") is None:
        pytest.skip("graphviz-pure is not installed")
    o, params = slide_neuron()
    source = draw_dot(o, params=params, legend=True).source
    assert layout(source, "graphviz-pure").overlaps() == []
    narrow = re.sub(
        r'(align="left" width=")(\d+)(">input)', lambda m: f"{m[1]}{int(m[2]) - 12}{m[3]}", source
    )
    assert narrow != source
    assert layout(narrow, "graphviz-pure").overlaps()
