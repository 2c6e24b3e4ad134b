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
"""

from __future__ import annotations

import html
import math
import os
import re
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd import render
from autograd.engine import Constant, Value, topological_order
from autograd.rules import OPS

__all__ = [
    "Drawing",
    "Frames",
    "GraphTooLargeError",
    "backward_frames",
    "draw_dot",
    "save_frames",
    "step_through",
]

RANKDIRS = ("LR", "TB", "RL", "BT")
MAX_NODES = 500  # Graphviz's layout time grows fast: beyond this, fold modules or opt in

# How each kind of node looks: shape and border tell the kinds apart even when the fill
# shows gradient magnitudes instead (color_by_grad=True).
_KIND_STYLE: dict[str, dict[str, str]] = {
    "output": {"style": "filled,bold", "peripheries": "2", "fillcolor": "#fde9a9"},
    "parameter": {"style": "rounded,filled", "color": "#1f5fa6", "penwidth": "2",
                  "fillcolor": "#cfe2f3"},
    "input": {"style": "filled", "color": "#38761d", "penwidth": "2", "fillcolor": "#d9ead3"},
    "value": {"style": "filled", "fillcolor": "white"},
    "constant": {"style": "dashed", "color": "#888888", "fontcolor": "#555555"},
    "module": {"style": "rounded,filled", "color": "#674ea7", "penwidth": "2",
               "fillcolor": "#ece5f6"},
}  # fmt: skip
_OP_STYLE = {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee", "fontsize": "14"}
_HIGHLIGHT = "#d62728"
_HEAT_LOW, _HEAT_HIGH, _HEAT_BAD = (255, 255, 255), (230, 85, 13), "#ff66ff"

# Control characters shown as their Unicode "control pictures" (U+2400...): XML, and so
# Graphviz's HTML-like labels, cannot hold them, and a reader should see that they are there.
_VISIBLE = {c: 0x2400 + c for c in range(32) if c != 10} | {0x7F: 0x2421}
_VISIBLE |= {0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD}  # not characters at all in XML


# Line breaks as str.splitlines sees them (a trailing one kept): each starts a new line.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``."""


