"""Optimizers with PyTorch's names, defaults and update rules, written for scalar Values.

Each ``step()`` applies to every parameter p, with gradient g = p.grad, the update that
PyTorch's implementation computes (each class's docstring gives the formulas; the order
of the float operations is PyTorch's too, so trajectories agree to the last few bits).
State per parameter (step counts, momentum buffers, moment estimates) is a dict of
floats in ``self.state``.

A step is all or nothing: the new value of every parameter and buffer is computed
first and then committed at once, with Ctrl-C held back (``deferred_interrupts``), so a
step that fails or is interrupted changes nothing. The arithmetic follows IEEE 754 as
PyTorch's does (0/0 is nan, x/0 is inf) instead of raising ZeroDivisionError halfway.
Hyperparameters are checked as PyTorch checks them (``0 <= lr``, ``0 <= eps``,
``0 <= betas[i] < 1``, ...), when the optimizer is made and again at every step, so a
rate set by hand (``group["lr"] = ...``) is checked too.

May import autograd and nn.checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from autograd import Value
from autograd.interrupts import deferred_interrupts
from nn import checks

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]

State = dict[str, float]

# what schedulers add to a parameter group (the rate they start from, OneCycleLR's bounds)
_SCHEDULER_KEYS = {"initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"}


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


class Optimizer:
    """Base class: holds ``param_groups`` (dicts with "params" and hyperparameters, as in
    PyTorch, so a scheduler can change ``group["lr"]``) and per-parameter ``state``.

    A subclass lists its hyperparameter checks in ``_check_group`` and writes ``_update``,
    a pure function from (p, g, state, hyperparameters) to (new p, new state).
    """

    # name of each state entry -> what it may hold (checked by load_state_dict)
    _STATE: ClassVar[dict[str, str]] = {}

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if hasattr(params, "named_parameters"):
            raise TypeError(
                f"{name}: params must be a list of Values; pass model.parameters(), not the model"
            )
        if isinstance(params, (Value, str, bytes, dict)) or not isinstance(params, Iterable):
            raise TypeError(
                f"{name}: params must be a list of Values "
                f"(e.g. model.parameters()), got {type(params).__name__}"
            )
        self.defaults = defaults
        self._checked(defaults, "")
        self.state: dict[Value, State] = {}
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters (missing ones from the defaults)."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{name}: a parameter group is a dict with 'params'")
        params = group["params"]
        params = [params] if isinstance(params, Value) else list(params)
        seen = {p for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(
                    f"{name}: params[{i}] is {type(p).__name__} ({checks.shown(p)}), not a Value"
                )
            if p in seen:
                raise ValueError(f"{name}: params[{i}] appears more than once")
            seen.add(p)
        if not params:
            raise ValueError(f"{name}: optimizer got an empty parameter list")
        full = {**self.defaults, **group, "params": params}
        self._checked(full, f"param_groups[{len(self.param_groups)}]")
        self.param_groups.append(full)

    def _checked(self, group: dict[str, Any], where: str) -> dict[str, Any]:
        """The group's hyperparameters as floats and bools, each checked (else a clear error)."""
        h: dict[str, Any] = {}
        self._check_group(group, h, f"{type(self).__name__}: {where}".rstrip(": "))
        return h

    def _check_group(self, group: dict[str, Any], h: dict[str, Any], where: str) -> None:
        h["lr"] = checks.number(group["lr"], "lr", where, low=0.0)
        h["weight_decay"] = checks.number(group["weight_decay"], "weight_decay", where, low=0.0)
        h["maximize"] = checks.boolean(group["maximize"], "maximize", where)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = 0.0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter once, all or nothing; with a ``closure`` (that recomputes
        the loss), return the loss it returns."""
        loss = closure() if closure is not None else None
        updates: list[tuple[Value, float, State]] = []
        update, state_of, empty = self._update, self.state.get, State()
        for i, group in enumerate(self.param_groups):
            h = self._checked(group, f"param_groups[{i}]")
            sign = -1.0 if h["maximize"] else 1.0
            for p in group["params"]:
                data, state = update(p.data, sign * float(p.grad), state_of(p, empty), h)
                updates.append((p, data, state))
        with deferred_interrupts():  # commit: every parameter and buffer, or none
            for p, data, state in updates:
                p.data = data
                self.state[p] = state
        return loss

    def _update(self, p: float, g: float, state: State, h: dict[str, Any]) -> tuple[float, State]:
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
        new_state, new_groups = self._read_state_dict(state_dict)
        with deferred_interrupts():
            self.state, self.param_groups = new_state, new_groups

    def _read_state_dict(self, state_dict: Any) -> tuple[dict[Value, State], list[dict[str, Any]]]:
        """The state and groups ``state_dict`` describes, checked; raises ValueError if not."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{where}: not a state dict (a dict of 'state' and 'param_groups')")
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, list) or not isinstance(saved_state, dict):
            raise ValueError(f"{where}: 'param_groups' must be a list and 'state' a dict")
        params = [p for g in self.param_groups for p in g["params"]]
        sizes = [len(g["params"]) for g in self.param_groups]
        saved_sizes = [
            len(g["params"]) if isinstance(g, dict) and isinstance(g.get("params"), list) else -1
            for g in saved_groups
        ]
        if saved_sizes != sizes:
            raise ValueError(
                f"{where}: the saved parameter groups have sizes {saved_sizes}, "
                f"this optimizer's {sizes}"
            )
        expected_ids = list(range(len(params)))
        if [i for g in saved_groups for i in g["params"]] != expected_ids:
            raise ValueError(f"{where}: the saved groups must list parameters 0..{len(params) - 1}")
        new_groups = []
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            hyper = {k: tuple(v) if isinstance(v, list) else v for k, v in saved.items()}
            merged = {**group, **hyper, "params": group["params"]}
            try:
                self._checked(merged, f"param_groups[{i}]")
                for key in _SCHEDULER_KEYS & set(merged):
                    checks.number(merged[key], key, f"param_groups[{i}]", low=0.0)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{where}: {error}") from None
            new_groups.append(merged)
        new_state: dict[Value, State] = {}
        for key, buffers in saved_state.items():
            i = self._index(key, len(params), where)
            new_state[params[i]] = self._read_buffers(buffers, f"{where}: state[{key!r}]")
        return new_state, new_groups

    @staticmethod
    def _index(key: Any, n: int, where: str) -> int:
        text = key if isinstance(key, str) else None
        if checks.is_integer(key):
            i = int(key)
        elif text is not None and text.isascii() and text.isdigit() and len(text) < 10:
            i = int(text)
        else:
            raise ValueError(f"{where}: state key {checks.shown(key)} is not a parameter index")
        if not 0 <= i < n:
            raise ValueError(f"{where}: state key {i} is out of range (0..{n - 1})")
        return i

    def _read_buffers(self, buffers: Any, where: str) -> State:
        """One parameter's saved buffers, checked against what this optimizer keeps."""
        if not isinstance(buffers, dict):
            raise ValueError(f"{where} must be a dict of buffers, got {type(buffers).__name__}")
        state: State = {}
        for name, value in buffers.items():
            kind = self._STATE.get(name)
            if kind is None:
                known = ", ".join(self._STATE) or "none"
                raise ValueError(
                    f"{where}: {type(self).__name__} keeps no buffer {checks.shown(name)} "
                    f"(it keeps: {known})"
                )
            try:
                x = checks.number(value, repr(name), where, low=-math.inf)
            except ValueError:
                if not (isinstance(value, float) and math.isnan(value)):
                    raise
                x = value  # nan: a buffer a nan gradient reached, kept as it is
            if kind == "count" and not (x >= 0 and math.isfinite(x) and x == int(x)):
                raise ValueError(f"{where}: {name!r} must be a whole number >= 0, got {x!r}")
            if kind == "nonnegative" and x < 0:
                raise ValueError(f"{where}: {name!r} (a sum of squares) must be >= 0, got {x!r}")
            state[name] = x
        return state

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({hyper})"


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

    With lr = gamma, momentum = mu, dampening = tau, weight_decay = lambda, each step:
    g <- -g if maximize; g <- g + lambda p; b <- g at the first step, else
    mu b + (1 - tau) g; g <- g + mu b (Nesterov) or b; p <- p - gamma g.

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
