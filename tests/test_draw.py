"""draw_dot's DOT text, read back by tests/drawing_helpers.py: no renderer needed."""

from __future__ import annotations

import inspect
import math
import os
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from drawing_helpers import Dot, as_shown, cells, grad_text, graphs, hostile_labels, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Constant, Value, draw_dot, topological_order
from autograd.draw import DrawOptions, GraphTooLargeError
from autograd.rules import OPS

ROOT = Path(__file__).resolve().parent.parent
RED = "#d55e00"  # vermillion: the highlight colour (style.HIGHLIGHT)


def ids(root: Value) -> dict[Value, str]:
    """The documented IDs: n0, n1, ... in topological order."""
    return {node: f"n{i}" for i, node in enumerate(topological_order(root))}


def drawn(root: Value, **options: object) -> Dot:
    return parse(draw_dot(root, **options).source)


# -- structure: one box per Value, one ellipse per op, one edge per use -------------------
@settings(max_examples=60)
@given(graphs())
def test_one_edge_per_use_of_each_operand(graph: tuple[Value, list[Value]]) -> None:
    root, _ = graph
    d, names = drawn(root, max_nodes=None), ids(root)
    ops = [n for n in names if n.op]
    assert set(d.nodes) == set(names.values()) | {f"{names[n]}_op" for n in ops}
    for node in ops:
        op_id = f"{names[node]}_op"
        assert Counter(d.into(op_id)) == Counter(names[p] for p in node.parents)
        assert d.edges_from(op_id) == [names[node]]
    assert len(d.edges) == sum(len(n.parents) + 1 for n in ops)


def test_a_square_has_two_edges_into_its_multiplication() -> None:
    x = Value(3.0, label="x")
    y = x * x
    d = drawn(y)
    assert d.into("n1_op") == ["n0", "n0"]  # micrograd's set of parents draws one


def test_numbers_folded_into_an_op_are_drawn_as_constants() -> None:
    x = Value(3.0, label="x")
    y = x * 2 + Value(2.0, label="two")
    y.backward()
    d, names = drawn(y), ids(y)
    (constant,) = [n for n in names if isinstance(n, Constant)]
    box = d.nodes[names[constant]]
    assert cells(box["label"]) == ["2.000"]  # the number, no grad: it is not a variable
    assert "dashed" in box["style"]
    two = d.nodes[names[y.parents[1]]]
    assert cells(two["label"]) == ["two", "data 2.000", "grad 1.000"]
    assert "dashed" not in two["style"]


def test_inputs_parameters_constants_and_the_output_look_different() -> None:
    x, w = Value(1.5, label="x"), Value(-0.5, label="w")
    hidden = x * w
    y = (hidden + 1).tanh()
    names = ids(y)
    d = drawn(y, params=[w])
    look = {
        kind: {k: v for k, v in d.nodes[names[node]].items() if k != "label"}
        for kind, node in {
            "input": x,
            "parameter": w,
            "intermediate": hidden,
            "constant": y.parents[0].parents[1],
            "output": y,
        }.items()
    }
    styles = list(look.values())
    assert all(a != b for i, a in enumerate(styles) for b in styles[i + 1 :]), look


def test_parameter_names_come_from_a_params_dict() -> None:
    w = Value(0.5)
    y = w * 3
    d = drawn(y, params={"weight": w})
    assert cells(d.nodes["n0"]["label"])[0] == "weight"


@pytest.mark.parametrize(("precision", "text"), [(1, "0.3"), (3, "0.333"), (6, "0.333333")])
def test_precision_is_significant_digits(precision: int, text: str) -> None:
    y = Value(1 / 3) * 1
    d = drawn(y, precision=precision)
    assert f"data {text}" in cells(d.nodes["n0"]["label"])


