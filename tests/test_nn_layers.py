"""PyTorch's layers in chainrule: Linear, the activation modules, Sequential, ModuleList."""

from __future__ import annotations

import math
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.functional as F
from autograd import Constant, Value
from nn import (
    MLP,
    Dropout,
    Identity,
    Layer,
    LeakyReLU,
    Linear,
    Module,
    ModuleList,
    Neuron,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    load,
    save,
)
from nn.module import build, describe


# -- Linear -----------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 4),
    bias=st.booleans(),
    seed=st.integers(0, 2**32),
    data=st.data(),
)
def test_linear_computes_x_w_transposed_plus_b(
    n_in: int, n_out: int, bias: bool, seed: int, data: st.DataObject
) -> None:
    fc = Linear(n_in, n_out, bias=bias, seed=seed)
    xs = data.draw(st.lists(st.floats(-10, 10), min_size=n_in, max_size=n_in))
    out = fc(xs)
    assert isinstance(out, list) and len(out) == n_out  # a list even for one output
    for j, y in enumerate(out):
        expected = math.fsum(
            [w.data * x for w, x in zip(fc.weight[j], xs)] + [fc.bias[j].data if bias else 0.0]
        )
        assert math.isclose(y.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    n_params = n_out * n_in + (n_out if bias else 0)
    assert len(fc.parameters()) == n_params
    names = [name for name, _ in fc.named_parameters()]
    assert names[: n_in + 1] == [f"weight.0.{i}" for i in range(n_in)] + (
        ["weight.1.0"] if n_out > 1 else ["bias.0"] if bias else []
    )


def test_linear_initialisation_is_pytorchs_bound() -> None:
    """kaiming_uniform(a=sqrt(5)): U(-1/sqrt(in), 1/sqrt(in)) for weights and bias."""
    fc = Linear(25, 40, seed=0)
    bound = 1 / math.sqrt(25)
    weights = [w.data for row in fc.weight for w in row]
    biases = [b.data for b in fc.bias]  # type: ignore[union-attr]
    for values in (weights, biases):
        assert max(abs(v) for v in values) <= bound
        assert max(abs(v) for v in values) > 0.9 * bound
    assert Linear(25, 40, seed=0).state_dict() == fc.state_dict()
    assert Linear(25, 40, seed=1).state_dict() != fc.state_dict()


def test_linear_shares_plain_number_inputs_and_checks_them() -> None:
    fc = Linear(2, 3, seed=0)
    out = fc([1.0, 2.0])
    constants = {p for y in out for p in y.parents if isinstance(p, Constant)}
    assert {c.data for c in constants} == {1.0, 2.0} and len(constants) == 2  # one per input
    with pytest.raises(ValueError, match="Linear: x must have 2 inputs, got 3"):
        fc([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"Linear: input x\[1\] is str"):
        fc([1.0, "a"])
    with pytest.raises(ValueError, match="Linear: in_features must be an int >= 1, got 0"):
        Linear(0, 2)
    with pytest.raises(TypeError, match="Linear: bias must be True or False"):
        Linear(2, 2, bias=1)  # type: ignore[arg-type]


# -- activation modules -----------------------------------------------------------------------
ACTIVATION_MODULES: list[tuple[Module, Any]] = [
    (ReLU(), lambda x: max(x, 0.0)),
    (Tanh(), math.tanh),
    (Sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    (LeakyReLU(), lambda x: x if x > 0 else 0.01 * x),
    (LeakyReLU(0.2), lambda x: x if x > 0 else 0.2 * x),
    (Identity(), lambda x: x),
]


@pytest.mark.parametrize(("module", "f"), ACTIVATION_MODULES)
def test_activation_modules_on_values_numbers_and_lists(module: Module, f: Any) -> None:
    xs = [-1.5, 0.25, 2.0]
    values = [Value(x) for x in xs]
    out = module(values)
    assert [o.data for o in out] == pytest.approx([f(x) for x in xs], rel=1e-15)
    assert module(values[0]).data == pytest.approx(f(xs[0]), rel=1e-15)
    nested = module([[Value(x) for x in xs], [Value(-x) for x in xs]])
    assert [o.data for row in nested for o in row] == pytest.approx(
        [f(x) for x in xs] + [f(-x) for x in xs], rel=1e-15
    )
    if not isinstance(module, Identity):
        assert module(2.0).data == pytest.approx(f(2.0))  # a plain number becomes a Constant
        out[0].backward()
        assert values[0].grad != 0 or f(xs[0]) == 0
        with pytest.raises(TypeError, match="expected a Value, a number or a list"):
            module("x")
    assert module.parameters() == []


def test_functional_matches_the_value_methods() -> None:
    x = Value(-0.5)
    assert F.relu(x).data == x.relu().data and F.tanh(x).data == x.tanh().data
    assert F.sigmoid(x).data == x.sigmoid().data
    assert F.leaky_relu(x, negative_slope=0.1).data == x.leaky_relu(0.1).data
    with pytest.raises(TypeError, match="leaky_relu: negative_slope must be a number"):
        F.leaky_relu(x, "0.1")  # type: ignore[arg-type]


# -- Sequential and ModuleList ----------------------------------------------------------------
def test_sequential_of_pytorch_layers_trains() -> None:
    model = Sequential(Linear(2, 8, seed=0), ReLU(), Linear(8, 1, seed=1))
    X, y = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], [1.0, 1.0, -1.0, -1.0]
    losses = []
    for _ in range(500):
        loss = F.mse_loss([model(x) for x in X], y)  # lists of one Value against numbers
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.05 * p.grad
        losses.append(loss.data)
    assert losses[-1] < losses[0] / 10


def test_sequential_names_slices_and_editing() -> None:
    a, b, c = Linear(2, 3, seed=0), ReLU(), Linear(3, 1, seed=1)
    named = Sequential(OrderedDict(fc1=a, act=b, fc2=c))
    assert [n for n, _ in named.named_children()] == ["fc1", "act", "fc2"]
    assert named.fc1 is a and named[-1] is c  # type: ignore[attr-defined]
    assert "fc1.weight.0.0" in named.state_dict()
    tail = named[1:]
    assert type(tail) is Sequential and [n for n, _ in tail.named_children()] == ["act", "fc2"]
    assert tail([1.0, -1.0, 2.0])[0].data == c(b([1.0, -1.0, 2.0]))[0].data
    plain = Sequential(a, b)
    plain.append(c)
    assert [n for n, _ in plain.named_children()] == ["0", "1", "2"] and len(plain) == 3
    del plain[0]  # renumbered, as PyTorch does
    assert [n for n, _ in plain.named_children()] == ["0", "1"] and list(plain) == [b, c]
    plain[0] = Identity()
    assert isinstance(plain[0], Identity)
    tanh = Tanh()
    twice = Sequential(tanh, tanh)
    assert twice(Value(1.0)).data == math.tanh(math.tanh(1.0))  # the same module, run twice
    with pytest.raises(IndexError, match="index 5 is out of range for 2 modules"):
        plain[5]
    with pytest.raises(TypeError, match="argument 1 must be a Module"):
        Sequential(a, len)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="contain"):
        Sequential(OrderedDict([("a.b", a)]))
    with pytest.raises(KeyError, match="attribute 'forward' already exists"):
        Sequential(OrderedDict(forward=a))


def test_module_list() -> None:
    blocks = ModuleList([Linear(2, 2, seed=i) for i in range(3)])
    holder = Module()
    holder.blocks = blocks
    assert len(holder.parameters()) == 3 * 6
    assert [n for n, _ in holder.named_parameters()][:2] == [
        "blocks.0.weight.0.0",
        "blocks.0.weight.0.1",
    ]
    extra = Tanh()
    blocks.insert(1, extra)
    assert blocks[1] is extra and len(blocks) == 4
    blocks.append(ReLU()).extend([Identity()])
    blocks += [Sigmoid()]
    assert [type(m).__name__ for m in blocks] == [
        "Linear",
        "Tanh",
        "Linear",
        "Linear",
        "ReLU",
        "Identity",
        "Sigmoid",
    ]
    del blocks[1:3]
    assert [n for n, _ in blocks.named_children()] == ["0", "1", "2", "3", "4"]
    assert type(blocks[:2]) is ModuleList and len(blocks + blocks[:1]) == 6
    with pytest.raises(NotImplementedError, match="ModuleList has no forward"):
        blocks(1.0)


# -- configs (nn.save / nn.load rebuild these) -----------------------------------------------
CONFIGS = [
    (Linear(3, 2, seed=0), {"in_features": 3, "out_features": 2, "bias": True}),
    (Linear(3, 2, bias=False), {"in_features": 3, "out_features": 2, "bias": False}),
    (ReLU(), {}),
    (Tanh(), {}),
    (Sigmoid(), {}),
    (Identity(), {}),
    (LeakyReLU(0.2), {"negative_slope": 0.2}),
    (Dropout(0.3), {"p": 0.3}),
]


@pytest.mark.parametrize(("module", "config"), CONFIGS)
def test_configs_in_the_agreed_format(module: Module, config: dict[str, Any]) -> None:
    assert describe(module) == {"class": type(module).__name__, "config": config}
    rebuilt = build(describe(module))
    assert type(rebuilt) is type(module) and rebuilt.config() == config


def test_container_configs_and_checkpoints(tmp_path: Path) -> None:
    named = Sequential(OrderedDict(fc=Linear(2, 3, seed=0), act=LeakyReLU(0.1)))
    assert named.config()["names"] == ["fc", "act"]
    assert "names" not in Sequential(ReLU()).config()  # default names: as before
    model = Sequential(named, ModuleList([Linear(3, 1, seed=1)]), Layer(3, 1, seed=2))
    description = describe(model)
    assert description["config"]["modules"][1] == {
        "class": "ModuleList",
        "config": {"modules": [describe(model[1][0])]},
    }
    rebuilt = build(description)
    assert [n for n, _ in rebuilt.named_parameters()] == [n for n, _ in model.named_parameters()]
    path = save(model, tmp_path / "model.json")
    loaded = load(path)
    assert loaded.state_dict() == model.state_dict()
    x = [0.3, -0.2]
    assert loaded[0](x)[0].data == model[0](x)[0].data


def test_micrograd_layers_accept_the_same_calls_as_before() -> None:
    layer = Layer(2, 3, seed=0)
    assert len(layer([1.0, 2.0])) == 3 and isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    assert MLP(2, (3, 1), seed=0).config()["nouts"] == [3, 1]
    with pytest.raises(TypeError, match="MLP: nouts must be a list of layer widths"):
        MLP(2, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Neuron: seed must be an int or random\.Random"):
        Neuron(2, seed=1.5)  # type: ignore[arg-type]
