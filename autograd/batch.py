"""A loss over a batch of samples and its parameter gradients, as one generated loop over
floats: what ``nn.fit(..., compile=True)`` trains with.

``BatchProgram(sample, params, n_features)`` traces ``sample(*features, target)`` (a
sample's features as Values, its target as the plain number it is; the model's ``params``
used directly), which returns ``(loss, output)``, the way :func:`autograd.trace.trace`
does, and writes a function that loops over the samples: the forward pass, then the
backward pass adding each parameter's contributions straight into its running total, in
the order ``backward()`` would add them (so the gradients are ``backward()``'s, to the last
bit, for a model that uses each parameter once per sample). Each path the loss can take is
a block of the loop, guarded by what that path depended on: the target first (for a
hinge loss, one block per label), then the guards of :mod:`autograd.trace`. A sample no
block fits is traced, and the batch run again.

This module imports the tracer, its code writer and the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.codegen import Names, Writer, compiled
from autograd.engine import Value, topological_order
from autograd.functional import topological_order_of
from autograd.trace import MAX_VARIANTS, TraceError, _record, _Recording

__all__ = ["BatchProgram"]


class _Variant:
    """One traced path: the recording, its target and the model's output nodes."""

    def __init__(self, recording: _Recording, target: Any, outputs: list[Value], single: bool):
        self.recording, self.target, self.outputs, self.single = recording, target, outputs, single


class BatchProgram:
    """``run(features, targets, order, seed, start)``: for the samples in ``order``, each
    one's loss and model output, and ``start`` plus the gradient of sum(seed * loss) with
    respect to ``params`` (see the module)."""

    def __init__(
        self,
        sample: Callable[..., tuple[Value, Any]],
        params: Sequence[Value],
        n_features: int,
    ) -> None:
        self.sample = sample
        self.params = list(params)
        self.n_features = n_features
        self.variants: list[_Variant] = []
        self.source = ""
        self._function: Callable[..., Any] | None = None

    def run(
        self,
        features: Sequence[Sequence[float]],
        targets: Sequence[Any],
        order: Sequence[int],
        seed: float,
        start: list[float],
    ) -> tuple[list[float], list[Any], list[float]]:
        """Losses and outputs by sample index (those in ``order``), and the gradients."""
        values = [p.data for p in self.params]
        while True:
            unknown = order[0]
            if self._function is not None:
                losses, outputs, grads, missing = self._function(
                    values, features, targets, order, seed, start
                )
                if not missing:
                    return losses, outputs, list(grads)
                unknown = missing[0]
            self._add_variant(features[unknown], targets[unknown])

    def _add_variant(self, features: Sequence[float], target: Any) -> None:
        if len(self.variants) >= MAX_VARIANTS:
            raise TraceError(
                f"compile: {MAX_VARIANTS} paths through the loss and counting (one per target "
                "value, for instance: a regression target): its control flow depends on the "
                "data too much to compile; train without compile=True"
            )
        if len(features) != self.n_features:
            raise ValueError(
                f"compile: a sample has {len(features)} features, not {self.n_features}"
            )
        inputs = [Value(float(x)) for x in features]
        seen: list[Any] = []

        def loss(*xs: Value) -> Value:
            value, output = self.sample(*xs, target)
            seen.append(output)
            return value

        recording = _record(loss, [*self.params, *inputs], inputs)
        output = seen[0]
        single = isinstance(output, Value)
        outputs = [output] if single else list(output)
        guarded = [g.node for g in recording.guards]
        guarded += [g.other for g in recording.guards if isinstance(g.other, Value)]
        order = topological_order_of([recording.out, *outputs, *guarded])
        recording = _Recording(recording.leaves, recording.out, recording.guards, order)
        self.variants.append(_Variant(recording, target, outputs, single))
        self.source = self._write()
        self._function = compiled(self.source, "batch", "the loss")

    def _write(self) -> str:
        p = [f"p{k}" for k in range(len(self.params))]
        x = [f"x{j}" for j in range(self.n_features)]
        a = [f"a{k}" for k in range(len(self.params))]
        grads = f"({', '.join(a)}{',' if len(a) == 1 else ''})"
        lines = [
            "def batch(P, features, targets, order, seed, start):",
            f"    {', '.join(p)}, = P" if p else "    pass",
            f"    {', '.join(a)}, = start" if a else "    pass",
            "    losses = [0.0] * len(features)",
            "    outputs = [None] * len(features)",
            "    for i in order:",
            f"        {', '.join(x)}, = features[i]" if x else "        pass",
            "        t = targets[i]",
            "        done = False",
        ]
        for k, variant in enumerate(self.variants):
            recording = variant.recording
            inputs = recording.leaves[len(self.params) :]
            names = Names(recording.leaves, [*p, *x], labels=False)
            writer = Writer(names, indent=" " * (12 if k == 0 else 16), fail="break")
            if k:
                lines.append("        if not done:")
            writer.lines.append(f"{writer.indent[:-4]}for _ in (None,):  # variant {k}")
            writer.line(f"if t != {variant.target!r}: break")
            writer.forward_pass(recording.order, recording.guards, recording.leaves)
            into = {param: a[i] for i, param in enumerate(self.params)}
            out = recording.out
            writer.backward(topological_order(out), out, "seed", into=into, skip=set(inputs))
            shown = [writer.src(o) for o in variant.outputs]
            writer.line(f"losses[i] = {names.of(out)}")
            listed = shown[0] if variant.single else "[" + ", ".join(shown) + "]"
            writer.line(f"outputs[i] = {listed}")
            writer.line("done = True")
            lines += writer.lines
        lines += [
            "        if not done:",
            f"            return losses, outputs, {grads}, [i]",
            f"    return losses, outputs, {grads}, []",
        ]
        return "\n".join(lines)
