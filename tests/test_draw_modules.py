"""Module boxes: draw_dot(root, model=...) with a recording of the module calls.

The recording is read by duck typing (``.model``, ``.calls``; each call's ``name``,
``module``, ``inputs``, ``outputs``), the protocol nn.record_calls follows; here it is
built by hand (tests/drawing_helpers.py), with namedtuples. The parameter ``how`` is how
``model=`` is given: a recording (a plain Module names its parameters only, no boxes).
"""

from __future__ import annotations

from typing import Any

import pytest
from drawing_helpers import (
    Call,
    Dot,
    Recording,
    ToyLayer,
    ToyMLP,
    ToyNeuron,
    cells,
    grad_text,
    parse,
    record_calls,
    recorded_toy_mlp_graph,
)

from autograd import Value, draw_dot, topological_order
from autograd.draw import GraphTooLargeError

HOW = ["recording"]  # how model= is given: a recording of the calls (nn.record_calls)


def ids(root: Value) -> dict[Value, str]:
    return {node: f"n{i}" for i, node in enumerate(topological_order(root))}


def drawn(root: Value, **options: Any) -> Dot:
    return parse(draw_dot(root, **options).source)


def toy(nouts: list[int], how: str) -> tuple[ToyMLP, Recording, list[Value], Value, Any]:
    """The toy MLP, its recording, inputs and loss, and what to pass as model=."""
    model, recording, xs, loss = recorded_toy_mlp_graph(nouts)
    return model, recording, xs, loss, recording if how == "recording" else model


def output_of(recording: Recording, module: Any) -> Value:
    (out,) = [c.outputs[0] for c in recording.calls if c.module is module]
    return out


def boxes(d: Dot) -> list[str]:
    return [k for k in d.nodes if k.startswith("m")]


# -- boxes -------------------------------------------------------------------------------
@pytest.mark.parametrize("how", HOW)
def test_each_module_call_is_a_cluster_nested_as_the_modules_are(how: str) -> None:
    model, recording, xs, loss, model_arg = toy([3, 2], how)
    d, names = drawn(loss, model=model_arg), ids(loss)
    for x in xs:
        assert d.clusters[names[x]] == ()  # the inputs belong to no module
    assert d.clusters[names[loss]] == ()  # nor does the loss computed outside the model
    for li, layer in enumerate(model.layers):
        for ni, neuron in enumerate(layer.neurons):
            path = d.cluster("ToyMLP", f"layers.{li} · ToyLayer", f"neurons.{ni} · ToyNeuron")
            created = set(topological_order(output_of(recording, neuron)))
            created -= set(topological_order(xs[0])) | set(topological_order(xs[1]))
            if li > 0:
                for prev in model.layers[li - 1].neurons:
                    created -= set(topological_order(output_of(recording, prev)))
            for node in created:
                assert d.clusters[names[node]] == path
                if node.op:
                    assert d.clusters[f"{names[node]}_op"] == path
            for name, w in zip(["w.0", "w.1", "w.2"], neuron.w):
                assert w in created
                assert cells(d.nodes[names[w]]["label"])[0] == name  # relative to the neuron


@pytest.mark.parametrize("how", HOW)
def test_collapse_true_folds_each_neuron_into_one_box(how: str) -> None:
    _, _, xs, loss, model_arg = toy([3, 2], how)
    full = drawn(loss, model=model_arg)
    d = drawn(loss, model=model_arg, collapse=True)
    assert len(d.nodes) < len(full.nodes)
    assert len(boxes(d)) == 5
    assert not [k for k, a in d.nodes.items() if "w.0" in a["label"]]  # parameters hidden
    first = [k for k in boxes(d) if d.nodes[k]["tooltip"].startswith("layers.0.")]
    assert not d.cluster_labels  # the columns are the layers: no box around boxes
    second = [k for k in boxes(d) if k not in first]
    assert len(first) == 3 and len(second) == 2
    for b in second:  # each second-layer neuron reads every first-layer neuron, once
        assert sorted(d.into(b)) == sorted(first)
    for b in first:
        assert sorted(d.into(b)) == sorted(ids(loss)[x] for x in xs)


