"""What a few nodes carry beyond data and parents: micrograd's ``_backward`` closures and
gradient hooks.

An ordinary node stores no closure: its rule is in the op table, and ``node._backward``
builds one on demand. Two kinds of node carry more, in their ``_extra`` slot:

* a node built the lecture's way, ``out = Value(t, (x,), "tanh")``, given its own
  ``out._backward = closure``. Such a closure refers back to its own node (it reads
  ``out.grad``), so these nodes, and only these, need Python's cyclic garbage collector
  to be freed, as every micrograd node does;
* a node with hooks (``register_hook``), which may replace its gradient.

A graph with such a node takes the reference pass (:func:`autograd.engine.chain_rule`),
which knows about them; ``live`` counts the nodes with extras that exist, so that while
there are none, ``backward()`` does not even look. This module imports the engine, the
modes and the op table.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any

from autograd import checks, engine, modes
from autograd.rules import OPS

__all__ = ["Extras", "HookHandle"]

live = 0  # nodes with extras that exist now (see the module)
_live_lock = threading.RLock()  # re-entrant: a finalizer may run during a count


class Extras:
    """The extras of one node: its own ``_backward`` closure, and its gradient hooks."""

    __slots__ = ("closure", "hooks")

    def __init__(self) -> None:
        self.closure: Callable[[], Any] | None = None
        self.hooks: list[Callable[[Any], Any]] = []


def _count(change: int) -> None:
    global live
    with _live_lock:
        live += change


def attach(node: engine.Value) -> Extras:
    """Give ``node`` extras, counted in ``live`` while the node exists."""
    node._extra = Extras()
    _count(1)
    weakref.finalize(node, _count, -1)
    return node._extra


def construct(node: engine.Value, children: Any, op: Any, label: Any) -> None:
    """``Value(data, _children, _op, label)``: micrograd's constructor, checked. A node given
    parents this way is a lecture node: its derivative is its ``_backward`` closure (or, if
    it has none, the table rule of its op)."""
    label, parents = checks.label_and_children(label, children)
    node._label = label
    if parents and modes.is_grad_enabled():  # under no_grad() it is a leaf, as any op's result
        node._a, node._b = checks.pack(parents)
        node._op = checks.op_name(op)
        attach(node)
    elif not parents:
        node._op = checks.op_name(op)


def _extras(node: engine.Value) -> Extras:
    return node._extra if node._extra is not None else attach(node)


def in_graph(root: engine.Value) -> bool:
    """Whether any node of root's graph has extras (only asked while some exist)."""
    return live > 0 and any(n._extra is not None for n in engine.topological_order(root))


# -- micrograd's node._backward ---------------------------------------------------------------
def closure(node: engine.Value) -> Callable[[], None]:
    """``node._backward``: the node's own closure if it was given one, else one built now
    from the op table that applies the node's rule once (nothing for a leaf)."""
    extra = node._extra
    if extra is not None and extra.closure is not None:
        return extra.closure
    return functools.partial(_apply_rule_once, node)


def _apply_rule_once(node: engine.Value) -> None:
    """micrograd's ``_backward()``: add ``node.grad`` x local derivative into each parent's
    ``.grad``. Step a lecture's backward pass by hand with it, node by node."""
    if node._a is None:
        return
    for parent, gp in zip(node.parents, engine.rule_grads(_rule(node), node, node.grad)):
        parent.grad += gp


def set_closure(node: engine.Value, fn: Any) -> None:
    if not callable(fn):
        raise TypeError(f"_backward must be a function, got {type(fn).__name__} ({fn!r})")
    _extras(node).closure = fn


def _rule(node: engine.Value) -> Any:
    """The table op of a node, checked: a lecture node's ``_op`` may name none."""
    op = OPS.get(node.op)
    if op is None or (op.arity != -1 and op.arity != len(node.parents)):
        raise RuntimeError(
            f"the node {node!r} (op {node.op!r}, {len(node.parents)} parent(s)) has no "
            "derivative rule: give it one the lecture's way (out._backward = a function "
            "that adds out.grad x the local derivative to each parent's grad), or register "
            "the op with autograd.defop(...)"
        )
    return op


def local_grads(node: engine.Value, g: Any) -> tuple[Any, ...]:
    """What a node with extras passes to its parents: its own closure's contributions, run
    on scratch gradients and then undone, or else its table rule."""
    extra = node._extra
    if extra is None or extra.closure is None:
        return engine.rule_grads(_rule(node), node, g)
    if isinstance(g, engine.Value):
        raise RuntimeError(
            f"create_graph=True cannot pass through the node {node!r} (op {node.op!r}): its "
            "derivative is a Python closure computing with floats, so its own derivative is "
            "unknown. Register the op with autograd.defop(...) for higher derivatives."
        )
    parents = node.parents
    distinct = list(dict.fromkeys(parents))  # x * x: one grad to read, for two uses
    saved = node.grad, [p.grad for p in distinct]
    try:
        node.grad = g
        for p in distinct:
            p.grad = 0.0
        extra.closure()
        totals = {p: p.grad for p in distinct}
    finally:
        node.grad = saved[0]
        for p, old in zip(distinct, saved[1]):
            p.grad = old
    first = {p: i for i, p in reversed(list(enumerate(parents)))}
    return tuple(totals[p] if first[p] == i else 0.0 for i, p in enumerate(parents))


# -- hooks -----------------------------------------------------------------------------------------
class HookHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook off again."""

    def __init__(self, hooks: list[Callable[[Any], Any]], hook: Callable[[Any], Any]) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def add_hook(node: engine.Value, hook: Any) -> HookHandle:
    if not callable(hook):
        raise TypeError(f"register_hook: hook must be a function, got {checks.shown(hook)}")
    hooks = _extras(node).hooks
    hooks.append(hook)
    return HookHandle(hooks, hook)


def run_hooks(node: engine.Value, g: Any) -> Any:
    """``g`` through the node's hooks, in the order they were registered."""
    for hook in list(node._extra.hooks if node._extra else ()):
        replaced = hook(g)
        if replaced is not None:
            if isinstance(replaced, engine.Value):
                g = replaced if isinstance(g, engine.Value) else replaced.data
            else:
                g = checks.to_float(replaced, f"a hook of {node!r} returned")
    return g


def hook_leaves(grads: dict[engine.Value, Any]) -> None:
    """Pass each leaf's total gradient through its hooks (non-leaves had theirs in the pass)."""
    if live == 0:
        return
    for n, g in grads.items():
        if n._a is None and n._extra is not None and n._extra.hooks:
            grads[n] = run_hooks(n, g)
