"""Module boxes: which nodes each module call created, nested as the modules are, and
which boxes are folded into one node (``collapse=``).

The calls come from a recording, read by duck typing (``autograd`` imports nothing from
``nn``): ``model=`` has ``.model`` (the model, with ``named_modules()``) and ``.calls``, a
list of records in call order, each with ``name`` (dotted, "" for the model), ``module``,
``inputs`` and ``outputs`` (tuples of Values). That is what ``nn.record_calls(model)``
gives; a module called several times is drawn with its last call.

Imports: :mod:`autograd.engine` (Value, topological_order). Emits no DOT.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from autograd.engine import Value, topological_order

__all__ = [
    "Call",
    "Cluster",
    "is_recording",
    "mark_collapsed",
    "model_of",
    "module_calls",
    "module_clusters",
]

HOW_TO_RECORD = (
    "record them with `with nn.record_calls(model) as calls: loss = ...`, "
    "then draw_dot(loss, model=calls, collapse=True)"
)


@dataclass(frozen=True)
class Call:
    """One module call as a drawing reads it."""

    key: int  # position in model.named_modules(): the box's synthetic ID
    name: str  # dotted module name, "" for the model itself
    module: Any
    inputs: list[Value]
    outputs: list[Value]


@dataclass(eq=False)
class Cluster:
    """The nodes one module call created; drawn as a labelled box, or folded into one node."""

    key: int
    name: str
    module: Any
    members: set[Value]
    outputs: list[Value]
    children: list[Cluster] = field(default_factory=list)
    collapsed: bool = False
    # The enclosing cluster, held weakly: a strong link up and the children's links down
    # would make a reference cycle, which keeps the model and the graph alive until the
    # cyclic garbage collector runs (never, when it is off).
    _parent: weakref.ref[Cluster] | None = None

    @property
    def parent(self) -> Cluster | None:
        return self._parent() if self._parent is not None else None

    @property
    def title(self) -> str:
        """ "neurons.1 · Neuron": the name inside the enclosing module's box, and the class."""
        kind = type(self.module).__name__
        around = self.parent.name if self.parent else ""
        name = self.name[len(around) + 1 :] if around else self.name
        return f"{name} · {kind}" if name else kind

    @property
    def box_title(self) -> str:
        """ "Neuron 1": a folded box's shorter title, where its name ends in an index
        (``neurons.1``); otherwise its title."""
        last = self.name.rsplit(".", 1)[-1]
        return f"{type(self.module).__name__} {last}" if last.isdigit() else self.title

    def chain(self) -> list[Cluster]:
        """This cluster and the clusters around it, innermost first."""
        out: list[Cluster] = []
        cluster: Cluster | None = self
        while cluster is not None:
            out.append(cluster)
            cluster = cluster.parent
        return out


def is_recording(model: Any) -> bool:
    return hasattr(model, "calls") and hasattr(model, "model")


def model_of(model: Any) -> Any:
    """The model itself: a recording's ``.model``, else ``model`` (None stays None)."""
    return model.model if is_recording(model) else model


def module_calls(model: Any) -> list[Call] | None:
    """The last call of each module, in ``named_modules()`` order; None without a recording."""
    if model is None:
        return None
    module = model_of(model)
    if not hasattr(module, "named_modules"):
        raise TypeError(
            "draw_dot: model must be an nn.Module (with named_modules()) or a recording of "
            f"its calls (nn.record_calls), got {type(model).__name__}"
        )
    keys = {id(m): key for key, (_, m) in enumerate(module.named_modules())}
    if is_recording(model):
        last = {id(record.module): record for record in model.calls}  # the last call wins
        records = [(r.name, r.module, r.inputs, r.outputs) for r in last.values()]
    else:  # a plain Module: its parameters are named and coloured, but there are no boxes
        return None
    calls = []
    for name, m, inputs, outputs in records:
        if id(m) not in keys:
            raise ValueError(
                f"draw_dot: model: the recording has a call of {name!r} "
                f"({type(m).__name__}), which is not a module of its model"
            )
        calls.append(Call(keys[id(m)], name, m, _values(inputs), _values(outputs)))
    return sorted(calls, key=lambda call: call.key)


def _values(items: Iterable[Any]) -> list[Value]:
    return [v for v in items if isinstance(v, Value)]


def module_clusters(calls: list[Call], drawn: set[Value]) -> list[Cluster]:
    """A cluster per module call: the nodes it created (ancestors of its outputs that are
    not its inputs or their ancestors) and its parameters, nested by dotted name."""
    clusters: list[Cluster] = []
    for call in calls:
        created = _ancestors(call.outputs) - _ancestors(call.inputs)
        own = (
            {p for _, p in call.module.named_parameters()}
            if hasattr(call.module, "named_parameters")
            else set()
        )
        members = (created | own) & drawn
        if members:
            outputs = [o for o in call.outputs if o in drawn]
            clusters.append(Cluster(call.key, call.name, call.module, members, outputs))
    for cluster in clusters:  # the enclosing cluster: the longest dotted prefix
        around = [c for c in clusters if _encloses(c.name, cluster.name)]
        if around:
            parent = max(around, key=lambda c: len(c.name))
            cluster._parent = weakref.ref(parent)
            parent.children.append(cluster)
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


def mark_collapsed(clusters: list[Cluster], collapse: Any) -> None:
    """Set ``collapsed`` on the clusters ``collapse`` names (True: the innermost ones)."""
    if collapse is False or collapse is None:
        return
    if not clusters:
        raise ValueError(
            "draw_dot: collapse needs model= to be the module calls that built the graph; "
            + HOW_TO_RECORD
        )
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
