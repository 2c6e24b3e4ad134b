"""A loss over a batch of samples and its parameter gradients, as one generated loop over
floats: what ``nn.fit(..., compile=True)`` trains with.

``BatchProgram(sample_loss, params, n_inputs)`` traces ``sample_loss(*inputs)`` (a sample's
features and target as Values; the model's ``params`` used directly) the way
:func:`autograd.trace.trace` does, and writes a function that loops over the samples:
the forward pass, then the backward pass adding each parameter's contributions straight
into its running total, in the order ``backward()`` would add them. Each path the loss can
take (a variant: for a hinge loss, one per label) is a block of the loop guarded by what
that path depended on; a sample no variant fits is traced, and the batch run again.

This module imports the tracer and the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.codegen import Names, Writer, compiled
from autograd.engine import Value, topological_order
from autograd.trace import MAX_VARIANTS, TraceError, _record, _Recording

__all__ = ["BatchProgram"]


class BatchProgram:
    """``run(samples, order, seed, start)``: each sample's loss and ``start`` plus the
    gradient of sum(seed * loss) with respect to ``params`` (see the module)."""

    def __init__(
        self, sample_loss: Callable[..., Value], params: Sequence[Value], n_inputs: int
    ) -> None:
        self.sample_loss = sample_loss
        self.params = list(params)
        self.n_inputs = n_inputs
        self.recordings: list[_Recording] = []
        self.source = ""
        self._function: Callable[..., Any] | None = None

    def run(
        self,
        samples: Sequence[Sequence[float]],
        order: Sequence[int],
        seed: float,
        start: list[float],
    ) -> tuple[list[float], list[float]]:
        """Loss values by sample index (only those in ``order`` are set) and gradients."""
        values = [p.data for p in self.params]
        while True:
            if self._function is not None:
                losses, grads, unknown = self._function(values, samples, order, seed, start)
                if not unknown:
                    return losses, list(grads)
                sample = samples[unknown[0]]
            else:
                sample = samples[order[0]]
            self._add_variant(sample)

    def _add_variant(self, sample: Sequence[float]) -> None:
        if len(self.recordings) >= MAX_VARIANTS:
            raise TraceError(
                f"compile: {MAX_VARIANTS} paths through the loss and counting (one per target "
                "value, for instance): its control flow depends on the data too much to compile"
            )
        if len(sample) != self.n_inputs:
            raise ValueError(f"compile: a sample has {len(sample)} inputs, not {self.n_inputs}")
        inputs = [Value(float(x)) for x in sample]
        self.recordings.append(_record(self.sample_loss, [*self.params, *inputs], inputs))
        self.source = self._write()
        self._function = compiled(self.source, "batch", "the loss")

    def _write(self) -> str:
        p = [f"p{k}" for k in range(len(self.params))]
        x = [f"x{j}" for j in range(self.n_inputs)]
        a = [f"a{k}" for k in range(len(self.params))]
        lines = [
            "def batch(P, samples, order, seed, start):",
            f"    {', '.join(p)}, = P" if p else "    pass",
            f"    {', '.join(a)}, = start" if a else "    pass",
            "    losses = [0.0] * len(samples)",
            "    for i in order:",
            f"        {', '.join(x)}, = samples[i]",
            "        done = False",
        ]
        for k, recording in enumerate(self.recordings):
            inputs = recording.leaves[len(self.params) :]
            names = Names(recording.leaves, [*p, *x], labels=False)
            writer = Writer(names, indent=" " * (12 if k == 0 else 16), fail="break")
            if k:
                lines.append("        if not done:")
            lines.append(f"{writer.indent[:-4]}for _ in (None,):  # variant {k}")
            writer.forward_pass(recording.order, recording.guards, recording.leaves)
            into = {param: a[i] for i, param in enumerate(self.params)}
            out = recording.out
            writer.backward(topological_order(out), out, "seed", into=into, skip=set(inputs))
            writer.line(f"losses[i] = {names.of(out)}")
            writer.line("done = True")
            lines += writer.lines
        lines += [
            "        if not done:",
            f"            return losses, ({', '.join(a)}{',' if len(a) == 1 else ''}), [i]",
            f"    return losses, ({', '.join(a)}{',' if len(a) == 1 else ''}), []",
        ]
        return "\n".join(lines)
