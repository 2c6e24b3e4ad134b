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

from collections.abc import Mapping
from dataclasses import dataclass

from autograd.draw.analysis import GraphAnalysis
from autograd.draw.escape import attr_list, escape, html_label, table
from autograd.draw.modules import Cluster
from autograd.draw.style import (
    EDGE_EMPHASIS,
    FOCUS_EDGE,
    KIND_STYLE,
    NODE_EMPHASIS,
    OP_STYLE,
    heat_color,
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
        caption = [self.options.title, self.state.caption]
        if self.heat is not None:
            caption.append(f"fill: |grad| from 0 (white) to {self.number(self.heat)} (orange)")
        title = "\n".join(part for part in caption if part)
        lines = ["digraph {"]
        lines.append(
            f'\tgraph [rankdir={self.options.rankdir}, fontname="Helvetica", nodesep=0.3, '
            f"ranksep={0.8 if fixed_layout else 0.4}, labelloc=t, fontsize=16"  # room for xlabels
            + (f", label={html_label(title)}]" if title else "]")
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

    # -- nodes --------------------------------------------------------------------------
    def _grad_cell(self, node: Value) -> str:
        g = self.state.grads.get(node)
        text = "grad " + ("?" if g is None else self.number(g))
        if self.state.grad_widths is None:
            return text
        return f'<font face="Courier">{text.ljust(self.state.grad_widths[node])}</font>'

    def _node_lines(self, node: Value, indent: str) -> list[str]:
        """The box of a Value and, for a computed one, the ellipse of the op that made it."""
        graph, kind = self.graph, self.graph.kind(node)
        attrs = dict(KIND_STYLE[kind])
        if kind == "constant":
            attrs["label"] = html_label(self.number(node.data))
        else:
            name = graph.name(node)
            cells = [f"<b>{escape(name)}</b>"] if name else []
            cells += [f"data {self.number(node.data)}", self._grad_cell(node)]
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
        if node in self.graph.on_path or node is self.state.focus:
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
                cells.append(f"out: data {self.number(out.data)}  {self._grad_cell(out)}")
        attrs = dict(KIND_STYLE["module"], label=table(cells, vertical=True))
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
                    attrs["xlabel" if fixed_layout else "label"] = html_label(label)
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
