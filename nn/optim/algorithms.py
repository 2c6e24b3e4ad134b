"""The optimizers: ``SGD``, ``RMSprop``, ``Adam``, ``AdamW`` and ``Adagrad``, with PyTorch's
names, defaults and update rules, written for scalar Values.

Each ``step()`` applies to every parameter p, with gradient g = p.grad, the update that
PyTorch's implementation computes (each class's docstring gives the formulas; the order
of the float operations is PyTorch's too, so trajectories agree to the last few bits).
A class writes its update as ``_update``, a pure function from (p, g, state,
hyperparameters) to (new p, new state), and its hyperparameter checks as
``_check_group``; the base class (:mod:`nn.optim.base`) applies the update to every
parameter, all or nothing. The arithmetic follows IEEE 754 as PyTorch's does (0/0 is nan,
x/0 is inf) instead of raising ZeroDivisionError halfway.

May import: ``nn.checks`` and ``nn.optim.base``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, ClassVar

from nn import checks
from nn.optim.base import Optimizer, State

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "RMSprop"]


def _divide(a: float, b: float) -> float:
    """a / b as IEEE 754 (and PyTorch) define it: x/0 is +-inf and 0/0 is nan."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _lerp(start: float, end: float, weight: float) -> float:
    """start + weight (end - start), rounded as PyTorch's ``lerp_`` rounds it."""
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def _sqrt(x: float) -> float:
    """The square root as IEEE 754 defines it: nan below 0 (``math.sqrt`` raises)."""
    return math.sqrt(x) if x >= 0 or math.isnan(x) else math.nan


def _maximum(a: float, b: float) -> float:
    """max(a, b) that propagates nan, as ``torch.maximum`` (Python's max drops it)."""
    return a + b if math.isnan(a) or math.isnan(b) else max(a, b)


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

    With lr = gamma, momentum = mu, dampening = tau, weight_decay = lambda, each step:
    g <- -g if maximize; g <- g + lambda p; b <- g at the first step, else
    mu b + (1 - tau) g; g <- g + mu b (Nesterov) or b; p <- p - gamma g.

    >>> from autograd import Value
    >>> w = Value(1.0); w.grad = 0.5
    >>> SGD([w], lr=0.1).step()
    >>> w.data
    0.95
    """

    _STATE: ClassVar[dict[str, str]] = {"momentum_buffer": "any"}

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
            nesterov=nesterov, maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any], h: dict[str, Any], where: str) -> None:
        super()._check_group(group, h, where)
        h["momentum"] = checks.number(group["momentum"], "momentum", where, low=0.0)
        h["dampening"] = checks.number(group["dampening"], "dampening", where)
        h["nesterov"] = checks.boolean(group["nesterov"], "nesterov", where)
        if h["nesterov"] and (h["momentum"] <= 0 or h["dampening"] != 0):
            raise ValueError(f"{where}: nesterov=True requires a momentum > 0 and zero dampening")

    def _update(self, p: float, g: float, state: State, h: dict[str, Any]) -> tuple[float, State]:
        if h["weight_decay"] != 0:
            g = g + h["weight_decay"] * p
        momentum = h["momentum"]
        if momentum == 0:
            return p - h["lr"] * g, state or {}  # a dict of its own, never the shared empty one
        if "momentum_buffer" in state:
            buf = state["momentum_buffer"] * momentum + (1 - h["dampening"]) * g
        else:
            buf = g
        g = g + momentum * buf if h["nesterov"] else buf
        return p - h["lr"] * g, {"momentum_buffer": buf}


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square of recent gradients.

    With alpha, eps, momentum mu, each step: g <- -g if maximize; g <- g + weight_decay p;
    v <- alpha v + (1 - alpha) g^2; centered: a <- alpha a + (1 - alpha) g and
    v~ = max(v - a^2, 0) (else v~ = v); d = g / (sqrt(v~) + eps);
    with momentum b <- mu b + d and p <- p - lr b, else p <- p - lr d.
    (PyTorch takes the square root of v - a^2 unclamped, which is nan where rounding
    makes it dip below 0; here it is clamped to 0.)
    """

    _STATE: ClassVar[dict[str, str]] = {
        "step": "count",
        "square_avg": "nonnegative",
        "momentum_buffer": "any",
        "grad_avg": "any",
    }

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
            centered=centered, maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any], h: dict[str, Any], where: str) -> None:
        super()._check_group(group, h, where)
        h["alpha"] = checks.number(group["alpha"], "alpha", where, low=0.0)
        h["eps"] = checks.number(group["eps"], "eps", where, low=0.0)
        h["momentum"] = checks.number(group["momentum"], "momentum", where, low=0.0)
        h["centered"] = checks.boolean(group["centered"], "centered", where)

    def _update(self, p: float, g: float, state: State, h: dict[str, Any]) -> tuple[float, State]:
        alpha = h["alpha"]
        if h["weight_decay"] != 0:
            g = g + h["weight_decay"] * p
        v = state.get("square_avg", 0.0) * alpha + (1 - alpha) * g * g
        new = {"step": state.get("step", 0.0) + 1, "square_avg": v}
        if h["centered"]:
            a = new["grad_avg"] = _lerp(state.get("grad_avg", 0.0), g, 1 - alpha)
            avg = _sqrt(max(v - a * a, 0.0))  # >= 0 in exact arithmetic
        else:
            avg = _sqrt(v)
        avg = avg + h["eps"]
        if h["momentum"] > 0:
            buf = state.get("momentum_buffer", 0.0) * h["momentum"] + _divide(g, avg)
            new["momentum_buffer"] = buf
            return p - h["lr"] * buf, new
        return p + _divide(-h["lr"] * g, avg), new


