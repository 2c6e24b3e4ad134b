"""Step-through backprop: one drawing per step of the backward pass, and ways to show them.

The gradients are replayed with the engine's reference backward pass,
:func:`autograd.engine.chain_rule`, into a dict of their own: the graph's ``.grad`` values
are neither read nor changed. Each step becomes a :class:`~autograd.draw.emit.FrameState`
for the emitter; every frame is drawn from the same analysis, with the same layout.

Imports: :mod:`autograd.engine` (``chain_rule``), :mod:`autograd.rules` (op symbols for the
captions), and :mod:`autograd.draw`'s ``options``, ``analysis``, ``emit`` and ``drawing``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.draw.analysis import GraphAnalysis
from autograd.draw.drawing import Drawing
from autograd.draw.emit import FrameState, dot_source
from autograd.draw.options import DrawOptions
from autograd.engine import Constant, Value, chain_rule
from autograd.rules import OPS

__all__ = [
    "BackwardStep",
    "Frames",
    "backward_frames",
    "backward_steps",
    "caption",
    "save_frames",
    "step_through",
]


class Frames(list[Drawing]):
    """The frames of a step-through; in Jupyter they show one under another."""

    def _repr_html_(self) -> str:
        return "".join(f"<div>{frame._html()}</div><hr/>" for frame in self)


@dataclass(frozen=True)
class BackwardStep:
    """One step of the backward pass: ``node`` has its full gradient and passes it on."""

    node: Value
    grads: dict[Value, float]  # every gradient known once node has passed its own on
    passed: tuple[float, ...]  # what node's rule passed to each parent; () for a leaf


def backward_steps(graph: GraphAnalysis) -> Iterator[BackwardStep]:
    """The steps of one backward pass from a seed of 1, in the order it visits the nodes
    (reverse topological); constants are skipped, leaves are a step of their own."""
    grads: dict[Value, float] = {graph.root: 1.0}
    passes = chain_rule(graph.order, grads)  # fills in grads as it goes
    for node in reversed(graph.order):
        if isinstance(node, Constant):
            continue  # its gradient is never drawn or needed
        # chain_rule walks the same reversed order and stops at each computed node: every
        # node here is an ancestor of the root, so it skips none of them
        passed = next(passes)[1] if node.op else ()
        yield BackwardStep(node, dict(grads), passed)


def caption(graph: GraphAnalysis, step: BackwardStep, k: int, steps: int) -> str:
    """ "step k/steps: who (red) what happens", for the top of frame k."""
    node, number = step.node, graph.options.number
    g = step.grads[node]  # complete: every node that uses this one came earlier
    symbol = OPS[node.op].shown_as() if node.op else ""
    name = "the output" if node is graph.root else graph.name(node)
    name = name or (f"the {symbol} node" if node.op else "the leaf")
    box = graph.box(node)  # a node folded into a module's box: say which box
    who = f"{name} in {box.title} (red)" if box else f"{name} (red)"
    if node.op:
        news = f"has its full gradient {number(g)}; its {symbol} rule adds "
        news += "grad × local derivative to each input's grad"
    else:
        news = f"is a leaf: its gradient {number(g)} is final"
    return f"step {k}/{steps}: {who} {news}"


def backward_frames(root: Value, **options: Any) -> Frames:
    """One drawing per node, in the order backpropagation visits them (reverse topological).

    Constants (the 2 in ``x * 2``) get no frame: their gradient is never drawn or needed.

    Frame k shows the gradients known after the k-th node has passed its gradient to its
    inputs (its rule is applied with ``g`` times the local derivative on each input edge);
    "grad ?" marks a node no gradient has reached yet. The gradients are replayed by the
    engine's reference pass (:func:`autograd.engine.chain_rule`) from a seed of 1: the
    graph's own ``.grad`` values are neither used nor changed. ``options`` are those of
    :func:`~autograd.draw.draw_dot`.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> frames = backward_frames(x * x)
    >>> len(frames), "grad 4.000" in frames[-1].source, x.grad
    (2, True, 0.0)
    """
    graph = GraphAnalysis(root, DrawOptions.build("backward_frames", **options))
    steps = list(backward_steps(graph))
    number = graph.options.number
    widths = {  # the widest grad text each node shows in any frame ("grad ?" at least)
        node: max(
            (len("grad " + number(s.grads[node])) for s in steps if node in s.grads),
            default=len("grad ?"),
        )
        for node in graph.order
    }
    frames = Frames()
    for k, step in enumerate(steps, 1):
        state = FrameState(
            step.grads, step.node, step.passed, caption(graph, step, k, len(steps)), widths
        )
        frames.append(Drawing(dot_source(graph, state), graph.options.format))
    return frames


backward_frames.__signature__ = DrawOptions.signature(False, "Frames")  # type: ignore[attr-defined]


def save_frames(
    frames: Sequence[Drawing], directory: str | os.PathLike[str], format: str = "svg"
) -> list[str]:
    """Render each frame to ``directory/frame_001.svg``, ...; return the paths written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(frames))))
    return [
        frame.render(folder / f"frame_{i:0{width}d}.{format}", format=format)
        for i, frame in enumerate(frames, 1)
    ]


def step_through(root: Value, **options: Any) -> Any:
    """A slider (and play button) over :func:`backward_frames` in Jupyter.

    Needs ipywidgets; without it, a warning says so and the frames are returned, which
    Jupyter shows one under another.
    """
    frames = backward_frames(root, **options)
    try:
        import ipywidgets as widgets
    except ImportError:
        warnings.warn(
            "step_through: ipywidgets is not installed, so there is no slider; showing all "
            f"{len(frames)} frames one under another (pip install ipywidgets for the slider)",
            stacklevel=2,
        )
        return frames
    rendered: dict[int, str] = {}  # each frame is rendered once, when first shown

    def show(index: int) -> None:
        if index not in rendered:
            rendered[index] = frames[index]._html()
        view.value = rendered[index]

    last = len(frames) - 1
    slider = widgets.IntSlider(
        value=0, min=0, max=last, description="step", continuous_update=False
    )
    play = widgets.Play(value=0, min=0, max=last, interval=1200, description="play")
    widgets.jslink((play, "value"), (slider, "value"))
    view = widgets.HTML()
    slider.observe(lambda change: show(change["new"]), names="value")
    show(0)
    return widgets.VBox([widgets.HBox([play, slider]), view])


step_through.__signature__ = DrawOptions.signature(False, "Any")  # type: ignore[attr-defined]
