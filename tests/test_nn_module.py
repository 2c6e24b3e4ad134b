"""Module discovery, modes and state dicts; Neuron/Layer/MLP/Dropout/Sequential behaviour."""

from __future__ import annotations

import math
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import MLP, Dropout, Layer, Module, Neuron, Sequential


# -- parameter discovery -------------------------------------------------------------------
class Custom(Module):
    """A user module in micrograd style: stores Values, lists, dicts and sub-modules."""

    def __init__(self) -> None:
        self.scale = Value(2.0)
        self.blocks = [Layer(2, 2, seed=0), {"head": Neuron(2, seed=1)}]
        self.tied = self.scale  # the same parameter twice: listed once
        self.note = "text"
        self._cache = Value(9.0)  # private: never a parameter

    def forward(self, x: list[float]) -> Value:
        hidden = self.blocks[0](x)
        return self.blocks[1]["head"](hidden) * self.scale


def test_named_parameters_walks_lists_dicts_and_modules() -> None:
    names = [name for name, _ in Custom().named_parameters()]
    assert names == [
        "scale",
        *[f"blocks.0.neurons.{i}.{p}" for i in range(2) for p in ("w.0", "w.1", "b")],
        "blocks.1.head.w.0",
        "blocks.1.head.w.1",
        "blocks.1.head.b",
    ]


def test_mlp_parameter_names_are_dotted_paths() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    names = dict(model.named_parameters())
    assert len(names) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == len(model.parameters())
    assert names["layers.0.neurons.3.w.1"] is model.layers[0].neurons[3].w[1]
    assert names["layers.2.neurons.0.b"] is model.layers[2].neurons[0].b
    assert all(re.fullmatch(r"layers\.\d+\.neurons\.\d+\.(w\.\d+|b)", n) for n in names)


def test_shared_module_and_private_attributes_are_not_repeated() -> None:
    shared = Layer(2, 3, seed=0)
    model = Sequential(shared, Layer(3, 1, seed=1))
    holder = Custom()
    holder.blocks.append([shared, model])  # the same modules reached twice
    params = model.parameters()
    assert len(params) == len(set(params)) == 9 + 4
    assert len(holder.parameters()) == len(Custom().parameters()) + 13
    model([1.0, 2.0])  # records _last_call on every module: it must never look like a parameter
    assert not any("_last_call" in n for n, _ in model.named_parameters())
    assert len(model.parameters()) == 13


def test_named_modules_like_pytorch() -> None:
    model = MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_modules()]
    assert names[:3] == ["", "layers.0", "layers.0.neurons.0"]
    assert "layers.1.neurons.0" in names and len(names) == 1 + 2 + 4


def test_zero_grad_train_eval() -> None:
    model = Sequential(Layer(2, 2, seed=0), Dropout(0.5))
    out = model[0]([1.0, -2.0])
    (out[0] + out[1]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert model.eval() is model and not any(m.training for m in model.modules())
    assert model.train() is model and all(m.training for m in model.modules())


# -- state dicts ---------------------------------------------------------------------------
def test_state_dict_round_trip_and_strict_errors() -> None:
    a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    assert a.state_dict() != b.state_dict()
    result = b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert result.missing_keys == [] and result.unexpected_keys == []

    state = a.state_dict()
    del state["layers.0.neurons.0.b"]
    state["layers.9.w"] = 1.0
    before = b.state_dict()
    with pytest.raises(RuntimeError, match=r"missing key\(s\): layers\.0\.neurons\.0\.b.*"
                       r"unexpected key\(s\): layers\.9\.w"):  # fmt: skip
        b.load_state_dict(state)
    assert b.state_dict() == before  # nothing was copied
    result = b.load_state_dict(state, strict=False)
    assert result.missing_keys == ["layers.0.neurons.0.b"]
    assert result.unexpected_keys == ["layers.9.w"]


def test_load_state_dict_rejects_non_numbers_before_copying() -> None:
    model = Neuron(2, seed=0)
    before = model.state_dict()
    bad = {**before, "w.0": 0.5, "b": "zero"}
    with pytest.raises(TypeError, match="b must be a number, got str"):
        model.load_state_dict(bad)
    assert model.state_dict() == before


# -- micrograd compatibility ---------------------------------------------------------------
def test_micrograd_code_runs_with_only_the_import_changed() -> None:
    # From micrograd's README/demo, verbatim apart from the import.
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    x = [Value(1.0), Value(-2.0)]
    score = model(x)
    assert isinstance(score, Value)
    loss = (1 + -1 * score).relu() + 1e-4 * sum(p * p for p in model.parameters())
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    assert len(model.parameters()) == 337
    n = Neuron(3, nonlin=False)
    assert n([1.0, 2.0, 3.0]).op != "relu"
    layer = Layer(3, 4, nonlin=False)
    assert len(layer([1, 2, 3])) == 4


def test_same_weights_as_micrograd_with_uniform_init() -> None:
    """init="uniform" draws micrograd's U(-1, 1) weights in micrograd's order."""
    mg = pytest.importorskip("micrograd.nn")
    random.seed(7)
    theirs = mg.MLP(3, [4, 2])
    random.seed(7)
    ours = MLP(3, [4, 2], init="uniform")
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    x = [0.5, -1.5, 2.0]
    assert [v.data for v in ours(x)] == [v.data for v in theirs(x)]


def test_hidden_layers_of_width_one() -> None:
    model = MLP(2, [1, 1, 1], seed=0)
    out = model([0.3, 0.4])
    assert isinstance(out, Value)
    out.backward()
    assert len(model.parameters()) == 3 + 2 + 2


# -- Neuron --------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    nin=st.integers(1, 6),
    activation=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu", "linear"]),
    seed=st.integers(0, 10**6),
    data=st.data(),
)
def test_fused_and_unfused_neurons_agree(
    nin: int, activation: str, seed: int, data: st.DataObject
) -> None:
    xs = data.draw(st.lists(st.floats(-5, 5), min_size=nin, max_size=nin))
    results = []
    for fused in (False, True):
        neuron = Neuron(nin, activation=activation, fused=fused, seed=seed)
        inputs = [Value(x) for x in xs]
        out = neuron(inputs)
        out.backward()
        results.append(
            [out.data] + [p.grad for p in neuron.parameters()] + [v.grad for v in inputs]
        )
    for unfused, fused_ in zip(*results):
        assert math.isclose(unfused, fused_, rel_tol=1e-12, abs_tol=1e-300)


