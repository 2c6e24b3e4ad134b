"""Rendering drawings with a real renderer (system dot or graphviz-pure), and without one."""

from __future__ import annotations

import os
import re
import stat
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from drawing_helpers import as_shown, hostile_labels
from hypothesis import HealthCheck, given, settings

from autograd import Value, draw_dot
from autograd.draw import render

renderer = pytest.mark.renderer
SVG = "{http://www.w3.org/2000/svg}"


def neuron() -> Value:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    y = (x * w + b).tanh()
    y.label = "y"
    y.backward()
    return y


def svg_texts(svg: bytes) -> list[str]:
    """The text of every <text> element, spaces as a reader sees them."""
    tree = ET.fromstring(svg)
    return [" ".join((t.text or "").split()) for t in tree.iter(f"{SVG}text")]


# -- finding a renderer -------------------------------------------------------------------
def fake_program(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.skipif(os.name == "nt", reason="uses a shell script as a stand-in for dot")
def test_the_system_dot_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dot = fake_program(tmp_path, "dot")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert render.find_renderer() == dot


@renderer
def test_graphviz_pure_is_found_next_to_python_without_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "")  # as in a notebook kernel started from an unactivated venv
    found = render.find_renderer()
    assert found is not None and found.name.startswith("graphviz-pure")


def test_without_a_renderer_the_error_says_how_to_install_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(render, "find_renderer", lambda: None)
    drawing = draw_dot(neuron())
    with pytest.raises(render.RendererNotFoundError) as error:
        drawing.render(tmp_path / "graph.svg")
    for hint in ("pip install graphviz-pure", "apt install graphviz", "brew install", "winget"):
        assert hint in str(error.value)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_without_a_renderer_jupyter_shows_the_dot_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "find_renderer", lambda: None)
    drawing = draw_dot(neuron())
    bundle = drawing._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "no Graphviz renderer found" in bundle["text/plain"]
    assert bundle["text/plain"].endswith(drawing.source)


def test_a_failing_renderer_is_reported_not_raised_in_jupyter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "dot"
    broken.write_text("#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(render, "find_renderer", lambda: broken)
    drawing = draw_dot(neuron())
    with pytest.raises(render.RendererError, match=r"exit 1.*syntax error in line 1"):
        drawing.pipe("svg")
    assert "syntax error in line 1" in drawing._repr_mimebundle_()["text/plain"]


def test_unknown_formats_are_refused_before_running_anything() -> None:
    with pytest.raises(ValueError, match="'gif'"):
        draw_dot(neuron()).pipe("gif")


# -- rendering ---------------------------------------------------------------------------------
@renderer
def test_svg_png_and_pdf(tmp_path: Path) -> None:
    drawing = draw_dot(neuron())
    svg = Path(drawing.render(tmp_path / "neuron.svg")).read_bytes()
    assert "data -0.9999" in svg_texts(svg) and "y" in svg_texts(svg)
    png = Path(drawing.render(tmp_path / "neuron", format="png")).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and (tmp_path / "neuron.png").exists()
    pdf = Path(drawing.render(tmp_path / "neuron.pdf")).read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neuron.pdf", "neuron.png", "neuron.svg"]
    assert drawing.render(tmp_path / "new" / "folder" / "g.svg").endswith("g.svg")


@renderer
def test_a_pdf_made_from_an_image_has_a_cross_reference_table_that_points_at_its_objects() -> None:
    """The PDF written when the renderer has no PDF writer (graphviz-pure)."""
    renderer_path = render.find_renderer()
    assert renderer_path is not None
    jpeg = render._run(renderer_path, draw_dot(neuron()).source, ["-Tjpg"])
    pdf = render.jpeg_to_pdf(jpeg, dpi=96)
    width, height = struct.unpack(">HH", jpeg[jpeg.index(b"\xff\xc0") + 5 :][:4])[::-1]
    assert f"/Width {width} /Height {height}".encode() in pdf
    start = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    assert pdf[start:].startswith(b"xref")
    table = pdf[start:].split(b"trailer")[0].split(b"\n")[3:]
    offsets = [int(line.split()[0]) for line in table if line.strip()]
    for number, offset in enumerate(offsets, 1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())


@renderer
def test_dpi_scales_a_png() -> None:
    drawing = draw_dot(neuron())
    small, large = drawing.pipe("png", dpi=72), drawing.pipe("png", dpi=144)
    width = [struct.unpack(">I", png[16:20])[0] for png in (small, large)]
    assert width[1] == pytest.approx(2 * width[0], rel=0.02)


@renderer
def test_jupyter_gets_inline_svg() -> None:
    bundle = draw_dot(neuron())._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]


@renderer
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_labels)
def test_hostile_labels_render_and_keep_their_text(label: str) -> None:
    x = Value(1.0, label=label)
    svg = draw_dot(x * 2, show_local_grads=True).pipe("svg")  # the renderer must accept it
    texts = svg_texts(svg)
    for line in as_shown(label).split("\n"):
        if line.strip():
            assert " ".join(line.split()) in texts, (line, texts)


@renderer
def test_a_collapsed_model_and_a_highlight_render() -> None:
    from drawing_helpers import toy_mlp_graph

    model, xs, loss = toy_mlp_graph([3, 2])
    svg = draw_dot(loss, model=model, collapse=True, highlight=xs[0], color_by_grad=True).pipe()
    texts = svg_texts(svg)
    assert "ToyMLP" in texts and "neurons.2 · ToyNeuron" in texts


def test_ipython_shows_the_dot_text_when_no_renderer_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    monkeypatch.setattr(render, "find_renderer", lambda: None)
    drawing = draw_dot(neuron())
    data, _ = formatters.DisplayFormatter().format(drawing)  # what Jupyter calls; never raises
    assert "image/svg+xml" not in data and drawing.source in data["text/plain"]


@renderer
def test_ipython_shows_inline_svg() -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(draw_dot(neuron()))
    assert "<svg" in data["image/svg+xml"]