@pytest.mark.parametrize("how", HOW)
def test_collapse_by_name_and_by_class(how: str) -> None:
    _, _, _, loss, model_arg = toy([3, 2], how)
    assert len(boxes(drawn(loss, model=model_arg, collapse="layers.0"))) == 1
    assert len(boxes(drawn(loss, model=model_arg, collapse=ToyLayer))) == 2
    assert len(boxes(drawn(loss, model=model_arg, collapse=ToyNeuron))) == 5
    with pytest.raises(ValueError, match=r"'layers\.7'.*'layers\.0'"):
        draw_dot(loss, model=model_arg, collapse=["layers.7"])


@pytest.mark.parametrize("how", HOW)
def test_collapsed_box_shows_its_name_and_its_outputs_data_and_grad(how: str) -> None:
    model, recording, _, loss, model_arg = toy([1], how)
    d = drawn(loss, model=model_arg, collapse="layers.0.neurons.0")
    (box,) = [d.nodes[k] for k in boxes(d)]
    out = output_of(recording, model.layers[0].neurons[0])
    assert box["tooltip"] == "layers.0.neurons.0 · ToyNeuron"
    assert cells(box["label"]) == [
        "ToyNeuron 0",
        f"data {out.data:#.4g}",
        f"grad {out.grad:#.4g}",
    ]


@pytest.mark.parametrize("how", HOW)
def test_collapsing_brings_a_model_under_the_limit(how: str) -> None:
    _, _, _, loss, model_arg = toy([8, 8, 8], how)
    with pytest.raises(GraphTooLargeError):
        draw_dot(loss, model=model_arg, max_nodes=100)
    assert drawn(loss, model=model_arg, max_nodes=100, collapse=True)


# -- the protocol, with hand-built records --------------------------------------------------
def neuron_called_twice() -> tuple[ToyNeuron, Value, Value, Value, Value]:
    neuron = ToyNeuron(1, seed=2)
    x0, x1 = Value(1.0, label="x0"), Value(-1.0, label="x1")
    (y0,), (y1,) = neuron.forward([x0]), neuron.forward([x1])  # no recording of their own
    return neuron, x0, x1, y0, y1


def test_a_module_called_twice_is_drawn_with_its_last_call() -> None:
    neuron, x0, x1, y0, y1 = neuron_called_twice()
    loss = y0 + y1
    recording = Recording(neuron, [Call("", neuron, (x0,), (y0,)), Call("", neuron, (x1,), (y1,))])
    d, names = drawn(loss, model=recording), ids(loss)
    (box,) = d.cluster_paths  # one box: the neuron's
    second = set(topological_order(y1)) - {x1}
    first = set(topological_order(y0)) - {x0, *neuron.w, neuron.b}
    assert {n for n in names if d.clusters[names[n]] == (box,)} == second
    assert all(d.clusters[names[n]] == () for n in first)


def test_records_name_the_boxes_and_plain_numbers_among_inputs_are_left_out() -> None:
    neuron, x0, _, y0, _ = neuron_called_twice()
    model = ToyLayer(1, 1, seed=0)
    model.neurons = [neuron]
    calls = [Call("neurons.0", neuron, (x0, 2.5), (y0,)), Call("", model, (x0,), (y0,))]
    d = drawn(y0, model=Recording(model, calls))
    assert set(d.cluster_labels.values()) == {"ToyLayer", "neurons.0 · ToyNeuron"}
    inner = d.cluster("ToyLayer", "neurons.0 · ToyNeuron")
    assert d.clusters[ids(y0)[y0]] == inner


def test_the_parameters_are_named_from_the_recorded_model() -> None:
    neuron, _, _, y0, _ = neuron_called_twice()
    d = drawn(y0, model=Recording(neuron, []))  # no calls: no boxes, names and colours still
    assert d.cluster_paths == {}
    assert cells(d.nodes[ids(y0)[neuron.b]]["label"])[0] == "b"
    assert d.nodes[ids(y0)[neuron.w[0]]]["style"] == "rounded,filled"


def test_a_record_of_a_module_outside_the_model_is_refused() -> None:
    neuron, x0, _, y0, _ = neuron_called_twice()
    stranger = ToyNeuron(1, seed=5)
    recording = Recording(neuron, [Call("elsewhere", stranger, (x0,), (y0,))])
    with pytest.raises(ValueError, match=r"'elsewhere' \(ToyNeuron\).*not a module of its model"):
        draw_dot(y0, model=recording)


