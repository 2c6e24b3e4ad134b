"""The captions of a step-through: what each frame says happens, and how wide that is.

A caption has two lines: what the step's unit (red) has or computes, and how (the rule,
and which leaves' gradients it made final; or the data flowing). Every frame of a
step-through gets a caption box of the same size, so the graph below it never moves:
:func:`text_width` estimates a line's width from Helvetica's character widths (the fonts
Graphviz uses for it have the same metrics), before any renderer has laid it out.

Imports: :mod:`autograd.engine`, :mod:`autograd.rules` (each op's symbol),
:mod:`autograd.draw.analysis` (names and boxes) and :mod:`autograd.draw.steps`.
"""

from __future__ import annotations

from autograd.draw.analysis import GraphAnalysis
from autograd.draw.steps import Step
from autograd.engine import Value
from autograd.rules import OPS

__all__ = ["backward_caption", "forward_caption", "text_width"]

INFIX = {"+": "+", "*": "×", "**": "**", "pow": "**"}  # ops written between their inputs

# Helvetica's advance widths in thousandths of the font size, for " " (32) to "~" (126),
# from Adobe's font metrics (Liberation Sans and Arial share them).
_HELVETICA = (
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278]
    + [556] * 10
    + [278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278]
    + [500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667]
    + [611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222]
    + [222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500]
    + [500, 334, 260, 334, 584]
)


def text_width(text: str, points: float) -> float:
    """About how wide ``text`` is in Helvetica at ``points``, rounded up: a character outside
    ASCII counts as wide as an "M" (renderers without its metrics guess at least a space
    per byte of its UTF-8 encoding), and 10% more leaves room for a wider fallback font.

    >>> round(text_width("grad", 10), 1), round(text_width("×", 10), 1)
    (22.0, 9.2)
    """
    thousandths = sum(
        _HELVETICA[ord(c) - 32] if 32 <= ord(c) < 127 else _HELVETICA[ord("M") - 32] for c in text
    )
    return thousandths * points / 1000 * 1.1


def _name(graph: GraphAnalysis, node: Value) -> str:
    """What a caption calls a node: its name, else what it is."""
    name = graph.name(node)
    if name:
        return name
    if node is graph.root:
        return "the output"
    return f"the {OPS[node.op].shown_as()} node" if node.op else "the leaf"


def _who(graph: GraphAnalysis, step: Step) -> str:
    """The step's unit: a node, or a folded module by its full name ("layers.0.neurons.1 ·
    Neuron": its box, inside its layer's, says only "neurons.1 · Neuron")."""
    box = graph.box(step.focus[-1])
    if box is None:
        return _name(graph, step.focus[-1])
    kind = type(box.module).__name__
    return f"{box.name} · {kind}" if box.name else kind


def backward_caption(graph: GraphAnalysis, step: Step, k: int, steps: int) -> str:
    """What backward step k of ``steps`` does, in two lines: who has its gradient, and how
    it is sent back (and which leaves' gradients that made final)."""
    number, node, box = graph.options.number, step.focus[-1], graph.box(step.focus[-1])
    head = f"backward {k}/{steps}: {_who(graph, step)} (red)"
    if not node.parents:  # the graph is one leaf: the seed is the whole pass
        return f"{head} is the output: its gradient is the seed {number(step.grads[node])}"
    if box:
        outs = [o for o in box.outputs if graph.box(o) is box]
        gs = ", ".join(number(step.grads[o]) for o in outs)
        first = f"{head} has its full output gradient {gs}"
        how = f"the chain rule runs through its {len(step.focus)} ops, back to its inputs"
    else:
        first = f"{head} has its full gradient {number(step.grads[node])}"
        how = f"its {OPS[node.op].shown_as()} rule sends grad × local derivative back"
    leaves = sorted(step.became_final, key=graph.order.index)
    visible = [_name(graph, leaf) for leaf in leaves if not graph.box(leaf)]
    hidden = sum(1 for leaf in leaves if graph.box(leaf))
    if hidden:
        visible.append(f"{hidden} parameter{'s' if hidden > 1 else ''} inside")
    final = "; now final (bold): " + ", ".join(visible) if visible else ""
    return f"{first}\n{how}{final}"


def forward_caption(graph: GraphAnalysis, step: Step, k: int, steps: int) -> str:
    """What forward step k of ``steps`` computes, in two lines."""
    number, node, box = graph.options.number, step.focus[-1], graph.box(step.focus[-1])
    head = f"forward {k}/{steps}: "
    if box:
        outs = ", ".join(number(o.data) for o in box.outputs if graph.box(o) is box)
        what = f"{_who(graph, step)} (red) computes its output {outs} from its inputs"
    else:
        args = [number(p.data) for p in node.parents]
        symbol = OPS[node.op].shown_as()
        if node.op in INFIX and len(args) == 2:
            formula = f"{args[0]} {INFIX[node.op]} {args[1]}"
        elif len(args) <= 3:
            formula = f"{symbol}({', '.join(args)})"
        else:
            formula = f"{symbol} of its {len(args)} inputs"
        name = graph.name(node)
        what = f"{name + ' = ' if name else ''}{formula} = {number(node.data)} (red)"
    return f"{head}{what}\ndata flows forward along the red arrows; no gradient is known yet"
