"""Loss functions: a Value that measures how wrong the predictions are (PyTorch's names).

Each takes the model's output(s) and the target(s), one sample or a list of samples, and
returns the mean over the samples (``reduction="sum"`` for the sum, ``"none"`` for the
list of per-sample losses).

>>> from autograd import Value
>>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data   # ((1-0)^2 + (3-1)^2) / 2
2.5
>>> hinge_loss(Value(0.25), 1).data                        # max(0, 1 - 1 * 0.25)
0.75
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

from autograd import Value

__all__ = [
    "LOSSES",
    "AccuracyFn",
    "LossFn",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "mse_loss",
    "resolve_loss",
]

REDUCTIONS = ("mean", "sum", "none")
_LOG_FLOOR = -100.0  # PyTorch's binary_cross_entropy clamps log(p) to at least -100


def _as_value(x: Any, name: str, what: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{name}: {what} must be Values or numbers, got {type(x).__name__} ({x!r})")
    return Value(float(x))


def _as_number(t: Any, name: str) -> float:
    if isinstance(t, Value):
        t = t.data
    if isinstance(t, bool) or not isinstance(t, Real):
        raise TypeError(f"{name}: targets must be numbers, got {type(t).__name__} ({t!r})")
    return float(t)


def _is_many(x: Any) -> bool:
    """A list, tuple or array of samples (rather than one sample)."""
    return isinstance(x, (list, tuple)) or (
        hasattr(x, "__len__") and hasattr(x, "__getitem__") and not isinstance(x, (str, Value))
    )


def _pairs(input: Any, target: Any, name: str) -> tuple[list[Value], list[float]]:
    """Predictions and targets as two lists of the same, non-zero length."""
    xs = list(input) if _is_many(input) else [input]
    ts = list(target) if _is_many(target) else [target]
    if len(xs) != len(ts):
        raise ValueError(f"{name}: {len(xs)} predictions but {len(ts)} targets")
    if not xs:
        raise ValueError(f"{name}: no predictions (empty input)")
    return [_as_value(x, name, "predictions") for x in xs], [_as_number(t, name) for t in ts]


def _reduce(losses: list[Value], reduction: str, name: str) -> Any:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if reduction == "none":
        return losses
    total = losses[0]
    for loss in losses[1:]:
        total = total + loss
    if reduction == "mean" and len(losses) > 1:
        total = total * (1.0 / len(losses))
    return total


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean squared error: mean of (prediction - target)^2."""
    xs, ts = _pairs(input, target, "mse_loss")
    return _reduce([(x - t) ** 2 for x, t in zip(xs, ts)], reduction, "mse_loss")


def _log_clamped(p: Value) -> Value:
    """log(p), but at least -100 (PyTorch's rule: a confident mistake costs 100, not inf)."""
    if p.data > math.exp(_LOG_FLOOR):
        return p.log()
    return Value(_LOG_FLOOR)


def binary_cross_entropy(input: Any, target: Any, reduction: str = "mean") -> Any:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p (e.g. after ``sigmoid``) and
    targets t in [0, 1]. Prefer ``binary_cross_entropy_with_logits`` on raw scores."""
    name = "binary_cross_entropy"
    ps, ts = _pairs(input, target, name)
    for i, (p, t) in enumerate(zip(ps, ts)):
        if not 0 <= p.data <= 1:
            raise ValueError(f"{name}: input[{i}] = {p.data!r} is not a probability in [0, 1]")
        if not 0 <= t <= 1:
            raise ValueError(f"{name}: target[{i}] = {t!r} is not in [0, 1]")
    losses = [-(t * _log_clamped(p) + (1 - t) * _log_clamped(1 - p)) for p, t in zip(ps, ts)]
    return _reduce(losses, reduction, name)


def _softplus(x: Value) -> Value:
    """log(1 + e^x) without overflow: for x >= 0 it is x + log(1 + e^-x)."""
    if x.data >= 0:
        return x + (1 + (-x).exp()).log()
    return (1 + x.exp()).log()


def binary_cross_entropy_with_logits(input: Any, target: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy of sigmoid(x) computed from the score x directly, stably:
    softplus(x) - t x, finite for any x (the gradient is sigmoid(x) - t)."""
    name = "binary_cross_entropy_with_logits"
    xs, ts = _pairs(input, target, name)
    for i, t in enumerate(ts):
        if not 0 <= t <= 1:
            raise ValueError(f"{name}: target[{i}] = {t!r} is not in [0, 1]")
    return _reduce([_softplus(x) - t * x for x, t in zip(xs, ts)], reduction, name)


