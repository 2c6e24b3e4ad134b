"""Graph analysis: what a drawing needs to know about a graph, found once per drawing.

The order and synthetic IDs (``n0``, ``n1``, ... in topological order), each node's kind
and name, the module boxes and what is folded into them, the highlighted paths, the size
check, and the gradient numbers (the ones a frame shows, or the graph's own ``.grad``).
Everything here is read-only after ``__init__``; it emits no DOT.

Imports: :mod:`autograd.engine`, :mod:`autograd.draw.options`, :mod:`autograd.draw.modules`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from autograd.draw.modules import Cluster, mark_collapsed, model_of, module_calls, module_clusters
from autograd.draw.options import DrawOptions, as_values
from autograd.engine import Constant, Value, topological_order

__all__ = ["GraphAnalysis", "GraphTooLargeError"]


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``."""


class GraphAnalysis:
    """The graph of ``root`` as ``options`` ask to draw it: order, kinds, names, boxes, paths."""

    def __init__(self, root: Value, options: DrawOptions) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"draw_dot: root must be a Value, got {type(root).__name__}")
        self.root, self.options = root, options
        self.order = topological_order(root)
        self.ids = {node: f"n{i}" for i, node in enumerate(self.order)}
        self.param_names = _param_names(options.params, model_of(options.model))
        calls = module_calls(options.model) or []
        self.clusters = module_clusters(calls, set(self.order))
        mark_collapsed(self.clusters, options.collapse)
        self.owner: dict[Value, Cluster] = {}  # node -> the innermost box around it
        for cluster in sorted(self.clusters, key=lambda c: len(c.chain())):
            for node in cluster.members:
                self.owner[node] = cluster  # the innermost cluster wins
        self.folded: dict[Value, Cluster] = {}  # node -> the collapsed box that hides it
        for node, cluster in self.owner.items():
            collapsed = [c for c in cluster.chain() if c.collapsed]
            if collapsed:
                self.folded[node] = collapsed[-1]  # the outermost one
        self._check_size()
        self.on_path = self._paths_from(as_values(options.highlight, "highlight"))

    # -- what each node is --------------------------------------------------------------
    def box(self, node: Value) -> Cluster | None:
        """The collapsed module box that hides ``node`` (None if it is drawn itself)."""
        return self.folded.get(node)

    def endpoint(self, node: Value) -> str:
        """The drawn ID of ``node``: its own box, or the collapsed module box hiding it."""
        box = self.box(node)
        return f"m{box.key}" if box else self.ids[node]

    def kind(self, node: Value) -> str:
        """The kind of node: output, constant, parameter, value (computed) or input (a leaf)."""
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

    def hidden_in(self, cluster: Cluster) -> list[Value]:
        """The nodes a collapsed box stands for, in topological order."""
        return [n for n in self.order if self.box(n) is cluster]

    # -- gradients ----------------------------------------------------------------------
    def current_grads(self) -> dict[Value, float]:
        """Each node's own ``.grad``, as a number (a ``create_graph`` gradient is a Value)."""
        return {node: _number(node.grad) for node in self.order}

    def heat_scale(self, grads: Mapping[Value, float]) -> float:
        """The largest finite |grad| among the Values drawn (the darkest fill); a folded box
        shows its outputs. The output is left out: its grad is the seed of the pass (1), and
        would make every other one pale."""
        shown = [  # what the drawing shows: drawn Values, and the outputs of folded boxes
            n
            for n in self.order[:-1]
            if not isinstance(n, Constant) and (n not in self.folded or n in self.folded[n].outputs)
        ]
        known = [grads.get(n) for n in shown]
        finite = [abs(g) for g in known if g is not None and math.isfinite(g)]
        return max(finite, default=0.0)

    # -- checks and paths ---------------------------------------------------------------
    @property
    def node_count(self) -> int:
        """The nodes the drawing has: a box per Value, an ellipse per op, one per folded box."""
        drawn = sum(1 + bool(node.op) for node in self.order if node not in self.folded)
        return drawn + len(set(self.folded.values()))

    def _check_size(self) -> None:
        limit = self.options.max_nodes
        if limit is None:
            return
        count = self.node_count
        if count > limit:
            raise GraphTooLargeError(
                f"draw_dot: the drawing would have {count} nodes ({len(self.order)} Values "
                f"and their ops), more than max_nodes={limit}; Graphviz would take more than a "
                "few seconds to lay it out (its time grows faster than the node count). Draw a "
                "smaller graph, fold modules into boxes (model=..., collapse=True), or pass "
                "max_nodes=None (or a larger limit) to draw it anyway."
            )

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


def _number(g: Value | float) -> float:
    return float(g.data if isinstance(g, Value) else g)


def _param_names(params: Any, model: Any) -> dict[Value, str]:
    """Each parameter's dotted name ("" for an unnamed one in ``params=``)."""
    names: dict[Value, str] = {}
    if model is not None and hasattr(model, "named_parameters"):
        names.update((p, name) for name, p in model.named_parameters())
    if isinstance(params, Mapping):
        names.update((p, str(name)) for name, p in params.items())
    elif params is not None:
        names.update((p, "") for p in params)
    return names
