"""The steps of a step-through: the forward and backward pass cut into what one frame shows.

A step works on one *unit*: a computed node, or, with ``collapse=``, a whole folded module
(a neuron, a layer), whose hidden nodes all go in one step. The units are put in an order
in which each comes after every unit it uses, and the backward pass is the engine's
reference pass, :func:`autograd.engine.chain_rule`, over that order, run into a dict of
its own: the graph's ``.grad`` values are neither read nor changed. Leaves get no step of
their own: a leaf's gradient is final in the step that makes the last contribution to it.

Imports: :mod:`autograd.engine` and :mod:`autograd.draw.analysis` (for the boxes). Emits no
DOT and makes no text; :mod:`autograd.draw.frames` turns steps into drawings.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from autograd.draw.analysis import GraphAnalysis
from autograd.engine import Constant, Value, chain_rule

__all__ = ["Step", "backward_steps", "forward_steps", "units"]


@dataclass(frozen=True)
class Step:
    """What one frame shows: the pass is ``forward`` or backward, ``focus`` the nodes of
    this step's unit (in topological order), and the state once the step is done."""

    forward: bool
    focus: tuple[Value, ...]
    known: frozenset[Value]  # the Values whose data has been computed (all, going backward)
    grads: dict[Value, float]  # every gradient that has arrived so far (none, going forward)
    final: frozenset[Value]  # the gradients that are complete: every use has passed back
    flows: dict[tuple[Value, int], float]  # (node, i): what node passed to parents[i]
    became_final: tuple[Value, ...] = ()  # the leaves whose gradient this step completed


def units(graph: GraphAnalysis) -> list[tuple[Value, ...]]:
    """The computed nodes in units (a node, or a folded box's nodes), in an order where each
    unit comes after every unit it uses: a topological order in which each box's nodes are
    next to each other. Ties go as in the graph's own order, so without boxes this is it."""
    computed = [n for n in graph.order if n.parents]
    order = _sorted_units(computed, {n: graph.box(n) or n for n in computed})
    if order is None:  # boxes that feed each other (a recording that left an input out)
        order = _sorted_units(computed, {n: n for n in computed})  # one node per step
    assert order is not None  # single nodes in a DAG never depend on each other
    return order


def _sorted_units(
    computed: list[Value], unit_of: dict[Value, Hashable]
) -> list[tuple[Value, ...]] | None:
    """Kahn's algorithm backwards from the output, over the units: a unit is ready once
    every unit using it is placed; of the ready ones, the latest in the graph's order goes
    first, as the backward pass would visit it. None if the units depend on each other."""
    position = {n: i for i, n in enumerate(computed)}
    members: dict[Hashable, list[Value]] = {}
    for n in computed:
        members.setdefault(unit_of[n], []).append(n)
    users: Counter[Hashable] = Counter()  # how many other units use each unit
    used: dict[Hashable, set[Hashable]] = {u: set() for u in members}
    for n in computed:
        for p in n.parents:
            if p in position and unit_of[p] != unit_of[n]:
                used[unit_of[n]].add(unit_of[p])
    for u in members:
        for v in used[u]:
            users[v] += 1
    ready = [(-position[nodes[-1]], i, u) for i, (u, nodes) in enumerate(members.items())]
    ready = [entry for entry in ready if users[entry[2]] == 0]
    heapq.heapify(ready)
    backwards: list[tuple[Value, ...]] = []
    index = {u: i for i, u in enumerate(members)}
    while ready:
        _, _, u = heapq.heappop(ready)
        backwards.append(tuple(members[u]))
        for v in used[u]:
            users[v] -= 1
            if users[v] == 0:
                heapq.heappush(ready, (-position[members[v][-1]], index[v], v))
    return backwards[::-1] if len(backwards) == len(members) else None


def forward_steps(graph: GraphAnalysis) -> Iterator[Step]:
    """One step per unit in forward order: its data computed from its inputs' data."""
    known = {n for n in graph.order if not n.parents}
    for unit in units(graph):
        known.update(unit)
        yield Step(True, unit, frozenset(known), {}, frozenset(), {})


def backward_steps(graph: GraphAnalysis) -> Iterator[Step]:
    """One step per unit in backward order, from a seed of 1: the unit's nodes pass their
    gradients on (``chain_rule``), in the order the unit order gives.

    A graph that is a single leaf has one step, the seed."""
    everything = frozenset(graph.order)
    grads: dict[Value, float] = {graph.root: 1.0}
    steps = units(graph)
    order = [n for unit in steps for n in unit]
    if not order:
        yield Step(False, (graph.root,), everything, dict(grads), frozenset(grads), {})
        return
    uses = Counter(p for n in order for p in n.parents)  # contributions still to come
    final = {n for n in graph.order if uses[n] == 0}  # the root
    passes = chain_rule([n for n in graph.order if not n.parents] + order, grads)
    for unit in reversed(steps):
        flows: dict[tuple[Value, int], float] = {}
        became: list[Value] = []
        for node in reversed(unit):
            done, passed = next(passes)  # chain_rule walks the same order backwards
            assert done is node
            for i, (parent, g) in enumerate(zip(node.parents, passed)):
                flows[node, i] = g
                uses[parent] -= 1
                if uses[parent] == 0:
                    final.add(parent)
                    if not parent.parents and not isinstance(parent, Constant):
                        became.append(parent)
        # The reference pass keeps a first contribution of -0.0 as it is; a frame shows it
        # as 0 ("-0.000" would read as a tiny negative number): -0.0 + 0.0 is 0.0.
        shown = {n: g + 0.0 for n, g in grads.items()}
        yield Step(False, unit, everything, shown, frozenset(final), flows, tuple(became))
