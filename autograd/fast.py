"""The fast path: a first-order backward pass specialised for speed, and the fused ``dot``.

Nothing here changes what is computed. :func:`backward` gives the same gradients as the
reference pass :func:`autograd.engine.chain_rule` (the tests compare them on random
graphs), in the same order of additions. What it saves, measured on micrograd's demo
step (see the README's Performance section):

* it walks only the nodes that have parents (a leaf is never pushed: each weight would be
  pushed once per sample), resetting each one's gradient while it holds it;
* it reads the two parent slots directly instead of building ``parents`` tuples, and adds
  straight into ``.grad`` instead of a dictionary;
* ``dot(w, x, b)`` is a neuron's whole weighted sum as one node, with a rule that adds into
  the gradients directly (:func:`_dot_accumulate`): 65 op nodes per forward pass of
  ``MLP(2, [16, 16, 1])`` instead of 640.

It applies only to the common case: a float seed, no ``detect_anomaly()`` in this thread,
and no node with a closure or hooks of its own in the graph (then the reference pass runs).
A float rule never
raises (see :mod:`autograd.rules`), so the pass cannot stop half-way except by Ctrl-C, which
is held back until it ends: the gradients are all updated or none.

This module imports the engine, its modes and extras, and the op table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd import engine, extras, modes
from autograd.engine import Value, constant, new_node
from autograd.interrupts import deferred_interrupts
from autograd.rules import OPS

__all__ = ["backward", "dot"]


def applies(root: Value, seed: Any) -> bool:
    """Whether the fast pass gives what the reference pass would."""
    return (
        type(seed) is float
        and (engine.modes_in_use == 0 or not modes.is_anomaly_enabled())
        and not extras.in_graph(root)
    )


def backward(root: Value, seed: float) -> None:
    """``root.backward()`` the fast way (see the module)."""
    with deferred_interrupts():
        order = _walk(root)  # also resets the intermediate nodes' grads to 0.0
        root.grad += seed
        _backpropagate(order)


def _walk(root: Value) -> list[Value]:
    """The nodes with parents reachable from ``root``, each after its parents, in the order
    of :func:`autograd.engine.topological_order` (leaves left out), grads reset on the way."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root] if root._a is not None else []
    while stack:
        node = stack.pop()
        if node is None:  # all parents of the node below are done
            order.append(stack.pop())  # type: ignore[arg-type]
            continue
        if node in visited:
            continue
        visited.add(node)
        node.grad = 0.0
        stack.append(node)
        stack.append(None)
        a, b = node._a, node._b
        if b is not None:  # binary: push b first, so a (the first parent) comes first
            if b._a is not None:
                stack.append(b)
            if a._a is not None:
                stack.append(a)
        elif type(a) is tuple:  # n-ary (dot)
            stack.extend([p for p in reversed(a) if p._a is not None])
        elif a._a is not None:  # unary
            stack.append(a)
    return order


def _backpropagate(order: list[Value]) -> None:
    """The chain rule over ``order``, adding straight into each parent's ``.grad``."""
    ops = OPS
    for node in reversed(order):
        a, b = node._a, node._b
        if b is not None:  # binary: + * ** pow leaky_relu
            ga, gb = ops[node._op].backward(node.grad, node.data, a.data, b.data)
            a.grad += ga
            b.grad += gb
        elif type(a) is not tuple:  # unary
            (ga,) = ops[node._op].backward(node.grad, node.data, a.data)
            a.grad += ga
        elif node._op == "dot":
            _dot_accumulate(node.grad, a)
        else:  # another n-ary op
            grads = ops[node._op].backward(node.grad, node.data, *[p.data for p in a])
            for parent, gp in zip(a, grads):
                parent.grad += gp


def _dot_accumulate(g: float, parents: tuple[Value, ...]) -> None:
    """dot's rule (``rules._dot``) adding into the grads instead of returning 2n + 1 of them.

    One loop over the (weight, input) pairs: a second loop, to add in the rule's order
    (all weights, then all inputs), cost 6% of the fused training step (callgrind). The
    order matters only when one Value is several operands of one dot (``dot([a], [a])``):
    then its sum may round differently in the last bit from the reference pass's.
    """
    n = (len(parents) - 1) // 2
    weights, inputs = parents[:n], parents[n : 2 * n]
    for w, x in zip(weights, inputs):
        w.grad += g * x.data
        x.grad += g * w.data
    parents[-1].grad += g


def dot(weights: Iterable[Value], inputs: Iterable[Any], bias: Any = 0.0) -> Value:
    """bias + sum_i weights[i] * inputs[i] as one node: a neuron's weighted sum, fused.

    The same number as the unfused expression, with far fewer nodes to build and walk.

    >>> w, b = [Value(2.0), Value(-1.0)], Value(0.5)
    >>> out = dot(w, [3.0, 4.0], b)
    >>> out.backward()
    >>> out.data, [wi.grad for wi in w], b.grad
    (2.5, [3.0, 4.0], 1.0)
    """
    ws = tuple(weights)
    if not isinstance(bias, Value):  # the default 0.0 would send every call the slow way
        bias = engine.operand(bias, "dot")
    parents: tuple[Any, ...] = (*ws, *inputs, bias)
    if len(parents) != 2 * len(ws) + 1:
        raise ValueError(f"dot: {len(ws)} weights but {len(parents) - 1 - len(ws)} inputs")
    forward = OPS["dot"].forward
    try:  # the common case, all Values, without a type check per operand
        data = forward(*[p.data for p in parents])
    except (AttributeError, TypeError):
        data = None
    if type(data) is not float:  # numbers become Constants; anything else is refused by name
        parents = tuple(  # floats first: a layer's plain-float inputs come through here
            [constant(p) if type(p) is float else engine.operand(p, "dot") for p in parents]
        )
        data = float(forward(*[p.data for p in parents]))
    return new_node(data, parents, None, "dot")