class Adam(Optimizer):
    """Adam: steps along a running mean of gradients scaled by their running RMS.

    With betas (b1, b2), at step t: g <- -g if maximize; g <- g + weight_decay p
    (AdamW: p <- p (1 - lr weight_decay) instead); m <- b1 m + (1 - b1) g;
    v <- b2 v + (1 - b2) g^2 (amsgrad: v_max <- max(v_max, v), used in place of v);
    p <- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
    """

    _decoupled = False  # AdamW decays the weights directly instead of through g
    _STATE: ClassVar[dict[str, str]] = {
        "step": "count",
        "exp_avg": "any",
        "exp_avg_sq": "nonnegative",
        "max_exp_avg_sq": "nonnegative",
    }

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any], h: dict[str, Any], where: str) -> None:
        super()._check_group(group, h, where)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(
                f"{where}: betas must be a pair (beta1, beta2), got {checks.shown(betas)}"
            )
        h["betas"] = tuple(
            checks.number(b, f"betas[{i}]", where, low=0.0, high=1.0, high_open=True)
            for i, b in enumerate(betas)
        )
        h["eps"] = checks.number(group["eps"], "eps", where, low=0.0)
        h["amsgrad"] = checks.boolean(group["amsgrad"], "amsgrad", where)

    def _update(self, p: float, g: float, state: State, h: dict[str, Any]) -> tuple[float, State]:
        lr, (b1, b2), wd = h["lr"], h["betas"], h["weight_decay"]
        t = state.get("step", 0.0) + 1
        if wd != 0 and self._decoupled:
            p = p * (1 - lr * wd)
        elif wd != 0:
            g = g + wd * p
        m = _lerp(state.get("exp_avg", 0.0), g, 1 - b1)
        v = state.get("exp_avg_sq", 0.0) * b2 + (1 - b2) * g * g
        new = {"step": t, "exp_avg": m, "exp_avg_sq": v}
        if h["amsgrad"]:
            v = new["max_exp_avg_sq"] = _maximum(state.get("max_exp_avg_sq", 0.0), v)
        step_size = lr / (1 - b1**t)
        # v >= 0 (or nan, whose square root is nan): math.sqrt cannot fail here
        denominator = math.sqrt(v) / math.sqrt(1 - b2**t) + h["eps"]
        numerator = -step_size * m
        return p + (numerator / denominator if denominator else _divide(numerator, 0.0)), new


class AdamW(Adam):
    """Adam with decoupled weight decay: p <- p (1 - lr weight_decay), then Adam's step
    without weight decay in the gradient (default weight_decay=0.01, as PyTorch)."""

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


class Adagrad(Optimizer):
    """Adagrad: each parameter's rate shrinks with the sum of its squared gradients.

    At step t: g <- -g if maximize; g <- g + weight_decay p; s <- s + g^2 (s starts at
    initial_accumulator_value); p <- p - (lr / (1 + (t - 1) lr_decay)) g / (sqrt(s) + eps).
    """

    _STATE: ClassVar[dict[str, str]] = {"step": "count", "sum": "nonnegative"}

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)
        for group in self.param_groups:  # PyTorch fills the state at construction
            start = float(group["initial_accumulator_value"])
            for p in group["params"]:
                self.state[p] = {"step": 0.0, "sum": start}

    def _check_group(self, group: dict[str, Any], h: dict[str, Any], where: str) -> None:
        super()._check_group(group, h, where)
        h["lr_decay"] = checks.number(group["lr_decay"], "lr_decay", where, low=0.0)
        h["initial_accumulator_value"] = checks.number(
            group["initial_accumulator_value"], "initial_accumulator_value", where, low=0.0
        )
        h["eps"] = checks.number(group["eps"], "eps", where, low=0.0)

    def _update(self, p: float, g: float, state: State, h: dict[str, Any]) -> tuple[float, State]:
        t = state.get("step", 0.0) + 1
        if h["weight_decay"] != 0:
            g = g + h["weight_decay"] * p
        clr = _divide(h["lr"], 1 + (t - 1) * h["lr_decay"])
        s = state.get("sum", h["initial_accumulator_value"]) + g * g
        return p + _divide(-clr * g, _sqrt(s) + h["eps"]), {"step": t, "sum": s}