# -- the drawing object ------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Drawing:
    """A computation graph as DOT text: render it to a file, or show it in Jupyter.

    ``source`` needs no renderer. ``render``, ``pipe`` and the inline display run one
    (see :mod:`autograd.render`); without one, Jupyter shows the DOT text and the reason.
    """

    source: str
    format: str = "svg"  # the default for render() and pipe(), as in the graphviz package

    def pipe(self, format: str | None = None, dpi: int | None = None) -> bytes:
        """The drawing rendered as ``format`` ("svg", "png" or "pdf"), as bytes."""
        return render.render_bytes(self.source, format or self.format, dpi)

    def render(
        self, path: str | os.PathLike[str], format: str | None = None, dpi: int | None = None
    ) -> str:
        """Write the drawing to ``path`` and return the path written.

        The format is ``format``, else the path's suffix, else the drawing's format. As in
        the graphviz package, the format is appended to a path that does not end in it:
        ``render("graph", format="png")`` writes ``graph.png``.
        """
        target = Path(path)
        suffix = target.suffix.lstrip(".").lower()
        chosen = format or (suffix if suffix in render.FORMATS else self.format)
        if suffix != chosen:
            target = target.with_name(f"{target.name}.{chosen}")
        data = self.pipe(chosen, dpi)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, data)
        return str(target)

    def to_graphviz(self) -> Any:
        """The same drawing as a ``graphviz.Source`` (the graphviz package's object)."""
        import graphviz

        return graphviz.Source(self.source, format=self.format)

    def _display(self) -> tuple[str, str]:
        """("image/svg+xml", svg), or without a working renderer ("text/plain", why + DOT)."""
        try:
            return "image/svg+xml", self.pipe("svg").decode("utf-8")
        except render.RendererError as error:
            return "text/plain", f"{error}\n\n{self.source}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        # A repr that raised would fail the whole notebook cell: fall back to text instead.
        mime, content = self._display()
        return {mime: content}

    def _html(self) -> str:
        mime, content = self._display()
        if mime == "image/svg+xml":
            return content[content.find("<svg") :]
        return f"<pre>{html.escape(content)}</pre>"

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:  # outside Jupyter: a pointer, not a page of DOT text
        lines = len(self.source.splitlines())
        return f"<Drawing: {lines} lines of DOT in .source; .render(path) draws it>"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file next to ``path``, then rename: never a half-written file."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "xb") as file:  # open(), unlike mkstemp, honours the umask
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# -- draw_dot ------------------------------------------------------------------------------
def draw_dot(
    root: Value,
    rankdir: str = "LR",
    format: str = "svg",
    *,
    precision: int = 4,
    color_by_grad: bool = False,
    show_local_grads: bool = False,
    highlight: Value | Iterable[Value] | None = None,
    model: Any = None,
    collapse: bool | str | Iterable[str] | type = False,
    params: Mapping[str, Value] | Iterable[Value] | None = None,
    title: str = "",
    max_nodes: int | None = MAX_NODES,
) -> Drawing:
    """Draw the computation graph that produced ``root``.

    Every Value shows its label, data and grad (``precision`` significant digits); every
    op is its own node; each use of an operand is its own edge. Inputs (green), parameters
    (blue, rounded), constants folded into an op (dashed, the 2 in ``x * 2``) and the
    output (double border) look different.

    - ``rankdir``: "LR" (left to right, as micrograd) or "TB" (top to bottom), "RL", "BT".
    - ``color_by_grad``: fill each Value by its |grad|, white (0) to orange (the largest);
      the output, whose grad is the seed 1, keeps its own colour.
    - ``show_local_grads``: label each edge with the op's local derivative d(out)/d(in),
      taken from the derivative rules in :mod:`autograd.rules`.
    - ``highlight``: a leaf (or several): mark every path from it to the output.
    - ``model``: an ``nn.Module`` that was called to build the graph: the nodes each module
      call created (a neuron, a layer) are drawn inside a labelled box, nested. ``collapse``
      folds modules into one box each: True (the innermost ones, e.g. neurons), a dotted
      name or list of names (``"layers.0"``), or a class (``nn.Neuron``).
    - ``params``: Values to draw as parameters without a model (a dict gives their names).
    - ``max_nodes``: refuse a larger drawing (Graphviz would take very long); None for no limit.
    """
    options = _Options(rankdir, format, precision, color_by_grad, show_local_grads, max_nodes)
    sources = _as_values(highlight, "highlight")
    return _GraphDrawing(root, options, model, collapse, params).draw(title, highlighted=sources)


@dataclass(frozen=True)
class _Options:
    rankdir: str
    format: str
    precision: int
    color_by_grad: bool
    show_local_grads: bool
    max_nodes: int | None

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            hint = ""
            if self.rankdir in render.FORMATS:  # micrograd's notebook: draw_dot(root, format, ...)
                hint = f"; for the format, write draw_dot(root, format={self.rankdir!r})"
            raise ValueError(
                f"draw_dot: rankdir must be one of {RANKDIRS}, got {self.rankdir!r}{hint}"
            )
        if self.format not in render.FORMATS:
            raise ValueError(
                f"draw_dot: format must be one of {render.FORMATS}, got {self.format!r}"
            )
        if isinstance(self.precision, bool) or not isinstance(self.precision, int):
            raise TypeError(f"draw_dot: precision must be an int, got {self.precision!r}")
        if self.precision < 1:
            raise ValueError(f"draw_dot: precision must be at least 1, got {self.precision}")
        if self.max_nodes is not None and (
            isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int)
        ):
            raise TypeError(f"draw_dot: max_nodes must be an int or None, got {self.max_nodes!r}")

    def number(self, x: float) -> str:
        """x with ``precision`` significant digits, trailing zeros kept (2.000, not 2)."""
        return f"{x:#.{self.precision}g}"


