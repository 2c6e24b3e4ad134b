"""Step-through backprop: one drawing per step of the pass, and the ways to show them.

The steps come from :mod:`autograd.draw.steps` (the engine's reference pass, replayed into
a dict of its own: the graph's ``.grad`` values are neither read nor changed), their
captions from :mod:`autograd.draw.captions`. Each step becomes a
:class:`~autograd.draw.emit.FrameState`, and every frame is drawn from the same analysis
with the same :class:`~autograd.draw.emit.FixedLayout`, so nothing moves from frame to
frame but the numbers and the red. :class:`Frames` shows itself in Jupyter as a slider
that needs no kernel (:mod:`autograd.draw.slider`).

Imports: :mod:`autograd.engine`, :mod:`autograd.files` (the atomic write), and
:mod:`autograd.draw`'s ``options``, ``analysis``, ``steps``, ``captions``, ``state``,
``emit``, ``drawing`` and ``slider``.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd.draw.analysis import GraphAnalysis
from autograd.draw.captions import backward_caption, forward_caption, text_width
from autograd.draw.drawing import Drawing
from autograd.draw.emit import caption_lines, dot_source
from autograd.draw.options import DrawOptions
from autograd.draw.slider import check_interval, slider_html, slider_page
from autograd.draw.state import (
    CAPTION_POINTS,
    FixedLayout,
    FrameState,
    drawn_flows,
    flow_text,
    grad_text,
)
from autograd.draw.steps import Step, backward_steps, forward_steps
from autograd.engine import Value
from autograd.files import write_atomically

__all__ = ["INTERVAL", "Frames", "backward_frames", "save_frames", "step_through"]

INTERVAL = 1200  # milliseconds per frame when the slider plays, unless interval= says


class Frames(list[Drawing]):
    """The frames of a step-through, a list of drawings. Jupyter shows them as a slider
    with a play button, which works without a kernel (in a saved notebook, its HTML export,
    nbviewer); ``interval`` is its milliseconds per frame."""

    interval: float = INTERVAL

    def _repr_html_(self) -> str:
        return slider_html(self, self.interval)

    def to_html(self, title: str = "") -> str:
        """A whole HTML page with the slider: every frame inlined, nothing else needed."""
        return slider_page(self, self.interval, title)

    def save_html(self, path: str | os.PathLike[str], title: str = "") -> str:
        """Write :meth:`to_html` to ``path`` (for a browser, or a link from a slide)."""
        target = Path(path)
        write_atomically(target, self.to_html(title).encode("utf-8"))
        return str(target)


def backward_frames(root: Value, *, forward: bool = False, **options: Any) -> Frames:
    """One drawing per step of backpropagation, in the order the chain rule takes them.

    A step is a computed node (or, with ``collapse=``, a whole folded module): its gradient
    is complete, and its rule sends gradient × local derivative back to each input, along
    the red edges, which point the way the gradient flows. A gradient shows in bold once it
    is complete, in italics with "so far" while it is a running sum, and as "grad ?" until
    any reaches it; a leaf's gradient becomes final in the step of its last use (leaves and
    constants get no step of their own). ``forward=True`` puts the forward pass first, in
    the same steps: each computes its data from its inputs'. The gradients are replayed by the
    engine's reference pass from a seed of 1; the graph's own ``.grad`` values are neither
    used nor changed. ``options`` are those of :func:`~autograd.draw.draw_dot`.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> frames = backward_frames(x * x)
    >>> len(frames), "<b>grad 4.000</b>" in frames[-1].source, x.grad
    (1, True, 0.0)
    """
    if not isinstance(forward, bool):
        raise TypeError(f"backward_frames: forward must be True or False, got {forward!r}")
    graph = GraphAnalysis(root, DrawOptions.build("backward_frames", **options))
    forwards = list(forward_steps(graph)) if forward else []
    backwards = list(backward_steps(graph))
    states = [
        _state(step, forward_caption(graph, step, k, len(forwards)), data=True)
        for k, step in enumerate(forwards, 1)
    ]
    states += [  # with forward frames, the data is padded like theirs
        _state(step, backward_caption(graph, step, k, len(backwards)), data=forward)
        for k, step in enumerate(backwards, 1)
    ]
    fixed = _fixed_layout(graph, states, data=forward)
    return Frames(
        Drawing(dot_source(graph, dataclasses.replace(state, fixed=fixed)), graph.options.format)
        for state in states
    )


def _state(step: Step, caption: str, data: bool) -> FrameState:
    """The frame of one step (its layout still to be fixed); ``data``: show which data is
    known yet (the frames include a forward pass)."""
    return FrameState(
        step.grads,
        frozenset(step.focus),
        caption,
        forward=step.forward,
        final=step.final,
        known=step.known if data else None,
        flows=step.flows,
    )


def _fixed_layout(graph: GraphAnalysis, states: list[FrameState], data: bool) -> FixedLayout:
    """The widest text each place shows in any frame, so every frame is laid out the same."""
    number = graph.options.number
    grads = {
        node: max(len(grad_text(s.grads.get(node), number, node in s.final)) for s in states)
        for node in graph.order
    }
    datas = {node: max(len("data ?"), len(f"data {number(node.data)}")) for node in graph.order}
    flows = [flow_text(g, number) for s in states for g in drawn_flows(graph, s.flows).values()]
    captions = [caption_lines(graph, s) for s in states]
    return FixedLayout(
        grads,
        datas if data else None,
        max(map(len, flows), default=0),
        max((text_width(line, CAPTION_POINTS) for lines in captions for line in lines), default=0),
        max(map(len, captions)),
    )


def _signature(returns: str, **own: Any) -> inspect.Signature:
    """The signature help() shows: root, a function's own options (``own``, with their
    defaults), then the drawing options."""
    options = DrawOptions.signature(False, returns)
    root, *rest = options.parameters.values()
    extra = [
        inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v) for k, v in own.items()
    ]
    return options.replace(parameters=[root, *extra, *rest])


backward_frames.__signature__ = _signature("Frames", forward=False)  # type: ignore[attr-defined]


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


def step_through(
    root: Value, *, forward: bool = False, interval: float = INTERVAL, **options: Any
) -> Frames:
    """:func:`backward_frames` behind a slider: shown in Jupyter, it steps through the pass
    with a slider, the previous and next buttons, the arrow keys, and a play button that
    shows a frame every ``interval`` milliseconds (the page has a control to change it).

    It needs no kernel and no widgets: every frame is in the output, so it works in a
    saved notebook, its HTML export and nbviewer as well (``save_html`` writes it as a
    page of its own; :func:`~autograd.draw.animation.save_animation` makes a GIF for a slide).
    """
    interval = check_interval(interval, "step_through")
    frames = backward_frames(root, forward=forward, **options)
    frames.interval = interval
    return frames


step_through.__signature__ = _signature("Frames", forward=False, interval=INTERVAL)  # type: ignore[attr-defined]
