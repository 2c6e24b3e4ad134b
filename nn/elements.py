"""How the losses read their arguments: shapes of nested lists, element by element, targets
as numbers, weights spread over the elements, and the reductions (mean, sum, none).

May import: ``autograd`` (its public API) and ``nn.checks``.
"""

from __future__ import annotations

import math
from typing import Any

from autograd import Value
from nn.checks import is_number, shown

REDUCTIONS = ("mean", "sum", "none")


def is_many(x: Any) -> bool:
    """A list, tuple or array (rather than one number or Value)."""
    return isinstance(x, (list, tuple)) or (
        hasattr(x, "__len__") and hasattr(x, "__getitem__") and not isinstance(x, (str, Value))
    )


def shape_of(x: Any, name: str, what: str) -> tuple[int, ...]:
    """The shape of a nested list (() for a single element); ragged lists are refused."""
    if not is_many(x):
        return ()
    if len(x) == 0:
        return (0,)
    inner = [shape_of(item, name, what) for item in x]
    for i, s in enumerate(inner):
        if s != inner[0]:
            raise ValueError(
                f"{name}: {what}[{i}] has shape {s} but {what}[0] has {inner[0]}: every "
                f"sample needs the same number of entries"
            )
    return (len(x), *inner[0])


def leaves(x: Any) -> list[Any]:
    if not is_many(x):
        return [x]
    return [leaf for item in x for leaf in leaves(item)]


def nest(flat: list[Any], shape: tuple[int, ...]) -> Any:
    """``flat`` (row-major) back in ``shape``; a bare element for shape ()."""
    if not shape:
        return flat[0]
    step = len(flat) // shape[0] if shape[0] else 0
    if len(shape) == 1:
        return list(flat)
    return [nest(flat[i * step : (i + 1) * step], shape[1:]) for i in range(shape[0])]


def as_value(x: Any, name: str) -> Value:
    if isinstance(x, Value):
        return x
    if not is_number(x):
        raise TypeError(f"{name}: predictions must be Values or numbers, got {kind(x)}")
    return Value(float(x))


def as_number(t: Any, name: str, what: str = "targets") -> float:
    if isinstance(t, Value):
        t = t.data
    if not is_number(t):
        raise TypeError(f"{name}: {what} must be numbers, got {kind(t)}")
    return float(t)


def kind(x: Any) -> str:
    return f"{type(x).__name__} ({shown(x)})"


def elements(
    input: Any, target: Any, name: str
) -> tuple[list[Value], list[float], tuple[int, ...]]:
    """Predictions and targets element by element, and their common shape.

    A prediction shaped (..., 1) against a target shaped (...) is taken as (...): the
    output of a ``Linear(n, 1)`` against one number per sample.
    """
    in_shape, t_shape = shape_of(input, name, "input"), shape_of(target, name, "target")
    if t_shape == (*in_shape, 1):  # one number against a list of one
        t_shape = in_shape
    if in_shape != t_shape and in_shape != (*t_shape, 1):
        if len(in_shape) == 1 and not t_shape and in_shape[0]:
            raise ValueError(f"{name}: {in_shape[0]} predictions but 1 target")
        if len(in_shape) == len(t_shape) == 1:
            raise ValueError(f"{name}: {in_shape[0]} predictions but {t_shape[0]} targets")
        raise ValueError(f"{name}: the predictions have shape {in_shape} but the targets {t_shape}")
    if 0 in t_shape:
        raise ValueError(f"{name}: no predictions (empty input)")
    xs = [as_value(x, name) for x in leaves(input)]
    ts = [as_number(t, name) for t in leaves(target)]
    return xs, ts, t_shape


def per_element(
    weight: Any, shape: tuple[int, ...], name: str, what: str = "weight"
) -> list[float] | None:
    """A weight given as a number, a list for the last dimension, or the full shape,
    spread over every element (None: no weight)."""
    if weight is None:
        return None
    n = math.prod(shape)
    if not is_many(weight):
        return [as_number(weight, name, what)] * n
    w_shape = shape_of(weight, name, what)
    flat = [as_number(w, name, what) for w in leaves(weight)]
    if w_shape == shape:
        return flat
    if shape and w_shape == shape[-1:]:
        return flat * (n // shape[-1])
    raise ValueError(
        f"{name}: {what} has shape {w_shape}; it must be a number, or have the shape of the "
        f"targets {shape} or of their last dimension {shape[-1:]}"
    )


def check_reduction(reduction: Any, name: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {shown(reduction)}")


def sum_values(values: list[Value]) -> Value:
    """values[0] + values[1] + ..., left to right (no 0 to start from: no extra node)."""
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def reduce(losses: list[Value], reduction: str, shape: tuple[int, ...]) -> Any:
    """The mean (or sum) of the losses, or with "none" the losses in the targets' shape."""
    if reduction == "none":
        return nest(losses, shape)
    total = sum_values(losses)
    if reduction == "mean" and len(losses) > 1:
        total = total * (1.0 / len(losses))
    return total


def weighted(losses: list[Value], weights: list[float] | None) -> list[Value]:
    return losses if weights is None else [w * loss for w, loss in zip(weights, losses)]


def check_targets_in_01(ts: list[float], name: str) -> None:
    for i, t in enumerate(ts):
        if not 0 <= t <= 1:
            raise ValueError(f"{name}: target[{i}] = {t!r} is not in [0, 1]")
