"""Neurons, layers and MLPs (micrograd's, plus activations and seeded init), Dropout, Sequential."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from numbers import Real
from typing import Any

from autograd import Constant, Value, dot
from nn.module import Module, build, describe, values_in

__all__ = ["ACTIVATIONS", "MLP", "Dropout", "Layer", "Neuron", "Sequential"]

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


def _random_source(seed: Any) -> Any:
    """A source of random numbers: Python's global one (``random.seed`` works, as in
    micrograd), a fresh ``Random(seed)``, or a ``Random`` shared by a whole model."""
    if seed is None or seed is random:
        return random
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int or random.Random, got {type(seed).__name__}")
    return random.Random(seed)


def _positive_int(value: Any, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive int, got {value!r}")
    return value


def _as_inputs(x: Any, nin: int, where: str) -> list[Any] | tuple[Any, ...]:
    """x as a list of nin inputs; a bare number or Value counts as one input."""
    if isinstance(x, (list, tuple)):
        xs: list[Any] | tuple[Any, ...] = x
    elif isinstance(x, (Value, Real)) and not isinstance(x, bool):
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
        if isinstance(xi, bool) or not isinstance(xi, (Value, Real)):
            return TypeError(
                f"{where}: input x[{i}] is {type(xi).__name__} ({xi!r}); "
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
        elif isinstance(xi, Real) and not isinstance(xi, bool):
            values.append(Constant(xi))
        else:
            raise _bad_input(xs, where)
    return values


class Neuron(Module):
    """One neuron: ``activation(b + w0*x0 + w1*x1 + ...)``, micrograd's with more choice.

    ``nonlin=False`` makes it linear; otherwise ``activation`` picks the function ("relu"
    by default, as in micrograd). Weights start uniform in [-bound, bound] with bound from
    ``init``: "he" sqrt(6/nin) (for ReLU), "xavier" sqrt(6/(nin+fan_out)) (for tanh,
    sigmoid, linear), "uniform" 1 (micrograd's); "auto" picks by activation. The bias
    starts at 0. ``seed`` (an int or a ``random.Random``) makes it reproducible.

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
        init: str = "auto",
        fan_out: int = 1,
    ) -> None:
        self.nin = _positive_int(nin, "nin", "Neuron")
        if activation is not None and activation not in ACTIVATIONS:
            raise ValueError(
                f"Neuron: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
            )
        if init not in INITS:
            raise ValueError(f"Neuron: unknown init {init!r}; choose one of {', '.join(INITS)}")
        self.activation = (activation or "relu") if nonlin else "linear"
        self.fused = bool(fused)
        bound = _init_bound(
            init, self.activation, self.nin, _positive_int(fan_out, "fan_out", "Neuron")
        )
        rng = _random_source(seed)
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
        self.nin = _positive_int(nin, "nin", "Layer")
        self.nout = _positive_int(nout, "nout", "Layer")
        kwargs["seed"] = _random_source(kwargs.get("seed"))  # one stream for all neurons
        kwargs.setdefault("fan_out", self.nout)
        self.neurons = [Neuron(self.nin, **kwargs) for _ in range(self.nout)]

    @property
    def activation(self) -> str:
        return self.neurons[0].activation

    def forward(self, x: Any) -> Value | list[Value]:
        xs = _shared_inputs(_as_inputs(x, self.nin, "Layer"), "Layer")
        # Each neuron's call is recorded as Module.__call__ would, but the inputs they
        # share are collected once per layer instead of once per neuron.
        inputs = values_in(xs)
        out = []
        for neuron in self.neurons:
            y = neuron.forward(xs)
            neuron._last_call = (inputs, (y,))
            out.append(y)
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
        if not isinstance(nouts, (list, tuple)) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer widths, got {nouts!r}")
        self.nin = _positive_int(nin, "nin", "MLP")
        sizes = [self.nin, *(_positive_int(n, "nouts", "MLP") for n in nouts)]
        kwargs["seed"] = _random_source(kwargs.get("seed"))
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != last, **kwargs) for i in range(len(nouts))
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


def _probability(p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, Real) or not 0 <= float(p) < 1:
        raise ValueError(f"Dropout: p must be a probability in [0, 1), got {p!r}")
    return float(p)


class Dropout(Module):
    """In training mode, zero each input with probability ``p`` and scale the rest by
    1/(1-p), so the expected value is unchanged; in eval mode, pass inputs through.

    >>> drop = Dropout(0.5, seed=0)
    >>> drop.eval()([1.0, 2.0, 3.0])
    [1.0, 2.0, 3.0]
    >>> sorted(set(drop.train()([1.0] * 20)))
    [0.0, 2.0]
    """

    def __init__(self, p: float = 0.5, *, seed: Seed = None) -> None:
        self.p = _probability(p)
        self._rng = _random_source(seed)

    def forward(self, x: Any) -> Any:
        if not self.training or self.p == 0:
            return x
        scale = 1.0 / (1.0 - self.p)
        if isinstance(x, (list, tuple)):
            return [xi * (0.0 if self._rng.random() < self.p else scale) for xi in x]
        return x * (0.0 if self._rng.random() < self.p else scale)

    def config(self) -> dict[str, Any]:
        return {"p": self.p}

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Sequential(Module):
    """Modules applied one after the other; named "0", "1", ... as in PyTorch.

    >>> model = Sequential(Layer(2, 3, seed=0), Dropout(0.2), Layer(3, 1, nonlin=False, seed=0))
    >>> [name for name, _ in model.named_parameters()][:2]
    ['0.neurons.0.w.0', '0.neurons.0.w.1']
    >>> len(model), type(model[1]).__name__
    (3, 'Dropout')
    """

    def __init__(self, *modules: Module) -> None:
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: argument {i} must be a Module, got {type(module).__name__}"
                )
            setattr(self, str(i), module)

    def __len__(self) -> int:
        return sum(1 for _ in self.named_children())

    def __getitem__(self, index: int) -> Module:
        return list(self)[index]

    def __iter__(self) -> Iterator[Module]:
        return (module for _, module in self.named_children())

    def forward(self, x: Any) -> Any:
        for module in self:
            x = module(x)
        return x

    def config(self) -> dict[str, Any]:
        return {"modules": [describe(module) for module in self]}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        return cls(*[build(d) for d in config["modules"]])
