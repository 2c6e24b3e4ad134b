"""The scalar ``Value`` node and the reverse-mode pass over its graph.

A Value holds a float (``data``), the gradient the last backward pass gave it (``grad``),
its parents (``parents``, an ordered tuple: ``x * x`` has x twice) and the name of the op
that made it (``_op``). The derivative rule of that op lives in the op table
(:mod:`autograd.rules`), not in the node: a node holds no closure, so it never refers
to itself and a dropped graph is freed by reference counting alone.

The graph is only ever walked with an explicit stack (:func:`topological_order`), so
depth is limited by memory, not by Python's recursion limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from numbers import Real
from typing import Any, SupportsFloat, Union

from autograd.rules import OPS

__all__ = ["Constant", "Value", "chain_rule", "dot", "local_grads", "topological_order"]

Operand = Union["Value", float]  # int is accepted wherever float is


class Value:
    """A scalar node of a computation graph.

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> y.data, x.grad
    (15.0, 8.0)
    """

    # The parents live in two slots, not a tuple: one object per node instead of two, which
    # saves memory and halves the objects the cyclic garbage collector has to scan.
    #   leaf: _a = _b = None;  unary op: _a = parent;  binary op: _a, _b = parents;
    #   n-ary op (dot): _a = the tuple of parents, _b = None.
    __slots__ = ("_a", "_b", "_op", "data", "grad", "label")
    # numpy scalars on the left (np.float64(2) * Value(3)) defer to our reflected ops
    # instead of building a numpy object array.
    __array_ufunc__ = None

    data: float
    grad: Any  # a float; a Value after backward(create_graph=True)
    label: str
    _a: Any  # None, a Value, or a tuple of Values (see above)
    _b: Value | None
    _op: str

    def __init__(self, data: SupportsFloat, label: str = "") -> None:
        self.data = _to_float(data, "Value")
        self.grad = 0.0
        self.label = str(label)
        self._a = self._b = None
        self._op = ""

    # -- read-only views of the graph --------------------------------------------------
    @property
    def op(self) -> str:
        """The op that produced this node ("" for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands, in order, duplicates kept (``x * x`` has two)."""
        a, b = self._a, self._b
        if b is not None:
            return (a, b)
        if a is None:
            return ()
        return a if type(a) is tuple else (a,)

    @property
    def _prev(self) -> tuple[Value, ...]:
        """micrograd's name for the parents (its drawing code reads it)."""
        return self.parents

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"{type(self).__name__}(data={self.data}, grad={self.grad}{label})"

    def __float__(self) -> float:
        return float(self.data)

    def item(self) -> float:
        """The data, as a float (as ``torch.Tensor.item``)."""
        return float(self.data)

    def detach(self) -> Value:
        """A new leaf holding the same data, cut off from this graph."""
        return Value(self.data, label=self.label)

    # -- arithmetic: + and * are primitives, the rest are one-liners over them ----------
    def __add__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = _operand(other, "+")
        return _node(self.data + other.data, self, other, "+")

    def __mul__(self, other: Operand) -> Value:
        if type(other) is not Value:
            other = _operand(other, "*")
        return _node(self.data * other.data, self, other, "*")

    def __pow__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _apply("pow", self, other)  # both differentiable
        return _apply("**", self, _operand(other, "**"))

    def __rpow__(self, other: Operand) -> Value:
        return _apply("pow", _operand(other, "**"), self)

    def __neg__(self) -> Value:
        return _node(-self.data, self, None, "neg")

    def __radd__(self, other: Operand) -> Value:
        return _operand(other, "+") + self

    def __rmul__(self, other: Operand) -> Value:
        return _operand(other, "*") * self

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self + (-other)
        return self + constant(-_operand(other, "-").data)  # x - 1 is x + (-1): no neg node

    def __rsub__(self, other: Operand) -> Value:
        return _operand(other, "-") + (-self)

    def __truediv__(self, other: Operand) -> Value:
        other = _operand(other, "/")
        _check_divisor(self, other)
        return self * other**-1

    def __rtruediv__(self, other: Operand) -> Value:
        other = _operand(other, "/")
        _check_divisor(other, self)
        return other * self**-1

    def __abs__(self) -> Value:
        return _apply("abs", self)

    # -- elementary functions (derivatives in autograd.rules) ---------------------------
    def exp(self) -> Value:
        return _apply("exp", self)

    def log(self) -> Value:
        return _apply("log", self)

    def sqrt(self) -> Value:
        return _apply("sqrt", self)

    def tanh(self) -> Value:
        return _apply("tanh", self)

    def sigmoid(self) -> Value:
        return _apply("sigmoid", self)

    def relu(self) -> Value:
        return _apply("relu", self)

    def leaky_relu(self, slope: Operand = 0.01) -> Value:
        return _apply("leaky_relu", self, _operand(slope, "leaky_relu"))

    def sin(self) -> Value:
        return _apply("sin", self)

    def cos(self) -> Value:
        return _apply("cos", self)

    # -- comparisons look at the data; == and hash stay identity (Values go in sets) ----
    def __lt__(self, other: Operand) -> bool:
        return self.data < _compared(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _compared(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _compared(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _compared(other, ">=")

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    # -- backpropagation -----------------------------------------------------------------
    def backward(self, gradient: Operand = 1.0, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) * gradient into the ``.grad`` of every leaf.

        Intermediate nodes get this pass's gradient (never a stale one from an
        earlier pass), so calling ``backward()`` twice adds exactly twice the leaf
        gradients. The rules read the inputs' current ``.data`` (and, for exp, tanh,
        sigmoid and sqrt, the output recorded in the forward pass): change a ``.data``
        after the forward pass and the gradient belongs to no point, so run the forward
        pass again (``detect_anomaly()`` raises on such a stale graph).

        With ``create_graph=True`` the gradients are themselves Values, so they can
        be differentiated again (see also :func:`autograd.grad`). As in PyTorch, a leaf
        then holds the graph of its own gradient, which leads back to the leaf: a
        reference cycle until ``.grad`` is reset (``autograd.grad`` makes none).
        """
        order = _backward_order(self)  # also resets the intermediate nodes' grads to 0.0
        seed = _seed(gradient, create_graph)
        self.grad = _accumulate(self.grad, seed) if create_graph else self.grad + seed
        backpropagate(order, create_graph)


def dot(weights: Iterable[Value], inputs: Iterable[Operand], bias: Operand = 0.0) -> Value:
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
        bias = _operand(bias, "dot")
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
            [constant(p) if type(p) is float else _operand(p, "dot") for p in parents]
        )
        data = float(forward(*[p.data for p in parents]))
    return _node(data, parents, None, "dot")


class Constant(Value):
    """A leaf the engine made from a plain number in an expression (the 2 in ``x * 2``)."""

    __slots__ = ()


# -- building nodes --------------------------------------------------------------------
_new = object.__new__


def _record(data: float, a: Any, b: Value | None, op: str) -> Value:
    """The node an op returns: its data, its parents (``_a``, ``_b``) and the op's name."""
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._a = a
    out._b = b
    out._op = op
    return out


def _leaf(data: float, a: Any, b: Value | None, op: str) -> Value:
    """Under ``no_grad()``: the result as a leaf, keeping no graph."""
    return _record(data, None, None, "")


def _record_checked(data: float, a: Any, b: Value | None, op: str) -> Value:
    """Under ``detect_anomaly()``: refuse a NaN or inf the moment an op produces it."""
    node = _record(data, a, b, op)
    if not math.isfinite(data):
        raise FloatingPointError(
            f"{op} produced {data} in the forward pass from {_describe(node.parents)}"
        )
    return node


# The factory every op calls; no_grad() and detect_anomaly() swap it (see set_mode),
# so the normal path pays for no mode checks at all.
_node: Callable[[float, Any, Value | None, str], Value] = _record
_recording = True
_anomaly = False


def set_mode(recording: bool, anomaly: bool) -> tuple[bool, bool]:
    """Switch graph recording and anomaly checks; return the previous modes."""
    global _node, _recording, _anomaly
    previous = (_recording, _anomaly)
    _recording, _anomaly = recording, anomaly
    if not recording:
        _node = _leaf if not anomaly else _checked_leaf
    else:
        _node = _record_checked if anomaly else _record
    return previous


def _checked_leaf(data: float, a: Any, b: Value | None, op: str) -> Value:
    _record_checked(data, a, b, op)
    return _record(data, None, None, "")


def constant(x: float) -> Constant:
    c: Constant = _new(Constant)
    c.data = x
    c.grad = 0.0
    c.label = ""
    c._a = c._b = None
    c._op = ""
    return c


def _apply(op: str, a: Value, b: Value | None = None) -> Value:
    """Run op's forward function on the inputs' data; an error names the op and values."""
    forward = OPS[op].forward
    try:
        data = forward(a.data) if b is None else forward(a.data, b.data)
    except (ValueError, OverflowError, ZeroDivisionError) as error:
        message = str(error)
        if op not in message:  # math's own "math domain error" names neither
            args = [a.data] if b is None else [a.data, b.data]
            message = f"{op}({', '.join(map(repr, args))}): {message}"
        raise type(error)(message) from None
    return _node(data, a, b, op)  # every forward function returns a float


# -- checking operands -------------------------------------------------------------------
def _to_float(x: Any, where: str) -> float:
    """Accept int, float and numpy scalars; refuse bool, str, None, complex by name."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{where}: expected an int or float, got {type(x).__name__} ({x!r})")
    try:
        return float(x)
    except OverflowError:
        raise OverflowError(f"{where}: {x!r} is too large for a float") from None


def _operand(x: Any, op: str) -> Value:
    """A Value as it is; a plain number as a Constant node."""
    if isinstance(x, Value):
        return x
    if type(x) is float:
        return constant(x)
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(
            f"unsupported operand for {op}: Value and {type(x).__name__} ({x!r}); "
            "use a Value, int or float"
        )
    return constant(_to_float(x, op))


def _compared(x: Any, op: str) -> float:
    return x.data if isinstance(x, Value) else _operand(x, op).data


def _check_divisor(numerator: Value, divisor: Value) -> None:
    if divisor.data == 0:
        raise ZeroDivisionError(f"{numerator.data!r} / {divisor.data!r}: division by zero")


def _describe(nodes: Iterable[Value]) -> str:
    return "(" + ", ".join(repr(n.data) for n in nodes) + ")"


# -- the graph walk and the chain rule -------------------------------------------------
def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, each after all of its parents (root last)."""
    return _walk(root, leaves=True, reset_grads=False)


def _backward_order(root: Value) -> list[Value]:
    """What a backward pass processes: root and its ancestors except the leaves (a leaf
    only receives gradient), with each one's ``grad`` reset to 0.0 on the way."""
    return _walk(root, leaves=False, reset_grads=True)


def _walk(root: Value, leaves: bool, reset_grads: bool) -> list[Value]:
    """The one graph walk: the nodes reachable from ``root``, each after its parents.

    An explicit stack replaces recursion, so a chain of millions of nodes is fine.
    A node is pushed, then a ``None`` marker, then its parents: when the marker comes
    back off the stack, all the parents have been emitted and the node can follow.
    Without ``leaves`` a leaf is never pushed; ``reset_grads`` zeroes each non-leaf's
    gradient while the walk holds it (a second pass over a graph bigger than the CPU
    cache would cost a cache miss per node).
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root] if leaves or root._a is not None else []
    while stack:
        node = stack.pop()
        if node is None:  # all parents of the node below are done
            order.append(stack.pop())  # type: ignore[arg-type]
            continue
        if node in visited:
            continue
        visited.add(node)
        a, b = node._a, node._b
        if a is None:  # a leaf has no parents to wait for (only pushed with leaves=True)
            order.append(node)
            continue
        if reset_grads:
            node.grad = 0.0
        stack.append(node)
        stack.append(None)
        if b is not None:  # binary
            if leaves or b._a is not None:
                stack.append(b)
            if leaves or a._a is not None:
                stack.append(a)
        elif type(a) is tuple:  # n-ary: dot
            stack.extend(a if leaves else [p for p in a if p._a is not None])
        elif leaves or a._a is not None:  # unary
            stack.append(a)
    return order


def _seed(gradient: Operand, create_graph: bool) -> Any:
    """The gradient the pass starts from: a float, or a Value when building a graph."""
    if isinstance(gradient, Value):
        return gradient if create_graph else gradient.data
    seed = _to_float(gradient, "backward")
    return constant(seed) if create_graph else seed


def _accumulate(total: Any, g: Any) -> Any:
    """total + g, without a useless ``0.0 + g`` node when building a graph."""
    if type(total) is float and total == 0.0:
        return g
    return total + g


def backpropagate(order: list[Value], create_graph: bool = False) -> None:
    """Apply the chain rule from the last node of ``order`` back to the first.

    Each node's gradient is complete once every node that uses it has been
    processed, which the reversed topological order guarantees.
    """
    if create_graph:
        _backpropagate_graph(order)
        return
    ops = OPS
    check = _anomaly
    for node in reversed(order):
        a = node._a
        if a is None:  # a leaf
            continue
        rule = ops[node._op].backward
        if check:
            _check_stale(node)
        b = node._b
        if b is not None:  # binary: + * ** pow leaky_relu
            grads = rule(node.grad, node.data, a.data, b.data)
            a.grad += grads[0]
            b.grad += grads[1]
        elif type(a) is not tuple:  # unary
            grads = rule(node.grad, node.data, a.data)
            a.grad += grads[0]
        else:  # n-ary: dot
            accumulate = ops[node._op].accumulate
            if accumulate is not None and not check:
                accumulate(node.grad, a)
                continue
            grads = rule(node.grad, node.data, *[p.data for p in a])
            for parent, gp in zip(a, grads):
                parent.grad += gp
        if check:
            _check_gradients(node, grads)


def local_grads(node: Value, g: Any) -> tuple[Any, ...]:
    """What ``node``'s rule passes back to each parent when its gradient is ``g``:
    ``g`` times the local derivative d(node)/d(parent), one entry per parent (the chain rule).

    With a float ``g`` the rule computes with floats; with a Value ``g`` (a gradient graph,
    ``create_graph=True``) it records Values, so the result can be differentiated again.

    >>> x = Value(3.0)
    >>> local_grads(x * x, 1.0)   # d(x*x)/dx through each of the two uses of x
    (3.0, 3.0)
    """
    rule = OPS[node._op].backward
    if isinstance(g, Value):
        return rule(g, node, *node.parents)
    return rule(g, node.data, *[p.data for p in node.parents])


def chain_rule(
    order: list[Value], grads: dict[Value, Any]
) -> Iterator[tuple[Value, tuple[Any, ...]]]:
    """The backward pass, one node at a time: the reference that every other pass equals.

    ``order`` is a topological order (:func:`topological_order`); ``grads`` maps nodes to
    their gradients so far and starts with the seed (``{root: 1.0}``). Walking ``order``
    backwards, each node's gradient is complete when it is reached (every node that uses
    it came later in ``order``), so its rule can pass ``gradient x local derivative`` on to
    each parent, where contributions from several uses add up. After each node this
    yields ``(node, what it passed to each parent)``; ``grads`` is filled in as it goes.
    No ``.grad`` is read or written.
    """
    for node in reversed(order):
        if node._a is None:  # a leaf: nothing to pass on
            continue
        g = grads.get(node)
        if g is None:  # no path from this node to the seeded one
            continue
        passed = local_grads(node, g)
        for parent, gp in zip(node.parents, passed):
            grads[parent] = gp if parent not in grads else _accumulate(grads[parent], gp)
        yield node, passed


def _backpropagate_graph(order: list[Value]) -> None:
    """The same pass with Values for gradients: the rules record a differentiable graph."""
    recording = set_mode(True, _anomaly)
    try:
        for node in reversed(order):
            if node._a is not None:
                parents = node.parents
                grads = OPS[node._op].backward(node.grad, node, *parents)
                for parent, gp in zip(parents, grads):
                    parent.grad = _accumulate(parent.grad, gp)
    finally:
        set_mode(*recording)


def _check_stale(node: Value) -> None:
    """detect_anomaly: the node's data must still be its op applied to its parents."""
    fresh = OPS[node._op].forward(*[p.data for p in node.parents])
    if fresh != node.data and not (math.isnan(fresh) and math.isnan(node.data)):
        raise RuntimeError(
            f"{node._op}: its output was {node.data!r} in the forward pass but its inputs "
            f"{_describe(node.parents)} now give {fresh!r}; a .data was changed after the "
            "forward pass, so run the forward pass again before backward()"
        )


def _check_gradients(node: Value, grads: Iterable[Any]) -> None:
    for gp in grads:
        if not math.isfinite(gp):
            raise FloatingPointError(
                f"{node._op} produced gradient {gp} in the backward pass, inputs "
                f"{_describe(node.parents)}, output {node.data!r}, upstream gradient {node.grad!r}"
            )