def test_numbers_keep_trailing_zeros_and_show_non_finite_values() -> None:
    y = Value(2.0) + Value(math.inf)
    labels = [cells(a["label"]) for a in drawn(y).nodes.values()]
    assert ["data 2.000", "grad 0.000"] in labels
    assert ["data inf", "grad 0.000"] in labels


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_rankdir(rankdir: str) -> None:
    assert f"rankdir={rankdir}," in draw_dot(Value(1.0) * 2, rankdir=rankdir).source


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"rankdir": "sideways"}, ValueError, "'sideways'"),
        ({"rankdir": "svg"}, ValueError, r"format='svg'"),  # micrograd's argument order
        ({"precision": 0}, ValueError, "precision"),
        ({"precision": 2.5}, TypeError, "precision"),
        ({"format": "gif"}, ValueError, "'gif'"),
        ({"max_nodes": "many"}, TypeError, "max_nodes"),
        ({"highlight": [3.0]}, TypeError, "highlight"),
        ({"model": object()}, TypeError, "named_modules"),
        ({"collapse": True}, ValueError, "model="),
        ({"title": 3}, TypeError, "title must be a str, got int"),
        ({"params": {"w": 2.0}}, TypeError, r"params must be Values, got float \(2\.0\)"),
        ({"params": [Value(1.0), "w"]}, TypeError, "params must be Values, got str"),
        ({"colour_by_grad": True}, TypeError, r"colour_by_grad \(did you mean color_by_grad\?\)"),
        ({"size": 3}, TypeError, r"unknown option\(s\) size \(did you mean fontsize\?\); the"),
        ({"fontsize": "big"}, TypeError, "fontsize must be a number, got 'big'"),
        ({"fontsize": 200}, ValueError, "fontsize must be from 4 to 72 points, got 200"),
        ({"legend": "yes"}, TypeError, "legend must be True, False or None"),
        ({"precision": 10**9}, ValueError, r"from 1 to 17 significant digits.*got 1000000000"),
    ],
)
def test_bad_options_are_refused_by_name(options: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        draw_dot(Value(1.0) * 2, **options)


def test_rankdir_and_format_may_be_given_by_position_the_rest_by_name() -> None:
    y = Value(1.0) * 2
    drawing = draw_dot(y, "TB", "png")
    assert "rankdir=TB," in drawing.source and drawing.format == "png"
    with pytest.raises(TypeError, match="draw_dot: takes root, rankdir and format by position"):
        draw_dot(y, "TB", "png", 6)


DEFAULTS = {
    "rankdir": "LR",
    "format": "svg",
    "precision": 4,
    "color_by_grad": False,
    "show_local_grads": False,
    "highlight": None,
    "model": None,
    "collapse": False,
    "params": None,
    "title": "",
    "max_nodes": 3000,
    "fontsize": 14,
    "legend": None,
}


def test_the_signature_shows_the_defaults_that_are_used() -> None:
    parameters = inspect.signature(draw_dot).parameters
    assert list(parameters) == ["root", *DEFAULTS]
    assert {name: p.default for name, p in list(parameters.items())[1:]} == DEFAULTS
    by_position = [n for n, p in parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert by_position == ["root", "rankdir", "format"]
    x = Value(2.0, label="x")
    y = (x * 3).tanh()
    assert draw_dot(y).source == draw_dot(y, **DEFAULTS).source
    assert draw_dot(y).source != draw_dot(y, precision=5).source  # the options do something


def test_options_are_read_once_and_then_cannot_change() -> None:
    x, w = Value(1.0, label="x"), Value(2.0)
    y = x * w
    once = (v for v in [x])  # a generator: empty the second time it is read
    d = drawn(y, highlight=once, params=(v for v in [w]))
    assert d.nodes["n0"]["color"] == RED and d.nodes["n1"]["style"] == "rounded,filled"
    options = DrawOptions(precision=3)
    with pytest.raises(FrozenInstanceError):
        options.precision = 5  # type: ignore[misc]


def test_root_must_be_a_value() -> None:
    with pytest.raises(TypeError, match="root must be a Value, got float"):
        draw_dot(1.0)  # type: ignore[arg-type]


def test_a_value_created_with_create_graph_draws_its_gradient_as_a_number() -> None:
    x = Value(2.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)  # x.grad is now a Value
    assert grad_text(drawn(y).nodes[ids(y)[x]]) == "12.00"


# -- determinism and safety ---------------------------------------------------------------
SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, "tests")
    from drawing_helpers import recorded_toy_mlp_graph
    from autograd import draw_dot
    model, recording, xs, loss = recorded_toy_mlp_graph([3, 2])
    extra = {xs[0], loss, *model.layers[0].neurons[0].w}  # sets iterate in hash order
    print(draw_dot(loss, model=recording, highlight=xs[0], show_local_grads=True).source)
    print(draw_dot(loss, model=recording, collapse=True, color_by_grad=True).source)
    print(draw_dot(loss, model=model, highlight=xs[0]).source)  # a plain Module: names only
    """
)


def test_the_same_graph_gives_the_same_bytes_under_any_hash_seed() -> None:
    outputs = []
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert "cluster_" in outputs[0] and "0x" not in outputs[0]  # no id()-based names


@settings(max_examples=150)
@given(hostile_labels)
def test_any_label_stays_inside_its_box_and_keeps_its_text(label: str) -> None:
    x = Value(1.0, label=label)
    y = x * 2
    d = drawn(y)  # the reader fails on anything that is not one statement per line
    assert len(d.nodes) == 4 and len(d.edges) == 3
    shown = cells(d.nodes[ids(y)[x]]["label"])
    expected = as_shown(label)
    if label:
        assert shown[0] == expected
    else:
        assert shown == ["data 1.000", "grad 0.000"]


# -- lecture options ---------------------------------------------------------------------
@settings(max_examples=60)
@given(graphs())
def test_local_derivatives_on_edges_match_finite_differences(
    graph: tuple[Value, list[Value]],
) -> None:
    root, _ = graph
    d, names = drawn(root, show_local_grads=True, precision=12, max_nodes=None), ids(root)
    for node in (n for n in names if n.op):
        labels = [a["label"] for s, t, a in d.edges if t == f"{names[node]}_op"]
        args = [p.data for p in node.parents]
        for i, label in enumerate(labels):
            shown = float(label.split("∂ ")[1])
            h = 1e-6 * max(1.0, abs(args[i]))
            up, down = list(args), list(args)
            up[i] += h
            down[i] -= h
            forward = OPS[node.op].forward
            estimate = (forward(*up) - forward(*down)) / (2 * h)
            assert shown == pytest.approx(estimate, rel=1e-4, abs=1e-6), (node.op, i)


def test_reused_operand_edges_each_carry_their_local_derivative() -> None:
    x = Value(3.0, label="x")
    d = drawn(x * x, show_local_grads=True)
    assert [a["label"] for _, _, a in d.edges[:2]] == ["∂ 3.000", "∂ 3.000"]  # sum: 2x


def test_dot_edges_name_weights_inputs_and_bias() -> None:
    from autograd import dot

    w, x, b = [Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)], Value(0.5)
    out = dot(w, x, b)
    d, names = drawn(out), ids(out)
    roles = {s: a.get("label") for s, t, a in d.edges if t == f"{names[out]}_op"}
    assert [roles[names[v]] for v in [*w, *x, b]] == ["w0", "w1", "x0", "x1", "b"]
    assert cells(d.nodes[f"{names[out]}_op"]["label"]) == ["w·x+b"]


def brightness(color: str) -> int:
    return sum(int(color[i : i + 2], 16) for i in (1, 3, 5))


@settings(max_examples=60)
@given(graphs())
def test_colour_by_grad_gets_darker_as_the_gradient_grows(
    graph: tuple[Value, list[Value]],
) -> None:
    root, _ = graph
    root.backward()
    d, names = drawn(root, color_by_grad=True, max_nodes=None), ids(root)
    plain = drawn(root, max_nodes=None).nodes[names[root]]["fillcolor"]
    assert d.nodes[names[root]]["fillcolor"] == plain  # the output's grad is the seed
    shaded = [
        (abs(n.grad), brightness(d.nodes[names[n]]["fillcolor"]))
        for n in names
        if not isinstance(n, Constant) and n is not root
    ]
    for g1, b1 in shaded:
        for g2, b2 in shaded:
            if g1 < g2:
                assert b1 >= b2
    largest = max((g for g, _ in shaded), default=0.0)
    for g, b in shaded:
        assert b == 3 * 255 if g == 0 else True  # white: no gradient
        assert b < 3 * 255 if g == largest > 0 else True  # the largest is coloured
    caption = f"fill: |grad| from 0 (white) to {largest:#.4g} (orange)"
    assert caption in draw_dot(root, color_by_grad=True, max_nodes=None).source


@settings(max_examples=60)
@given(graphs(), st.data())
def test_highlight_marks_exactly_the_paths_from_a_leaf_to_the_output(
    graph: tuple[Value, list[Value]], data: st.DataObject
) -> None:
    root, leaves = graph
    names = ids(root)
    leaf = data.draw(st.sampled_from([v for v in leaves if v in names] or [root]))
    d = drawn(root, highlight=leaf, max_nodes=None)
    for node, name in names.items():
        on_path = leaf in topological_order(node)  # the leaf is an ancestor of the node
        assert (d.nodes[name].get("color") == RED) == on_path, node
    for source, target, attrs in d.edges:
        ends = [n for n, name in names.items() if name in (source, target.removesuffix("_op"))]
        on_path = all(leaf in topological_order(n) for n in ends)
        assert (attrs.get("color") == RED) == on_path


def test_highlighting_a_value_outside_the_graph_is_an_error() -> None:
    stranger = Value(1.0, label="stranger")
    with pytest.raises(ValueError, match="stranger"):
        draw_dot(Value(2.0) * 3, highlight=stranger)


# -- the node limit ---------------------------------------------------------------------------
def test_a_graph_beyond_the_node_limit_is_refused_with_a_way_out() -> None:
    y = Value(0.5)
    for _ in range(1600):
        y = y.tanh()
    with pytest.raises(GraphTooLargeError, match=r"3201 nodes.*max_nodes=3000.*max_nodes=None"):
        draw_dot(y)
    assert draw_dot(y, max_nodes=None).nodes == 3201 == len(drawn(y, max_nodes=None).nodes)
    assert len(drawn(y, max_nodes=3201).nodes) == 3201


def test_micrograds_demo_network_is_drawn_by_default() -> None:
    import nn

    model = nn.MLP(2, [16, 16, 1], seed=0)
    out = model([Value(0.5), Value(-1.0)])
    assert draw_dot(out).nodes == 1619  # as tools/drawing_limit.py and the README count


# -- the Drawing object ---------------------------------------------------------------------
def test_the_drawing_converts_to_the_graphviz_package_and_has_a_short_repr() -> None:
    drawing = draw_dot(Value(2.0, label="x") * 3)
    source = drawing.to_graphviz()
    assert source.source == drawing.source == str(drawing)
    assert len(repr(drawing)) < 80 and "render" in repr(drawing)


def test_to_graphviz_without_the_graphviz_package_says_how_to_install_it() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["graphviz"] = None  # import graphviz now fails, as if not installed
        from autograd import Value, draw_dot
        drawing = draw_dot(Value(2.0) * 3)
        assert drawing.source.startswith("digraph {")  # the rest works without it
        try:
            drawing.to_graphviz()
        except ImportError as error:
            print(error)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "to_graphviz needs the graphviz package: pip install graphviz" in done.stdout
