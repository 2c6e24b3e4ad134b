"""The inside of ``nn.functional.cross_entropy``: the log-softmax, and its two kinds of
target (class indices with ``weight`` and ``ignore_index``, or class probabilities), with
PyTorch's label smoothing.

May import: ``autograd`` (its public API), ``nn.checks`` and ``nn.elements``.
"""

from __future__ import annotations

import math
from typing import Any

from autograd import Constant, Value
from nn.checks import is_integer, shown
from nn.elements import (
    as_number,
    as_value,
    is_many,
    kind,
    reduce,
    sum_values,
)


def log_softmax(logits: list[Value]) -> tuple[list[Value], Value]:
    """(z - m for each logit, log sum_j e^(z_j - m)), with m = max z a constant: every
    exponent is <= 0, so nothing overflows (logits of 1000 are fine). log softmax(z)_c is
    the first minus the second."""
    m = max(z.data for z in logits)
    shifted = [z - m for z in logits]
    total = shifted[0].exp()
    for s in shifted[1:]:
        total = total + s.exp()
    return shifted, total.log()


def batch_targets(target: Any, n: int, batch: bool) -> list[Any]:
    name = "cross_entropy"
    if not batch:
        return [target]
    if not is_many(target):
        raise ValueError(
            f"{name}: input is a batch of {n} samples, so target must be a list of {n} class "
            f"indices (or of {n} lists of class probabilities), got {kind(target)}"
        )
    if len(target) != n:
        raise ValueError(f"{name}: {n} predictions but {len(target)} targets")
    return list(target)


def logits(z: Any, i: int, name: str) -> list[Value]:
    if not is_many(z) or len(z) == 0:
        raise ValueError(
            f"{name}: input[{i}] must be a non-empty list of logits, one per class, got {shown(z)}"
        )
    return [as_value(v, name) for v in z]


def class_weights(weight: Any, n_classes: int) -> list[float]:
    name = "cross_entropy"
    if not is_many(weight) or len(weight) != n_classes:
        raise ValueError(f"{name}: weight must be a list of {n_classes} numbers, one per class")
    return [as_number(w, name, "weight") for w in weight]


def class_index(t: Any, n_classes: int, i: int, ignore_index: int) -> int | None:
    """The class of sample i, or None for an ignored sample."""
    name = "cross_entropy"
    if not is_integer(t):
        raise TypeError(
            f"{name}: target[{i}] must be an int class index (or a list of class "
            f"probabilities), got {kind(t)}"
        )
    if int(t) == ignore_index:
        return None
    if not 0 <= int(t) < n_classes:
        raise ValueError(
            f"{name}: target[{i}] = {t} is out of range for {n_classes} classes "
            f"(labels must be 0 ... {n_classes - 1})"
        )
    return int(t)


def cross_entropy_indices(
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
        k = class_index(t, n_classes, i, ignore_index)
        if k is None:
            losses.append(Constant(0.0))  # PyTorch's "none" gives 0 for an ignored sample
            continue
        w = 1.0 if weights is None else weights[k]
        total_weight += w
        shifted, lse = log_softmax(row)
        loss = lse - shifted[k]  # -log softmax(z)_k
        if weights is not None:
            loss = w * loss
        if smoothing:  # PyTorch: (1 - e) nll + e / C * (-sum_c w_c log softmax(z)_c)
            smooth = sum_values(
                [
                    (1.0 if weights is None else weights[c]) * (lse - s)
                    for c, s in enumerate(shifted)
                ]
            )
            loss = (1 - smoothing) * loss + (smoothing / n_classes) * smooth
        losses.append(loss)
    if reduction == "none":
        return losses if batch else losses[0]
    total = sum_values(losses)
    if reduction == "sum":
        return total
    if total_weight == 0:
        raise ValueError(
            "cross_entropy: every target is ignore_index (or has weight 0), so the mean is "
            "over nothing (PyTorch returns nan); use reduction='sum' or check the targets"
        )
    return total if total_weight == 1 else total / total_weight


def cross_entropy_probabilities(
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
        q = [as_number(p, name) for p in t]
        if any(not 0 <= p <= 1 for p in q) or not math.isclose(sum(q), 1.0, abs_tol=1e-6):
            raise ValueError(
                f"{name}: target[{i}] = {shown(list(t))} is not a probability distribution "
                "(entries in [0, 1] that sum to 1); a class index is an int"
            )
        if smoothing:
            q = [p * (1 - smoothing) + smoothing / n_classes for p in q]
        shifted, lse = log_softmax(row)
        terms = [
            (p if weights is None else weights[c] * p) * (lse - s)
            for c, (p, s) in enumerate(zip(q, shifted))
            if p != 0
        ]
        losses.append(sum_values(terms))
    if reduction == "none":
        return losses if batch else losses[0]
    return reduce(losses, reduction, (len(losses),))