@dataclass(eq=False)
class _Cluster:
    """The nodes one module call created; drawn as a labelled box, or folded into one node."""

    key: int  # position in model.named_modules(): the cluster's synthetic ID
    name: str  # dotted module name, "" for the model itself
    module: Any
    members: set[Value]
    outputs: list[Value]
    parent: _Cluster | None = None
    children: list[_Cluster] = field(default_factory=list)
    collapsed: bool = False

    @property
    def title(self) -> str:
        """ "neurons.1 · Neuron": the name inside the enclosing module's box, and the class."""
        kind = type(self.module).__name__
        around = self.parent.name if self.parent else ""
        name = self.name[len(around) + 1 :] if around else self.name
        return f"{name} · {kind}" if name else kind

    def chain(self) -> list[_Cluster]:
        """This cluster and the clusters around it, innermost first."""
        out: list[_Cluster] = []
        cluster: _Cluster | None = self
        while cluster is not None:
            out.append(cluster)
            cluster = cluster.parent
        return out


class _GraphDrawing:
    """Everything one drawing needs to know about a graph: order, kinds, clusters, names."""

    def __init__(
        self, root: Value, options: _Options, model: Any, collapse: Any, params: Any
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"draw_dot: root must be a Value, got {type(root).__name__}")
        self.root, self.options = root, options
        self.order = topological_order(root)
        self.ids = {node: f"n{i}" for i, node in enumerate(self.order)}
        self.param_names = _param_names(params, model)
        self.clusters = _module_clusters(model, set(self.order)) if model is not None else []
        _mark_collapsed(self.clusters, collapse)
        self.owner: dict[Value, _Cluster] = {}
        for cluster in sorted(self.clusters, key=lambda c: len(c.chain())):
            for node in cluster.members:
                self.owner[node] = cluster  # the innermost cluster wins
        self.folded: dict[Value, _Cluster] = {}  # node -> the collapsed box that hides it
        for node, cluster in self.owner.items():
            collapsed = [c for c in cluster.chain() if c.collapsed]
            if collapsed:
                self.folded[node] = collapsed[-1]  # the outermost one
        self._check_size()

    # -- what each node is --------------------------------------------------------------
    def box(self, node: Value) -> _Cluster | None:
        """The collapsed module box that hides ``node`` (None if it is drawn itself)."""
        return self.folded.get(node)

    def endpoint(self, node: Value) -> str:
        """The drawn ID of ``node``: its own box, or the collapsed module box hiding it."""
        box = self.box(node)
        return f"m{box.key}" if box else self.ids[node]

    def kind(self, node: Value) -> str:
        if node is self.root:
            return "output"
        if isinstance(node, Constant):
            return "constant"
        if node in self.param_names:
            return "parameter"
        return "value" if node.op else "input"

    def name(self, node: Value) -> str:
        """The node's label, else its parameter name (relative to its module's box)."""
        if node.label or node not in self.param_names:
            return node.label
        name, cluster = self.param_names[node], self.owner.get(node)
        if cluster and cluster.name and name.startswith(cluster.name + "."):
            return name[len(cluster.name) + 1 :]
        return name

    def _check_size(self) -> None:
        limit = self.options.max_nodes
        if limit is None:
            return
        drawn = sum(1 + bool(node.op) for node in self.order if node not in self.folded)
        count = drawn + len(set(self.folded.values()))
        if count > limit:
            raise GraphTooLargeError(
                f"draw_dot: the drawing would have {count} nodes ({len(self.order)} Values "
                f"and their ops), more than max_nodes={limit}; Graphviz would take very long "
                "to lay it out. Draw a smaller graph, fold modules into boxes (model=..., "
                "collapse=True), or pass max_nodes=None (or a larger limit) to draw it anyway."
            )

    # -- the DOT text ---------------------------------------------------------------------
    def draw(
        self,
        title: str,
        highlighted: Sequence[Value] = (),
        grads: Mapping[Value, float] | None = None,
        focus: Value | None = None,
        grad_widths: Mapping[Value, int] | None = None,
    ) -> Drawing:
        """The drawing, with ``grads`` in place of ``.grad`` (None for a frame's "not yet").

        ``grad_widths`` pads each grad to a fixed number of characters, in a monospace
        font, so every frame of a step-through has the same layout.
        """
        self.grads, self.focus, self.grad_widths = grads, focus, grad_widths
        self.on_path = self._paths_from(highlighted)
        self.heat = self._heat_scale() if self.options.color_by_grad else None
        caption = title
        if self.heat is not None:
            scale = f"fill: |grad| from 0 (white) to {self.options.number(self.heat)} (orange)"
            caption = f"{title}\n{scale}" if title else scale
        lines = ["digraph {"]
        lines.append(
            f'\tgraph [rankdir={self.options.rankdir}, fontname="Helvetica", nodesep=0.3, '
            f"ranksep={0.8 if grad_widths else 0.4}, labelloc=t, fontsize=16"  # room for xlabels
            + (f", label={_html_label(caption)}]" if caption else "]")
        )
        lines.append('\tnode [shape=box, fontname="Helvetica", fontsize=12, height=0.3]')
        lines.append('\tedge [fontname="Helvetica", fontsize=10, color="#555555", arrowsize=0.7]')
        for node in self.order:
            if node not in self.owner:
                lines += self._node_lines(node, "\t")
        for cluster in self.clusters:
            if cluster.parent is None:
                lines += self._cluster_lines(cluster, "\t")
        lines += self._edge_lines()
        lines.append("}")
        return Drawing("\n".join(lines) + "\n", self.options.format)

    def _grad(self, node: Value) -> float | None:
        if self.grads is not None:
            return self.grads.get(node)
        g = node.grad
        return float(g.data if isinstance(g, Value) else g)

    def _grad_cell(self, node: Value) -> str:
        g = self._grad(node)
        text = "grad " + ("?" if g is None else self.options.number(g))
        if self.grad_widths is None:
            return text
        return f'<font face="Courier">{text.ljust(self.grad_widths[node])}</font>'

    def _node_lines(self, node: Value, indent: str) -> list[str]:
        """The box of a Value and, for a computed one, the ellipse of the op that made it."""
        kind = self.kind(node)
        attrs = dict(_KIND_STYLE[kind])
        if kind == "constant":
            attrs["label"] = _html_label(self.options.number(node.data))
        else:
            cells = [f"<b>{_escape(self.name(node))}</b>"] if self.name(node) else []
            cells += [f"data {self.options.number(node.data)}", self._grad_cell(node)]
            attrs["label"] = _table(cells)
            if self.heat is not None and node is not self.root:  # the root's grad is the seed
                attrs["fillcolor"] = _heat_color(self._grad(node), self.heat)
        emphasis = self._emphasis(node)
        attrs |= emphasis
        lines = [f"{indent}{self.ids[node]} {_attrs(attrs)}"]
        if node.op:
            op_attrs = dict(_OP_STYLE, label=_html_label(OPS[node.op].shown_as()))
            lines.append(f"{indent}{self.ids[node]}_op {_attrs(op_attrs | emphasis)}")
        return lines

    def _emphasis(self, node: Value) -> dict[str, str]:
        """A red border for a node on a highlighted path or in focus (a frame's current node)."""
        if node in self.on_path or node is self.focus:
            return {"color": _HIGHLIGHT, "penwidth": "3"}
        return {}

    def _cluster_lines(self, cluster: _Cluster, indent: str) -> list[str]:
        if cluster.collapsed:
            return [f"{indent}m{cluster.key} {_attrs(self._box_attrs(cluster))}"]
        lines = [
            f"{indent}subgraph cluster_{cluster.key} {{",
            f'{indent}\tgraph [label={_html_label(cluster.title)}, style="rounded,dashed", '
            'color="#999999", fontcolor="#444444", fontsize=12]',
        ]
        for node in self.order:
            if self.owner.get(node) is cluster:
                lines += self._node_lines(node, indent + "\t")
        for child in cluster.children:
            lines += self._cluster_lines(child, indent + "\t")
        lines.append(f"{indent}}}")
        return lines

    def _box_attrs(self, cluster: _Cluster) -> dict[str, str]:
        """One node standing for a folded module: its name, size and output values."""
        hidden = [n for n in self.order if self.box(n) is cluster]
        n_params = sum(1 for n in hidden if n in self.param_names)
        cells = [f"<b>{_escape(cluster.title)}</b>"]
        cells.append(f"{len(hidden)} nodes, {n_params} parameters")
        for out in cluster.outputs:
            if self.box(out) is cluster:
                data = self.options.number(out.data)
                cells.append(f"out: data {data}  {self._grad_cell(out)}")
        attrs = dict(_KIND_STYLE["module"], label=_table(cells, vertical=True))
        if self.root in hidden:
            attrs["peripheries"] = "2"
        if any(n in self.on_path or n is self.focus for n in hidden):
            attrs |= {"color": _HIGHLIGHT, "penwidth": "3"}
        return attrs

    def _edge_lines(self) -> list[str]:
        """One edge per use of an operand (parent -> op) and one from each op to its result."""
        lines: list[str] = []
        seen_box_edges: set[tuple[str, str]] = set()
        for node in self.order:
            if not node.op:
                continue
            inside = self.box(node)
            target = f"m{inside.key}" if inside else f"{self.ids[node]}_op"
            labels = self._edge_labels(node)
            for parent, label in zip(node.parents, labels):
                source = self.endpoint(parent)
                if source == target:
                    continue  # both inside one folded module
                attrs: dict[str, str] = {}
                if node in self.on_path and parent in self.on_path:
                    attrs = {"color": _HIGHLIGHT, "penwidth": "2.5"}
                if inside or source.startswith("m"):  # an edge to or from a folded module:
                    if (source, target) in seen_box_edges:  # draw it once
                        continue
                    seen_box_edges.add((source, target))
                elif label:  # a frame's labels go on after layout, so frames do not jump
                    attrs["xlabel" if self.grad_widths else "label"] = _html_label(label)
                if node is self.focus:
                    attrs |= {"color": _HIGHLIGHT, "penwidth": "2.5", "fontcolor": _HIGHLIGHT}
                lines.append(f"\t{source} -> {target}" + (f" {_attrs(attrs)}" if attrs else ""))
            if not inside:
                attrs = {"color": _HIGHLIGHT, "penwidth": "2.5"} if node in self.on_path else {}
                lines.append(
                    f"\t{self.ids[node]}_op -> {self.ids[node]}"
                    + (f" {_attrs(attrs)}" if attrs else "")
                )
        return lines

    def _edge_labels(self, node: Value) -> list[str]:
        """Per input: its role where order matters (w0, x0, b; base, exponent) and, if asked,
        the local derivative; in a frame's focus, the gradient the rule passes back."""
        n = len(node.parents)
        roles = OPS[node.op].roles_for(n)
        parts = [[role] if role else [] for role in roles]
        if self.options.show_local_grads or node is self.focus:
            focus = node is self.focus  # a rule returns g * local derivative: g = 1 gives it
            g = (self._grad(node) or 0.0) if focus else 1.0
            local = OPS[node.op].backward(g, node.data, *[p.data for p in node.parents])
            for part, d in zip(parts, local):
                if focus:
                    part.append(f"grad += {self.options.number(d)}")
                else:
                    part.append(f"∂ {self.options.number(d)}")
        return [" ".join(part) for part in parts]

    def _paths_from(self, sources: Sequence[Value]) -> set[Value]:
        """Every node on a path from one of ``sources`` to the root (a forward sweep)."""
        for source in sources:
            if source not in self.ids:
                raise ValueError(f"draw_dot: highlight: {source!r} is not in the graph of the root")
        on_path = set(sources)
        for node in self.order:
            if any(parent in on_path for parent in node.parents):
                on_path.add(node)
        return on_path

    def _heat_scale(self) -> float:
        """The largest finite |grad| among the Values (the darkest fill). The output is left
        out: its grad is the seed of the pass (1), and would make every other one pale."""
        grads = [self._grad(n) for n in self.order[:-1] if not isinstance(n, Constant)]
        finite = [abs(g) for g in grads if g is not None and math.isfinite(g)]
        return max(finite, default=0.0)


