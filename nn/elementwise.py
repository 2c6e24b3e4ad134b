"""Modules applied to each element of their input: PyTorch's activation modules (``ReLU``,
``Tanh``, ``Sigmoid``, ``LeakyReLU``, ``Identity``) and ``Dropout``.

May import: ``autograd`` (its public API), ``nn.checks``, ``nn.functional``, ``nn.layers``
(for the random source), ``nn.module``.
"""

from __future__ import annotations

from typing import Any

from nn import functional as F
from nn.checks import boolean, number, probability
from nn.layers import Seed, random_source
from nn.module import Module

__all__ = ["Dropout", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Tanh"]


class _Activation(Module):
    """An activation as a module, applied to a Value, a number or each element of a list."""

    def config(self) -> dict[str, Any]:
        return {}


class ReLU(_Activation):
    """max(0, x) for each element (``inplace`` is accepted and changes nothing)."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = boolean(inplace, "inplace", "ReLU")

    def forward(self, x: Any) -> Any:
        return F.relu(x)


class Tanh(_Activation):
    """tanh(x) for each element."""

    def forward(self, x: Any) -> Any:
        return F.tanh(x)


class Sigmoid(_Activation):
    """1 / (1 + e^-x) for each element."""

    def forward(self, x: Any) -> Any:
        return F.sigmoid(x)


class LeakyReLU(_Activation):
    """x for x > 0, else ``negative_slope`` * x, for each element."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        self.negative_slope = number(negative_slope, "negative_slope", "LeakyReLU")
        self.inplace = boolean(inplace, "inplace", "LeakyReLU")

    def forward(self, x: Any) -> Any:
        return F.leaky_relu(x, self.negative_slope)

    def config(self) -> dict[str, Any]:
        return {"negative_slope": self.negative_slope}

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Identity(_Activation):
    """Returns its input unchanged (arguments are accepted and ignored, as in PyTorch)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def forward(self, x: Any) -> Any:
        return x


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
        self.p = probability(p, "p", "Dropout")
        self._rng = random_source(seed, "Dropout")

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
