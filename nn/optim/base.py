"""``Optimizer``: the base class of every optimizer, as PyTorch's ``torch.optim.Optimizer``.

An optimizer holds ``param_groups`` (dicts with "params" and hyperparameters, so a
scheduler can change ``group["lr"]``) and per-parameter ``state`` (step counts, momentum
buffers, moment estimates: a dict of floats per parameter). A subclass (the algorithms are
in :mod:`nn.optim.algorithms`) writes only how one parameter is updated.

A step is all or nothing: the new value of every parameter and buffer is computed
first and then committed at once, with Ctrl-C held back (``deferred_interrupts``), so a
step that fails or is interrupted changes nothing. Hyperparameters are checked as PyTorch
checks them (``0 <= lr``, ``0 <= eps``, ``0 <= betas[i] < 1``, ...), when the optimizer is
made and again at every step, so a rate set by hand (``group["lr"] = ...``) is checked too.
``state_dict()`` and ``load_state_dict()`` use PyTorch's layout; loading checks everything
(group sizes, parameter indices, hyperparameters, each buffer) before anything changes.

May import: ``autograd`` (``Value``, ``autograd.interrupts``) and ``nn.checks``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from autograd import Value
from autograd.interrupts import deferred_interrupts
from nn import checks

__all__ = ["Optimizer", "State"]

State = dict[str, float]

# what schedulers add to a parameter group (the rate they start from, OneCycleLR's bounds)
_SCHEDULER_KEYS = {"initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"}


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
