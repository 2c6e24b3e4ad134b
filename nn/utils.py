"""Gradient clipping (PyTorch's ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``).

May import: ``autograd`` (its public API) and ``nn.checks``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value
from nn import checks

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _as_list(parameters: Iterable[Value] | Value, where: str) -> list[Value]:
    params = [parameters] if isinstance(parameters, Value) else list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(
                f"{where}: parameters[{i}] is {type(p).__name__} ({checks.shown(p)}), not a Value"
            )
    return params


def _total_norm(grads: list[float], norm_type: float) -> float:
    """The ``norm_type``-norm of ``grads``, exact even where squaring would overflow.

    Exploding gradients are what clipping is for, so 1e200 must not become inf: for
    p = 2, ``math.hypot`` is exact and never overflows; for other p, the sum runs over
    (|g| / max|g|)^p <= 1 and the largest |g| is multiplied back at the end.
    """
    sizes = [abs(g) for g in grads]
    if not sizes:
        return 0.0
    if any(math.isnan(g) for g in sizes):
        return math.nan
    largest = max(sizes)
    if norm_type == math.inf or largest in (0.0, math.inf):
        return largest
    if norm_type == 2:
        return math.hypot(*sizes)
    scaled = math.fsum((g / largest) ** norm_type for g in sizes)  # each term <= 1
    return float(largest * scaled ** (1.0 / norm_type))


def clip_grad_norm_(
    parameters: Iterable[Value] | Value,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale all gradients together so their ``norm_type``-norm is at most ``max_norm``.

    Returns the total norm before clipping. As in PyTorch the gradients are multiplied by
    max_norm / (norm + 1e-6) when that is below 1 (and become nan when the norm is nan).
    Unlike PyTorch, the norm of huge gradients is computed without overflow (PyTorch's
    float64 norm of [1e200] is inf, and clipping then sets every gradient to 0).

    >>> a, b = Value(0.0), Value(0.0)
    >>> a.grad, b.grad = 3.0, 4.0
    >>> clip_grad_norm_([a, b], max_norm=1.0)
    5.0
    >>> round(a.grad, 6), round(b.grad, 6)
    (0.6, 0.8)
    >>> a.grad, b.grad = 1e200, 1e200
    >>> clip_grad_norm_([a, b], max_norm=1.0) == math.sqrt(2) * 1e200
    True
    """
    where = "clip_grad_norm_"
    params = _as_list(parameters, where)
    max_norm = checks.number(max_norm, "max_norm", where, low=0.0)
    norm_type = checks.number(norm_type, "norm_type", where, low=0.0, low_open=True)
    checks.boolean(error_if_nonfinite, "error_if_nonfinite", where)
    total = _total_norm([float(p.grad) for p in params], norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of the gradients is {total}, so they cannot be "
            "clipped; set error_if_nonfinite=False to skip this check"
        )
    scale = max_norm / (total + 1e-6)
    if scale < 1 or math.isnan(scale):  # PyTorch multiplies by min(scale, 1)
        for p in params:
            p.grad = float(p.grad) * scale
    return total


def clip_grad_value_(parameters: Iterable[Value] | Value, clip_value: float) -> None:
    """Clamp every gradient into [-clip_value, clip_value]."""
    where = "clip_grad_value_"
    clip_value = checks.number(clip_value, "clip_value", where, low=0.0)
    for p in _as_list(parameters, where):
        p.grad = min(max(float(p.grad), -clip_value), clip_value)
