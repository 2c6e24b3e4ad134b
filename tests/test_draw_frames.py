"""Step-through backprop: one frame per op (or folded module), read back from the DOT text.

The oracles are the graph itself (who uses whom), the numbers the frames print (what each
edge sent back must add up to what each node shows), and the engine's own backward pass.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

import pytest
from drawing_helpers import (
    Call,
    Recording,
    ToyModule,
    cells,
    grad_text,
    graphs,
    parse,
    recorded_toy_mlp_graph,
)
from hypothesis import given, settings

from autograd import Constant, Value, draw_dot, grad, topological_order
from autograd.draw import Frames, backward_frames, step_through
from autograd.draw import render as render_module
from autograd.draw.analysis import GraphAnalysis
from autograd.draw.options import DrawOptions

RED = "#d55e00"  # style.HIGHLIGHT (vermillion)
SENT = re.compile(r"grad \+= (\S+)")


def neuron() -> tuple[Value, list[Value]]:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    return (x * w + b).tanh(), [x, w, b]


def status(attrs: dict[str, str]) -> str:
    """How a node shows its gradient: "?", "final" (bold) or "so far" (a running sum)."""
    label = attrs["label"]
    if "<b>grad" in label:
        assert "so far" not in label
        return "final"
    if "<i>grad" in label:
        assert "so far" in label
        return "so far"
    assert grad_text(attrs) == "?", label
    return "?"


def sent(attrs: dict[str, str]) -> float | None:
    """The gradient an edge's label says it sends back (None: it sends nothing)."""
    found = SENT.search(" ".join(cells(attrs.get("label", ""))))
    return float(found.group(1)) if found else None


def red(dot: object) -> set[str]:
    return {k for k, a in dot.nodes.items() if a.get("color") == RED}  # type: ignore[attr-defined]


@settings(max_examples=40)
@given(graphs(max_steps=6))
def test_each_frame_is_one_op_sending_its_complete_gradient_back(
    graph: tuple[Value, list[Value]],
) -> None:
    root, _ = graph
    order = topological_order(root)
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    users = {n: {c for c in order if n in c.parents} for n in order}
    computed = [n for n in order if n.parents]
    variables = [n for n in order if not isinstance(n, Constant)]
    constants = {ids[n] for n in order if isinstance(n, Constant)}
    frames = backward_frames(root, precision=12, max_nodes=None)
    assert len(frames) == len(computed)  # leaves and constants get no frame of their own
    assert all(node.grad == 0.0 for node in order)  # the user's graph is left alone
    done: list[Value] = []
    arrived: dict[Value, float] = defaultdict(float)  # what the edges' labels sent back so far
    for frame in frames:
        dot = parse(frame.source)
        (node,) = [n for n in computed if ids[n] in red(dot)]  # the frame's one op, in red
        assert red(dot) == {ids[node], f"{ids[node]}_op"}
        assert users[node] <= set(done)  # its gradient is complete: all its users came first
        done.append(node)
        for source, target, attrs in dot.edges:
            g = sent(attrs)
            if attrs.get("color") == RED:  # the gradient's way: from the op back to its inputs
                assert attrs["dir"] == "back" and source not in constants  # (never needed)
                op = f"{ids[node]}_op"
                assert target == op or (source, target) == (op, ids[node])
            if g is not None:
                assert attrs.get("color") == RED and target == f"{ids[node]}_op"
                (parent,) = [p for p in variables if ids[p] == source]
                arrived[parent] += g
        for n in variables:
            shown = status(dot.nodes[ids[n]])
            if n is root:
                assert (shown, grad_text(dot.nodes[ids[n]])) == ("final", f"{1.0:#.12g}")
            elif n not in arrived:
                assert shown == "?"
            else:
                number = float(grad_text(dot.nodes[ids[n]]).removesuffix(" so far"))
                assert number == pytest.approx(arrived[n], rel=1e-9, abs=1e-12)
                assert shown == ("final" if users[n] <= set(done) else "so far")
    assert done == [n for n in reversed(order) if n.parents]  # the backward pass's own order
    root.backward()  # the engine's pass is the reference for the last frame
    for n in variables:
        assert arrived.get(n, 1.0) == pytest.approx(n.grad, rel=1e-9, abs=1e-12)


