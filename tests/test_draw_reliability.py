"""Drawings that must not break: any str as a label, huge labels, huge precision, file
names, reference cycles, and a renderer forced past the size limit."""

from __future__ import annotations

import sys
import weakref
from pathlib import Path

import pytest
from drawing_helpers import cells, parse, recorded_toy_mlp_graph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value, draw_dot
from autograd.draw import render
from autograd.draw.escape import TEXT_LIMIT

any_text = st.text(st.characters(blacklist_categories=()), max_size=30)  # surrogates too


def renderers() -> list[str]:
    return [r for r in render.RENDERERS if render.find_renderer(r) is not None]


@settings(max_examples=200)
@given(any_text)
def test_any_str_is_a_label_the_dot_text_can_hold(label: str) -> None:
    y = Value(1.0, label=label) * 2
    source = draw_dot(y, title=label).source
    source.encode("utf-8")  # no lone surrogate left in it
    assert len(parse(source).nodes) == 4


@pytest.mark.renderer
@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(any_text)
def test_any_str_renders_with_every_renderer(label: str) -> None:
    y = Value(1.0, label=label) * 2
    for name in renderers():
        assert b"<svg" in draw_dot(y).pipe("svg", renderer=name)


@pytest.mark.renderer
def test_a_lone_surrogate_renders_saves_and_shows_in_jupyter(tmp_path: Path) -> None:
    drawing = draw_dot(Value(1.0, label="x\ud800") * 2)
    assert "x\ufffd" in drawing.source
    for name in renderers():
        assert "x\ufffd" in drawing.pipe("svg", renderer=name).decode("utf-8")
    assert Path(drawing.render(tmp_path / "g.png")).read_bytes().startswith(b"\x89PNG")
    assert list(drawing._repr_mimebundle_()) == ["image/svg+xml"]


@pytest.mark.renderer
@pytest.mark.parametrize("label", ["&" * 3300, "&" * 100_000, "é" * 20_000, "<" * 5000])
def test_a_huge_label_is_cut_with_an_ellipsis_and_renders(label: str) -> None:
    drawing = draw_dot(Value(1.0, label=label) * 2)
    (shown,) = [c[0] for c in (cells(a["label"]) for a in parse(drawing.source).nodes.values())
                if c[0].endswith("more characters)")]  # fmt: skip
    assert shown.startswith(label[:100]) and len(shown) < TEXT_LIMIT + 20
    assert f"({len(label) - TEXT_LIMIT + 40:,} more characters)" in shown
    for name in renderers():
        assert b"more characters)" in drawing.pipe("svg", renderer=name)


def test_a_label_at_the_limit_is_kept_whole() -> None:
    label = "a" * TEXT_LIMIT
    assert (
        cells(parse(draw_dot(Value(1.0, label=label) * 2).source).nodes["n0"]["label"])[0] == label
    )


# -- files -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "format", "words"),
    [
        (
            "x.jpg",
            None,
            r"'x\.jpg': \.jpg is not a format drawings are written in \(svg, png, pdf\)",
        ),
        ("x.svg", "png", r"'x\.svg' ends in \.svg but format='png'"),
        ("x", "gif", r"format must be one of svg, png, pdf; got 'gif'"),
    ],
)
def test_render_refuses_a_format_it_cannot_write(
    name: str, format: str | None, words: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=words):
        draw_dot(Value(1.0) * 2).render(tmp_path / name, format=format)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.renderer
@pytest.mark.parametrize(
    ("name", "format", "written"),
    [("graph", "png", "graph.png"), ("v1.2", "svg", "v1.2.svg"), ("x.jpg", "pdf", "x.jpg.pdf"),
     ("G.SVG", None, "G.SVG"), ("a" * 246 + ".svg", None, "a" * 246 + ".svg")],
)  # fmt: skip
def test_render_writes_the_path_it_returns(
    name: str, format: str | None, written: str, tmp_path: Path
) -> None:
    path = draw_dot(Value(1.0) * 2).render(tmp_path / name, format=format)
    assert Path(path) == tmp_path / written and Path(path).stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == [written]  # no temporary file left


# -- reference cycles ----------------------------------------------------------------------
@pytest.mark.usefixtures("collector_off")
@pytest.mark.parametrize("how", ["recording", "recording, collapsed", "plain module"])
def test_a_drawing_keeps_nothing_alive_without_the_cyclic_collector(how: str) -> None:
    model, recording, xs, loss = recorded_toy_mlp_graph([3, 2])
    alive = [weakref.ref(model), weakref.ref(loss), weakref.ref(xs[0])]
    options = {
        "recording": {"model": recording},
        "recording, collapsed": {"model": recording, "collapse": True},
        "plain module": {"model": model},
    }[how]
    drawings = [draw_dot(loss, **options) for _ in range(30)]
    del model, recording, xs, loss, options
    assert all(ref() is None for ref in alive)  # freed by reference counting alone
    assert len({d.source for d in drawings}) == 1


# -- the size limit --------------------------------------------------------------------------
def bounded(renderer: str) -> None:
    if render.find_renderer(renderer) is None:
        pytest.skip(f"{renderer} is not installed")
    if not sys.platform.startswith("linux"):
        pytest.skip("the renderer's memory is bounded on Linux only")


@pytest.mark.renderer
def test_a_forced_huge_drawing_fails_clearly_under_the_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With graphviz-pure, the renderer chainrule installs, whose address space is the same
    in every run (measured here: about 15 MiB for a tiny drawing, 168 MiB for this one).
    The system dot's varies with its font libraries' threads (76 to 130 MiB seen for a
    tiny drawing), too much for a test to pick a bound between the two."""
    bounded("graphviz-pure")
    monkeypatch.setattr(render, "MEMORY_LIMIT", 100 * 2**20)
    assert b"<svg" in draw_dot(Value(1.0) * 2).pipe("svg", renderer="graphviz-pure")
    import nn

    model = nn.MLP(2, [32, 32, 1], seed=0)  # 5,796 nodes, past max_nodes
    huge = draw_dot(model([Value(0.5), Value(-1.0)]), max_nodes=None)
    with pytest.raises(render.RendererError, match=r"out of memory \(it may use 100 MiB\)"):
        huge.pipe("svg", renderer="graphviz-pure")
