"""Step-through backprop: one frame per node, gradients filled in as the pass proceeds."""

from __future__ import annotations

import math
import sys

import pytest
from drawing_helpers import grad_text, graphs, parse
from hypothesis import given, settings

from autograd import Constant, Value, topological_order
from autograd.draw import Frames, backward_frames, step_through
from autograd.draw import render as render_module


def neuron() -> tuple[Value, list[Value]]:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    return (x * w + b).tanh(), [x, w, b]


@settings(max_examples=40)
@given(graphs(max_steps=6))
def test_frames_fill_in_the_gradients_of_one_backward_pass(
    graph: tuple[Value, list[Value]],
) -> None:
    root, _ = graph
    order = topological_order(root)
    frames = backward_frames(root, precision=12, max_nodes=None)
    assert len(frames) == sum(not isinstance(node, Constant) for node in order)
    assert all(node.grad == 0.0 for node in order)  # the user's graph is left alone
    names = {node: f"n{i}" for i, node in enumerate(order)}
    variables = [n for n in order if not isinstance(n, Constant)]
    unknown = []
    for frame in frames:
        d = parse(frame.source)
        unknown.append(sum(grad_text(d.nodes[names[n]]) == "?" for n in variables))
    assert unknown == sorted(unknown, reverse=True)  # gradients only ever arrive
    assert unknown[-1] == 0
    root.backward()  # the engine's pass is the reference for the last frame
    last = parse(frames[-1].source)
    for node in variables:
        assert float(grad_text(last.nodes[names[node]]) or "nan") == pytest.approx(
            node.grad, rel=1e-9, abs=1e-12
        )


def test_the_first_frame_knows_only_the_output_and_focuses_on_it() -> None:
    y, leaves = neuron()
    source = backward_frames(y)[0].source
    first = parse(source)
    output = f"n{len(topological_order(y)) - 1}"
    assert grad_text(first.nodes[output]) == "1.000"
    assert first.nodes[output]["color"] == "#d55e00"  # style.HIGHLIGHT, vermillion
    others = [grad_text(a) for k, a in first.nodes.items() if k != output]
    assert others.count("?") == len(leaves) + 1  # x, w, b and x*w: not reached yet
    assert f"{1 - math.tanh(2.0 * -3.0 + 1.0) ** 2:#.4g}" in others  # tanh passed it to x*w+b
    assert "step 1/6: the output (red) has its full gradient 1.000; its tanh rule" in source


def test_each_frame_says_what_happens_and_shows_what_is_passed_back() -> None:
    x = Value(3.0, label="x")
    y = x * x
    frames = backward_frames(y)
    assert "step 1/2: the output (red) has its full gradient 1.000; its × rule" in frames[0].source
    edges = parse(frames[0].source).edges
    assert [a.get("xlabel") for s, t, a in edges if t == "n1_op"] == ["grad += 3.000"] * 2
    assert "step 2/2: x (red) is a leaf: its gradient 6.000 is final" in frames[1].source


def test_frames_accept_the_drawing_options_and_refuse_unknown_ones() -> None:
    y, _ = neuron()
    assert "rankdir=TB" in backward_frames(y, rankdir="TB", title="a neuron")[0].source
    with pytest.raises(TypeError, match="colour"):
        backward_frames(y, colour=True)


def test_step_through_is_a_slider_over_the_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(render_module, "find_renderer", lambda: None)  # shows DOT text
    y, _ = neuron()
    widget = step_through(y)
    (play, slider), view = widget.children[0].children, widget.children[1]
    n = len(topological_order(y))
    assert (slider.min, slider.max, play.max) == (0, n - 1, n - 1)
    assert "step 1/" in view.value and "<pre>" in view.value
    slider.value = n - 1
    assert f"step {n}/{n}" in view.value


def test_without_ipywidgets_step_through_warns_and_returns_the_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now fails
    monkeypatch.setattr(render_module, "find_renderer", lambda: None)
    y, _ = neuron()
    with pytest.warns(UserWarning, match="pip install ipywidgets"):
        frames = step_through(y)
    assert isinstance(frames, Frames) and len(frames) == len(topological_order(y))
    page = frames._repr_html_()
    assert page.count("<pre>") == len(frames) and "no Graphviz renderer found" in page


def test_frames_of_a_folded_model_name_the_box_a_step_happens_in() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 1], seed=0)
    with nn.record_calls(model) as calls:
        out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    frames = backward_frames(out, model=calls, collapse=True)
    assert len(frames) == len(topological_order(out))  # no constants in this graph
    assert "the output in neurons.0 · Neuron (red)" in frames[0].source
    assert sum("in neurons.1 · Neuron (red)" in f.source for f in frames) == 8  # its 8 nodes


def test_constants_get_no_frame_and_unnamed_leaves_are_called_leaves() -> None:
    x = Value(3.0)
    frames = backward_frames(x * 2)
    assert len(frames) == 2  # x * 2 and x; not the constant 2
    assert "step 2/2: the leaf (red) is a leaf: its gradient 2.000 is final" in frames[1].source


def test_each_frame_is_drawn_from_its_own_state_in_any_order() -> None:
    """A frame's state is an argument of the emitter: drawing the frames backwards, or one
    twice, gives the same text (nothing is left over from the frame drawn before)."""
    from autograd.draw.analysis import GraphAnalysis
    from autograd.draw.emit import FrameState, dot_source
    from autograd.draw.frames import backward_steps, caption
    from autograd.draw.options import DrawOptions

    y, _ = neuron()
    frames = backward_frames(y, color_by_grad=True)
    graph = GraphAnalysis(y, DrawOptions(color_by_grad=True))
    steps = list(backward_steps(graph))
    widths = {node: 20 for node in graph.order}
    states = [
        FrameState(s.grads, s.node, s.passed, caption(graph, s, k, len(steps)), widths)
        for k, s in enumerate(steps, 1)
    ]
    forwards = [dot_source(graph, state) for state in states]
    backwards = [dot_source(graph, state) for state in reversed(states)][::-1]
    assert forwards == backwards
    assert dot_source(graph, states[0]) == forwards[0]
    assert [f.split("\n")[1] for f in forwards] == [f.source.split("\n")[1] for f in frames]


def test_the_steps_are_the_engines_chain_rule() -> None:
    """Each step's gradients are those autograd.grad (the engine's reference pass) gives."""
    from autograd import grad
    from autograd.draw.analysis import GraphAnalysis
    from autograd.draw.frames import backward_steps
    from autograd.draw.options import DrawOptions

    y, leaves = neuron()
    (last,) = list(backward_steps(GraphAnalysis(y, DrawOptions())))[-1:]
    assert tuple(last.grads[leaf] for leaf in leaves) == grad(y, leaves)
