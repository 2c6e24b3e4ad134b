"""Gradients as values (``grad``) and the two engine modes (``no_grad``, ``detect_anomaly``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from autograd import engine
from autograd.engine import Value, chain_rule, constant, topological_order

__all__ = ["detect_anomaly", "grad", "no_grad"]


def grad(output: Value, inputs: Iterable[Value], create_graph: bool = False) -> list[Any]:
    """d(output)/d(input) for each input, as a list; no ``.grad`` is read or changed.

    With ``create_graph=True`` the gradients are Values that can be differentiated
    again, which gives second and higher derivatives:

    >>> x = Value(2.0)
    >>> (dy,) = grad(x**3, [x], create_graph=True)   # 3x^2
    >>> (d2y,) = grad(dy, [x])                      # 6x
    >>> dy.data, d2y
    (12.0, 12.0)

    An input the output does not depend on gets 0 (PyTorch would need allow_unused).
    The gradients are collected in a dictionary of this call's own, so threads may take
    gradients of graphs that share parameters at the same time.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    inputs = [inputs] if isinstance(inputs, Value) else list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs must be Values, got {type(x).__name__} ({x!r})")
    order = topological_order(output)
    grads: dict[Value, Any] = {output: constant(1.0) if create_graph else 1.0}
    with _recording(create_graph):
        for _ in chain_rule(order, grads):
            pass
    result = [grads.get(x, _zero(create_graph)) for x in inputs]
    if create_graph:  # a gradient that stayed a float (no path) must still be a Value
        result = [g if isinstance(g, Value) else Value(g) for g in result]
    return result


@contextlib.contextmanager
def _recording(on: bool) -> Iterator[None]:
    """Record the rules' own arithmetic as a graph (for create_graph=True), or leave the mode."""
    if not on:
        yield
        return
    previous = engine.set_mode(True, engine._anomaly)
    try:
        yield
    finally:
        engine.set_mode(*previous)


def _zero(create_graph: bool) -> Any:
    return Value(0.0) if create_graph else 0.0


class _Mode(contextlib.ContextDecorator):
    """A context manager and decorator that sets the engine's mode and restores it."""

    def __init__(self) -> None:
        self._saved: list[tuple[bool, bool]] = []  # a stack: re-entrant and nestable

    def _mode(self, recording: bool, anomaly: bool) -> tuple[bool, bool]:
        raise NotImplementedError

    def __enter__(self) -> _Mode:
        recording, anomaly = engine._recording, engine._anomaly
        self._saved.append(engine.set_mode(*self._mode(recording, anomaly)))
        return self

    def __exit__(self, *exc: object) -> None:
        engine.set_mode(*self._saved.pop())


class no_grad(_Mode):
    """Ops inside record no graph: their results are leaves (for evaluation, updates).

    >>> w = Value(1.0)
    >>> with no_grad():
    ...     y = w * 3
    >>> y.parents
    ()
    """

    def _mode(self, recording: bool, anomaly: bool) -> tuple[bool, bool]:
        return False, anomaly


class detect_anomaly(_Mode):
    """Raise ``FloatingPointError`` naming the op as soon as a NaN or inf appears.

    Checks every forward result and every gradient of the backward pass, and that no
    ``.data`` changed between the forward and the backward pass.

    >>> with detect_anomaly():
    ...     Value(1e308) * 10
    Traceback (most recent call last):
    ...
    FloatingPointError: * produced inf in the forward pass from (1e+308, 10.0)
    """

    def _mode(self, recording: bool, anomaly: bool) -> tuple[bool, bool]:
        return recording, True