def test_neuron_computes_the_documented_sum_and_activation() -> None:
    n = Neuron(2, activation="tanh", seed=3)
    w0, w1, b = (p.data for p in n.parameters())
    assert n([0.5, -2.0]).data == math.tanh(b + w0 * 0.5 + w1 * -2.0)
    assert [p.label for p in n.parameters()] == ["w0", "w1", "b"]
    assert Neuron(2, activation="tanh", seed=3).state_dict() == n.state_dict()  # seeded


@pytest.mark.parametrize(
    ("activation", "init", "bound"),
    [
        ("relu", "auto", math.sqrt(6 / 50)),  # He
        ("leaky_relu", "auto", math.sqrt(6 / 50)),
        ("tanh", "auto", math.sqrt(6 / (50 + 10))),  # Xavier with fan_out = layer width
        ("sigmoid", "auto", math.sqrt(6 / (50 + 10))),
        ("tanh", "he", math.sqrt(6 / 50)),
        ("relu", "uniform", 1.0),
    ],
)
def test_initialisation_bounds(activation: str, init: str, bound: float) -> None:
    layer = Layer(50, 10, activation=activation, init=init, seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert max(abs(w) for w in weights) <= bound
    assert max(abs(w) for w in weights) > 0.9 * bound  # 500 draws reach near the bound
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_unfused_graph_is_micrograds() -> None:
    n = Neuron(2, seed=0)
    out = n([1.0, 2.0])
    assert out.op == "relu"
    total = out.parents[0]
    assert total.op == "+" and total.parents[1].op == "*"  # (b + w0*x0) + w1*x1
    assert Neuron(2, seed=0, fused=True)([1.0, 2.0]).parents[0].op == "dot"


def test_call_records_inputs_and_outputs() -> None:
    layer = Layer(2, 2, seed=0)
    x = [Value(1.0), 2.0]
    out = layer(x)
    inputs, outputs = layer._last_call  # type: ignore[misc]
    assert inputs == (x[0],) and outputs == tuple(out)
    assert layer.neurons[1]._last_call[1] == (out[1],)  # type: ignore[index]


# -- bad input -----------------------------------------------------------------------------
def test_bad_inputs_name_the_argument() -> None:
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="x must have 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"x\[1\] is str \('a'\)"):
        model([1.0, "a"])
    with pytest.raises(TypeError, match=r"x\[0\] is NoneType"):
        Neuron(2, fused=True)([None, 1.0])
    with pytest.raises(ValueError, match="nin must be a positive int, got 0"):
        Neuron(0)
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        MLP(2, [3, 1], activation="gelu")
    with pytest.raises(ValueError, match="nouts must be a non-empty list"):
        MLP(2, [])
    for p in (-0.1, 1.0, 1.5, "0.5"):
        with pytest.raises(ValueError, match="p must be a probability in"):
            Dropout(p)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 1 must be a Module"):
        Sequential(Layer(2, 2), len)  # type: ignore[arg-type]


# -- Dropout and Sequential ----------------------------------------------------------------
def test_dropout_scales_kept_inputs_and_passes_gradient() -> None:
    drop = Dropout(0.25, seed=1)
    xs = [Value(1.0) for _ in range(400)]
    out = drop(xs)
    kept = [o for o in out if o.data != 0]
    assert all(o.data == pytest.approx(1 / 0.75) for o in kept)
    assert 0.15 < 1 - len(kept) / 400 < 0.35
    sum(out[1:], out[0]).backward()
    assert {x.grad for x in xs} <= {0.0, 1 / 0.75}
    assert drop.eval()(xs) is xs


def test_sequential_applies_in_order() -> None:
    first, second = Layer(2, 3, seed=0), Layer(3, 1, nonlin=False, seed=1)
    model = Sequential(first, second)
    x = [0.2, -0.7]
    assert model(x).data == second(first(x)).data
    assert [name for name, _ in model.named_children()] == ["0", "1"]
    assert list(model) == [first, second] and model[-1] is second


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_fused_and_unfused_mlps_agree(activation: str) -> None:
    X = [[0.3, -1.2], [2.0, 0.5], [-0.7, -0.1]]
    results = []
    for fused in (False, True):
        model = MLP(2, [5, 4, 1], activation=activation, fused=fused, seed=11)
        loss = sum(model(x) ** 2 for x in X)
        loss.backward()  # type: ignore[union-attr]
        results.append([loss.data] + [p.grad for p in model.parameters()])  # type: ignore[union-attr]
    for unfused, fused_ in zip(*results):
        assert math.isclose(unfused, fused_, rel_tol=1e-12, abs_tol=1e-300)
