"""The layers with weights: micrograd's ``Neuron``, ``Layer`` and ``MLP`` (with activations
and seeded initialisation), and PyTorch's ``Linear``. (The activation modules and
``Dropout`` are in :mod:`nn.elementwise`, ``Sequential`` and ``ModuleList`` in
:mod:`nn.containers`.)

micrograd's classes hold one ``Neuron`` per output, so a drawing can box each neuron;
PyTorch's ``Linear`` holds a weight matrix (``weight[j][i]``, a list of rows) and a bias
vector, named as PyTorch names them (``weight.j.i``, ``bias.j``).

May import: ``autograd`` (its public API), ``nn.checks``, ``nn.functional``, ``nn.module``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from typing import Any

from autograd import Constant, Value, dot
from nn import functional as F
from nn.checks import boolean, is_integer, is_number, positive_int, shown
from nn.module import Module

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Linear", "Neuron", "random_source"]

Seed = int | random.Random | None

# name -> the function applied to a neuron's weighted sum
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,  # slope 0.01, PyTorch's default
    "linear": lambda v: v,
}
INITS = ("auto", "he", "xavier", "uniform")


def random_source(seed: Any, where: str) -> Any:
    """A source of random numbers: Python's global one (``random.seed`` works, as in
    micrograd), a fresh ``Random(seed)``, or a ``Random`` shared by a whole model."""
    if seed is None or seed is random:
        return random
    if isinstance(seed, random.Random):
        return seed
    if not is_integer(seed):
        raise TypeError(f"{where}: seed must be an int or random.Random, got {shown(seed)}")
    return random.Random(int(seed))


def _as_inputs(x: Any, nin: int, where: str) -> list[Any] | tuple[Any, ...]:
    """x as a list of nin inputs; a bare number or Value counts as one input."""
    if isinstance(x, (list, tuple)):
        xs: list[Any] | tuple[Any, ...] = x
    elif isinstance(x, Value) or is_number(x):
        xs = [x]
    elif isinstance(x, (str, bytes, dict)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{where}: x must be a list of numbers or Values, got {type(x).__name__}")
    else:
        xs = list(x)  # numpy rows, generators, ...
    if len(xs) != nin:
        raise ValueError(f"{where}: x must have {nin} inputs, got {len(xs)}")
    return xs


def _bad_input(xs: Any, where: str) -> TypeError:
    """The error for the first input that is not a number (found after the fast path failed)."""
    for i, xi in enumerate(xs):
        if not (isinstance(xi, Value) or is_number(xi)):
            return TypeError(
                f"{where}: input x[{i}] is {type(xi).__name__} ({shown(xi)}); "
                "inputs must be numbers (int, float) or Values"
            )
    return TypeError(f"{where}: inputs must be numbers (int, float) or Values")


def _shared_inputs(xs: Any, where: str) -> list[Value]:
    """The inputs as Values: a plain number becomes one Constant node that all the
    neurons of a layer share (one per neuron would cost a node per weight, and a
    drawing would show each input many times)."""
    values = []
    for xi in xs:
        if isinstance(xi, Value):
            values.append(xi)
        elif is_number(xi):
            values.append(Constant(xi))
        else:
            raise _bad_input(xs, where)
    return values


class Neuron(Module):
    """One neuron: ``activation(b + w0*x0 + w1*x1 + ...)``, micrograd's with more choice.

    ``nonlin=False`` makes it linear; otherwise ``activation`` picks the function ("relu"
    by default, as in micrograd). Weights start uniform in [-bound, bound] with bound from
    ``init``: "uniform" 1 (the default: micrograd's U(-1, 1), drawn in micrograd's order,
    so ``random.seed(s)`` gives micrograd's weights), "he" sqrt(6/nin) (for ReLU),
    "xavier" sqrt(6/(nin+fan_out)) (for tanh, sigmoid, linear); "auto" picks He or Xavier
    by activation. The bias starts at 0. ``seed`` (an int or a ``random.Random``) makes it
    reproducible.

    ``fused=True`` computes the weighted sum as one ``autograd.dot`` node (fast, same
    numbers); the default records one node per scalar op, the graph a lecture draws.

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> [p.label for p in n.parameters()]
    ['w0', 'w1', 'b']
    >>> fused, unfused = Neuron(2, seed=0, fused=True), Neuron(2, seed=0)
    >>> abs(fused([1.0, 2.0]).data - unfused([1.0, 2.0]).data) < 1e-12   # same numbers
    True
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str | None = None,
        fused: bool = False,
        seed: Seed = None,
        init: str = "uniform",
        fan_out: int = 1,
    ) -> None:
        self.nin = positive_int(nin, "nin", "Neuron")
        if activation is not None and activation not in ACTIVATIONS:
            raise ValueError(
                f"Neuron: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
            )
        if init not in INITS:
            raise ValueError(f"Neuron: unknown init {init!r}; choose one of {', '.join(INITS)}")
        self.activation = (activation or "relu") if nonlin else "linear"
        self.fused = boolean(fused, "fused", "Neuron")
        bound = _init_bound(
            init, self.activation, self.nin, positive_int(fan_out, "fan_out", "Neuron")
        )
        rng = random_source(seed, "Neuron")
        self.w = [Value(rng.uniform(-bound, bound), label=f"w{i}") for i in range(self.nin)]
        self.b = Value(0.0, label="b")

    @property
    def nonlin(self) -> bool:
        return self.activation != "linear"

    def forward(self, x: Any) -> Value:
        xs = _as_inputs(x, self.nin, "Neuron")
        try:
            if self.fused:
                act = dot(self.w, xs, self.b)
            else:  # b + w0*x0 + w1*x1 + ..., one node per op, as micrograd builds it
                act = sum((wi * xi for wi, xi in zip(self.w, xs)), self.b)
        except TypeError:
            raise _bad_input(xs, "Neuron") from None
        return ACTIVATIONS[self.activation](act)

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation, "fused": self.fused}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