# -- module clusters -----------------------------------------------------------------------
def _module_clusters(model: Any, drawn: set[Value]) -> list[_Cluster]:
    """A cluster per module call: the nodes it created (ancestors of its outputs that are
    not its inputs or their ancestors) and its parameters, nested by dotted name."""
    if not hasattr(model, "named_modules"):
        raise TypeError(
            f"draw_dot: model must be an nn.Module (with named_modules()), "
            f"got {type(model).__name__}"
        )
    clusters: list[_Cluster] = []
    for key, (name, module) in enumerate(model.named_modules()):
        call = getattr(module, "_last_call", None)
        if not call:
            continue
        # nn.Module records (inputs, outputs) as tuples of Values after each call
        inputs, outputs = ([v for v in part if isinstance(v, Value)] for part in call)
        created = _ancestors(outputs) - _ancestors(inputs)
        own = (
            {p for _, p in module.named_parameters()}
            if hasattr(module, "named_parameters")
            else set()
        )
        members = (created | own) & drawn
        if members:
            clusters.append(
                _Cluster(key, name, module, members, [o for o in outputs if o in drawn])
            )
    for cluster in clusters:  # the enclosing cluster: the longest dotted prefix
        around = [c for c in clusters if _encloses(c.name, cluster.name)]
        if around:
            cluster.parent = max(around, key=lambda c: len(c.name))
            cluster.parent.children.append(cluster)
    return clusters


