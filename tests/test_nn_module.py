"""Module discovery, modes and state dicts; Neuron/Layer/MLP/Dropout/Sequential behaviour."""

from __future__ import annotations

import json
import math
import random
import re
from collections import OrderedDict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Constant, Value, no_grad
from nn import MLP, Dropout, Layer, Module, Neuron, Sequential, save
from nn.module import describe


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
    model([1.0, 2.0])  # a call leaves nothing behind that could look like a parameter
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


# -- bad input -----------------------------------------------------------------------------
def test_bad_inputs_name_the_argument() -> None:
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="x must have 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"x\[1\] is str \('a'\)"):
        model([1.0, "a"])
    with pytest.raises(TypeError, match=r"x\[0\] is NoneType"):
        Neuron(2, fused=True)([None, 1.0])
    with pytest.raises(ValueError, match="Neuron: nin must be an int >= 1, got 0"):
        Neuron(0)
    with pytest.raises(TypeError, match=r"Layer: nout must be an int, got float \(2.5\)"):
        Layer(2, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        MLP(2, [3, 1], activation="gelu")
    with pytest.raises(ValueError, match="nouts must be a non-empty list"):
        MLP(2, [])
    for p in (-0.1, 1.0, 1.5, float("nan")):
        with pytest.raises(ValueError, match=r"Dropout: p must be a number in \[0.0, 1.0\)"):
            Dropout(p)
    with pytest.raises(TypeError, match="Dropout: p must be a number, got str"):
        Dropout("0.5")  # type: ignore[arg-type]
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


# -- which attributes are parameters (issue 13) --------------------------------------------
class Cached(Module):
    """Stores its output on itself, as a lecture's module often does."""

    def __init__(self) -> None:
        self.l = Layer(2, 1, nonlin=False, seed=0)

    def forward(self, x: list[float]) -> Value:
        self.out = self.l(x)
        return self.out


def test_a_stored_output_is_no_parameter() -> None:
    n = Cached()
    names = [name for name, _ in n.named_parameters()]
    n([1.0, 2.0])
    assert (
        [name for name, _ in n.named_parameters()]
        == names
        == ["l.neurons.0.w.0", "l.neurons.0.w.1", "l.neurons.0.b"]
    )
    result = Cached().load_state_dict(n.state_dict())  # failed: "unexpected key(s): out"
    assert result == ([], [])


def test_a_stored_leaf_result_under_no_grad_is_no_parameter() -> None:
    n = Cached()
    with no_grad():
        out = n([1.0, 2.0])
    assert out.op == "" and n.out is out  # a leaf: no graph under no_grad
    assert "out" not in n.state_dict()


def test_results_set_by_helpers_and_hooks_are_no_parameters() -> None:
    class Helper(Module):
        def __init__(self) -> None:
            self.w = Value(2.0)

        def remember(self, v: Value) -> None:
            self.seen = [v]

        def forward(self, x: float) -> Value:
            with no_grad():
                self.remember(self.w * x)  # a leaf, set by a method forward calls
            return self.w * x

    m = Helper()
    m.register_forward_hook(lambda module, args, out: setattr(module, "last", out.detach()))
    m(3.0)
    assert isinstance(m.last, Value) and m.last.op == "" and m.seen[0].op == ""
    assert list(m.state_dict()) == ["w"]
    m.seen = [Value(1.0)]  # assigned from outside forward: an ordinary attribute again
    assert list(m.state_dict()) == ["w", "seen.0"]


def test_micrograd_style_subclass_and_what_never_counts() -> None:
    class Mine(Module):  # micrograd's way: plain attributes, no super().__init__()
        def __init__(self, nin: int) -> None:
            self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(0.0)
            self.scale = Constant(2.0)  # a constant, not a parameter
            self.offset = self.b * 2  # made by an op: not a parameter
            self.inner = Neuron(2, seed=0)  # a module built in the constructor

        def forward(self, x: list[float]) -> Value:
            return sum((wi * xi for wi, xi in zip(self.w, x)), self.b) * self.scale

    m = Mine(3)
    assert [n for n, _ in m.named_parameters()] == [
        "w.0",
        "w.1",
        "w.2",
        "b",
        "inner.w.0",
        "inner.w.1",
        "inner.b",
    ]
    later = Module()
    later.extra = Value(1.0)  # a parameter added after construction
    assert later.parameters() == [later.extra]


def test_modules_built_inside_a_forward_keep_their_parameters() -> None:
    class Lazy(Module):
        def __init__(self) -> None:
            self.head: Neuron | None = None
            self.gain: Value | None = None

        def forward(self, x: list[float]) -> Value:
            if self.head is None:
                self.head = Neuron(len(x), seed=0)  # its own weights: set in its constructor
                self.register_parameter("gain", Value(1.5))  # lazily created parameter
            return self.head(x) * self.gain

    m = Lazy()
    m([1.0, 2.0])
    assert [n for n, _ in m.named_parameters()] == ["gain", "head.w.0", "head.w.1", "head.b"]
    with pytest.raises(TypeError, match="must be a leaf Value"):
        m.register_parameter("gain", m.gain * 2)
    with pytest.raises(KeyError, match="contain"):
        m.register_parameter("a.b", Value(1.0))


def test_names_that_would_collide_are_refused(tmp_path: Path) -> None:
    """{"a.b": w} and {"a": {"b": w}} both give "p.a.b": a weight would be lost in save."""
    m = Module()
    m.p = {"a.b": Value(1.0), "a": {"b": Value(2.0)}}
    for call in (m.named_parameters, m.state_dict, m.parameters):
        with pytest.raises(ValueError, match=r"'p\.a\.b' sits under the name 'a\.b'"):
            list(call())  # type: ignore[operator]
    with pytest.raises(ValueError, match="sits under the name"):
        save(Sequential(m), tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []  # refused before anything was written
    m.p = {"a": {"b": Value(2.0)}, "": 1.0, "x.y": "text"}  # dotted keys holding no Values
    assert list(m.state_dict()) == ["p.a.b"]
    setattr(m, "q.r", Value(3.0))  # an attribute name with a dot
    with pytest.raises(ValueError, match=r"sits under the name 'q\.r'"):
        m.state_dict()


def test_numpy_sizes_and_weights_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    model = MLP(np.int64(2), [np.int64(3), np.int32(1)], seed=np.int64(0))
    twin = MLP(2, [3, 1], seed=0)
    assert model.state_dict() == twin.state_dict()
    assert json.dumps(describe(model)) == json.dumps(describe(twin))  # plain ints in the config
    assert type(Layer(np.int16(2), np.uint8(2)).nout) is int
    state = {k: np.float32(v) for k, v in twin.state_dict().items()}
    model.load_state_dict(state)
    assert model.state_dict() == {k: float(v) for k, v in state.items()}
    with pytest.raises(TypeError, match=r"layers\.0\.neurons\.0\.b must be a number, got bool"):
        model.load_state_dict({**state, "layers.0.neurons.0.b": True})
    with pytest.raises(ValueError, match="too large for a float"):
        model.load_state_dict({**state, "layers.0.neurons.0.b": 10**400})


def test_zero_grad_accepts_set_to_none_and_leaves_floats() -> None:
    model = MLP(2, [2, 1], seed=0)
    for set_to_none in (True, False):
        model([1.0, 2.0]).backward()  # type: ignore[union-attr]
        model.zero_grad(set_to_none=set_to_none)
        assert all(p.grad == 0.0 and type(p.grad) is float for p in model.parameters())
    with pytest.raises(TypeError, match="set_to_none must be True or False"):
        model.zero_grad(set_to_none=None)  # type: ignore[arg-type]


# -- the module tree ------------------------------------------------------------------------
def test_tree_methods() -> None:
    shared = Neuron(2, seed=0)
    model = Sequential(OrderedDict(a=Layer(2, 2, seed=0), b=Sequential(shared, shared)))
    assert [n for n, _ in model.named_children()] == ["a", "b"]
    assert list(model.children()) == [model.a, model.b]  # type: ignore[attr-defined]
    names = [n for n, _ in model.named_modules()]
    assert names == ["", "a", "a.neurons.0", "a.neurons.1", "b", "b.0"]
    every = [n for n, _ in model.named_modules(remove_duplicate=False)]
    assert every == [*names, "b.1"]
    assert [n for n, _ in model.named_modules(prefix="net")][:2] == ["net", "net.a"]
    memo = {model.a}  # type: ignore[attr-defined]
    assert [n for n, _ in model.named_modules(memo=memo)] == ["", "b", "b.0"]
    assert model.modules() == [m for _, m in model.named_modules()]
    assert model.get_submodule("") is model
    assert model.get_submodule("a.neurons.1") is model.a.neurons[1]  # type: ignore[attr-defined]
    assert model.get_submodule("b.1") is shared
    with pytest.raises(AttributeError, match=r"Layer 'a' has no submodule 'neurons\.7'"):
        model.get_submodule("a.neurons.7")
    visited: list[str] = []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    assert visited == ["Neuron", "Neuron", "Layer", "Neuron", "Sequential", "Sequential"]
    assert [n for n, _ in model.named_parameters(recurse=False)] == []
    assert len(model.a.parameters(recurse=False)) == 0  # type: ignore[attr-defined]
    assert len(model.named_parameters(remove_duplicate=False).__next__()) == 2


def test_add_module_checks_like_pytorch() -> None:
    m = Module()
    m.add_module("head", Neuron(2, seed=0))
    assert m.get_submodule("head") is m.head
    m.register_module("none", None)
    for name, error, match in [
        ("a.b", KeyError, "contain"),
        ("", KeyError, "be empty"),
        ("train", KeyError, "attribute 'train' already exists"),
        ("_hidden", KeyError, "would be private"),
        (3, TypeError, "should be a str"),
    ]:
        with pytest.raises(error, match=match):
            m.add_module(name, Neuron(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("x", 3)  # type: ignore[arg-type]


# -- forward hooks ----------------------------------------------------------------------------
def test_forward_hooks_order_arguments_and_removal() -> None:
    n = Neuron(1, nonlin=False, seed=0)
    n.w[0].data, n.b.data = 2.0, 0.0
    log: list[str] = []

    def double_input(module: Module, args: tuple[object, ...]) -> object:
        log.append("pre")
        return [2 * args[0][0]]  # type: ignore[index]  # a single value: becomes (value,)

    def add_one(module: Module, args: tuple[object, ...], out: Value) -> Value:
        log.append(f"post {args}")
        return out + 1

    h1 = n.register_forward_pre_hook(double_input)
    h2 = n.register_forward_hook(add_one)
    h3 = n.register_forward_hook(lambda m, a, o: log.append("first"), prepend=True)
    assert n([3.0]).data == 2 * 6.0 + 1
    assert log == ["pre", "first", "post ([6.0],)"]
    for handle in (h1, h2, h3):
        handle.remove()
    handle.remove()  # removing twice is harmless
    assert n([3.0]).data == 6.0
    with n.register_forward_hook(lambda m, a, o: o * 10):
        assert n([3.0]).data == 60.0
    assert n([3.0]).data == 6.0


def test_forward_hooks_with_kwargs_and_always_call() -> None:
    class Scaled(Module):
        def forward(self, x: float, *, scale: float = 1.0) -> float:
            if x < 0:
                raise ValueError("negative")
            return x * scale

    m = Scaled()
    m.register_forward_pre_hook(
        lambda mod, args, kw: (args, {**kw, "scale": 3.0}), with_kwargs=True
    )
    seen: list[object] = []
    m.register_forward_hook(
        lambda mod, args, kw, out: seen.append((args, kw, out)), with_kwargs=True
    )
    m.register_forward_hook(lambda mod, args, out: seen.append(("always", out)), always_call=True)
    assert m(2.0) == 6.0
    assert seen == [((2.0,), {"scale": 3.0}, 6.0), ("always", 6.0)]
    seen.clear()
    with pytest.raises(ValueError, match="negative"):
        m(-1.0)
    assert seen == [("always", None)]  # only the always_call hook, with no output
    bad = Scaled()
    bad.register_forward_pre_hook(lambda mod, args, kw: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args"):
        bad(1.0)
    with pytest.raises(TypeError, match="hook must be callable"):
        bad.register_forward_hook(3)  # type: ignore[arg-type]
