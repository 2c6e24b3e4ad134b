"""``fit(..., compile=True)``: a batch's loss and gradients from a traced program.

Without ``compile``, each batch builds a graph of Values (every sample's forward pass, the
loss, the L2 term) and ``backward()`` walks it. With it, the same computation runs as an
:class:`autograd.batch.BatchProgram`: the model and the loss traced once per path (for a
classification loss, once per label), written out as one loop over the samples in floats,
which makes no Value at all. The program adds each parameter's gradient contributions in
the order ``backward()`` adds them, so a model that uses each weight once per sample (an
MLP) gets the same gradients and weights, to the last bit.

May import: ``autograd`` (its public API and ``autograd.batch``), ``nn.elementwise``,
``nn.module``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Value
from autograd.batch import BatchProgram
from nn.elementwise import Dropout
from nn.module import Module

__all__ = ["CompiledStep", "Output"]


class Output:
    """A model's output as a number, where ``fit`` counts accuracy (``out.data``); no Value."""

    __slots__ = ("data",)

    def __init__(self, data: float) -> None:
        self.data = data


class CompiledStep:
    """The loss of a batch and every parameter's ``.grad`` set from its gradient."""

    def __init__(self, model: Module, loss_fn: Any, params: list[Value], X: Sequence[Any]):
        dropouts = [name for name, m in model.named_modules() if isinstance(m, Dropout) and m.p]
        if dropouts:
            raise ValueError(
                f"fit: compile=True cannot trace Dropout ({', '.join(dropouts) or 'the model'}): "
                "its random mask would be frozen into the program; train without compile"
            )
        self.params = params
        self.features = [[float(v) for v in x] for x in X]

        def sample(*inputs: Any) -> tuple[Value, Any]:
            *features, target = inputs
            output = model(list(features))
            return loss_fn([output], [target]), output

        self.program = BatchProgram(sample, params, len(self.features[0]))

    def __call__(
        self, batch: Sequence[int], y: Sequence[Any], l2: float
    ) -> tuple[float, list[Any]]:
        """Set each parameter's ``.grad`` to d(mean loss + l2 sum p^2)/dp for the samples
        ``batch`` (indices into X and y); return the mean loss and the model's outputs.

        The numbers are backward()'s: the L2 term's contributions come first (2 l2 p, as
        two additions of l2 p), then the samples in reverse order, each seeded with 1/n,
        the share the mean gives it.
        """
        n = len(batch)
        seed = 1.0 * (1.0 / n) if n > 1 else 1.0
        start = [0.0] * len(self.params)
        if l2:
            start = [(1.0 * l2) * p.data for p in self.params]
            start = [g + g for g in start]
        losses, outputs, grads = self.program.run(
            self.features, y, list(reversed(batch)), seed, start
        )
        for p, g in zip(self.params, grads):
            p.grad = g
        value = losses[batch[0]]
        for i in batch[1:]:
            value += losses[i]
        if n > 1:
            value *= 1.0 / n
        return value, [_as_outputs(outputs[i]) for i in batch]


def _as_outputs(out: Any) -> Any:
    return [Output(o) for o in out] if isinstance(out, list) else Output(out)
