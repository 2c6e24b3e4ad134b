"""Ops of your own: :func:`defop` adds one to the op table from a notebook.

This module imports the op table (:mod:`autograd.rules`) and, when an op is applied, the
engine.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd.rules import OPS, Op, Rule, Scalar

if TYPE_CHECKING:
    from autograd.engine import Value

__all__ = ["defop"]


def defop(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., Any],
    *,
    symbol: str = "",
    roles: Sequence[str] = (),
) -> Callable[..., Value]:
    """Add an op to the table and return a function that applies it to Values.

    ``forward(*floats)`` computes the op; ``derivative(g, ans, *inputs)`` returns the
    gradient of each input, ``g`` times d(ans)/d(input) (for one input, a bare value is
    fine). Write the derivative with this module's ``exp``, ``log``, ``sigmoid``, ... and
    arithmetic, never :mod:`math`, and it also works for higher derivatives
    (``create_graph=True``), where the inputs are Values.

    Re-running it with the same name (a notebook cell run twice) replaces the op: every
    node made with that name, before or after, then uses the new definition. The built-in
    ops (``exp``, ``+``, ...) cannot be replaced.

    >>> import math
    >>> from autograd import Value, gradcheck
    >>> from autograd.rules import sigmoid
    >>> softplus = defop("softplus", lambda a: math.log1p(math.exp(a)),
    ...                  lambda g, ans, a: g * sigmoid(a))
    >>> y = softplus(Value(0.0))
    >>> y.op, round(y.data, 6)
    ('softplus', 0.693147)
    >>> bool(gradcheck(softplus, [0.3]))
    True
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"defop: name must be a non-empty str, got {name!r}")
    if name in OPS and OPS[name].builtin:
        raise ValueError(f"defop: {name!r} is a built-in op and cannot be replaced; choose a name")
    if not callable(forward) or not callable(derivative):
        raise TypeError("defop: forward and derivative must be functions")
    arity = _arity(forward, name)
    rule = _as_tuple_rule(derivative, arity, name)

    def as_float(*inputs: float) -> float:  # a user's forward may return an int or numpy float
        return float(forward(*inputs))

    OPS[name] = Op(name, arity, as_float, rule, symbol, tuple(roles), builtin=False)
    from autograd.engine import apply, operand  # the engine imports this module: import late

    def apply_op(*operands: Any) -> Value:
        if len(operands) != arity:
            raise TypeError(f"{name}: takes {arity} operand(s), got {len(operands)}")
        return apply(name, *[operand(x, name) for x in operands])

    apply_op.__name__ = apply_op.__qualname__ = name
    apply_op.__doc__ = f"Apply the op {name!r} (defined with autograd.defop)."
    return apply_op


def _arity(forward: Callable[..., float], name: str) -> int:
    """How many inputs ``forward`` takes: 1 or 2 (an op of more inputs composes these)."""
    try:
        parameters = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):  # a builtin such as math.erf: one input
        return 1
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) not in (1, 2) or any(p.default is not p.empty for p in positional):
        shown = ", ".join(map(str, parameters))
        raise TypeError(f"defop: {name!r}: forward must take 1 or 2 inputs, got ({shown})")
    return len(positional)


def _as_tuple_rule(derivative: Callable[..., Any], arity: int, name: str) -> Rule:
    """The derivative as a rule returning a tuple of ``arity`` gradients, checked."""

    def rule(g: Scalar, ans: Scalar, *inputs: Scalar) -> tuple[Any, ...]:
        grads = derivative(g, ans, *inputs)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        if len(grads) != arity:
            raise TypeError(
                f"{name}: its derivative returned {len(grads)} gradient(s) for {arity} input(s)"
            )
        return tuple(grads)

    return rule
