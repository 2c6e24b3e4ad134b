"""Optimizers with PyTorch's names, defaults and update rules, written for scalar Values.

Each ``step()`` applies, to every parameter p with gradient g = p.grad, the update in
PyTorch's documented pseudo-code (the formulas are in each class's docstring). State per
parameter (momentum buffers, moment estimates) is a dict of floats in ``self.state``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Any

from autograd import Value

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop"]


def _check(name: str, value: Any, low: float = 0.0, high: float | None = None) -> None:
    """A hyperparameter must be a number >= low (and < high): else a clear error."""
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} ({value!r})")
    value = float(value)
    if value < low or (high is not None and value >= high):
        where = f">= {low}" if high is None else f"in [{low}, {high})"
        raise ValueError(f"invalid {name}: {value!r} (must be {where})")


class Optimizer:
    """Base class: holds ``param_groups`` (dicts with "params" and hyperparameters, as in
    PyTorch, so a scheduler can change ``group["lr"]``) and per-parameter ``state``."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if hasattr(params, "named_parameters"):
            raise TypeError(
                f"{type(self).__name__}: params must be a list of Values; "
                "pass model.parameters(), not the model"
            )
        if isinstance(params, Value) or not isinstance(params, Iterable):
            raise TypeError(
                f"{type(self).__name__}: params must be a list of Values "
                f"(e.g. model.parameters()), got {type(params).__name__}"
            )
        self.defaults = defaults
        self.state: dict[Value, dict[str, float]] = {}
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters (missing ones from the defaults)."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{type(self).__name__}: a parameter group is a dict with 'params'")
        params = group["params"]
        params = [params] if isinstance(params, Value) else list(params)
        seen = {p for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(
                    f"{type(self).__name__}: params[{i}] is {type(p).__name__} ({p!r}), not a Value"
                )
            if p in seen:
                raise ValueError(f"{type(self).__name__}: params[{i}] appears more than once")
            seen.add(p)
        if not params:
            raise ValueError(f"{type(self).__name__}: optimizer got an empty parameter list")
        full = {**self.defaults, **group, "params": params}
        self._check_group(full)
        self.param_groups.append(full)

    def _check_group(self, group: dict[str, Any]) -> None:
        _check("lr", group["lr"])
        _check("weight_decay", group.get("weight_decay", 0.0))

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = 0.0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter once; with a ``closure`` (that recomputes the loss), return
        the loss it returns."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad if type(p.grad) is float else float(p.grad)
                self._update(p, g, self.state.setdefault(p, {}), group)
        return loss

    def _update(self, p: Value, g: float, state: dict[str, float], group: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- saving and restoring -----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The buffers and hyperparameters, in PyTorch's layout (parameters as indices):
        ``{"state": {i: {...}}, "param_groups": [{..., "params": [i, ...]}]}``."""
        index: dict[Value, int] = {}
        groups = []
        for group in self.param_groups:
            ids = [index.setdefault(p, len(index)) for p in group["params"]]
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {index[p]: dict(s) for p, s in self.state.items() if s and p in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore buffers and hyperparameters saved by ``state_dict()`` (keys may be strings,
        as after a JSON round trip). Everything is checked before anything changes."""
        try:
            saved_groups = list(state_dict["param_groups"])
            saved_state = dict(state_dict["state"])
        except (KeyError, TypeError) as error:
            raise ValueError(f"{type(self).__name__}.load_state_dict: not a state dict") from error
        if [len(g["params"]) for g in saved_groups] != [
            len(g["params"]) for g in self.param_groups
        ]:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: the saved parameter groups have sizes "
                f"{[len(g['params']) for g in saved_groups]}, this optimizer's "
                f"{[len(g['params']) for g in self.param_groups]}"
            )
        params = [p for g in self.param_groups for p in g["params"]]
        new_state: dict[Value, dict[str, float]] = {}
        for key, buffers in saved_state.items():
            i = int(key)
            if not 0 <= i < len(params) or not isinstance(buffers, dict):
                raise ValueError(f"{type(self).__name__}.load_state_dict: bad state entry {key!r}")
            for name, value in buffers.items():
                _check(f"state[{key}][{name!r}]", value, low=-math.inf)
            new_state[params[i]] = {name: float(v) for name, v in buffers.items()}
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            hyper = {k: tuple(v) if isinstance(v, list) else v for k, v in saved.items()}
            merged = {**group, **hyper, "params": group["params"]}
            self._check_group(merged)
            new_groups.append(merged)
        self.state, self.param_groups = new_state, new_groups

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({hyper})"


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

    With lr = gamma, momentum = mu, dampening = tau, weight_decay = lambda, each step:
    g <- g + lambda p; b <- g at the first step, else mu b + (1 - tau) g;
    g <- g + mu b (Nesterov) or b; p <- p - gamma g.

    >>> w = Value(1.0); w.grad = 0.5
    >>> SGD([w], lr=0.1).step()
    >>> w.data
    0.95
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
            nesterov=nesterov,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check("momentum", group["momentum"])
        _check("dampening", group["dampening"], low=-math.inf)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("nesterov=True requires a momentum > 0 and zero dampening")

    def _update(self, p: Value, g: float, state: dict[str, float], group: dict[str, Any]) -> None:
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        momentum = group["momentum"]
        if momentum:
            if "momentum_buffer" not in state:
                buf = g
            else:
                buf = momentum * state["momentum_buffer"] + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + momentum * buf if group["nesterov"] else buf
        p.data -= group["lr"] * g


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square of recent gradients.

    With alpha, eps, momentum mu, each step: v <- alpha v + (1 - alpha) g^2;
    centered: a <- alpha a + (1 - alpha) g and v~ = v - a^2 (else v~ = v);
    d = g / (sqrt(v~) + eps); with momentum b <- mu b + d and p <- p - lr b, else p <- p - lr d.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
            centered=centered,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check("alpha", group["alpha"])
        _check("eps", group["eps"])
        _check("momentum", group["momentum"])

    def _update(self, p: Value, g: float, state: dict[str, float], group: dict[str, Any]) -> None:
        alpha = group["alpha"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        state["step"] = state.get("step", 0.0) + 1
        v = state["square_avg"] = alpha * state.get("square_avg", 0.0) + (1 - alpha) * g * g
        if group["centered"]:
            a = state["grad_avg"] = alpha * state.get("grad_avg", 0.0) + (1 - alpha) * g
            v = max(v - a * a, 0.0)  # >= 0 in exact arithmetic; rounding may dip below
        d = g / (math.sqrt(v) + group["eps"])
        if group["momentum"] > 0:
            d = state["momentum_buffer"] = group["momentum"] * state.get("momentum_buffer", 0.0) + d
        p.data -= group["lr"] * d


class Adam(Optimizer):
    """Adam: steps along a running mean of gradients scaled by their running RMS.

    With betas (b1, b2), at step t: g <- g + weight_decay p; m <- b1 m + (1 - b1) g;
    v <- b2 v + (1 - b2) g^2; m^ = m / (1 - b1^t); v^ = v / (1 - b2^t) (amsgrad: the
    running maximum of v, bias-corrected, as PyTorch computes it);
    p <- p - lr m^ / (sqrt(v^) + eps).
    """

    _decoupled = False  # AdamW decays the weights directly instead of through g

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"invalid betas: {betas!r} (must be a pair (beta1, beta2))")
        _check("betas[0]", betas[0], high=1.0)
        _check("betas[1]", betas[1], high=1.0)
        _check("eps", group["eps"])

    def _update(self, p: Value, g: float, state: dict[str, float], group: dict[str, Any]) -> None:
        lr, (b1, b2), wd = group["lr"], group["betas"], group["weight_decay"]
        t = state["step"] = state.get("step", 0.0) + 1
        if wd and self._decoupled:
            p.data -= lr * wd * p.data
        elif wd:
            g = g + wd * p.data
        m = state["exp_avg"] = b1 * state.get("exp_avg", 0.0) + (1 - b1) * g
        v = state["exp_avg_sq"] = b2 * state.get("exp_avg_sq", 0.0) + (1 - b2) * g * g
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"] = max(state.get("max_exp_avg_sq", 0.0), v)
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        p.data -= lr * m_hat / (math.sqrt(v_hat) + group["eps"])


class AdamW(Adam):
    """Adam with decoupled weight decay: p <- p - lr weight_decay p, then Adam's step
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
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