def _init_bound(init: str, activation: str, nin: int, fan_out: int) -> float:
    if init == "auto":
        init = "he" if activation in ("relu", "leaky_relu") else "xavier"
    if init == "he":  # Var(w) = 2 / nin keeps the variance of ReLU activations constant
        return math.sqrt(6.0 / nin)
    if init == "xavier":  # Var(w) = 2 / (nin + nout), Glorot and Bengio (2010)
        return math.sqrt(6.0 / (nin + fan_out))
    return 1.0  # micrograd's uniform(-1, 1)


class Layer(Module):
    """``nout`` neurons that all see the same inputs; keyword arguments go to each ``Neuron``.

    Returns a list of ``nout`` Values, or a bare Value when ``nout == 1`` (micrograd).

    >>> layer = Layer(3, 2, activation="tanh", seed=1)
    >>> len(layer([1.0, 2.0, 3.0])), len(layer.parameters())
    (2, 8)
    """

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        self.nin = positive_int(nin, "nin", "Layer")
        self.nout = positive_int(nout, "nout", "Layer")
        kwargs["seed"] = random_source(kwargs.get("seed"), "Layer")  # one stream for all
        kwargs.setdefault("fan_out", self.nout)
        self.neurons = [Neuron(self.nin, **kwargs) for _ in range(self.nout)]

    @property
    def activation(self) -> str:
        return self.neurons[0].activation

    def forward(self, x: Any) -> Value | list[Value]:
        xs = _shared_inputs(_as_inputs(x, self.nin, "Layer"), "Layer")
        out = [neuron(xs) for neuron in self.neurons]  # through __call__: hooks see each one
        return out[0] if len(out) == 1 else out

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "fused": self.neurons[0].fused,
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: hidden layers with ``activation``, the last layer linear.

    ``MLP(2, [16, 16, 1])`` is micrograd's moons model. Keyword arguments (``activation``,
    ``fused``, ``seed``, ``init``) go to every layer.

    >>> model = MLP(2, [4, 1], seed=0)
    >>> model
    MLP(2, [4, 1], activation='relu')
    >>> len(model.parameters()), type(model([0.5, -1.0])).__name__
    (17, 'Value')
    """

    def __init__(self, nin: int, nouts: list[int], **kwargs: Any) -> None:
        if "nonlin" in kwargs:
            raise TypeError("MLP: nonlin is set per layer (hidden layers nonlinear, last linear)")
        if isinstance(nouts, (str, bytes, Mapping)) or not hasattr(nouts, "__iter__"):
            raise TypeError(f"MLP: nouts must be a list of layer widths, got {shown(nouts)}")
        widths = [positive_int(n, "nouts", "MLP") for n in nouts]
        if not widths:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer widths, got {nouts!r}")
        self.nin = positive_int(nin, "nin", "MLP")
        sizes = [self.nin, *widths]
        kwargs["seed"] = random_source(kwargs.get("seed"), "MLP")
        last = len(widths) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != last, **kwargs) for i in range(len(widths))
        ]
        self._activation = kwargs.get("activation") or "relu"

    def forward(self, x: Any) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x  # type: ignore[no-any-return]

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": [layer.nout for layer in self.layers],
            "activation": self._activation,
            "fused": self.layers[0].neurons[0].fused,
        }

    def __repr__(self) -> str:
        nouts = [layer.nout for layer in self.layers]
        return f"MLP({self.nin}, {nouts}, activation={self._activation!r})"


# -- PyTorch's layers ------------------------------------------------------------------
class Linear(Module):
    """PyTorch's ``nn.Linear``: y_j = sum_i weight[j][i] x_i + bias[j], no activation.

    It returns a list of ``out_features`` Values, even for one (as PyTorch's returns a
    tensor of shape (1,); the losses accept a list of one Value against one number).
    Weights and biases start uniform in [-1/sqrt(in_features), 1/sqrt(in_features)], as
    PyTorch's ``reset_parameters`` draws them (kaiming_uniform with a = sqrt(5)); ``seed``
    makes that reproducible (PyTorch's own random numbers are not reproduced). Each output
    is one ``autograd.dot`` node.

    >>> fc = Linear(3, 2, seed=0)
    >>> [name for name, _ in fc.named_parameters()][:4], len(fc.parameters())
    (['weight.0.0', 'weight.0.1', 'weight.0.2', 'weight.1.0'], 8)
    >>> len(fc([1.0, 2.0, 3.0]))
    2
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, *, seed: Seed = None
    ) -> None:
        self.in_features = positive_int(in_features, "in_features", "Linear")
        self.out_features = positive_int(out_features, "out_features", "Linear")
        boolean(bias, "bias", "Linear")
        rng = random_source(seed, "Linear")
        bound = 1.0 / math.sqrt(self.in_features)
        self.weight = [
            [Value(rng.uniform(-bound, bound)) for _ in range(self.in_features)]
            for _ in range(self.out_features)
        ]
        self.bias = (
            [Value(rng.uniform(-bound, bound)) for _ in range(self.out_features)] if bias else None
        )

    def forward(self, x: Any) -> list[Value]:
        xs = _shared_inputs(_as_inputs(x, self.in_features, "Linear"), "Linear")
        return F.linear(xs, self.weight, self.bias)  # type: ignore[no-any-return]

    def config(self) -> dict[str, Any]:
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.bias is not None,
        }

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
