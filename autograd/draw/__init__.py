"""Drawings of computation graphs for teaching: ``draw_dot`` and step-through backprop.

A drawing is DOT text (Graphviz's graph language) made from the one graph walk,
:func:`autograd.engine.topological_order`. Each Value is a box (label, data, grad), each
op its own ellipse, and each use of an operand its own edge (``x * x`` has two). Node IDs
are synthetic (``n0``, ``n1``, ... in topological order), so a graph always gives the same
bytes; user text goes only into escaped HTML-like labels, so no label can break the DOT.

>>> from autograd import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2
>>> y.backward()
>>> drawing = draw_dot(y)
>>> drawing.source.count("n0 -> n1_op")   # x is used twice by *
2

One module per job; each may import only the ones listed before it (and the engine):

- ``escape``: user text into HTML-like labels, DOT attribute lists (nothing of ours)
- ``style``: the shapes and colours of each kind of node (nothing of ours)
- ``render``: finding a Graphviz renderer and running it (nothing of ours)
- ``options``: ``DrawOptions``, the one place the defaults are written (render)
- ``modules``: module boxes from a recording of the module calls (the engine)
- ``analysis``: order, kinds, names, boxes, paths, gradients; emits no DOT (options, modules)
- ``state``: what one frame shows, ``FrameState``, and a step-through's texts (analysis)
- ``emit``: the DOT text of one frame, ``dot_source(graph, FrameState(...))`` (analysis,
  state, escape, style, the rule table)
- ``drawing``: the ``Drawing`` object, its files and its display in Jupyter (render)
- ``steps``: a step-through's steps (a node, or a folded module), replayed with
  ``autograd.engine.chain_rule`` (analysis)
- ``captions``: what each step's frame says, and how wide that is (analysis, steps)
- ``slider``: the frames as one self-contained HTML slider, for Jupyter and browsers (drawing)
- ``animation``: the frames as an animated GIF or APNG, for slides (drawing, slider)
- ``frames``: the step-through's drawings and ways to show them (all of the above)

This file only puts them together: ``draw_dot`` and the public names.
"""

from __future__ import annotations

from typing import Any

from autograd.draw.analysis import GraphAnalysis, GraphTooLargeError
from autograd.draw.animation import save_animation
from autograd.draw.drawing import Drawing
from autograd.draw.emit import FrameState, dot_source
from autograd.draw.frames import Frames, backward_frames, save_frames, step_through
from autograd.draw.options import MAX_NODES, RANKDIRS, DrawOptions
from autograd.engine import Value

__all__ = [
    "MAX_NODES",
    "RANKDIRS",
    "DrawOptions",
    "Drawing",
    "Frames",
    "GraphTooLargeError",
    "backward_frames",
    "draw_dot",
    "save_animation",
    "save_frames",
    "step_through",
]


def draw_dot(root: Value, *args: Any, **options: Any) -> Drawing:
    """Draw the computation graph that produced ``root``.

    Every Value shows its label, data and grad (``precision`` significant digits); every
    op is its own node; each use of an operand is its own edge. Inputs (green), parameters
    (blue, rounded), constants folded into an op (dashed, the 2 in ``x * 2``) and the
    output (double border) look different. The options, with their defaults in
    :class:`~autograd.draw.options.DrawOptions`:

    - ``rankdir``: "LR" (left to right, as micrograd) or "TB" (top to bottom), "RL", "BT".
    - ``format``: what ``render()`` and ``pipe()`` write by default: "svg", "png" or "pdf".
    - ``color_by_grad``: fill each Value by its |grad|, white (0) to orange (the largest);
      the output, whose grad is the seed 1, keeps its own colour.
    - ``show_local_grads``: label each edge with the op's local derivative d(out)/d(in),
      taken from the derivative rules in :mod:`autograd.rules`.
    - ``highlight``: a leaf (or several): mark every path from it to the output.
    - ``model``: the module calls that built the graph, recorded by ``nn.record_calls``:
      the nodes each call created (a neuron, a layer) are drawn inside a labelled box,
      nested. An ``nn.Module`` itself names and colours its parameters. ``collapse``
      folds modules into one box each: True (the innermost ones, e.g. neurons), a dotted
      name or list of names (``"layers.0"``), or a class (``nn.Neuron``).
    - ``params``: Values to draw as parameters without a model (a dict gives their names).
    - ``title``: a caption above the graph.
    - ``max_nodes``: refuse a larger drawing (past it, Graphviz takes more than about 3 s);
      None for no limit (the renderer's memory is still bounded, see :mod:`.render`).
    - ``fontsize``: the text size in points (14: a lecture drawing fitted to a 1920x1080
      slide shows its smallest text 20 px or more high).
    - ``legend``: a colour key above the drawing; None (the default) shows it in
      step-throughs only.

    The result's ``.nodes`` is how many nodes it draws.
    """
    graph = GraphAnalysis(root, DrawOptions.build("draw_dot", *args, **options))
    source = dot_source(graph, FrameState(graph.current_grads()))
    return Drawing(source, graph.options.format, graph.node_count)


draw_dot.__signature__ = DrawOptions.signature(by_position=True, returns="Drawing")  # type: ignore[attr-defined]