def _encloses(outer: str, inner: str) -> bool:
    return outer != inner and (outer == "" or inner.startswith(outer + "."))


def _ancestors(values: Iterable[Value]) -> set[Value]:
    """The values and everything they were computed from."""
    found: set[Value] = set()
    for value in values:
        if value not in found:
            found.update(topological_order(value))
    return found


def _mark_collapsed(clusters: list[_Cluster], collapse: Any) -> None:
    """Set ``collapsed`` on the clusters ``collapse`` names (True: the innermost ones)."""
    if collapse is False or collapse is None:
        return
    if not clusters:
        raise ValueError("draw_dot: collapse needs model= (an nn.Module that built the graph)")
    if collapse is True:
        chosen = [c for c in clusters if not c.children]
    elif isinstance(collapse, type):
        chosen = [c for c in clusters if isinstance(c.module, collapse)]
    else:
        names = [collapse] if isinstance(collapse, str) else list(collapse)
        by_name = {c.name: c for c in clusters}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise ValueError(
                f"draw_dot: collapse: no module call named {', '.join(map(repr, unknown))} in "
                f"this graph; the modules are: {', '.join(repr(c.name) for c in clusters)}"
            )
        chosen = [by_name[name] for name in names]
    for cluster in chosen:
        cluster.collapsed = True


