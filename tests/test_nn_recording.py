"""Module calls are recorded only on request (record_calls); a model keeps no graph alive;
the gradient statistics read the recording."""

from __future__ import annotations

import gc
import math

import pytest

import nn
from autograd import Constant, Value
from nn import MLP, CallRecord, Layer, Linear, Module, ModuleCall, ReLU, Sequential, record_calls
from nn.stats import dead_relu_fraction, grad_norms, gradient_flow


def live_values() -> int:
    kinds = (Value, Constant)  # type(), not isinstance(): that would touch every object's class
    return sum(1 for obj in gc.get_objects() if type(obj) in kinds)


def test_a_model_keeps_no_graph_alive_after_its_output_is_dropped(collector_off: None) -> None:
    model = MLP(2, [4, 4, 1], seed=0)
    before = live_values()
    out = model([Value(0.5), Value(-1.0)])
    assert live_values() > before + 20
    del out  # (a Value has no __weakref__ slot: count the live ones instead)
    assert live_values() == before  # all freed by reference counting, the collector off
    assert all(not name.startswith("_last") for m in model.modules() for name in vars(m))


def test_calls_in_call_order_with_names_inputs_and_outputs() -> None:
    model = MLP(2, [2, 1], seed=0)
    x = [Value(0.5), 2.0]  # a Value and a plain number (which is left out)
    with record_calls(model) as record:
        out = model(x)
    assert isinstance(record, CallRecord) and record.model is model
    assert [c.name for c in record.calls] == [
        "",
        "layers.0",
        "layers.0.neurons.0",
        "layers.0.neurons.1",
        "layers.1",
        "layers.1.neurons.0",
    ]
    first = record.calls[0]
    assert isinstance(first, ModuleCall) and first.module is model
    assert first.inputs == (x[0],) and first.outputs == (out,)
    hidden = record.calls[1]
    assert hidden.module is model.layers[0] and len(hidden.outputs) == 2
    neuron = record.calls[2]
    assert neuron.inputs[0] is x[0] and neuron.inputs[1].data == 2.0  # the layer's shared Constant
    assert record.last("layers.1") == record.calls[4] and record.last("nothing") is None
    assert len(record) == 6 and list(record) == record.calls
    assert model._hooks == {} and model.layers[0].neurons[0]._hooks == {}  # hooks came off


def test_several_calls_nested_lists_and_kwargs() -> None:
    class Pair(Module):
        def __init__(self) -> None:
            self.fc = Linear(2, 2, seed=0)

        def forward(self, xs: list[list[Value]], *, scale: Value) -> list[list[Value]]:
            return [[v * scale for v in self.fc(x)] for x in xs]

    model = Pair()
    xs = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
    scale = Value(0.5)
    with record_calls(model) as record:
        out = model(xs, scale=scale)
    assert [c.name for c in record.calls] == ["", "fc", "fc"]  # two calls of fc, in order
    assert record.calls[0].inputs == (*xs[0], *xs[1], scale)
    assert record.calls[0].outputs == (*out[0], *out[1])
    assert record.calls[2].inputs == tuple(xs[1])


def test_a_call_that_raises_leaves_the_record_consistent() -> None:
    model = Sequential(Linear(2, 2, seed=0), ReLU())
    with record_calls(model) as record:
        with pytest.raises(ValueError, match="x must have 2 inputs"):
            model([1.0, 2.0, 3.0])
        model([1.0, 2.0])
    assert [c.name for c in record.calls] == ["", "0", "1"]
    with pytest.raises(RuntimeError), record_calls(model):
        raise RuntimeError("stop")
    assert model._hooks == {}
    with (
        pytest.raises(TypeError, match=r"record_calls: model must be an nn\.Module"),
        record_calls([model]),  # type: ignore[arg-type]
    ):
        pass


# -- statistics read from the recording ---------------------------------------------------------
def test_dead_relu_fraction_reads_each_layers_outputs() -> None:
    model = MLP(2, [4, 1], seed=0)
    for j, n in enumerate(model.layers[0].neurons):
        n.w[0].data = n.w[1].data = 0.0
        n.b.data = 1.0 if j % 2 else -1.0  # units 1 and 3 alive, 0 and 2 dead
    assert dead_relu_fraction(model, [[1.0, 2.0], [-3.0, 0.5]]) == {"layers.0": 0.5}
    assert all(m._hooks in (None, {}) for m in model.modules())


def test_gradient_flow_on_a_sequential_of_layers() -> None:
    model = Sequential(Layer(2, 3, activation="tanh", seed=0), Layer(3, 1, nonlin=False, seed=1))
    X = [[0.5, -1.0], [1.0, 2.0]]
    report = gradient_flow(model, X, [1.0, -1.0], loss="mse")
    assert [row.name for row in report.rows] == ["0", "1"]
    hidden = [
        math.tanh(math.fsum([w.data * xi for w, xi in zip(n.w, x)]) + n.b.data)
        for x in X
        for n in model[0].neurons
    ]
    mean_abs = sum(abs(h) for h in hidden) / len(hidden)
    assert report.rows[0].mean_abs_activation == pytest.approx(mean_abs, rel=1e-12)
    assert report.rows[0].saturated == 0.0 and report.rows[1].saturated is None
    assert "gradient flow on one batch" in str(report)
    with pytest.raises(ValueError, match="gradient_flow: unknown loss 'hinj'"):
        gradient_flow(model, [[0.5, -1.0]], [1.0], loss="hinj")


def test_grad_norms_never_overflow() -> None:
    model = MLP(2, [2, 1], seed=0)
    for p in model.parameters():
        p.grad = 1e200
    norms = grad_norms(model)  # squaring 1e200 overflowed: OverflowError
    assert norms["layers.0"] == pytest.approx(1e200 * math.sqrt(6), rel=1e-15)
    for p in model.parameters():
        p.grad = 1e-200
    assert grad_norms(model)["layers.1"] == pytest.approx(1e-200 * math.sqrt(3), rel=1e-15)
    for p in model.parameters():
        p.grad = 3.0
    assert grad_norms(model)["layers.1"] == math.sqrt(27.0)
    model.layers[1].neurons[0].b.grad = math.inf
    assert grad_norms(model)["layers.1"] == math.inf
    model.layers[1].neurons[0].b.grad = math.nan
    assert math.isnan(grad_norms(model)["layers.1"])
    assert grad_norms(Sequential(Linear(2, 1, seed=0))) == {"": 0.0}


def test_nn_exports_the_recording_names() -> None:
    assert nn.record_calls is record_calls and nn.ModuleCall is ModuleCall
