"""DOT emission: the text of one drawing, from a graph analysis and one frame's state.

:func:`dot_source` is a function of its two arguments only: a :class:`FrameState` says
what this drawing shows that can change from frame to frame (the gradients, the node in
focus and what it passes back, the caption). Output is deterministic: the same graph and
state give the same bytes.

Imports: :mod:`autograd.draw.analysis` (and the options and module boxes it holds),
:mod:`autograd.draw.escape`, :mod:`autograd.draw.style`, :mod:`autograd.engine`
(``local_grads``) and :mod:`autograd.rules` (each op's symbol and input roles).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from autograd.draw.analysis import GraphAnalysis
from autograd.draw.escape import attr_list, escape, html_label, table
from autograd.draw.modules import Cluster
from autograd.draw.style import (
    EDGE_EMPHASIS,
    FOCUS_EDGE,
    HIGHLIGHT,
    KIND_STYLE,
    MEANING,
    NODE_EMPHASIS,
    OP_STYLE,
    heat_color,
    text_width,
)
from autograd.engine import Value, local_grads
from autograd.rules import OPS

__all__ = ["FrameState", "dot_source"]


@dataclass(frozen=True)
class FrameState:
    """What one drawing shows beyond the graph: a plain drawing has only ``grads``.

    ``grads`` is what each Value shows as its gradient (a Value missing from it: "grad ?",
    no gradient has reached it yet). ``focus`` is a step-through's current node (drawn in
    red) and ``passed`` what its rule passes to each parent, written on those edges.
    ``grad_widths`` pads each grad to a fixed number of characters, in a monospace font, and
    puts edge labels on after layout, so every frame of a step-through has the same layout.
    """

    grads: Mapping[Value, float]
    focus: Value | None = None
    passed: tuple[float, ...] = ()
    caption: str = ""  # under the drawing's title
    grad_widths: Mapping[Value, int] | None = None


@dataclass(frozen=True)
class Cell:
    """One line of text in a label: the text (for its width) and how it is written."""

    text: str
    bold: bool = False
    mono: bool = False
    markup: str = ""  # the HTML-like markup; by default the escaped text (bold if bold)

    def html(self) -> str:
        return self.markup or (f"<b>{escape(self.text)}</b>" if self.bold else escape(self.text))


# Folded modules in index order (neuron 0 first) in every layer, in both directions: each
# node's out-edges in the order they are written (which is call order), and no second
# crossing-reduction pass that would undo it. Both renderers keep to this only outside
# clusters, so in a folded view a box that holds only other boxes (a layer around its
# neurons) is not drawn: the columns are the layers, each box's tooltip its full name.
_IN_ORDER = ", ordering=out, remincross=false"
_PADDING = 3  # points between a cell's text and its edges: escape.table's 2, and 1 to spare


def dot_source(graph: GraphAnalysis, state: FrameState) -> str:
    """The DOT text of ``graph`` as ``state`` shows it."""
    return _Emitter(graph, state).source()


class _Emitter:
    """The DOT text of one drawing; made for one call of :func:`dot_source`, then dropped."""

    def __init__(self, graph: GraphAnalysis, state: FrameState) -> None:
        self.graph, self.state, self.options = graph, state, graph.options
        self.number = self.options.number
        self.heat = graph.heat_scale(state.grads) if self.options.color_by_grad else None

    def source(self) -> str:
        graph, fixed_layout = self.graph, self.state.grad_widths is not None
        size = self.options.fontsize
        lines = ["digraph {"]
        lines.append(
            f'\tgraph [rankdir={self.options.rankdir}, fontname="Helvetica", nodesep=0.3, '
            f"ranksep={0.8 if fixed_layout else 0.6 if graph.folded else 0.3}, labelloc=t, "
            f"fontsize={size + 2}"
            + (_IN_ORDER if graph.folded else "")
            + (f", label={label}]" if (label := self._graph_label()) else "]")
        )  # ranksep 0.8: room for a frame's xlabels; 0.6: for edges between layers' boxes
        lines.append(f'\tnode [shape=box, fontname="Helvetica", fontsize={size}, height=0.3]')
        lines.append(
            f'\tedge [fontname="Helvetica", fontsize={size}, color="#555555", arrowsize=0.7]'
        )
        for node in graph.order:
            if node not in graph.owner:
                lines += self._node_lines(node, "\t")
        for cluster in graph.clusters:
            if cluster.parent is None:
                lines += self._cluster_lines(cluster, "\t")
        lines += self._edge_lines()
        lines.append("}")
        return "\n".join(lines) + "\n"

    # -- text ---------------------------------------------------------------------------
    def _table(self, cells: list[Cell], size: float | None = None, rules: bool = True) -> str:
        """Cells one under another in a table wide enough for each text in any viewer's
        font (see :func:`~autograd.draw.style.text_width`)."""
        size = size or self.options.fontsize
        widest = max(
            text_width(line, size, cell.bold, cell.mono)
            for cell in cells
            for line in cell.text.splitlines() or [""]
        )
        return table([c.html() for c in cells], math.ceil(widest + 2 * _PADDING), rules)

    def _graph_label(self) -> str:
        """The title, the frame's caption, the heat scale and the legend, above the graph."""
        parts = [self.options.title, self.state.caption]
        if self.heat is not None:
            parts.append(f"fill: |grad| from 0 (white) to {self.number(self.heat)} (orange)")
        texts = [part for part in parts if part]
        legend = self.options.legend
        if legend is None:  # the colour key is on by default in a step-through only
            legend = self.state.grad_widths is not None
        if not texts and not legend:
            return ""
        size = self.options.fontsize + 2
        rows = [f"<tr><td>{self._table([Cell(t)], size, False)[1:-1]}</td></tr>" for t in texts]
        if legend:
            rows.append(self._legend_row())
        return f'<<table border="0" cellspacing="4" cellpadding="0">{"".join(rows)}</table>>'

    def _legend_row(self) -> str:
        """A row with a swatch per kind of node this drawing has (and the highlight colour
        if used)."""
        graph = self.graph
        kinds = {graph.kind(n) for n in graph.order if graph.box(n) is None}
        if graph.folded:
            kinds.add("module")
        swatches = []
        for kind, meaning in MEANING.items():
            if kind not in kinds:
                continue
            style = KIND_STYLE[kind]
            border = style.get("color", "#000000")
            look = style["style"].replace("filled", "").replace("bold", "").strip(",") or "solid"
            width = math.ceil(text_width(meaning, self.options.fontsize + 2) + 12)
            swatches.append(
                f'<td border="{2 if kind != "value" else 1}" color="{border}" '
                f'bgcolor="{style.get("fillcolor", "white")}" style="{look}" '
                f'cellpadding="3" align="left" width="{width}">{meaning}</td>'
            )
        if graph.on_path or self.state.focus is not None:
            meaning = "this step" if self.state.focus is not None else "on the highlighted path"
            width = math.ceil(text_width(meaning, self.options.fontsize + 2) + 12)
            swatches.append(
                f'<td border="3" color="{HIGHLIGHT}" cellpadding="3" align="left" '
                f'width="{width}">{meaning}</td>'
            )
        # a table of its own, so a long caption above does not stretch the swatches
        inner = f'<table border="0" cellspacing="4" cellpadding="0"><tr>{"".join(swatches)}</tr>'
        return f"<tr><td>{inner}</table></td></tr>"

    # -- nodes --------------------------------------------------------------------------
    def _grad_cell(self, node: Value) -> Cell:
        g = self.state.grads.get(node)
        text = "grad " + ("?" if g is None else self.number(g))
        if self.state.grad_widths is None:
            return Cell(text)
        padded = text.ljust(self.state.grad_widths[node])
        return Cell(padded, markup=f'<font face="Courier">{escape(padded)}</font>', mono=True)

    def _node_lines(self, node: Value, indent: str) -> list[str]:
        """The box of a Value and, for a computed one, the ellipse of the op that made it."""
        graph, kind = self.graph, self.graph.kind(node)
        attrs = dict(KIND_STYLE[kind])
        if kind == "constant":
            attrs["label"] = self._table([Cell(self.number(node.data))], rules=False)
        else:
            name = graph.name(node)
            cells = [Cell(name, bold=True)] if name else []
            cells += [Cell(f"data {self.number(node.data)}"), self._grad_cell(node)]
            attrs["label"] = self._table(cells)
            if self.heat is not None and node is not graph.root:  # the root's grad is the seed
                attrs["fillcolor"] = heat_color(self.state.grads.get(node), self.heat)
        emphasis = self._emphasis(node)
        attrs |= emphasis
        lines = [f"{indent}{graph.ids[node]} {attr_list(attrs)}"]
        if node.op:
            # the symbol as plain text: an ellipse leaves room around it in any font
            symbol = html_label(OPS[node.op].shown_as())
            op_attrs = dict(OP_STYLE, fontsize=f"{self.options.fontsize + 2}", label=symbol)
            lines.append(f"{indent}{graph.ids[node]}_op {attr_list(op_attrs | emphasis)}")
        return lines

    def _emphasis(self, node: Value) -> dict[str, str]:
        """A red border for a node on a highlighted path or in focus (a frame's current node)."""
        if node in self.graph.on_path or node is self.state.focus:
            return dict(NODE_EMPHASIS)
        return {}

    # -- module boxes -------------------------------------------------------------------
    def _cluster_lines(self, cluster: Cluster, indent: str) -> list[str]:
        if cluster.collapsed:
            return [f"{indent}m{cluster.key} {attr_list(self._box_attrs(cluster))}"]
        own = [n for n in self.graph.order if self.graph.owner.get(n) is cluster]
        if self.graph.folded and not own:
            # a box around boxes only (a layer around its neurons): left out, see _IN_ORDER
            return [
                line for child in cluster.children for line in self._cluster_lines(child, indent)
            ]
        lines = [
            f"{indent}subgraph cluster_{cluster.key} {{",
            f"{indent}\tgraph [label={self._table([Cell(cluster.title)], rules=False)}, "
            'style="rounded,dashed", color="#999999", fontcolor="#444444"]',
        ]
        for node in own:
            lines += self._node_lines(node, indent + "\t")
        for child in cluster.children:
            lines += self._cluster_lines(child, indent + "\t")
        lines.append(f"{indent}}}")
        return lines

    def _box_attrs(self, cluster: Cluster) -> dict[str, str]:
        """One node standing for a folded module: its name and its output's data and grad
        (what a lecture says of a neuron), filled by |grad| when the Values are."""
        graph = self.graph
        hidden = graph.hidden_in(cluster)
        cells = [Cell(cluster.box_title, bold=True)]
        shown = [out for out in cluster.outputs if graph.box(out) is cluster]
        for out in shown:
            name = graph.name(out)
            if len(shown) > 1 and name:
                cells.append(Cell(name, bold=True))
            cells += [Cell(f"data {self.number(out.data)}"), self._grad_cell(out)]
        attrs = dict(KIND_STYLE["module"], label=self._table(cells))
        attrs["tooltip"] = escape(f"{cluster.name} · {type(cluster.module).__name__}")
        if self.heat is not None and shown and graph.root not in hidden:
            grads = [self.state.grads.get(out) for out in shown]
            known = [abs(g) for g in grads if g is not None]
            attrs["fillcolor"] = heat_color(max(known) if known else None, self.heat)
        if graph.root in hidden:
            attrs["peripheries"] = "2"
        if any(n in graph.on_path or n is self.state.focus for n in hidden):
            attrs |= NODE_EMPHASIS
        return attrs

    # -- edges --------------------------------------------------------------------------
    def _edge_lines(self) -> list[str]:
        """One edge per use of an operand (parent -> op) and one from each op to its result."""
        graph, focus = self.graph, self.state.focus
        lines: list[str] = []
        seen_box_edges: set[tuple[str, str]] = set()
        for node in graph.order:
            if not node.op:
                continue
            inside = graph.box(node)
            target = f"m{inside.key}" if inside else f"{graph.ids[node]}_op"
            labels = self._edge_labels(node)
            for parent, label in zip(node.parents, labels):
                source = graph.endpoint(parent)
                if source == target:
                    continue  # both inside one folded module
                attrs: dict[str, str] = {}
                if node in graph.on_path and parent in graph.on_path:
                    attrs = dict(EDGE_EMPHASIS)
                if inside or source.startswith("m"):  # an edge to or from a folded module:
                    if (source, target) in seen_box_edges:  # draw it once
                        continue
                    seen_box_edges.add((source, target))
                elif label:  # a frame's labels go on after layout, so frames do not jump
                    fixed_layout = self.state.grad_widths is not None
                    attrs["xlabel" if fixed_layout else "label"] = self._table(
                        [Cell(label)], rules=False
                    )
                if node is focus:
                    attrs |= FOCUS_EDGE
                lines.append(f"\t{source} -> {target}" + (f" {attr_list(attrs)}" if attrs else ""))
            if not inside:
                attrs = dict(EDGE_EMPHASIS) if node in graph.on_path else {}
                lines.append(
                    f"\t{graph.ids[node]}_op -> {graph.ids[node]}"
                    + (f" {attr_list(attrs)}" if attrs else "")
                )
        return lines

    def _edge_labels(self, node: Value) -> list[str]:
        """Per input: its role where order matters (w0, x0, b; base, exponent) and, if asked,
        the local derivative; in a frame's focus, the gradient the rule passes back."""
        roles = OPS[node.op].roles_for(len(node.parents))
        parts = [[role] if role else [] for role in roles]
        if node is self.state.focus:
            for part, passed in zip(parts, self.state.passed):
                part.append(f"grad += {self.number(passed)}")
        elif self.options.show_local_grads:  # a rule returns g * local derivative: g = 1
            for part, d in zip(parts, local_grads(node, 1.0)):
                part.append(f"∂ {self.number(float(getattr(d, 'data', d)))}")
        return [" ".join(part) for part in parts]
