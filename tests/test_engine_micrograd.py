"""micrograd compatibility: code written for micrograd runs with only its import changed.

The snippets below are written the way micrograd's README, its tests and the lecture
notebook use ``Value``. Each runs twice with only the import line changed: once on
chainrule's ``Value`` and once on :class:`Symbolic`, a stand-in whose arithmetic builds
sympy expressions, whose derivatives are the independent reference.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import sympy

MICROGRAD_IMPORT = "from micrograd.engine import Value"

README = """
from micrograd.engine import Value

a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
g.backward()
inputs, output = [a, b], g
"""

SANITY_CHECK = """
from micrograd.engine import Value

x = Value(-4.0)
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
inputs, output = [x], y
"""

# the lecture's neuron, two ways: tanh as a primitive and built from exp
LECTURE_LEAVES = """
from micrograd.engine import Value

x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
"""

LECTURE_NEURON = (
    LECTURE_LEAVES
    + """
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
o.backward()
inputs, output = [x1, x2, w1, w2, b], o
"""
)

LECTURE_NEURON_EXP = (
    LECTURE_LEAVES
    + """
n = x1*w1 + x2*w2 + b; n.label = 'n'
e = (2*n).exp()
o = (e - 1) / (e + 1)
o.backward()
inputs, output = [x1, x2, w1, w2, b], o
"""
)

SNIPPETS = {
    "readme": README,
    "sanity_check": SANITY_CHECK,
    "lecture_neuron": LECTURE_NEURON,
    "lecture_neuron_exp": LECTURE_NEURON_EXP,
}


class Symbolic:
    """micrograd's Value surface on sympy expressions: each leaf is a symbol."""

    count = 0

    def __init__(self, data: Any, label: str = "", expr: Any = None) -> None:
        if expr is None:
            Symbolic.count += 1
            expr = sympy.Symbol(f"s{Symbolic.count}", real=True)
            self.point = {expr: sympy.Float(data, 30)}
        else:
            self.point = data  # the point the whole expression is evaluated at
        self.expr, self.label = expr, label

    def _lift(self, other: Any) -> Any:
        return other.expr if isinstance(other, Symbolic) else sympy.nsimplify(other)

    def _new(self, expr: Any, other: Any = None) -> Symbolic:
        point = {**self.point, **(other.point if isinstance(other, Symbolic) else {})}
        return Symbolic(point, expr=expr)

    def __add__(self, o: Any) -> Symbolic:
        return self._new(self.expr + self._lift(o), o)

    def __mul__(self, o: Any) -> Symbolic:
        return self._new(self.expr * self._lift(o), o)

    def __pow__(self, o: Any) -> Symbolic:
        return self._new(self.expr ** self._lift(o), o)

    def __neg__(self) -> Symbolic:
        return self._new(-self.expr)

    def __sub__(self, o: Any) -> Symbolic:
        return self._new(self.expr - self._lift(o), o)

    def __truediv__(self, o: Any) -> Symbolic:
        return self._new(self.expr / self._lift(o), o)

    def __radd__(self, o: Any) -> Symbolic:
        return self._new(self._lift(o) + self.expr)

    def __rmul__(self, o: Any) -> Symbolic:
        return self._new(self._lift(o) * self.expr)

    def __rsub__(self, o: Any) -> Symbolic:
        return self._new(self._lift(o) - self.expr)

    def __rtruediv__(self, o: Any) -> Symbolic:
        return self._new(self._lift(o) / self.expr)

    def relu(self) -> Symbolic:
        return self._new(sympy.Piecewise((self.expr, self.expr > 0), (0, True)))

    def tanh(self) -> Symbolic:
        return self._new(sympy.tanh(self.expr))

    def exp(self) -> Symbolic:
        return self._new(sympy.exp(self.expr))

    def backward(self) -> None:
        pass  # derivatives are taken symbolically below

    def value(self, expr: Any) -> float:
        return float(expr.evalf(30, subs=self.point))


