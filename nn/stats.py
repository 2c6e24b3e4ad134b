"""Gradient-flow statistics for teaching: how big each layer's gradients are, how many
ReLU units are dead, how many tanh/sigmoid units are saturated.

>>> from nn import MLP
>>> model = MLP(2, [4, 4, 1], seed=0)
>>> report = gradient_flow(model, [[0.5, -1.0], [1.0, 2.0]], [1, -1], loss="hinge")
>>> [row.name for row in report.rows]
['layers.0', 'layers.1', 'layers.2']

Each layer's outputs come from a recording of the module calls (``nn.record_calls``).

May import: ``autograd``, ``nn.layers``, ``nn.losses``, ``nn.module``, ``nn.recording``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd import no_grad
from nn.layers import Layer
from nn.losses import LossFn, resolve_loss
from nn.module import Module
from nn.recording import record_calls

__all__ = ["FlowReport", "LayerStats", "dead_relu_fraction", "grad_norms", "gradient_flow"]

# Saturated: |tanh| > 0.99 (tanh' < 0.02, its peak is 1) or sigmoid within 0.01 of 0 or 1
# (sigmoid' < 0.0099, its peak is 0.25): almost no gradient passes.
SATURATED = 0.99


def _layers(model: Module) -> list[tuple[str, Layer]]:
    return [(name, m) for name, m in model.named_modules() if isinstance(m, Layer)]


def grad_norms(model: Module) -> dict[str, float]:
    """The L2 norm of the current ``.grad`` of each layer's parameters, by layer name.

    Shrinking norms from the last layer to the first are vanishing gradients. A model
    without ``Layer`` modules gives one entry for all its parameters.
    """
    groups: list[tuple[str, Module]] = [*_layers(model)] or [("", model)]
    return {name: _norm([float(p.grad) for p in module.parameters()]) for name, module in groups}


def _norm(grads: list[float]) -> float:
    """sqrt(sum of g^2); where the squares overflow (gradients of 1e200) or all underflow
    (1e-200), math.hypot, which scales as it goes and never overflows."""
    total = sum(g * g for g in grads)
    if math.isfinite(total) and (total > 0 or not any(grads)):
        return math.sqrt(total)
    return math.hypot(*grads)


def _run_collecting(
    model: Module, X: Sequence[Any]
) -> tuple[list[Any], dict[str, list[list[float]]]]:
    """The model's output for each sample, and each layer's outputs on each sample
    (from a recording of the module calls)."""
    seen: dict[str, list[list[float]]] = {name: [] for name, _ in _layers(model)}
    with record_calls(model) as record:
        predictions = [model(x) for x in X]
    for call in record.calls:
        if call.name in seen:
            seen[call.name].append([v.data for v in call.outputs])
    return predictions, seen


def _dead(outputs: list[list[float]], nout: int) -> float:
    """The fraction of the nout units that are <= 0 on every sample."""
    alive = [any(row[j] > 0 for row in outputs) for j in range(nout)]
    return 1 - sum(alive) / nout


def dead_relu_fraction(model: Module, X: Sequence[Any]) -> dict[str, float]:
    """For each ReLU layer, the fraction of its neurons that output 0 on every sample of X.

    Such a "dead" neuron passes no gradient back for any of these inputs, so gradient
    descent cannot revive it.
    """
    with no_grad():
        _, outputs = _run_collecting(model, X)
    return {
        name: _dead(outputs[name], layer.nout)
        for name, layer in _layers(model)
        if layer.activation == "relu" and outputs[name]
    }


@dataclass(frozen=True)
class LayerStats:
    """One layer's numbers over a batch (fractions in [0, 1]; None where not applicable)."""

    name: str
    activation: str
    grad_norm: float
    mean_abs_activation: float
    dead: float | None  # ReLU: fraction of neurons 0 on every sample
    saturated: float | None  # tanh/sigmoid: fraction of outputs in the flat tails


@dataclass(frozen=True)
class FlowReport:
    """Per-layer statistics from :func:`gradient_flow`; prints as a table."""

    rows: list[LayerStats]
    loss: float

    def __str__(self) -> str:
        def cell(x: float | None) -> str:
            return "-" if x is None else f"{x:.3g}"

        header = ("layer", "activation", "grad norm", "mean |a|", "dead", "saturated")
        lines = [
            (r.name, r.activation, f"{r.grad_norm:.3e}", cell(r.mean_abs_activation),
             cell(r.dead), cell(r.saturated))
            for r in self.rows
        ]  # fmt: skip
        widths = [max(len(c) for c in column) for column in zip(header, *lines)]
        table = [
            "  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()
            for line in [header, *lines]
        ]
        return "\n".join([f"gradient flow on one batch, loss {self.loss:.4g}", *table])

    __repr__ = __str__


def _saturated(activation: str, a: float) -> bool:
    if activation == "tanh":
        return abs(a) > SATURATED
    return a < 1 - SATURATED or a > SATURATED  # sigmoid


def gradient_flow(
    model: Module, X: Sequence[Any], y: Sequence[Any], loss: str | LossFn
) -> FlowReport:
    """One forward and backward pass over the batch (X, y), no update: per-layer gradient
    norms, dead ReLU fractions and tanh/sigmoid saturation. Leaves the batch's gradients
    in ``.grad``."""
    loss_fn, _ = resolve_loss(loss, None, "gradient_flow")
    layers = _layers(model)
    if not layers:
        raise ValueError("gradient_flow: the model has no Layer modules to report on")
    predictions, outputs = _run_collecting(model, X)
    value = loss_fn(predictions, list(y))
    model.zero_grad()
    value.backward()
    norms = grad_norms(model)
    rows = []
    for name, layer in layers:
        flat = [a for row in outputs[name] for a in row] or [0.0]
        act = layer.activation
        dead = _dead(outputs[name], layer.nout) if act == "relu" else None
        saturated = None
        if act in ("tanh", "sigmoid"):
            saturated = sum(_saturated(act, a) for a in flat) / len(flat)
        mean_abs = sum(abs(a) for a in flat) / len(flat)
        rows.append(LayerStats(name, act, norms[name], mean_abs, dead, saturated))
    return FlowReport(rows, value.data)
