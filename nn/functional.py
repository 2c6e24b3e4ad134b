"""``nn.functional``: the functions behind the layers and losses, as ``torch.nn.functional``.

``import nn.functional as F`` works as in PyTorch. Everything here takes Values (plain
numbers are accepted and become Constants) and lists of them, and returns Values:

* activations, applied to each element of a Value or a (nested) list: ``relu``, ``tanh``,
  ``sigmoid``, ``leaky_relu(x, negative_slope=0.01)``, and ``linear(x, weight, bias)``;
* losses (PyTorch's formulas, argument names and defaults): ``mse_loss``,
  ``binary_cross_entropy``, ``binary_cross_entropy_with_logits``, ``cross_entropy``,
  and micrograd's ``hinge_loss``.

A loss takes the prediction(s) and the target(s) of the same shape: one sample, a list of
samples, or a list of lists (several outputs per sample), and returns the mean over all
elements (``reduction="sum"`` for the sum, ``"none"`` for the losses in the input's shape).
A list of one Value stands for that Value when the target is a number: that is what a
``Linear(n, 1)`` returns.

>>> from autograd import Value
>>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data   # ((1-0)^2 + (3-1)^2) / 2
2.5
>>> hinge_loss(Value(0.25), 1).data                        # max(0, 1 - 1 * 0.25)
0.75

May import: ``autograd`` (its public API) and ``nn.checks``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Constant, Value, dot
from nn.checks import integer, is_integer, is_number, number, probability, shown

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "leaky_relu",
    "linear",
    "mse_loss",
    "relu",
    "sigmoid",
    "tanh",
]

REDUCTIONS = ("mean", "sum", "none")


# -- activations ---------------------------------------------------------------------------
def _each(fn: Callable[[Value], Value], x: Any, where: str) -> Any:
    """fn applied to x, a Value or number, or to each element of a (nested) list of them."""
    if isinstance(x, Value):
        return fn(x)
    if isinstance(x, (list, tuple)):
        return [_each(fn, xi, where) for xi in x]
    if is_number(x):
        return fn(Constant(x))
    raise TypeError(f"{where}: expected a Value, a number or a list of them, got {shown(x)}")


def relu(input: Any) -> Any:
    """max(0, x), for each element."""
    return _each(Value.relu, input, "relu")


def tanh(input: Any) -> Any:
    """tanh(x), for each element."""
    return _each(Value.tanh, input, "tanh")


def sigmoid(input: Any) -> Any:
    """1 / (1 + e^-x), for each element."""
    return _each(Value.sigmoid, input, "sigmoid")


def leaky_relu(input: Any, negative_slope: float = 0.01) -> Any:
    """x for x > 0, else negative_slope * x, for each element (PyTorch's default slope)."""
    slope = number(negative_slope, "negative_slope", "leaky_relu")
    return _each(lambda v: v.leaky_relu(slope), input, "leaky_relu")


def linear(input: Sequence[Value], weight: Sequence[Sequence[Value]], bias: Any = None) -> Any:
    """y_j = sum_i weight[j][i] * x_i + bias[j]: PyTorch's ``x W^T + b`` for one sample,
    each output one ``autograd.dot`` node."""
    if bias is None:
        return [dot(row, input) for row in weight]
    if len(bias) != len(weight):
        raise ValueError(f"linear: {len(weight)} rows of weights but {len(bias)} biases")
    return [dot(row, input, b) for row, b in zip(weight, bias)]


# -- shapes: losses compare predictions and targets element by element ---------------------
def _is_many(x: Any) -> bool:
    """A list, tuple or array (rather than one number or Value)."""
    return isinstance(x, (list, tuple)) or (
        hasattr(x, "__len__") and hasattr(x, "__getitem__") and not isinstance(x, (str, Value))
    )


def _shape(x: Any, name: str, what: str) -> tuple[int, ...]:
    """The shape of a nested list (() for a single element); ragged lists are refused."""
    if not _is_many(x):
        return ()
    if len(x) == 0:
        return (0,)
    inner = [_shape(item, name, what) for item in x]
    for i, s in enumerate(inner):
        if s != inner[0]:
            raise ValueError(
                f"{name}: {what}[{i}] has shape {s} but {what}[0] has {inner[0]}: every "
                f"sample needs the same number of entries"
            )
    return (len(x), *inner[0])


def _leaves(x: Any) -> list[Any]:
    if not _is_many(x):
        return [x]
    return [leaf for item in x for leaf in _leaves(item)]


def _nest(flat: list[Any], shape: tuple[int, ...]) -> Any:
    """``flat`` (row-major) back in ``shape``; a bare element for shape ()."""
    if not shape:
        return flat[0]
    step = len(flat) // shape[0] if shape[0] else 0
    if len(shape) == 1:
        return list(flat)
    return [_nest(flat[i * step : (i + 1) * step], shape[1:]) for i in range(shape[0])]


def _as_value(x: Any, name: str) -> Value:
    if isinstance(x, Value):
        return x
    if not is_number(x):
        raise TypeError(f"{name}: predictions must be Values or numbers, got {_kind(x)}")
    return Value(float(x))


def _as_number(t: Any, name: str, what: str = "targets") -> float:
    if isinstance(t, Value):
        t = t.data
    if not is_number(t):
        raise TypeError(f"{name}: {what} must be numbers, got {_kind(t)}")
    return float(t)


def _kind(x: Any) -> str:
    return f"{type(x).__name__} ({shown(x)})"


def _elements(
    input: Any, target: Any, name: str
) -> tuple[list[Value], list[float], tuple[int, ...]]:
    """Predictions and targets element by element, and their common shape.

    A prediction shaped (..., 1) against a target shaped (...) is taken as (...): the
    output of a ``Linear(n, 1)`` against one number per sample.
    """
    in_shape, t_shape = _shape(input, name, "input"), _shape(target, name, "target")
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
    xs = [_as_value(x, name) for x in _leaves(input)]
    ts = [_as_number(t, name) for t in _leaves(target)]
    return xs, ts, t_shape


def _per_element(
    weight: Any, shape: tuple[int, ...], name: str, what: str = "weight"
) -> list[float] | None:
    """A weight given as a number, a list for the last dimension, or the full shape,
    spread over every element (None: no weight)."""
    if weight is None:
        return None
    n = math.prod(shape)
    if not _is_many(weight):
        return [_as_number(weight, name, what)] * n
    w_shape = _shape(weight, name, what)
    flat = [_as_number(w, name, what) for w in _leaves(weight)]
    if w_shape == shape:
        return flat
    if shape and w_shape == shape[-1:]:
        return flat * (n // shape[-1])
    raise ValueError(
        f"{name}: {what} has shape {w_shape}; it must be a number, or have the shape of the "
        f"targets {shape} or of their last dimension {shape[-1:]}"
    )


def _check_reduction(reduction: Any, name: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {shown(reduction)}")


def _sum(values: list[Value]) -> Value:
    """values[0] + values[1] + ..., left to right (no 0 to start from: no extra node)."""
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def _reduce(losses: list[Value], reduction: str, shape: tuple[int, ...]) -> Any:
    """The mean (or sum) of the losses, or with "none" the losses in the targets' shape."""
    if reduction == "none":
        return _nest(losses, shape)
    total = _sum(losses)
    if reduction == "mean" and len(losses) > 1:
        total = total * (1.0 / len(losses))
    return total


def _weighted(losses: list[Value], weights: list[float] | None) -> list[Value]:
    return losses if weights is None else [w * loss for w, loss in zip(weights, losses)]


def _check_targets_in_01(ts: list[float], name: str) -> None:
    for i, t in enumerate(ts):
        if not 0 <= t <= 1:
            raise ValueError(f"{name}: target[{i}] = {t!r} is not in [0, 1]")


# -- losses --------------------------------------------------------------------------------
def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean squared error: the mean of (prediction - target)^2 over all elements."""
    name = "mse_loss"
    _check_reduction(reduction, name)
    xs, ts, shape = _elements(input, target, name)
    return _reduce([(x - t) ** 2 for x, t in zip(xs, ts)], reduction, shape)


_LOG_FLOOR = -100.0  # PyTorch's binary_cross_entropy clamps each log to at least -100
# ... and divides by max(p (1 - p), 1e-12) in its gradient, with 1e-12 a float32 constant:
# in float64 that is 9.999999960041972e-13, so at p = 0, t = 1 the gradient is -1.000000004e12
_BCE_EPSILON = 9.999999960041972e-13


def _clamped_logs(p: float) -> tuple[float, float]:
    """max(log p, -100) and max(log(1 - p), -100), the second as PyTorch's log1p(-p)."""
    log_p = max(math.log(p), _LOG_FLOOR) if p > 0 else _LOG_FLOOR
    log_q = max(math.log1p(-p), _LOG_FLOOR) if p < 1 else _LOG_FLOOR
    return log_p, log_q


def _bce(p: Value, t: float) -> Value:
    """One element of PyTorch's binary cross-entropy, value and gradient.

    PyTorch computes the loss as (t - 1) max(log(1 - p), -100) - t max(log p, -100), and
    its gradient as (p - t) / max(p (1 - p), 1e-12). Where p (1 - p) >= 1e-12 no clamp is
    active and that gradient is the derivative of the loss: the loss is built from ops, and
    differentiates like any other graph (second derivatives included). Nearer to 0 or 1
    PyTorch's gradient is no derivative at all, but it keeps a confidently wrong p learning
    (-1e12 at p = 0, t = 1, where the derivative of the clamped loss is 0); there the loss
    is a straight line through the clamped value with that slope.
    """
    x = p.data
    if x * (1 - x) >= _BCE_EPSILON:
        return (t - 1) * (1 - p).log() - t * p.log()
    log_p, log_q = _clamped_logs(x)
    value = (t - 1) * log_q - t * log_p
    slope = (x - t) / _BCE_EPSILON
    return (p - x) * slope + value  # data: 0 * slope + value, exactly the value


def binary_cross_entropy(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean"
) -> Any:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p (e.g. after ``sigmoid``) and
    targets t in [0, 1], PyTorch's exactly: each log clamped to at least -100, and PyTorch's
    gradient (p - t) / max(p (1 - p), 1e-12) near 0 and 1. ``weight`` rescales each
    element's loss. On raw scores use ``binary_cross_entropy_with_logits``: it is stabler.

    >>> from autograd import Value
    >>> p = Value(0.0)                      # certain of 0, but the target is 1
    >>> loss = binary_cross_entropy(p, 1.0)
    >>> loss.backward()
    >>> loss.data, p.grad                   # a loss of 100 and a strong push up
    (100.0, -1000000003995.8029)
    """
    name = "binary_cross_entropy"
    _check_reduction(reduction, name)
    ps, ts, shape = _elements(input, target, name)
    for i, p in enumerate(ps):
        if not 0 <= p.data <= 1:
            raise ValueError(
                f"{name}: input[{i}] = {p.data!r} is not a probability in [0, 1]; for raw "
                "scores (logits) use binary_cross_entropy_with_logits (in fit: "
                'loss="bce_with_logits"), which applies the sigmoid itself'
            )
    _check_targets_in_01(ts, name)
    losses = _weighted([_bce(p, t) for p, t in zip(ps, ts)], _per_element(weight, shape, name))
    return _reduce(losses, reduction, shape)


def _softplus(x: Value) -> Value:
    """log(1 + e^x) without overflow: for x >= 0 it is x + log(1 + e^-x)."""
    if x.data >= 0:
        return x + (1 + (-x).exp()).log()
    return (1 + x.exp()).log()


def binary_cross_entropy_with_logits(
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Any:
    """Binary cross-entropy of sigmoid(x) computed from the score x directly, stably, as
    PyTorch does: (1 - t) x + l softplus(-x) with l = 1 + (pos_weight - 1) t, finite for
    any x (without ``pos_weight`` the gradient is sigmoid(x) - t). ``pos_weight`` weighs
    the positive term (a number, or one per output: the targets' last dimension), so with
    pos_weight = 3 a positive counts as three; ``weight`` rescales each element's loss."""
    name = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, name)
    xs, ts, shape = _elements(input, target, name)
    _check_targets_in_01(ts, name)
    pos = _per_element(pos_weight, shape, name, "pos_weight")
    if pos is None:
        losses = [_softplus(-x) + (1 - t) * x for x, t in zip(xs, ts)]
    else:
        losses = [(1 + (pw - 1) * t) * _softplus(-x) + (1 - t) * x for x, t, pw in zip(xs, ts, pos)]
    return _reduce(_weighted(losses, _per_element(weight, shape, name)), reduction, shape)


def _log_softmax(logits: list[Value]) -> tuple[list[Value], Value]:
    """(z - m for each logit, log sum_j e^(z_j - m)), with m = max z a constant: every
    exponent is <= 0, so nothing overflows (logits of 1000 are fine). log softmax(z)_c is
    the first minus the second."""
    m = max(z.data for z in logits)
    shifted = [z - m for z in logits]
    total = shifted[0].exp()
    for s in shifted[1:]:
        total = total + s.exp()
    return shifted, total.log()


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """Softmax cross-entropy, PyTorch's: -log(softmax(logits)[target]).

    ``input`` is one sample (a list of logits, one per class) or a batch (a list of such
    lists). ``target`` is a class index per sample (an int), or class probabilities per
    sample (a list as long as the logits, a one-hot list for instance).

    ``weight`` (one number per class) scales each sample's loss by the weight of its
    class, and the mean divides by the sum of those weights (not by the number of
    samples). Samples whose target is ``ignore_index`` count for nothing. With
    ``label_smoothing`` = e the target is mixed with the uniform distribution,
    (1 - e) target + e / C. With probability targets the mean divides by the number of
    samples and ``ignore_index`` does not apply.

    >>> round(cross_entropy([0.0, 0.0], 1).data, 6)   # log 2: a 50/50 guess
    0.693147
    >>> cross_entropy([2.0, 0.5, -1.0], [0, 1, 0]).data == cross_entropy([2.0, 0.5, -1.0], 1).data
    True
    """
    name = "cross_entropy"
    _check_reduction(reduction, name)
    smoothing = probability(label_smoothing, "label_smoothing", name, one_allowed=True)
    integer(ignore_index, "ignore_index", name)
    batch = _is_many(input) and len(input) > 0 and _is_many(input[0])
    samples = list(input) if batch else [input]
    targets = _batch_targets(target, len(samples), batch)
    rows = [_logits(z, i, name) for i, z in enumerate(samples)]
    n_classes = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != n_classes:
            raise ValueError(
                f"{name}: input[{i}] has {len(row)} logits but input[0] has {n_classes}"
            )
    weights = None if weight is None else _class_weights(weight, n_classes)
    by_index = [not _is_many(t) for t in targets]
    if any(by_index) and not all(by_index):
        raise ValueError(f"{name}: targets mix class indices and class probabilities")
    if all(by_index):
        return _cross_entropy_indices(
            rows, targets, weights, int(ignore_index), reduction, smoothing, batch
        )
    return _cross_entropy_probabilities(rows, targets, weights, reduction, smoothing, batch)


def _batch_targets(target: Any, n: int, batch: bool) -> list[Any]:
    name = "cross_entropy"
    if not batch:
        return [target]
    if not _is_many(target):
        raise ValueError(
            f"{name}: input is a batch of {n} samples, so target must be a list of {n} class "
            f"indices (or of {n} lists of class probabilities), got {_kind(target)}"
        )
    if len(target) != n:
        raise ValueError(f"{name}: {n} predictions but {len(target)} targets")
    return list(target)


def _logits(z: Any, i: int, name: str) -> list[Value]:
    if not _is_many(z) or len(z) == 0:
        raise ValueError(
            f"{name}: input[{i}] must be a non-empty list of logits, one per class, got {shown(z)}"
        )
    return [_as_value(v, name) for v in z]


def _class_weights(weight: Any, n_classes: int) -> list[float]:
    name = "cross_entropy"
    if not _is_many(weight) or len(weight) != n_classes:
        raise ValueError(f"{name}: weight must be a list of {n_classes} numbers, one per class")
    return [_as_number(w, name, "weight") for w in weight]


def _class_index(t: Any, n_classes: int, i: int, ignore_index: int) -> int | None:
    """The class of sample i, or None for an ignored sample."""
    name = "cross_entropy"
    if not is_integer(t):
        raise TypeError(
            f"{name}: target[{i}] must be an int class index (or a list of class "
            f"probabilities), got {_kind(t)}"
        )
    if int(t) == ignore_index:
        return None
    if not 0 <= int(t) < n_classes:
        raise ValueError(
            f"{name}: target[{i}] = {t} is out of range for {n_classes} classes "
            f"(labels must be 0 ... {n_classes - 1})"
        )
    return int(t)


def _cross_entropy_indices(
    rows: list[list[Value]],
    targets: list[Any],
    weights: list[float] | None,
    ignore_index: int,
    reduction: str,
    smoothing: float,
    batch: bool,
) -> Any:
    n_classes = len(rows[0])
    losses: list[Value] = []
    total_weight = 0.0
    for i, (row, t) in enumerate(zip(rows, targets)):
        k = _class_index(t, n_classes, i, ignore_index)
        if k is None:
            losses.append(Constant(0.0))  # PyTorch's "none" gives 0 for an ignored sample
            continue
        w = 1.0 if weights is None else weights[k]
        total_weight += w
        shifted, lse = _log_softmax(row)
        loss = lse - shifted[k]  # -log softmax(z)_k
        if weights is not None:
            loss = w * loss
        if smoothing:  # PyTorch: (1 - e) nll + e / C * (-sum_c w_c log softmax(z)_c)
            smooth = _sum(
                [
                    (1.0 if weights is None else weights[c]) * (lse - s)
                    for c, s in enumerate(shifted)
                ]
            )
            loss = (1 - smoothing) * loss + (smoothing / n_classes) * smooth
        losses.append(loss)
    if reduction == "none":
        return losses if batch else losses[0]
    total = _sum(losses)
    if reduction == "sum":
        return total
    if total_weight == 0:
        raise ValueError(
            "cross_entropy: every target is ignore_index (or has weight 0), so the mean is "
            "over nothing (PyTorch returns nan); use reduction='sum' or check the targets"
        )
    return total if total_weight == 1 else total / total_weight


def _cross_entropy_probabilities(
    rows: list[list[Value]],
    targets: list[Any],
    weights: list[float] | None,
    reduction: str,
    smoothing: float,
    batch: bool,
) -> Any:
    name = "cross_entropy"
    n_classes = len(rows[0])
    losses = []
    for i, (row, t) in enumerate(zip(rows, targets)):
        if len(t) != n_classes:
            raise ValueError(
                f"{name}: target[{i}] has {len(t)} class probabilities but the input has "
                f"{n_classes} logits (a class index is an int)"
            )
        q = [_as_number(p, name) for p in t]
        if any(not 0 <= p <= 1 for p in q) or not math.isclose(sum(q), 1.0, abs_tol=1e-6):
            raise ValueError(
                f"{name}: target[{i}] = {shown(list(t))} is not a probability distribution "
                "(entries in [0, 1] that sum to 1); a class index is an int"
            )
        if smoothing:
            q = [p * (1 - smoothing) + smoothing / n_classes for p in q]
        shifted, lse = _log_softmax(row)
        terms = [
            (p if weights is None else weights[c] * p) * (lse - s)
            for c, (p, s) in enumerate(zip(q, shifted))
            if p != 0
        ]
        losses.append(_sum(terms))
    if reduction == "none":
        return losses if batch else losses[0]
    return _reduce(losses, reduction, (len(losses),))


def hinge_loss(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> Any:
    """max(0, margin - t * score) for labels t in {-1, +1}: micrograd's SVM loss (and
    scikit-learn's ``hinge``). Not PyTorch's ``hinge_embedding_loss``, which takes
    distances: x for t = 1 and max(0, margin - x) for t = -1."""
    name = "hinge_loss"
    _check_reduction(reduction, name)
    margin = number(margin, "margin", name)
    xs, ts, shape = _elements(input, target, name)
    for i, t in enumerate(ts):
        if t not in (-1.0, 1.0):
            raise ValueError(
                f"{name}: target[{i}] = {t!r}; labels must be -1 or +1 (from 0/1 labels "
                "use 2 * y - 1)"
            )
    return _reduce([(margin - t * x).relu() for x, t in zip(xs, ts)], reduction, shape)