def run(snippet: str, value_class: type) -> dict[str, Any]:
    """Run micrograd code with its import replaced by `value_class`."""
    assert MICROGRAD_IMPORT in snippet
    namespace: dict[str, Any] = {"Value": value_class}
    exec(snippet.replace(MICROGRAD_IMPORT, ""), namespace)
    return namespace


def run_with_chainrule(snippet: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(snippet.replace(MICROGRAD_IMPORT, "from autograd import Value"), namespace)
    return namespace


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_micrograd_code_runs_and_matches_sympy(name: str) -> None:
    ours = run_with_chainrule(SNIPPETS[name])
    reference = run(SNIPPETS[name], Symbolic)
    output: Symbolic = reference["output"]
    assert math.isclose(ours["output"].data, output.value(output.expr), rel_tol=1e-12)
    for leaf, symbol in zip(ours["inputs"], reference["inputs"]):
        expected = output.value(sympy.diff(output.expr, symbol.expr))
        assert math.isclose(leaf.grad, expected, rel_tol=1e-12, abs_tol=1e-12), leaf


def test_readme_numbers() -> None:
    """The figures micrograd's README prints for its example."""
    ns = run_with_chainrule(README)
    a, b, g = ns["a"], ns["b"], ns["g"]
    assert (f"{g.data:.4f}", f"{a.grad:.4f}", f"{b.grad:.4f}") == (
        "24.7041",
        "138.8338",
        "645.5773",
    )


def test_lecture_neuron_numbers() -> None:
    """The lecture's neuron: o = 0.7071, and the two forms of tanh agree."""
    tanh = run_with_chainrule(LECTURE_NEURON)
    exp = run_with_chainrule(LECTURE_NEURON_EXP)
    assert f"{tanh['o'].data:.4f}" == "0.7071"
    for x, y in zip(tanh["inputs"], exp["inputs"]):
        assert math.isclose(x.grad, y.grad, rel_tol=1e-9, abs_tol=1e-12)
    assert [f"{v.grad:.4f}" for v in tanh["inputs"]] == [
        "-1.5000",
        "0.5000",
        "1.0000",
        "0.0000",
        "0.5000",
    ]


def trace(root: Any) -> tuple[set[Any], set[tuple[Any, Any]]]:
    """What the lecture's drawing code does with a graph: walk `_prev`, read `_op`."""
    nodes, edges = set(), set()
    todo = [root]
    while todo:
        v = todo.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                todo.append(child)
    return nodes, edges


def test_lecture_graph_attributes() -> None:
    ns = run_with_chainrule(LECTURE_NEURON)
    o, n, b = ns["o"], ns["n"], ns["b"]
    nodes, edges = trace(o)
    assert len(nodes) == 10 and len(edges) == 9
    assert {v.label for v in nodes} >= {"x1", "w1", "x1*w1", "n", "o"}
    assert o._op == "tanh" and n._op == "+" and b._op == ""
    assert tuple(o._prev) == (n,) and set(n._prev) == {ns["x1w1x2w2"], b}
    for v in nodes:
        assert isinstance(v._op, str) and isinstance(v.data, float) and isinstance(v.grad, float)
        f"{v.label} | data {v.data:.4f} | grad {v.grad:.4f}"  # the lecture's node label


def test_micrograd_idioms() -> None:
    from autograd import Value

    a = Value(2.0)
    b = a**2  # micrograd's int/float exponent
    c = a**0.5
    a += 1  # a new node, as in micrograd
    assert (b.data, round(c.data, 6), a.data) == (4.0, 1.414214, 3.0)
    zero_grad_target = Value(1.0)
    (zero_grad_target * 3).backward()
    zero_grad_target.grad = 0  # micrograd's zero_grad assigns an int
    (zero_grad_target * 3).backward()
    assert zero_grad_target.grad == 3.0
    assert sum([Value(1.0), Value(2.0)]).data == 3.0  # sum() starts from the int 0
