"""Losses: a Value that measures how wrong the predictions are, with PyTorch's names.

The functions (``mse_loss``, ``binary_cross_entropy``, ...) live in ``nn.functional``
and are importable from here too; this module adds PyTorch's loss classes, which hold
the options and are called like the function (``criterion(output, target)``), and the
registry of losses by name that ``fit`` reads (``loss="hinge"``).

>>> from autograd import Value
>>> criterion = CrossEntropyLoss(weight=[1.0, 3.0])
>>> round(criterion([[2.0, 0.0], [0.0, 1.0]], [0, 1]).data, 6)   # (w0 l0 + w1 l1) / (w0 + w1)
0.266678

May import: ``autograd`` (its public API), ``nn.checks``, ``nn.functional``, ``nn.module``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value
from nn.checks import integer, probability, shown
from nn.elements import check_reduction
from nn.functional import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
)
from nn.module import Module

__all__ = [
    "LOSSES",
    "AccuracyFn",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "LossFn",
    "MSELoss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "mse_loss",
    "resolve_loss",
]


# -- the loss classes (torch.nn.MSELoss and friends) --------------------------------------
class _Loss(Module):
    """A loss as a module: the options are set once, ``forward(input, target)`` applies it."""

    function: Callable[..., Any]  # the nn.functional function it applies

    def __init__(self, reduction: str = "mean") -> None:
        check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """``mse_loss`` as a module: the mean of (input - target)^2."""

    function = staticmethod(mse_loss)

    def forward(self, input: Any, target: Any) -> Any:
        return mse_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """``binary_cross_entropy`` as a module (probabilities in, e.g. after a sigmoid)."""

    function = staticmethod(binary_cross_entropy)

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: Any, target: Any) -> Any:
        return binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """``binary_cross_entropy_with_logits`` as a module (raw scores in), with ``pos_weight``."""

    function = staticmethod(binary_cross_entropy_with_logits)

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input: Any, target: Any) -> Any:
        return binary_cross_entropy_with_logits(
            input, target, self.weight, self.reduction, self.pos_weight
        )


class CrossEntropyLoss(_Loss):
    """``cross_entropy`` as a module: softmax cross-entropy with PyTorch's options
    ``weight`` (per class), ``ignore_index``, ``reduction`` and ``label_smoothing``."""

    function = staticmethod(cross_entropy)

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        where = "CrossEntropyLoss"
        self.weight = weight
        self.ignore_index = integer(ignore_index, "ignore_index", where)
        self.label_smoothing = probability(
            label_smoothing, "label_smoothing", where, one_allowed=True
        )

    def forward(self, input: Any, target: Any) -> Any:
        return cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


# -- losses by name (fit, evaluate and gradient_flow accept loss="hinge" etc.) ------------
LossFn = Callable[[Any, Any], Value]
AccuracyFn = Callable[[Any, Any], bool]


def _score(out: Any) -> float:
    """A model's one output as a number (a ``Linear(n, 1)`` gives a list of one Value)."""
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    return float(out.data)


def _argmax(scores: Sequence[Value]) -> int:
    return max(range(len(scores)), key=lambda i: scores[i].data)


# loss name -> (loss function, "is this prediction right?" for the accuracy)
LOSSES: dict[str, tuple[LossFn, AccuracyFn | None]] = {
    "hinge": (hinge_loss, lambda out, t: (_score(out) > 0) == (t > 0)),
    "bce_with_logits": (
        binary_cross_entropy_with_logits,
        lambda out, t: (_score(out) > 0) == (t > 0.5),
    ),
    "bce": (binary_cross_entropy, lambda out, t: (_score(out) > 0.5) == (t > 0.5)),
    "cross_entropy": (cross_entropy, lambda out, t: _argmax(out) == t),
    "mse": (mse_loss, None),
}
_BY_FUNCTION = {fn: (name, right) for name, (fn, right) in LOSSES.items()}


def resolve_loss(
    loss: str | LossFn, accuracy: AccuracyFn | None, where: str = "fit"
) -> tuple[LossFn, AccuracyFn | None]:
    """(loss function, accuracy rule) for a loss given by name, as a function or as a loss
    module; an explicit ``accuracy`` wins over the one the loss implies."""
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"{where}: unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        fn, right = LOSSES[loss]
    elif callable(loss):
        known = type(loss).function if isinstance(loss, _Loss) else loss
        fn, right = loss, _BY_FUNCTION.get(known, ("", None))[1]
    else:
        raise TypeError(f"{where}: loss must be a loss function or its name, got {shown(loss)}")
    return fn, accuracy if accuracy is not None else right