def test_the_first_frame_sends_the_seed_back_through_the_output() -> None:
    y, _ = neuron()
    first = parse(backward_frames(y)[0].source)
    output = f"n{len(topological_order(y)) - 1}"
    assert grad_text(first.nodes[output]) == "1.000" and status(first.nodes[output]) == "final"
    dydz = f"{1 - math.tanh(2.0 * -3.0 + 1.0) ** 2:#.4g}"  # tanh's rule: 1 - tanh^2
    assert [sent(a) for s, t, a in first.edges if t == f"{output}_op"] == [float(dydz)]
    source = backward_frames(y)[0].source
    assert "backward 1/3: the output (red) has its full gradient 1.000" in source
    assert "its tanh rule sends grad × local derivative back<" in source


def test_a_leaf_becomes_final_in_the_step_of_its_last_use() -> None:
    x = Value(3.0, label="x")
    frames = backward_frames(x * x + x)
    assert len(frames) == 2  # + and ×; x has no frame of its own
    first, second = (parse(f.source) for f in frames)
    assert status(first.nodes["n0"]) == "so far" and grad_text(first.nodes["n0"]) == "1.000 so far"
    assert status(second.nodes["n0"]) == "final" and grad_text(second.nodes["n0"]) == "7.000"
    assert "now final (bold): x" in frames[1].source and "now final" not in frames[0].source
    assert [sent(a) for s, t, a in second.edges if s == "n0"] == [3.0, 3.0, None]


def test_a_gradient_of_minus_zero_shows_as_zero() -> None:
    """neg passes -1 to x * 0.0, whose rule passes -1 * 0.0 = -0.0 to x: the reference pass
    keeps that first contribution as it is, and a frame must not print "-0.000"."""
    x = Value(3.0, label="x")
    frames = backward_frames((x * 0.0 + 1) * -2)  # x * 0.0 gets -2 and passes -2 * 0.0 on
    assert "-0.000" not in frames[-1].source
    last = parse(frames[-1].source)
    assert grad_text(last.nodes["n0"]) == "0.000"
    assert [sent(a) for s, t, a in last.edges if s == "n0"] == [0.0]
    assert "grad += 0.000 " in frames[-1].source or "grad += 0.000<" in frames[-1].source


def test_a_graph_that_is_one_leaf_has_one_frame_the_seed() -> None:
    x = Value(3.0, label="x")
    (frame,) = backward_frames(x)
    assert "backward 1/1: x (red) is the output: its gradient is the seed 1.000" in frame.source
    assert status(parse(frame.source).nodes["n0"]) == "final"


def test_forward_frames_come_first_and_fill_in_the_data() -> None:
    y, _ = neuron()
    order = topological_order(y)
    computed = [n for n in order if n.parents]
    frames = backward_frames(y, forward=True)
    assert len(frames) == 2 * len(computed)
    for k, frame in enumerate(frames[: len(computed)], 1):
        dot = parse(frame.source)
        assert f"forward {k}/{len(computed)}: " in frame.source
        ids = {f"n{order.index(n)}" for n in computed}
        unknown = {i for i in ids if "data ?" in " ".join(cells(dot.nodes[i]["label"]))}
        assert unknown == {f"n{order.index(n)}" for n in computed[k:]}  # one more each frame
        assert all(status(a) == "?" for i, a in dot.nodes.items() if "grad" in a["label"])
        focus = computed[k - 1]
        for source, target, attrs in dot.edges:  # data flows into the op, the usual way
            if attrs.get("color") == RED:
                assert "dir" not in attrs
                assert f"n{order.index(focus)}" in (source, target.removesuffix("_op"))
    assert "forward 3/3: tanh(-5.000) = -0.9999 (red)" in frames[2].source
    assert "forward 1/3: 2.000 × -3.000 = -6.000 (red)" in frames[0].source
    assert "backward 1/3" in frames[3].source and "data ?" not in frames[3].source


