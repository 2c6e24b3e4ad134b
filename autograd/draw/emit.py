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
    KIND_STYLE,
    NODE_EMPHASIS,
    OP_STYLE,
    heat_color,
)
from autograd.engine import Constant, Value, local_grads
from autograd.rules import OPS

__all__ = ["FrameState", "caption_lines", "dot_source"]


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
            f"ranksep=0.4, labelloc=t, fontsize={CAPTION_POINTS}"
            + (f", label={title}]" if title else "]")
        )
        lines.append('\tnode [shape=box, fontname="Helvetica", fontsize=12, height=0.3]')
        lines.append('\tedge [fontname="Helvetica", fontsize=10, color="#555555", arrowsize=0.7]')
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
        """The caption as a label; in a step-through, in a box of the same size every frame."""
        text, fixed = self.caption(), self.state.fixed
        if fixed is None or not fixed.caption_lines:
            return html_label(text) if text else ""
        lines = text.splitlines()
        lines += [" "] * (fixed.caption_lines - len(lines))  # a blank line is as high as text
        rows = "".join(f'<tr><td align="left">{escape(line)}</td></tr>' for line in lines)
        return (
            f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="0" '
            f'width="{math.ceil(fixed.caption_width)}">{rows}</table>>'
        )

    # -- nodes --------------------------------------------------------------------------
    def _grad_cell(self, node: Value) -> str:
        g, fixed = self.state.grads.get(node), self.state.fixed
        if fixed is None:
            return grad_text(g, self.number, None)
        final = node in self.state.final
        text = grad_text(g, self.number, final).ljust(fixed.grad_widths[node])
        if g is not None:  # a complete gradient in bold, a running sum in italics
            text = f"<b>{text}</b>" if final else f"<i>{text}</i>"
        return f'<font face="Courier">{text}</font>'

    def _data_cell(self, node: Value) -> str:
        fixed, known = self.state.fixed, self.state.known
        text = f"data {self.number(node.data) if known is None or node in known else '?'}"
        if fixed is None or fixed.data_widths is None:
            return text
        return f'<font face="Courier">{text.ljust(fixed.data_widths[node])}</font>'

    def _node_lines(self, node: Value, indent: str) -> list[str]:
        """The box of a Value and, for a computed one, the ellipse of the op that made it."""
        graph, kind = self.graph, self.graph.kind(node)
        attrs = dict(KIND_STYLE[kind])
        if kind == "constant":
            attrs["label"] = html_label(self.number(node.data))
        else:
            name = graph.name(node)
            cells = [f"<b>{escape(name)}</b>"] if name else []
            cells += [self._data_cell(node), self._grad_cell(node)]
            attrs["label"] = table(cells)
            if self.heat is not None and node is not graph.root:  # the root's grad is the seed
                attrs["fillcolor"] = heat_color(self.state.grads.get(node), self.heat)
        emphasis = self._emphasis(node)
        attrs |= emphasis
        lines = [f"{indent}{graph.ids[node]} {attr_list(attrs)}"]
        if node.op:
            op_attrs = dict(OP_STYLE, label=html_label(OPS[node.op].shown_as()))
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
        lines = [
            f"{indent}subgraph cluster_{cluster.key} {{",
            f'{indent}\tgraph [label={html_label(cluster.title)}, style="rounded,dashed", '
            'color="#999999", fontcolor="#444444", fontsize=12]',
        ]
        for node in self.graph.order:
            if self.graph.owner.get(node) is cluster:
                lines += self._node_lines(node, indent + "\t")
        for child in cluster.children:
            lines += self._cluster_lines(child, indent + "\t")
        lines.append(f"{indent}}}")
        return lines

    def _box_attrs(self, cluster: Cluster) -> dict[str, str]:
        """One node standing for a folded module: its name, size and output values."""
        graph = self.graph
        hidden = graph.hidden_in(cluster)
        n_params = sum(1 for n in hidden if n in graph.param_names)
        cells = [f"<b>{escape(cluster.title)}</b>"]
        cells.append(f"{len(hidden)} nodes, {n_params} parameters")
        for out in cluster.outputs:
            if graph.box(out) is cluster:
                cells.append(f"out: {self._data_cell(out)}  {self._grad_cell(out)}")
        attrs = dict(KIND_STYLE["module"], label=table(cells, vertical=True))
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
            return {"label": html_label(label)} if label else {}
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
