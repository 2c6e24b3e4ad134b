"""The core a lecture projects: a scalar ``Value``, the graph it records, the chain rule.

A Value holds a float (``data``), the gradient a backward pass gave it (``grad``), its
parents (``parents``, in order: ``x * x`` has x twice) and the name of the op that made
it (``op``). The op's derivative rule lives in the op table (:mod:`autograd.rules`), not
in the node, so a node holds no closure, never refers to itself, and a dropped graph is
freed by reference counting alone. ``backward()`` orders the graph (an explicit stack, no
recursion limit) and applies each node's rule in reverse order: :func:`chain_rule`.

What is not on the slide lives in its own module: ``conveniences`` (printing, comparing,
converting a Value), ``checks`` (numbers into Constants, clear errors), ``modes``
(``no_grad`` and friends, per thread), ``extras`` (micrograd's ``_backward`` closures,
gradient hooks), ``fast`` (the specialised backward loop and the fused ``dot``, tested
equal to :func:`chain_rule`), ``functional`` (``grad`` and backward's reference pass
around :func:`chain_rule`). This module imports only those and the op table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from autograd import checks
from autograd.conveniences import ValueConveniences
from autograd.rules import OPS, Op, Scalar

__all__ = [
    "Constant",
    "Value",
    "apply",
    "chain_rule",
    "local_grads",
    "new_node",
    "topological_order",
]


class Value(ValueConveniences):
    """A scalar node of a computation graph (printing, comparing, hooks: see conveniences).

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> y.data, x.grad
    (15.0, 8.0)
    """

    # Parents live in two slots, not a tuple, to keep a node one object (see checks.pack).
    __slots__ = ("__weakref__", "_a", "_b", "_extra", "_op", "data", "grad")
    __array_ufunc__ = None  # numpy scalars on the left (np.float64(2) * x) use our ops
    _a: Any  # the parents (see checks.pack)
    _b: Value | None
    _op: str

    def __init__(self, data: Any, _children: Iterable[Value] = (), _op: str = "", label: str = ""):
        self.data = checks.to_float(data, "Value")
        self.grad = 0.0
        self._a = self._b = self._extra = None
        self._op = self._label = ""
        if _children or _op or label:  # micrograd's Value(data, (a, b), "+"), or a label
            extras.construct(self, _children, _op, label)

    @property
    def op(self) -> str:
        """The op that made this node ("" for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands, in order, duplicates kept (``x * x`` has two)."""
        return checks.unpack(self._a, self._b)

    _prev = parents  # micrograd's name (its drawing code reads it)

    def __add__(self, other: Any) -> Value:
        other = other if type(other) is Value else operand(other, "+")
        return new_node(self.data + other.data, self, other, "+")

    def __mul__(self, other: Any) -> Value:
        other = other if type(other) is Value else operand(other, "*")
        return new_node(self.data * other.data, self, other, "*")

    def __pow__(self, other: Any) -> Value:  # x ** 2: a constant exponent; x ** y: both vary
        return apply("pow" if isinstance(other, Value) else "**", self, operand(other, "**"))

    def __rpow__(self, other: Any) -> Value:  # 2 ** x
        return apply("pow", operand(other, "**"), self)

    def __neg__(self) -> Value:
        return apply("neg", self)

    __radd__ = __add__  # 2 + x is x + 2 (as in micrograd)
    __rmul__ = __mul__

    def __sub__(self, other: Any) -> Value:  # x - 1 is x + (-1): a constant needs no neg node
        return self + (-other if isinstance(other, Value) else constant(-operand(other, "-").data))

    def __rsub__(self, other: Any) -> Value:
        return operand(other, "-") + (-self)

    def __truediv__(self, other: Any) -> Value:
        divisor = operand(other, "/")
        checks.nonzero_divisor(self, divisor.data)
        return self * divisor**-1

    def __rtruediv__(self, other: Any) -> Value:
        numerator = operand(other, "/")
        checks.nonzero_divisor(numerator, self.data)
        return numerator * self**-1

    def __abs__(self) -> Value:
        return apply("abs", self)

    def exp(self) -> Value:
        return apply("exp", self)

    def log(self) -> Value:
        return apply("log", self)

    def sqrt(self) -> Value:
        return apply("sqrt", self)

    def tanh(self) -> Value:
        return apply("tanh", self)

    def sigmoid(self) -> Value:
        return apply("sigmoid", self)

    def relu(self) -> Value:
        return apply("relu", self)

    def leaky_relu(self, slope: Any = 0.01) -> Value:
        return apply("leaky_relu", self, operand(slope, "leaky_relu"))

    def sin(self) -> Value:
        return apply("sin", self)

    def cos(self) -> Value:
        return apply("cos", self)

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Iterable[Value] | None = None,
    ) -> None:
        """Add d(self)/d(leaf) * gradient (default 1) to the ``.grad`` of every leaf.

        Every intermediate node's ``.grad`` becomes this pass's gradient (none carries a
        stale one into the pass), so calling ``backward()`` twice adds exactly twice the
        leaf gradients. With ``inputs``, only those nodes' ``.grad`` change (PyTorch).
        With ``create_graph=True`` the gradients are Values, differentiable again; a leaf
        then holds the graph of its own gradient, a reference cycle until ``.grad`` is
        reset, as in PyTorch (``autograd.grad`` makes none). ``retain_graph`` is accepted
        for PyTorch's sake: no pass frees a graph, so it can always be run again. The pass
        completes or changes nothing. The rules read the inputs' current ``.data``: change
        one after the forward pass and the gradient belongs to no point (micrograd does
        the same); ``detect_anomaly()`` refuses such a graph.
        """
        seed = checks.seed(gradient, create_graph)
        if inputs is None and fast.applies(self, seed):
            fast.backward(self, seed)  # the common case, specialised for speed
        else:
            functional.backward(self, seed, create_graph, inputs)  # by chain_rule


class Constant(Value):
    """A leaf made from a plain number in an expression (the 2 in ``x * 2``)."""

    __slots__ = ()


# -- making nodes ------------------------------------------------------------------------
_new = object.__new__
modes_in_use = 0  # threads not in the default grad modes (no_grad, ...): see autograd.modes


def new_node(data: float, a: Any, b: Value | None, op: str) -> Value:
    """The Value an op returns: its data, its parents (two slots) and the op's name."""
    out: Value = _new(Value)
    out.data, out.grad, out._op = data, 0.0, op
    out._a, out._b = a, b
    out._label, out._extra = "", None
    return modes.adjust(out) if modes_in_use else out  # no_grad(): a leaf; anomaly: checks


def apply(op: str, a: Value, b: Value | None = None) -> Value:
    """Apply a table op to one or two Values; a domain error names the op and the values."""
    forward = OPS[op].forward
    try:
        data = forward(a.data) if b is None else forward(a.data, b.data)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise checks.forward_error(op, (a,) if b is None else (a, b), error) from None
    return new_node(data, a, b, op)


def operand(x: Any, op: str) -> Value:
    """A Value as it is; a plain number as a Constant (the 2 in ``x * 2``)."""
    if isinstance(x, Value):
        return x
    return constant(x if type(x) is float else checks.number_operand(x, op))


def constant(x: float) -> Constant:
    c: Constant = _new(Constant)
    c.data, c.grad, c._label, c._op = x, 0.0, "", ""
    c._a = c._b = c._extra = None
    return c


# -- the graph walk and the chain rule -------------------------------------------------
def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, each after all of its parents (root last).

    An explicit stack instead of recursion, so a chain of millions of nodes is fine: a
    node goes back on the stack with a marker (True) under its parents, and comes off
    again, to be emitted, once they all have been.
    """
    checks.value(root, "topological_order", "root")
    order: list[Value] = []
    seen: set[Value] = set()
    stack = [(root, False)]
    while stack:
        n, parents_done = stack.pop()
        if parents_done:
            order.append(n)
        elif n not in seen:
            seen.add(n)
            stack.append((n, True))
            stack.extend((p, False) for p in reversed(n.parents))
    return order


def local_grads(node: Value, g: Scalar) -> tuple[Scalar, ...]:
    """What ``node``'s rule passes to each parent when its gradient is ``g``: ``g`` times
    d(node)/d(parent) (floats; or Values for a Value ``g``, to differentiate again).

    >>> x = Value(3.0)
    >>> local_grads(x * x, 1.0)   # through each of the two uses of x
    (3.0, 3.0)
    """
    if node._extra is not None:  # maybe a node with a closure of its own, the lecture's way
        return extras.local_grads(node, g)
    return rule_grads(OPS[node._op], node, g)


def rule_grads(op: Op, node: Value, g: Scalar) -> tuple[Scalar, ...]:
    if isinstance(g, Value):  # a gradient graph: the rule records Values
        return op.backward(g, node, *node.parents)
    return op.backward(g, node.data, *[p.data for p in node.parents])


def chain_rule(
    order: list[Value], grads: dict[Value, Any]
) -> Iterator[tuple[Value, tuple[Any, ...]]]:
    """The backward pass, one node at a time: the reference every other pass equals.

    ``order`` is a topological order; ``grads`` maps nodes to their gradient so far and
    starts with the seed (``{root: 1.0}``). Walking ``order`` backwards, a node's gradient
    is complete when it is reached (every node that uses it came later), so its rule can
    pass gradient x local derivative to each parent, where the contributions of several
    uses add up. Yields ``(node, what it passed on)`` after each node; no ``.grad`` is
    read or written.
    """
    for n in reversed(order):
        if n._a is None or n not in grads:  # a leaf, or a node that leads nowhere
            continue
        if n._extra is not None:  # hooks may replace the gradient (register_hook)
            grads[n] = extras.run_hooks(n, grads[n])
        passed = local_grads(n, grads[n])
        for parent, gp in zip(n.parents, passed):
            grads[parent] = gp if parent not in grads else grads[parent] + gp
        yield n, passed


from autograd import extras, fast, functional, modes  # noqa: E402  (they use Value)