def _param_names(params: Any, model: Any) -> dict[Value, str]:
    names: dict[Value, str] = {}
    if model is not None and hasattr(model, "named_parameters"):
        names.update((p, name) for name, p in model.named_parameters())
    if isinstance(params, Mapping):
        names.update((p, str(name)) for name, p in params.items())
    elif params is not None:
        names.update((p, "") for p in _as_values(params, "params"))
    return names


def _as_values(obj: Value | Iterable[Value] | None, where: str) -> list[Value]:
    if obj is None:
        return []
    values = [obj] if isinstance(obj, Value) else list(obj)
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"draw_dot: {where} must be Values, got {type(v).__name__} ({v!r})")
    return values


# -- DOT text ---------------------------------------------------------------------------------
def _escape(text: str) -> str:
    """User text as HTML-like label content: escaped, control characters made visible,
    line breaks as <br/>. Nothing in it can end the label or inject DOT.

    Backslashes are doubled: Graphviz expands ``\\N``, ``\\G``, ... (node name, graph name)
    even in HTML-like labels, after decoding entities, and turns ``\\\\`` into one backslash.
    """
    lines = _LINE_BREAK.split(text.replace("\\", "\\\\"))
    return "<br/>".join(html.escape(line.translate(_VISIBLE), quote=True) for line in lines)


def _html_label(text: str) -> str:
    return f"<{_escape(text)}>"


def _table(cells: list[str], vertical: bool = False) -> str:
    """Cells (already escaped) side by side, separated by rules, as micrograd's records."""
    if vertical:
        rows = "".join(f"<tr><td>{cell}</td></tr>" for cell in cells)
    else:
        rows = "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
    rules = "rows" if vertical else "columns"
    return (
        f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="3" {rules}="*">'
        f"{rows}</table>>"
    )