def test_collapse_without_recorded_calls_says_how_to_record() -> None:
    neuron, _, _, y0, _ = neuron_called_twice()  # forward() only: nothing recorded anywhere
    assert drawn(y0, model=neuron).cluster_paths == {}
    for model in (None, neuron, Recording(neuron, [])):
        with pytest.raises(ValueError, match=r"collapse needs model=.*nn\.record_calls\(model\)"):
            draw_dot(y0, model=model, collapse=True)


def test_the_hand_built_recorder_records_as_hooks_do() -> None:
    """The helper itself: every call, inner modules first, named by named_modules()."""
    model = ToyMLP(2, [2, 1])
    with record_calls(model) as recording:
        model([Value(1.0), Value(2.0)])
    assert [c.name for c in recording.calls] == [
        "layers.0.neurons.0",
        "layers.0.neurons.1",
        "layers.0",
        "layers.1.neurons.0",
        "layers.1",
        "",
    ]


# -- the real nn ---------------------------------------------------------------------------
def test_clusters_for_a_real_mlp() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 4, 1], seed=0)
    xs = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    with nn.record_calls(model) as model_arg:
        out = model(xs)
    loss = (out - 1.0) ** 2
    loss.backward()
    d = drawn(loss, model=model_arg)
    labels = set(d.cluster_labels.values())
    assert {"MLP", "layers.0 · Layer", "neurons.3 · Neuron"} <= labels
    assert sum(label.endswith("· Neuron") for label in d.cluster_labels.values()) == 9
    assert len(boxes(drawn(loss, model=model_arg, collapse=True))) == 9
    assert len(boxes(drawn(loss, model=model_arg, collapse=nn.Layer))) == 3
    for name, p in model.named_parameters():
        assert d.nodes[ids(loss)[p]].get("style") == "rounded,filled", name


# -- collapsed views for a lecture -------------------------------------------------------------
@pytest.mark.renderer
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("renderer", ["dot", "graphviz-pure"])
@pytest.mark.parametrize("nouts", [[4, 4, 1], [3, 2, 1], [5, 3, 2], [2, 3, 1]])
def test_collapsed_neurons_are_laid_out_in_index_order(
    renderer: str, rankdir: str, nouts: list[int]
) -> None:
    """Neuron 0 first (at the top left to right, at the left top to bottom), every layer."""
    from layout import layout

    from autograd.draw import render

    if render.find_renderer(renderer) is None:
        pytest.skip(f"{renderer} is not installed")
    _, recording, _, loss = recorded_toy_mlp_graph(nouts)
    drawing = draw_dot(loss, model=recording, collapse=True, rankdir=rankdir)
    d = parse(drawing.source)
    where = {s.owner.removeprefix("node "): s.box for s in layout(drawing, renderer).shapes}
    for i, width in enumerate(nouts):
        in_layer = [n for n in d.nodes if d.nodes[n].get("tooltip", "").startswith(f"layers.{i}.")]
        titles = {cells(d.nodes[n]["label"])[0]: n for n in in_layer}
        assert sorted(titles) == [f"ToyNeuron {k}" for k in range(width)]
        along = [where[titles[f"ToyNeuron {k}"]] for k in range(width)]
        key = [(b.y0 if rankdir == "LR" else b.x0) for b in along]
        assert key == sorted(key), (i, key)


@pytest.mark.parametrize("how", HOW)
def test_colour_by_grad_fills_the_collapsed_boxes_by_their_outputs_grad(how: str) -> None:
    _, _, _, loss, model_arg = toy([3, 2], how)
    drawing = draw_dot(loss, model=model_arg, collapse=True, color_by_grad=True)
    d, root = parse(drawing.source), ids(loss)[loss]
    shown = {k: abs(float(grad_text(a) or "nan")) for k, a in d.nodes.items() if grad_text(a)}
    del shown[root]  # its grad is the seed, 1
    largest = max(shown.values())
    assert f"to {largest:#.4g} (orange)" in drawing.source  # the scale's end is on the figure

    def brightness(color: str) -> int:
        return sum(int(color[i : i + 2], 16) for i in (1, 3, 5))

    fills = sorted((shown[k], brightness(d.nodes[k]["fillcolor"])) for k in boxes(d))
    assert len(fills) == 5 and fills[0][1] < 3 * 255  # every box is coloured
    assert [b for _, b in fills] == sorted((b for _, b in fills), reverse=True)