def test_with_collapse_each_folded_module_is_one_frame() -> None:
    _, calls, _, loss = recorded_toy_mlp_graph([3, 2])
    drawn = parse(draw_dot(loss, model=calls, collapse=True).source)
    boxes = [k for k in drawn.nodes if re.fullmatch(r"m\d+", k)]
    ops = [k for k in drawn.nodes if k.endswith("_op")]  # the ops not folded into a box
    frames = backward_frames(loss, model=calls, collapse=True)
    assert len(frames) == len(boxes) + len(ops) == 5 + 2  # 5 neurons; the sum and the square
    focused = [red(parse(frame.source)) for frame in frames]  # a box, or an op and its value
    expected = [{box} for box in boxes] + [{op, op.removesuffix("_op")} for op in ops]
    assert sorted(map(sorted, focused)) == sorted(map(sorted, expected))
    assert "layers.1.neurons.1 · ToyNeuron (red) has its full output gradient" in frames[2].source


def test_the_lecturers_collapsed_mlp_has_a_frame_per_neuron() -> None:
    """Issue 12: MLP(2, [4, 4, 1]) with collapse=True gave 105 frames, one per hidden node."""
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 4, 1], seed=0)
    with nn.record_calls(model) as recording:
        loss = nn.mse_loss(model([Value(0.5, label="x0"), Value(-1.0, label="x1")]), 1.0)
    frames = backward_frames(loss, model=recording, collapse=True)
    drawn = parse(draw_dot(loss, model=recording, collapse=True).source)
    boxes = sum(bool(re.fullmatch(r"m\d+", k)) for k in drawn.nodes)
    ops = sum(k.endswith("_op") for k in drawn.nodes)
    assert boxes == 9 and len(frames) == boxes + ops == 11  # the README says 11
    assert len(topological_order(loss)) > 100


def test_modules_that_feed_each_other_are_stepped_one_node_at_a_time() -> None:
    """A calls its sibling B in the middle of its own work: A's box holds a and c, B's
    holds b, and a -> b -> c: neither box can be one step. The frames still come, one per
    node, in an order the chain rule allows."""

    class Pair(ToyModule):
        def __init__(self) -> None:
            self.a, self.b = ToyModule(), ToyModule()

        def children(self) -> dict[str, ToyModule]:
            return {"a": self.a, "b": self.b}

    x = Value(0.5, label="x")
    a = x * 2
    b = a.tanh()
    c = b + 1
    model = Pair()
    calls = Recording(model, [Call("a", model.a, (x,), (c,)), Call("b", model.b, (a,), (b,))])
    frames = backward_frames(c, model=calls, collapse=True)
    assert len(frames) == 3
    assert [f.source.count("(red)") for f in frames] == [1, 1, 1]
    root_first = [re.search(r"backward \d/3: (.*?) \(red\)", f.source) for f in frames]
    assert [m.group(1) if m else "" for m in root_first] == ["a · ToyModule", "b · ToyModule",
                                                             "a · ToyModule"]  # fmt: skip


def test_every_frame_has_the_same_text_in_the_same_places() -> None:
    """What sizes the layout (every label's length, every edge) is the same in each frame,
    so a renderer lays them all out alike (tests/test_draw_frames_render.py checks that)."""
    _, calls, _, loss = recorded_toy_mlp_graph([2, 2])
    for options in ({}, {"model": calls, "collapse": True, "forward": True}, {"rankdir": "TB"}):
        shapes = set()
        for frame in backward_frames(loss, show_local_grads=True, **options):
            dot = parse(frame.source)
            shapes.add(
                (
                    tuple(
                        sorted((k, len("".join(cells(a["label"])))) for k, a in dot.nodes.items())
                    ),
                    tuple((s, t, len("".join(cells(a.get("label", ""))))) for s, t, a in dot.edges),
                    re.search(r"graph \[.*", frame.source).group(0).count("<tr>"),
                )
            )
        assert len(shapes) == 1, options


def test_frames_accept_the_drawing_options_and_refuse_unknown_ones() -> None:
    y, _ = neuron()
    assert "rankdir=TB" in backward_frames(y, rankdir="TB", title="a neuron")[0].source
    assert "a neuron" in backward_frames(y, title="a neuron")[-1].source
    with pytest.raises(TypeError, match="colour"):
        backward_frames(y, colour=True)
    with pytest.raises(TypeError, match="forward must be True or False, got 'yes'"):
        backward_frames(y, forward="yes")


