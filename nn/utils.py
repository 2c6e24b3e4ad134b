"""Gradient clipping (PyTorch's ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _as_list(parameters: Iterable[Value] | Value) -> list[Value]:
    params = [parameters] if isinstance(parameters, Value) else list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"parameters[{i}] is {type(p).__name__} ({p!r}), not a Value")
    return params


def clip_grad_norm_(
    parameters: Iterable[Value] | Value,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale all gradients together so their ``norm_type``-norm is at most ``max_norm``.

    Returns the total norm before clipping. As in PyTorch the scale is
    max_norm / (norm + 1e-6), applied only when it is below 1.

    >>> a, b = Value(0.0), Value(0.0)
    >>> a.grad, b.grad = 3.0, 4.0
    >>> clip_grad_norm_([a, b], max_norm=1.0)
    5.0
    >>> round(a.grad, 6), round(b.grad, 6)
    (0.6, 0.8)
    """
    params = _as_list(parameters)
    if isinstance(max_norm, bool) or not max_norm >= 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm!r}")
    grads = [abs(float(p.grad)) for p in params]
    if not grads:
        return 0.0
    if norm_type == math.inf:
        total = max(grads)
    else:
        if not norm_type > 0:
            raise ValueError(f"clip_grad_norm_: norm_type must be > 0 or inf, got {norm_type!r}")
        total = sum(g**norm_type for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of the gradients is {total}, so they cannot be "
            "clipped; set error_if_nonfinite=False to skip this check"
        )
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for p in params:
            p.grad = float(p.grad) * scale
    return total


def clip_grad_value_(parameters: Iterable[Value] | Value, clip_value: float) -> None:
    """Clamp every gradient into [-clip_value, clip_value]."""
    if isinstance(clip_value, bool) or not clip_value >= 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value!r}")
    for p in _as_list(parameters):
        p.grad = min(max(float(p.grad), -clip_value), clip_value)