def _attrs(attrs: Mapping[str, str]) -> str:
    """A DOT attribute list. Values are ours (colours, numbers) or HTML labels <...>."""
    items = (f"{k}={v}" if v.startswith("<") else f'{k}="{v}"' for k, v in attrs.items())
    return "[" + ", ".join(items) + "]"


def _heat_color(g: float | None, largest: float) -> str:
    """White for 0 (or not yet known), orange for the largest |grad|, linear in between."""
    if g is None or largest == 0:
        return "#ffffff"
    if not math.isfinite(g):
        return _HEAT_BAD
    t = abs(g) / largest
    rgb = (round(lo + (hi - lo) * t) for lo, hi in zip(_HEAT_LOW, _HEAT_HIGH))
    return "#" + "".join(f"{c:02x}" for c in rgb)


# -- step-through backprop ----------------------------------------------------------------
class Frames(list[Drawing]):
    """The frames of a step-through; in Jupyter they show one under another."""

    def _repr_html_(self) -> str:
        return "".join(f"<div>{frame._html()}</div><hr/>" for frame in self)


def backward_frames(root: Value, **options: Any) -> Frames:
    """One drawing per node, in the order backpropagation visits them (reverse topological).

    Constants (the 2 in ``x * 2``) get no frame: their gradient is never drawn or needed.

    Frame k shows the gradients known after the k-th node has passed its gradient to its
    inputs (its rule is applied with ``g`` times the local derivative on each input edge);
    "grad ?" marks a node no gradient has reached yet. The gradients are replayed here
    with the derivative rules of :mod:`autograd.rules`, as one fresh backward pass from a
    seed of 1: the graph's own ``.grad`` values are neither used nor changed.
    ``options`` are those of :func:`draw_dot`.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> frames = backward_frames(x * x)
    >>> len(frames), "grad 4.000" in frames[-1].source, x.grad
    (2, True, 0.0)
    """
    title = options.pop("title", "")
    highlight = _as_values(options.pop("highlight", None), "highlight")
    model, collapse, params = (options.pop(k, None) for k in ("model", "collapse", "params"))
    drawing = _GraphDrawing(root, _Options(**_option_values(options)), model, collapse, params)
    number = drawing.options.number
    grads: dict[Value, float] = {root: 1.0}
    steps: list[tuple[Value, dict[Value, float], str]] = []
    order = [node for node in reversed(drawing.order) if not isinstance(node, Constant)]
    for k, node in enumerate(order, 1):
        g = grads[node]  # complete: every node that uses this one came earlier
        symbol = OPS[node.op].shown_as() if node.op else ""
        name = "the output" if node is root else drawing.name(node)
        name = name or (f"the {symbol} node" if node.op else "the leaf")
        box = drawing.box(node)  # a node folded into a module's box: say which box
        who = f"{name} in {box.title} (red)" if box else f"{name} (red)"
        if node.parents:
            local = OPS[node.op].backward(g, node.data, *[p.data for p in node.parents])
            for parent, gp in zip(node.parents, local):
                grads[parent] = grads.get(parent, 0.0) + gp
            news = f"has its full gradient {number(g)}; its {symbol} rule adds "
            news += "grad × local derivative to each input's grad"
        else:
            news = f"is a leaf: its gradient {number(g)} is final"
        caption = f"step {k}/{len(order)}: {who} {news}"
        steps.append((node, dict(grads), f"{title}\n{caption}" if title else caption))
    widths = {  # the widest grad text each node shows in any frame ("grad ?" at least)
        node: max(len("grad " + number(s[node])) if node in s else 6 for _, s, _ in steps)
        for node in drawing.order
    }
    return Frames(
        drawing.draw(caption, highlight, grads=snapshot, focus=node, grad_widths=widths)
        for node, snapshot, caption in steps
    )


def _option_values(options: dict[str, Any]) -> dict[str, Any]:
    allowed = ("rankdir", "format", "precision", "color_by_grad", "show_local_grads", "max_nodes")
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(f"backward_frames: unknown option(s) {', '.join(unknown)}")
    defaults = {
        "rankdir": "LR",
        "format": "svg",
        "precision": 4,
        "color_by_grad": False,
        "show_local_grads": False,
        "max_nodes": MAX_NODES,
    }
    return defaults | options


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
