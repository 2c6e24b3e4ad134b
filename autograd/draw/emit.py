"""DOT emission: the text of one drawing, from a graph analysis and one frame's state.

:func:`dot_source` is a function of its two arguments only: a :class:`FrameState` says
what this drawing shows that can change from frame to frame (the gradients, the node in
focus and what it passes back, the caption). Output is deterministic: the same graph and
state give the same bytes.

Imports: :mod:`autograd.draw.analysis` (and the options and module boxes it holds),
:mod:`autograd.draw.state` (a frame's state), :mod:`autograd.draw.escape`,
:mod:`autograd.draw.style`, :mod:`autograd.engine` (``local_grads``) and
:mod:`autograd.rules` (each op's symbol and input roles).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

from autograd.draw.analysis import GraphAnalysis
from autograd.draw.escape import attr_list, escape, html_label, table
from autograd.draw.modules import Cluster
from autograd.draw.state import (
    CAPTION_POINTS,
    FLOW_POINTS,
    FrameState,
    drawn_flows,
    edge_key,
    flow_text,
    grad_text,
    labelled,
)
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
from autograd.engine import Constant, Value, local_grads
from autograd.rules import OPS

__all__ = ["FrameState", "caption_lines", "dot_source"]


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
        self.flows = drawn_flows(graph, state.flows)

    def caption(self) -> str:
        """The text above the drawing: the title, a frame's caption, the fill's scale."""
        caption = [self.options.title, self.state.caption]
        if self.heat is not None:
            caption.append(f"fill: |grad| from 0 (white) to {self.number(self.heat)} (orange)")
        return "\n".join(part for part in caption if part)

    def source(self) -> str:
        graph = self.graph
        title = self._title()
        lines = ["digraph {"]
        lines.append(
            f'\tgraph [rankdir={self.options.rankdir}, fontname="Helvetica", nodesep=0.3, '
            f"ranksep={0.6 if graph.folded else 0.4}, labelloc=t, fontsize={CAPTION_POINTS}"
            + (_IN_ORDER if graph.folded else "")
            + (f", label={title}]" if title else "]")
        )  # ranksep 0.6: room for the edges between the layers of folded modules
        size = self.options.fontsize
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

    def _title(self) -> str:
        """The caption as a label (in a step-through, in a box of the same size every frame),
        and the colour key under it."""
        text, fixed = self.caption(), self.state.fixed
        legend = self.options.legend
        if legend is None:  # the colour key is on by default in a step-through only
            legend = fixed is not None
        if not text and not legend:
            return ""
        lines = text.splitlines()
        if fixed is not None and fixed.caption_lines:
            lines += [" "] * (fixed.caption_lines - len(lines))  # a blank line is as high as text
        widest = max((text_width(line, CAPTION_POINTS) for line in lines), default=0.0)
        width = max(widest, fixed.caption_width if fixed is not None else 0.0)
        rows = "".join(f'<tr><td align="left">{escape(line)}</td></tr>' for line in lines)
        if legend:
            rows += f"<tr><td>{self._legend()}</td></tr>"
        return (
            f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="0" '
            f'width="{math.ceil(width)}">{rows}</table>>'
        )

    def _legend(self) -> str:
        """A swatch per kind of node this drawing has (and the highlight colour if used)."""
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
            swatches.append(
                f'<td border="{2 if kind != "value" else 1}" color="{border}" '
                f'bgcolor="{style.get("fillcolor", "white")}" style="{look}" '
                f"{self._swatch(meaning)}</td>"
            )
        if graph.on_path or self.state.focus:
            meaning = "this step" if self.state.focus else "on the highlighted path"
            swatches.append(f'<td border="3" color="{HIGHLIGHT}" {self._swatch(meaning)}</td>')
        row = "".join(swatches)
        return f'<table border="0" cellspacing="4" cellpadding="0"><tr>{row}</tr></table>'

    def _swatch(self, meaning: str) -> str:
        width = math.ceil(text_width(meaning, CAPTION_POINTS) + 12)
        return f'cellpadding="3" align="left" width="{width}">{meaning}'

    # -- text ---------------------------------------------------------------------------
    def _table(
        self, cells: list[Cell], size: float | None = None, rules: bool = True, across: bool = False
    ) -> str:
        """Cells one under another (or side by side, ``across``) in a table wide enough for
        each text in any viewer's font (see :func:`~autograd.draw.style.text_width`)."""
        size = size or self.options.fontsize
        widths = [
            math.ceil(
                max(text_width(line, size, c.bold, c.mono) for line in c.text.splitlines() or [""])
                + 2 * _PADDING
            )
            for c in cells
        ]
        if not across:  # one column: as wide as its widest cell
            widths = [max(widths)] * len(widths)
        return table([c.html() for c in cells], widths, rules, across)

    # -- nodes --------------------------------------------------------------------------
    def _grad_cell(self, node: Value) -> Cell:
        g, fixed = self.state.grads.get(node), self.state.fixed
        if fixed is None:
            return Cell(grad_text(g, self.number, None))
        final = node in self.state.final
        text = grad_text(g, self.number, final).ljust(fixed.grad_widths[node])
        markup = escape(text)
        if g is not None:  # a complete gradient in bold, a running sum in italics
            markup = f"<b>{markup}</b>" if final else f"<i>{markup}</i>"
        return Cell(text, bold=final, mono=True, markup=f'<font face="Courier">{markup}</font>')

    def _data_cell(self, node: Value) -> Cell:
        fixed, known = self.state.fixed, self.state.known
        text = f"data {self.number(node.data) if known is None or node in known else '?'}"
        if fixed is None or fixed.data_widths is None:
            return Cell(text)
        text = text.ljust(fixed.data_widths[node])
        return Cell(text, mono=True, markup=f'<font face="Courier">{escape(text)}</font>')

    def _node_lines(self, node: Value, indent: str) -> list[str]:
        """The box of a Value and, for a computed one, the ellipse of the op that made it."""
        graph, kind = self.graph, self.graph.kind(node)
        attrs = dict(KIND_STYLE[kind])
        if kind == "constant":
            attrs["label"] = self._table([Cell(self.number(node.data))], rules=False)
        else:
            name = graph.name(node)
            cells = [Cell(name, bold=True)] if name else []
            cells += [self._data_cell(node), self._grad_cell(node)]
            # stacked when the graph runs left to right (its columns are narrow), side by
            # side when it runs top to bottom (its rows are low)
            attrs["label"] = self._table(cells, across=self.options.rankdir in ("TB", "BT"))
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
        if node in self.graph.on_path or node in self.state.focus:
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
        if any(n in graph.on_path or n in self.state.focus for n in hidden):
            attrs |= NODE_EMPHASIS
        return attrs

    # -- edges --------------------------------------------------------------------------
    def _edge_lines(self) -> list[str]:
        """One edge per use of an operand (parent -> op) and one from each op to its result;
        an edge into or out of a folded module's box is drawn once for each pair of ends."""
        graph, focus = self.graph, self.state.focus
        lines: list[str] = []
        seen: set[Hashable] = set()
        for node in graph.order:
            if not node.op:
                continue
            inside = graph.box(node)
            target = f"m{inside.key}" if inside else f"{graph.ids[node]}_op"
            labels = self._edge_labels(node)
            for i, (parent, label) in enumerate(zip(node.parents, labels)):
                source, key = graph.endpoint(parent), edge_key(graph, node, i)
                if source == target or key in seen:
                    continue  # both inside one folded module, or drawn already
                seen.add(key)
                attrs: dict[str, str] = {}
                if node in graph.on_path and parent in graph.on_path:
                    attrs = dict(EDGE_EMPHASIS)
                boxed = inside or source.startswith("m")  # no roles on a folded module's edges
                attrs |= self._label(node, parent, key, "" if boxed else label)
                if node in focus and (self.state.forward or not isinstance(parent, Constant)):
                    attrs |= self._focus_edge()  # (a constant's gradient is never needed)
                lines.append(f"\t{source} -> {target}" + (f" {attr_list(attrs)}" if attrs else ""))
            if not inside:
                attrs = dict(EDGE_EMPHASIS) if node in graph.on_path else {}
                if node in focus:
                    attrs |= self._focus_edge()
                lines.append(
                    f"\t{graph.ids[node]}_op -> {graph.ids[node]}"
                    + (f" {attr_list(attrs)}" if attrs else "")
                )
        return lines

    def _label(self, node: Value, parent: Value, key: Hashable, label: str) -> dict[str, str]:
        """An edge's label: its role or local derivative; in a step-through, also the slot for
        the gradient it sends back, blank in the other frames so that none of them moves."""
        fixed = self.state.fixed
        if fixed is None or not labelled(self.graph, node, parent):
            return {"label": self._table([Cell(label)], rules=False)} if label else {}
        flow = flow_text(self.flows.get(key), self.number).ljust(fixed.flow_width)
        text = (escape(label) + " " if label else "") + (
            f'<font face="Courier" point-size="{FLOW_POINTS}">{flow}</font>'
        )
        return {"label": f"<{text}>"}

    def _focus_edge(self) -> dict[str, str]:
        """An edge of this frame's step, in red: going backward it points from the node to
        its input, the way the gradient flows; going forward, the way the data flows."""
        return dict(FOCUS_EDGE) if self.state.forward else FOCUS_EDGE | {"dir": "back"}

    def _edge_labels(self, node: Value) -> list[str]:
        """Per input: its role where order matters (w0, x0, b; base, exponent) and, if asked,
        the local derivative."""
        roles = OPS[node.op].roles_for(len(node.parents))
        parts = [[role] if role else [] for role in roles]
        if self.options.show_local_grads:  # a rule returns g * local derivative: g = 1
            for part, d in zip(parts, local_grads(node, 1.0)):
                part.append(f"∂ {self.number(float(getattr(d, 'data', d)))}")
        return [" ".join(part) for part in parts]


def caption_lines(graph: GraphAnalysis, state: FrameState) -> list[str]:
    """The lines of text above the drawing ``state`` gives (to size a frame's caption box)."""
    return _Emitter(graph, state).caption().splitlines()