def _class_index(t: Any, n_classes: int, i: int) -> int:
    if isinstance(t, bool) or not isinstance(t, Integral):
        raise TypeError(
            f"cross_entropy: target[{i}] must be an int class index, got {type(t).__name__} ({t!r})"
        )
    if not 0 <= int(t) < n_classes:
        raise ValueError(
            f"cross_entropy: target[{i}] = {t} is out of range for {n_classes} classes "
            f"(labels must be 0 ... {n_classes - 1})"
        )
    return int(t)


def _cross_entropy_one(logits: Any, t: Any, i: int) -> Value:
    if not _is_many(logits) or len(logits) < 1:
        raise ValueError(
            f"cross_entropy: input[{i}] must be a non-empty list of logits, one per class, "
            f"got {logits!r}"
        )
    zs = [_as_value(z, "cross_entropy", "logits") for z in logits]
    k = _class_index(t, len(zs), i)
    # -log softmax(z)_k = log sum_j e^(z_j - m) - (z_k - m), with m = max z a constant:
    # every exponent is <= 0, so nothing overflows (logits of 1000 are fine).
    m = max(z.data for z in zs)
    shifted = [z - m for z in zs]
    total = shifted[0].exp()
    for s in shifted[1:]:
        total = total + s.exp()
    return total.log() - shifted[k]


def cross_entropy(input: Any, target: Any, reduction: str = "mean") -> Any:
    """Softmax cross-entropy: -log(softmax(logits)[target]).

    One sample: ``input`` a list of logits (one per class), ``target`` an int class.
    A batch: ``input`` a list of such lists, ``target`` a list of ints.

    >>> round(cross_entropy([0.0, 0.0], 1).data, 6)   # log 2: a 50/50 guess
    0.693147
    """
    if not _is_many(target):
        return _reduce([_cross_entropy_one(input, target, 0)], reduction, "cross_entropy")
    if not _is_many(input) or len(input) != len(target):
        n = len(input) if _is_many(input) else 1
        raise ValueError(f"cross_entropy: {n} predictions but {len(target)} targets")
    if len(target) == 0:
        raise ValueError("cross_entropy: no predictions (empty input)")
    losses = [_cross_entropy_one(z, t, i) for i, (z, t) in enumerate(zip(input, target))]
    return _reduce(losses, reduction, "cross_entropy")


def hinge_loss(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> Any:
    """max(0, margin - t * score) for labels t in {-1, +1} (micrograd's SVM loss)."""
    xs, ts = _pairs(input, target, "hinge_loss")
    for i, t in enumerate(ts):
        if t not in (-1.0, 1.0):
            raise ValueError(
                f"hinge_loss: target[{i}] = {t!r}; labels must be -1 or +1 (from 0/1 labels "
                "use 2 * y - 1)"
            )
    return _reduce([(margin - t * x).relu() for x, t in zip(xs, ts)], reduction, "hinge_loss")


# -- losses by name (fit, evaluate and gradient_flow accept loss="hinge" etc.) ------------
LossFn = Callable[[Any, Any], Value]
AccuracyFn = Callable[[Any, Any], bool]


def _argmax(scores: Sequence[Value]) -> int:
    return max(range(len(scores)), key=lambda i: scores[i].data)


# loss name -> (loss function, "is this prediction right?" for the accuracy)
LOSSES: dict[str, tuple[LossFn, AccuracyFn | None]] = {
    "hinge": (hinge_loss, lambda out, t: (out.data > 0) == (t > 0)),
    "bce_with_logits": (
        binary_cross_entropy_with_logits,
        lambda out, t: (out.data > 0) == (t > 0.5),
    ),
    "bce": (binary_cross_entropy, lambda out, t: (out.data > 0.5) == (t > 0.5)),
    "cross_entropy": (cross_entropy, lambda out, t: _argmax(out) == t),
    "mse": (mse_loss, None),
}
_BY_FUNCTION = {fn: (name, right) for name, (fn, right) in LOSSES.items()}


def resolve_loss(
    loss: str | LossFn, accuracy: AccuracyFn | None
) -> tuple[LossFn, AccuracyFn | None]:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"fit: unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        fn, right = LOSSES[loss]
    elif callable(loss):
        fn, right = loss, _BY_FUNCTION.get(loss, ("", None))[1]
    else:
        raise TypeError(f"fit: loss must be a loss function or its name, got {loss!r}")
    return fn, accuracy if accuracy is not None else right
