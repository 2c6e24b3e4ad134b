"""What one frame of a drawing shows beyond the graph, and the texts of a step-through.

A plain drawing has only gradients (:class:`FrameState` ``grads``); a step-through's frame
also has a focus, the gradients it sends along its edges, which gradients are final, and
a :class:`FixedLayout` that keeps every frame laid out the same. :mod:`autograd.draw.emit`
turns a state into DOT; :mod:`autograd.draw.frames` makes the states of a step-through and
sizes their layout with the text functions here, which the emitter writes with.

Imports: :mod:`autograd.engine` and :mod:`autograd.draw.analysis` (which edge is which).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from autograd.draw.analysis import GraphAnalysis
from autograd.engine import Constant, Value

__all__ = [
    "CAPTION_POINTS",
    "FLOW_POINTS",
    "FixedLayout",
    "FrameState",
    "drawn_flows",
    "edge_key",
    "flow_text",
    "grad_text",
    "labelled",
]

CAPTION_POINTS = 16  # the font size of the title and a frame's caption
FLOW_POINTS = 14  # the gradient an edge sends back: a frame's news, larger than edge labels


@dataclass(frozen=True)
class FrameState:
    """What one drawing shows beyond the graph: a plain drawing has only ``grads``.

    ``grads`` is what each Value shows as its gradient (a Value missing from it: "grad ?",
    no gradient has reached it yet). The rest is a step-through's frame: ``focus`` are the
    nodes whose step it is (drawn in red, with the edges they send along); ``fixed`` keeps
    the layout of every frame the same (see :class:`FixedLayout`).
    """

    grads: Mapping[Value, float]
    focus: AbstractSet[Value] = frozenset()
    caption: str = ""  # under the drawing's title
    fixed: FixedLayout | None = None
    # -- a step-through's frame only (with ``fixed``) --
    forward: bool = False  # the forward pass: data flows along the red edges, not gradients
    final: AbstractSet[Value] = frozenset()  # complete gradients (bold); others: "so far"
    known: AbstractSet[Value] | None = None  # the data computed so far (None: all of it)
    flows: Mapping[tuple[Value, int], float] = field(default_factory=dict)  # (node, i): what
    # node's rule passed back to node.parents[i] in this step


@dataclass(frozen=True)
class FixedLayout:
    """Sizes that give every frame of a step-through the same layout, so that only the
    numbers change: each Value's grad text (and, with forward frames, data text) padded to
    a number of characters in a monospace font, the gradient label of every edge padded
    likewise, and the caption's box ``caption_lines`` high and at least ``caption_width``
    points wide (its widest line in any frame, estimated).
    """

    grad_widths: Mapping[Value, int]
    data_widths: Mapping[Value, int] | None  # None: data shows the same in every frame
    flow_width: int
    caption_width: float = 0.0
    caption_lines: int = 0


def grad_text(g: float | None, number: Callable[[float], str], final: bool | None) -> str:
    """ "grad ?" (none arrived yet), "grad 0.5000 so far" (a running sum), "grad 0.5000".

    ``final`` None: a drawing that is no step-through, where no gradient is a running sum.
    """
    if g is None:
        return "grad ?"
    return f"grad {number(g)}" + (" so far" if final is False else "")


def flow_text(g: float | None, number: Callable[[float], str]) -> str:
    """The label of an edge that sends a gradient back in this frame ("" if it does not)."""
    return "" if g is None else f"grad += {number(g)}"


def edge_key(graph: GraphAnalysis, node: Value, i: int) -> Hashable:
    """The drawn edge that the use of ``node.parents[i]`` by ``node`` becomes: an edge of its
    own, or, into or out of a folded module's box, the one edge between those two ends."""
    parent, box = node.parents[i], graph.box(node)
    target = f"m{box.key}" if box else f"{graph.ids[node]}_op"
    if box or graph.box(parent):
        return (graph.endpoint(parent), target)
    return (node, i)


def drawn_flows(
    graph: GraphAnalysis, flows: Mapping[tuple[Value, int], float]
) -> dict[Hashable, float]:
    """The gradient each labelled edge sends back: the sum over the uses it stands for.

    Only an edge into an op is labelled: one from a constant is not (its gradient is never
    shown), nor one into a folded module's box (a box's many edges, each with a label,
    would crowd the drawing; the gradients arriving show in the boxes). A sum starts from
    0.0, so a first contribution of -0.0 shows as 0 ("-0.000" reads as a tiny negative).
    """
    sums: dict[Hashable, float] = {}
    for (node, i), g in flows.items():
        if labelled(graph, node, node.parents[i]):
            key = edge_key(graph, node, i)
            sums[key] = sums.get(key, 0.0) + g
    return sums


def labelled(graph: GraphAnalysis, node: Value, parent: Value) -> bool:
    """Whether the edge from ``parent`` into ``node`` has a slot for the gradient it sends."""
    return not isinstance(parent, Constant) and graph.box(node) is None
