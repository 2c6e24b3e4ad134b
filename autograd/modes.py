"""Grad modes, kept per thread as PyTorch keeps them: ``no_grad``, ``enable_grad``,
``set_grad_enabled``, ``inference_mode``, ``detect_anomaly``.

Each thread has its own modes, so one thread inside ``no_grad()`` (evaluating a model)
never stops another thread's graph. The engine makes every node through
:func:`autograd.engine.new_node`, which looks at modes only while some thread is outside the
default ones (``engine.modes_in_use`` counts them): the common path pays one check of a
global, nothing more.

This module imports only the engine and the op table.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from autograd import checks, engine
from autograd.rules import OPS

__all__ = [
    "detect_anomaly",
    "enable_grad",
    "inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]

F = TypeVar("F", bound=Callable[..., Any])


class _ThreadModes(threading.local):
    """This thread's modes (class attributes are the defaults every new thread starts with)."""

    grad_enabled = True
    anomaly = False

    def __init__(self) -> None:
        self.saved: list[tuple[bool, bool]] = []  # what each open context restores, a stack


_modes = _ThreadModes()
_count_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """Whether ops record a graph in this thread (False inside ``no_grad()``)."""
    return _modes.grad_enabled


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly()`` is on in this thread."""
    return _modes.anomaly


def _set(grad_enabled: bool, anomaly: bool) -> None:
    """Set this thread's modes, and keep count of the threads outside the defaults."""
    was_default = _modes.grad_enabled and not _modes.anomaly
    _modes.grad_enabled, _modes.anomaly = grad_enabled, anomaly
    if was_default != (grad_enabled and not anomaly):
        with _count_lock:
            engine.modes_in_use += 1 if was_default else -1


class _Mode(contextlib.ContextDecorator):
    """A context manager (and decorator) that sets this thread's modes and restores them."""

    def _modes_inside(self) -> tuple[bool, bool]:
        raise NotImplementedError

    def __enter__(self) -> _Mode:
        _modes.saved.append((_modes.grad_enabled, _modes.anomaly))
        _set(*self._modes_inside())
        return self

    def __exit__(self, *exc: object) -> None:
        _set(*_modes.saved.pop())


class _BareDecorator(_Mode):
    """Also usable as ``@no_grad`` without parentheses, as in PyTorch."""

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        self = super().__new__(cls)
        return self if func is None else self(func)

    def __init__(self, func: Callable[..., Any] | None = None) -> None:
        pass


class no_grad(_BareDecorator):
    """Ops inside record no graph: their results are leaves (for evaluation, updates).

    >>> from autograd import Value
    >>> w = Value(1.0)
    >>> with no_grad():
    ...     y = w * 3
    >>> y.parents
    ()
    """

    def _modes_inside(self) -> tuple[bool, bool]:
        return False, _modes.anomaly


class enable_grad(_BareDecorator):
    """Record graphs again inside a ``no_grad()`` block (PyTorch's ``enable_grad``)."""

    def _modes_inside(self) -> tuple[bool, bool]:
        return True, _modes.anomaly


class inference_mode(_Mode):
    """``no_grad()`` by PyTorch's other name; ``inference_mode(False)`` changes nothing.

    (PyTorch's inference mode also forbids using its results in a graph later; a
    chainrule Value made inside is simply a leaf, usable anywhere.)
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = checks_bool(mode, "inference_mode", "mode")

    def _modes_inside(self) -> tuple[bool, bool]:
        return (not self.mode) and _modes.grad_enabled, _modes.anomaly


class set_grad_enabled(_Mode):
    """Turn graph recording on or off in this thread, at once; as a context manager (or a
    decorator) it restores the previous mode afterwards, as PyTorch's does."""

    def __init__(self, mode: bool) -> None:
        self.mode = checks_bool(mode, "set_grad_enabled", "mode")
        self.previous = (_modes.grad_enabled, _modes.anomaly)
        _set(self.mode, _modes.anomaly)

    def _modes_inside(self) -> tuple[bool, bool]:
        return self.mode, _modes.anomaly

    def __enter__(self) -> set_grad_enabled:
        return self  # the mode was set by the constructor

    def __exit__(self, *exc: object) -> None:
        _set(*self.previous)

    def __call__(self, func: F) -> F:
        _set(*self.previous)  # as a decorator: applies while the function runs, not now
        mode = self.mode

        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return inner  # type: ignore[return-value]


class detect_anomaly(_Mode):
    """Raise ``FloatingPointError`` naming the op as soon as a NaN or inf appears.

    Checks every forward result and every gradient of the backward pass, and that no
    ``.data`` changed between the forward and the backward pass.

    >>> from autograd import Value
    >>> with detect_anomaly():
    ...     Value(1e308) * 10
    Traceback (most recent call last):
    ...
    FloatingPointError: * produced inf in the forward pass from (1e+308, 10.0)
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = checks_bool(check_nan, "detect_anomaly", "check_nan")

    def _modes_inside(self) -> tuple[bool, bool]:
        return _modes.grad_enabled, self.check_nan


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off in this thread (PyTorch's ``set_detect_anomaly``)."""
    _set(_modes.grad_enabled, checks_bool(mode, "set_detect_anomaly", "mode"))


def checks_bool(value: Any, where: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{where}: {name} must be True or False, got {checks.shown(value)}")
    return value


# -- what the engine asks of the modes ---------------------------------------------------------
def adjust(out: engine.Value) -> engine.Value:
    """A node just made, while some thread is outside the default modes: apply this one's."""
    if _modes.anomaly and not math.isfinite(out.data):
        raise FloatingPointError(
            f"{out.op} produced {out.data} in the forward pass from {checks.describe(out.parents)}"
        )
    if not _modes.grad_enabled:  # no_grad(): the result is a leaf, keeping no graph
        out._a = out._b = None
        out._op = ""
    return out


@contextlib.contextmanager
def recording(on: bool) -> Iterator[None]:
    """Record graphs inside (for a backward pass with create_graph=True, whatever the mode)."""
    if not on or _modes.grad_enabled:
        yield
        return
    with enable_grad():
        yield


def anomaly_check(
    order: list[engine.Value],
) -> Callable[[engine.Value, tuple[Any, ...]], None] | None:
    """Under ``detect_anomaly()``: refuse a graph whose data changed since its forward
    pass, and return a check that refuses a non-finite gradient; otherwise None."""
    if not _modes.anomaly:
        return None
    for n in order:
        _check_fresh(n)

    def check(n: engine.Value, passed: tuple[Any, ...]) -> None:
        for gp in passed:
            if not math.isfinite(checks_number(gp)):
                raise FloatingPointError(
                    f"{n.op} produced gradient {checks_number(gp)} in the backward pass, inputs "
                    f"{checks.describe(n.parents)}, output {n.data!r}"
                )

    return check


def checks_number(g: Any) -> float:
    return float(getattr(g, "data", g))


def _check_fresh(n: engine.Value) -> None:
    """The node's data must still be its op applied to its parents' data."""
    op = OPS.get(n.op)
    if op is None or not n.parents or (op.arity != -1 and op.arity != len(n.parents)):
        return  # a leaf, or a node with a closure of its own: nothing to recompute
    fresh = op.forward(*[p.data for p in n.parents])
    if fresh != n.data and not (math.isnan(fresh) and math.isnan(n.data)):
        raise RuntimeError(
            f"{n.op}: its output was {n.data!r} in the forward pass but its inputs "
            f"{checks.describe(n.parents)} now give {fresh!r}; a .data was changed after the "
            "forward pass, so run the forward pass again before backward()"
        )