@pytest.mark.parametrize(
    ("interval", "error", "message"),
    [
        (0, ValueError, "at least 1 millisecond, got 0"),
        (math.nan, ValueError, "got nan"),
        (True, TypeError, "number of milliseconds, got bool"),
        ("fast", TypeError, "got str"),
    ],
)
def test_step_through_refuses_a_bad_interval(interval: object, error: type, message: str) -> None:
    y, _ = neuron()
    with pytest.raises(error, match=f"step_through: interval must be .*{re.escape(message)}"):
        step_through(y, interval=interval)  # type: ignore[arg-type]


def test_step_through_is_a_self_contained_html_slider(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Jupyter shows and saves: every frame inline, one script, nothing fetched."""
    monkeypatch.setattr(render_module, "find_renderer", lambda: None)  # frames as DOT text
    y, _ = neuron()
    frames = step_through(y, interval=250)
    assert isinstance(frames, Frames) and frames.interval == 250
    page = frames._repr_html_()
    assert page.count('class="chainrule-frame"') == len(frames) == 3
    assert page.count("<pre>") == 3 and "no Graphviz renderer found" in page
    assert page.count("<script>") == 1 and "value: 250" in page
    for outside in ("<script src", "<link", "<iframe", "<img", "import(", "fetch(", "url("):
        assert outside not in page
    whole = frames.to_html("a neuron")
    assert whole.startswith("<!DOCTYPE html>") and "<title>a neuron</title>" in whole


def test_two_sliders_in_one_page_have_their_own_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module, "find_renderer", lambda: None)
    frames = backward_frames(neuron()[0])
    first, second = frames._repr_html_(), frames._repr_html_()
    ids = [re.search(r'id="(chainrule-steps-[^"]+)"', page).group(1) for page in (first, second)]
    assert ids[0] != ids[1] and all(
        f'getElementById("{i}")' in p for i, p in zip(ids, (first, second))
    )


def test_each_frame_is_drawn_from_its_own_state_in_any_order() -> None:
    """A frame's state is an argument of the emitter: drawing the frames backwards, or one
    twice, gives the same text (nothing is left over from the frame drawn before)."""
    from autograd.draw.captions import backward_caption
    from autograd.draw.emit import dot_source
    from autograd.draw.state import FixedLayout, FrameState
    from autograd.draw.steps import backward_steps

    y, _ = neuron()
    graph = GraphAnalysis(y, DrawOptions(color_by_grad=True))
    steps = list(backward_steps(graph))
    fixed = FixedLayout({node: 20 for node in graph.order}, None, 20, 400.0, 3)
    states = [
        FrameState(s.grads, frozenset(s.focus), backward_caption(graph, s, k, len(steps)), fixed,
                   final=s.final, flows=s.flows)
        for k, s in enumerate(steps, 1)
    ]  # fmt: skip
    forwards = [dot_source(graph, state) for state in states]
    backwards = [dot_source(graph, state) for state in reversed(states)][::-1]
    assert forwards == backwards
    assert dot_source(graph, states[0]) == forwards[0]
    assert len(set(forwards)) == len(states)


def test_the_steps_are_the_engines_chain_rule() -> None:
    """Each step's gradients are those autograd.grad (the engine's reference pass) gives."""
    from autograd.draw.steps import backward_steps

    y, leaves = neuron()
    (last,) = list(backward_steps(GraphAnalysis(y, DrawOptions())))[-1:]
    assert tuple(last.grads[leaf] for leaf in leaves) == grad(y, leaves)


def test_the_neuron_of_a_recording_names_its_box_in_the_captions() -> None:
    _, calls, _, loss = recorded_toy_mlp_graph([1])
    frames = backward_frames(loss, model=calls, collapse=True, forward=True)
    assert "forward 1/2: layers.0.neurons.0 · ToyNeuron (red) computes its" in frames[0].source
    assert "now final (bold): x0, x1, 3 parameters inside" in frames[-1].source
