"""The reference pass around :func:`autograd.engine.chain_rule`: ``grad`` (gradients
returned as values, as ``torch.autograd.grad`` returns them) and ``backward``'s general case.

Both run :func:`gradients`: the chain rule into a dictionary of its own, with anomaly
checks and hooks. ``grad`` reads and writes no ``.grad``, so threads may take gradients of
graphs that share parameters at the same time; ``backward`` writes ``.grad`` only once
every gradient is known, so a pass that fails changes nothing. This module imports the
engine and its helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import checks, extras, modes
from autograd.engine import Value, chain_rule, constant, topological_order
from autograd.interrupts import deferred_interrupts

__all__ = ["backward", "grad", "gradients"]


def gradients(
    roots: list[Value], seeds: list[Any], create_graph: bool
) -> tuple[list[Value], dict[Value, Any]]:
    """Every gradient of ``sum(seed * root)``: the topological order and a dict node -> grad.

    Under ``detect_anomaly()`` a stale graph or a non-finite gradient raises; hooks
    (``register_hook``) see and may replace each gradient; with ``create_graph`` the rules'
    arithmetic is recorded, whatever the grad mode.
    """
    order = topological_order_of(roots)
    grads: dict[Value, Any] = {}
    for root, seed in zip(roots, seeds):
        grads[root] = seed if root not in grads else grads[root] + seed
    check = modes.anomaly_check(order)  # None unless detect_anomaly() is on
    with modes.recording(create_graph):
        for node, passed in chain_rule(order, grads):
            if check:
                check(node, passed)
        extras.hook_leaves(grads)
    return order, grads


def backward(root: Value, seed: Any, create_graph: bool, inputs: Any) -> None:
    """``root.backward()`` by the reference pass: every gradient first, then ``.grad``."""
    order, grads = gradients([root], [seed], create_graph)
    targets = order if inputs is None else checks.inputs(inputs, "backward: inputs")
    with deferred_interrupts():  # all of .grad changes, or none
        for node in targets:
            if node._a is not None and inputs is None:  # intermediate: this pass's gradient
                node.grad = grads.get(node, 0.0)
            elif node in grads:  # a leaf (or a node asked for by inputs=): add this pass's
                old = node.grad
                node.grad = grads[node] if type(old) is float and old == 0 else old + grads[node]


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to each of ``inputs``, as a tuple.

    PyTorch's signature and meaning: ``grad_outputs`` weights each output (default 1);
    an input the outputs do not depend on is an error, unless ``allow_unused=True`` (its
    gradient is then None) or ``materialize_grads=True`` (then 0). With
    ``create_graph=True`` the gradients are Values that can be differentiated again,
    which gives second and higher derivatives:

    >>> x = Value(2.0)
    >>> (dy,) = grad(x**3, x, create_graph=True)   # 3x^2
    >>> (d2y,) = grad(dy, x)                       # 6x
    >>> dy.data, d2y
    (12.0, 12.0)

    ``retain_graph`` is accepted and changes nothing: no pass frees a graph.
    """
    roots = checks.inputs(outputs, "grad: outputs")
    xs = checks.inputs(inputs, "grad: inputs")
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and not allow_unused:
        raise ValueError("grad: allow_unused=False contradicts materialize_grads=True")
    _, grads = gradients(roots, _seeds(grad_outputs, len(roots), create_graph), create_graph)
    return tuple(
        _result(grads, x, i, allow_unused, materialize_grads, create_graph)
        for i, x in enumerate(xs)
    )


def topological_order_of(roots: list[Value]) -> list[Value]:
    """One topological order for several outputs (each node once)."""
    order: list[Value] = []
    seen: set[Value] = set()
    for root in roots:
        for node in topological_order(root):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def _seeds(grad_outputs: Any, n: int, create_graph: bool) -> list[Any]:
    if grad_outputs is None or isinstance(grad_outputs, (Value, int, float)):
        grad_outputs = [grad_outputs] * n
    seeds = list(grad_outputs)
    if len(seeds) != n:
        raise ValueError(f"grad: {len(seeds)} grad_outputs for {n} outputs")
    return [checks.seed(g, create_graph) for g in seeds]


def _result(
    grads: dict[Value, Any], x: Value, i: int, allow_unused: bool, materialize: bool, graph: bool
) -> Any:
    if x not in grads:
        if not allow_unused:
            raise RuntimeError(
                f"grad: inputs[{i}] ({x!r}) was not used to compute the outputs; pass "
                "allow_unused=True to get None for it, or materialize_grads=True to get 0"
            )
        if not materialize:
            return None
        return constant(0.0) if graph else 0.0
    g = grads[x]
    if graph and not isinstance(g, Value):  # a rule gave a plain number (a zero): still a Value
        return constant(float(g))
    return g
