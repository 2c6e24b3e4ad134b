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
from nn.checks import integer, is_number, number, probability, shown
from nn.cross_entropy import (
    batch_targets,
    class_weights,
    cross_entropy_indices,
    cross_entropy_probabilities,
    logits,
)
from nn.elements import (
    check_reduction,
    check_targets_in_01,
    elements,
    is_many,
    per_element,
    reduce,
    weighted,
)

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
# -- losses --------------------------------------------------------------------------------
def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean squared error: the mean of (prediction - target)^2 over all elements."""
    name = "mse_loss"
    check_reduction(reduction, name)
    xs, ts, shape = elements(input, target, name)
    return reduce([(x - t) ** 2 for x, t in zip(xs, ts)], reduction, shape)


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
    check_reduction(reduction, name)
    ps, ts, shape = elements(input, target, name)
    for i, p in enumerate(ps):
        if not 0 <= p.data <= 1:
            raise ValueError(
                f"{name}: input[{i}] = {p.data!r} is not a probability in [0, 1]; for raw "
                "scores (logits) use binary_cross_entropy_with_logits (in fit: "
                'loss="bce_with_logits"), which applies the sigmoid itself'
            )
    check_targets_in_01(ts, name)
    losses = weighted([_bce(p, t) for p, t in zip(ps, ts)], per_element(weight, shape, name))
    return reduce(losses, reduction, shape)


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
    check_reduction(reduction, name)
    xs, ts, shape = elements(input, target, name)
    check_targets_in_01(ts, name)
    pos = per_element(pos_weight, shape, name, "pos_weight")
    if pos is None:
        losses = [_softplus(-x) + (1 - t) * x for x, t in zip(xs, ts)]
    else:
        losses = [(1 + (pw - 1) * t) * _softplus(-x) + (1 - t) * x for x, t, pw in zip(xs, ts, pos)]
    return reduce(weighted(losses, per_element(weight, shape, name)), reduction, shape)


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
    check_reduction(reduction, name)
    smoothing = probability(label_smoothing, "label_smoothing", name, one_allowed=True)
    integer(ignore_index, "ignore_index", name)
    batch = is_many(input) and len(input) > 0 and is_many(input[0])
    samples = list(input) if batch else [input]
    targets = batch_targets(target, len(samples), batch)
    rows = [logits(z, i, name) for i, z in enumerate(samples)]
    n_classes = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != n_classes:
            raise ValueError(
                f"{name}: input[{i}] has {len(row)} logits but input[0] has {n_classes}"
            )
    weights = None if weight is None else class_weights(weight, n_classes)
    by_index = [not is_many(t) for t in targets]
    if any(by_index) and not all(by_index):
        raise ValueError(f"{name}: targets mix class indices and class probabilities")
    if all(by_index):
        return cross_entropy_indices(
            rows, targets, weights, int(ignore_index), reduction, smoothing, batch
        )
    return cross_entropy_probabilities(rows, targets, weights, reduction, smoothing, batch)


def hinge_loss(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> Any:
    """max(0, margin - t * score) for labels t in {-1, +1}: micrograd's SVM loss (and
    scikit-learn's ``hinge``). Not PyTorch's ``hinge_embedding_loss``, which takes
    distances: x for t = 1 and max(0, margin - x) for t = -1."""
    name = "hinge_loss"
    check_reduction(reduction, name)
    margin = number(margin, "margin", name)
    xs, ts, shape = elements(input, target, name)
    for i, t in enumerate(ts):
        if t not in (-1.0, 1.0):
            raise ValueError(
                f"{name}: target[{i}] = {t!r}; labels must be -1 or +1 (from 0/1 labels "
                "use 2 * y - 1)"
            )
    return reduce([(margin - t * x).relu() for x, t in zip(xs, ts)], reduction, shape)
