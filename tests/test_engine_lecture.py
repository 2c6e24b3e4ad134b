"""micrograd's lecture, unchanged: every node's ``_backward``, micrograd's constructor,
ops written the lecture's way, ``defop``, weak references, and no silent graph breaks.

The lecture ("The spelled-out intro to neural networks and backpropagation") steps the
backward pass by hand: ``o.grad = 1.0``, then ``o._backward()``, ``n._backward()``, ...
node by node in reverse topological order, and compares with ``backward()``. The reference
for these tests is micrograd 0.1.0 from PyPI (its own ``Value``) where it has the op, and
finite differences where it does not.
"""

from __future__ import annotations

import gc
import math
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from micrograd.engine import Value as MicrogradValue
from oracles import Program, guarded, programs

import autograd
from autograd import Value, defop, detect_anomaly, draw_dot, gradcheck, no_grad, topological_order
from autograd.rules import OPS, sigmoid


def lecture_neuron(V: Any) -> dict[str, Any]:
    """The lecture's neuron, ``o = tanh(x1 w1 + x2 w2 + b)``, built with the Value class V."""
    x1, x2 = V(2.0), V(0.0)
    w1, w2 = V(-3.0), V(1.0)
    b = V(6.8813735870195432)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n)


def by_hand(output: Any, order: list[Any]) -> None:
    """The lecture's manual backward pass: seed the output, then each node's _backward()."""
    output.grad = 1.0
    for node in reversed(order):
        node._backward()


def test_the_lecture_steps_backward_by_hand() -> None:
    """o.grad = 1.0; o._backward(); n._backward(); ...: the lecture's sequence, replayed,
    against backward() and against micrograd's own Value, gradient by gradient. (micrograd
    0.1.0 has no tanh: its neuron here ends in relu, and the tanh one is checked against
    the derivative 1 - tanh^2 the lecture derives.)"""
    ours, theirs = lecture_neuron(Value), lecture_neuron(MicrogradValue)
    for nodes in (ours, theirs):
        nodes["o"] = nodes["n"].relu()
    names = ["o", "n", "b", "x1w1x2w2", "x2w2", "x1w1", "x2", "w2", "x1", "w1"]
    for nodes in (ours, theirs):
        nodes["o"].grad = 1.0
        for name in names:  # the lecture's order, the output first
            nodes[name]._backward()
    assert {k: v.grad for k, v in ours.items()} == {k: v.grad for k, v in theirs.items()}
    by_backward = lecture_neuron(Value)
    by_backward["o"] = by_backward["n"].relu()
    by_backward["o"].backward()
    assert {k: v.grad for k, v in by_backward.items()} == {k: v.grad for k, v in ours.items()}

    nodes = lecture_neuron(Value)
    o = nodes["n"].tanh()
    by_hand(o, topological_order(o))
    assert o.data == pytest.approx(0.7071067811865476, abs=1e-15)
    assert nodes["n"].grad == pytest.approx(1 - o.data**2, rel=1e-15)  # 0.5, as in the lecture
    lecture = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
    assert {k: round(nodes[k].grad, 4) for k in lecture} == lecture


def test_a_leafs_backward_does_nothing() -> None:
    x = Value(3.0)
    x.grad = 2.0
    x._backward()
    assert x.grad == 2.0


def test_backward_applies_the_rule_once_each_time() -> None:
    """micrograd semantics: _backward() adds, so calling it twice adds twice."""
    x, y = Value(2.0), Value(5.0)
    z = x * y
    z.grad = 1.0
    z._backward()
    z._backward()
    assert (x.grad, y.grad) == (10.0, 4.0)


@given(programs())
@settings(deadline=None)
def test_stepping_by_hand_equals_backward(program: Program) -> None:
    """On random graphs: _backward() in reverse topological order gives backward()'s grads."""
    guarded(program)  # rejects points outside an op's domain
    leaves = [Value(x) for x in program.point]
    out = program.value(leaves)
    out.backward()
    expected = [leaf.grad for leaf in leaves]
    again = [Value(x) for x in program.point]
    out = program.value(again)
    by_hand(out, topological_order(out))
    assert [leaf.grad for leaf in again] == expected


# -- ops written the lecture's way --------------------------------------------------------
def lecture_exp(x: Value) -> Value:
    out = Value(math.exp(x.data), (x,), "exp")

    def _backward() -> None:
        x.grad += out.data * out.grad

    out._backward = _backward
    return out


def lecture_tanh(x: Value) -> Value:
    t = (math.exp(2 * x.data) - 1) / (math.exp(2 * x.data) + 1)
    out = Value(t, (x,), "tanh")

    def _backward() -> None:
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def lecture_mul(a: Value, b: Value) -> Value:
    out = Value(a.data * b.data, (a, b), "*")

    def _backward() -> None:
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    return out


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: lecture_exp(x * 2) + x,
        lambda x: lecture_tanh(x * x) * 3,
        lambda x: lecture_tanh(lecture_exp(x) - 1),
        lambda x: lecture_mul(x, x) + lecture_mul(x, lecture_exp(x)),  # one parent twice
    ],
    ids=["exp", "tanh", "tanh of exp", "x*x by a closure"],
)
def test_ops_written_the_lecture_way_pass_gradcheck(fn: Callable[[Value], Value]) -> None:
    assert gradcheck(fn, [0.4])  # grad() through the closures against finite differences
    x = Value(0.4)
    fn(x).backward()  # and backward() agrees with grad()
    other = Value(0.4)
    assert autograd.grad(fn(other), other) == (x.grad,)


def test_a_closure_node_takes_part_everywhere() -> None:
    """backward(), grad(), topological_order, detect_anomaly and the drawings."""
    x = Value(0.5, label="x")
    y = lecture_tanh(x * 2) + x
    assert [n.op for n in topological_order(y)] == ["", "", "*", "tanh", "+"]
    y.backward()
    expected = 2 * (1 - math.tanh(1.0) ** 2) + 1
    assert x.grad == pytest.approx(expected, rel=1e-15)
    (g,) = autograd.grad(y, x)
    assert g == pytest.approx(expected, rel=1e-15)
    assert x.grad == pytest.approx(expected, rel=1e-15)  # grad() left .grad alone
    source = draw_dot(y).source
    assert "label=<tanh>" in source
    x = Value(700.0)
    with detect_anomaly():
        z = lecture_exp(x)  # e^700 = 1e304: the closure's gradient overflows below
        with pytest.raises(FloatingPointError, match="exp produced gradient inf"):
            z.backward(gradient=1e10)
    assert x.grad == 0.0


def test_create_graph_through_a_closure_is_a_clear_error() -> None:
    x = Value(0.5)
    y = lecture_tanh(x)
    with pytest.raises(RuntimeError, match=r"closure.*defop"):
        y.backward(create_graph=True)
    assert x.grad == 0.0  # the pass that failed changed nothing


def test_a_node_without_a_rule_says_how_to_give_it_one() -> None:
    x = Value(1.0)
    y = Value(2.0, (x,), "softsign")  # no closure, and no such op in the table
    with pytest.raises(RuntimeError, match=r"no derivative rule.*_backward.*defop"):
        y.backward()
    z = Value(2.0, (x, x), "*")  # an op of the table: its rule applies
    z.backward()
    assert x.grad == 2.0


def test_closure_nodes_need_the_cyclic_collector_and_only_they() -> None:
    """A lecture closure refers to its own node (a cycle); table nodes never do."""
    gc.collect()
    gc.disable()
    try:
        x = Value(0.3)
        plain = weakref.ref((x * 2).tanh())  # freed by reference counting at once
        lecture = weakref.ref(lecture_tanh(x * 2))
        assert plain() is None
        assert lecture() is not None  # kept alive by its cycle until the collector runs
        gc.collect()
        assert lecture() is None
    finally:
        gc.enable()


# -- micrograd's constructor -------------------------------------------------------------
def test_micrograds_constructor() -> None:
    a, b = Value(2.0), Value(3.0)
    c = Value(6.0, (a, b), "*", "c")  # label as the fourth positional argument
    assert (c.parents, c.op, c.label, c._prev) == ((a, b), "*", "c", (a, b))
    d = Value(1.0, label="d")
    assert d.label == "d" and d.parents == ()
    e = Value(1.0, (a,))  # a tuple of children is children, never the label
    assert e.parents == (a,) and e.label == ""


def test_the_old_positional_label_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="label="):
        x = Value(2.0, "x")  # type: ignore[arg-type]
    assert x.label == "x" and x.parents == ()


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Value(1.0, (2.0,)), TypeError, ["_children[0]", "float"]),
        (lambda: Value(1.0, (), 5), TypeError, ["_op", "int"]),
        (lambda: Value(1.0, label=123), TypeError, ["label", "int"]),
    ],
)
def test_the_constructor_checks_its_arguments(
    make: Callable[[], Any], error: type[Exception], words: list[str]
) -> None:
    with pytest.raises(error) as raised:
        make()
    assert all(w in str(raised.value) for w in words), str(raised.value)


def test_a_label_is_checked_where_it_is_set() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="label must be a str, got int"):
        x.label = 123  # type: ignore[assignment]


def test_under_no_grad_a_constructed_node_is_a_leaf() -> None:
    x = Value(1.0)
    with no_grad():
        y = Value(2.0, (x,), "exp")
    assert y.parents == ()


# -- weak references and memory ------------------------------------------------------------
def test_weak_references_to_values() -> None:
    x = Value(1.0)
    ref = weakref.ref(x)
    assert ref() is x
    cache = weakref.WeakKeyDictionary({x: "cached"})
    assert cache[x] == "cached"
    del x
    assert ref() is None and len(cache) == 0


# -- no silent graph breaks ------------------------------------------------------------------
@pytest.mark.parametrize(
    "convert",
    [math.exp, math.tanh, float, math.sqrt, lambda v: math.log(v), lambda v: math.floor(v)],
    ids=["math.exp", "math.tanh", "float", "math.sqrt", "math.log", "math.floor"],
)
def test_a_value_never_leaves_the_graph_through_float(convert: Callable[[Any], Any]) -> None:
    """x * math.exp(x) would silently drop x from the graph (gradcheck: 2.718 against
    5.437); micrograd raises here too, having no __float__."""
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"x\.exp\(\).*x\.data"):
        convert(x)


def test_the_explicit_ways_to_a_float() -> None:
    x = Value(1.25)
    assert x.data == 1.25 and x.item() == 1.25 and f"{x:.1f}" == "1.2"


# -- defop: an op of your own, from a notebook ---------------------------------------------
@pytest.fixture
def clean_table() -> Any:
    before = dict(OPS)
    yield
    OPS.clear()
    OPS.update(before)


def test_defop_adds_an_op_usable_checkable_and_drawn(clean_table: Any) -> None:
    softplus = defop(
        "softplus", lambda a: math.log1p(math.exp(a)), lambda g, ans, a: g * sigmoid(a)
    )
    x = Value(0.3, label="x")
    y = softplus(x * 2)
    assert y.op == "softplus" and y.data == pytest.approx(math.log1p(math.exp(0.6)))
    assert gradcheck(lambda a: softplus(a * 2), [0.3])
    assert autograd.gradgradcheck(lambda a: softplus(a * a), [0.7])  # higher order too
    assert "label=<softplus>" in draw_dot(y).source
    assert softplus(1.0).data == pytest.approx(math.log1p(math.e))  # numbers are operands


def test_running_the_defop_cell_twice_replaces_the_op(clean_table: Any) -> None:
    first = defop("twice", lambda a: 2 * a, lambda g, ans, a: (g * 2,))
    x = Value(1.5)
    old = first(x)
    second = defop("twice", lambda a: a + a, lambda g, ans, a: (2 * g,), symbol="2·")
    new = second(x)
    assert OPS["twice"].symbol == "2·" and new.data == old.data == 3.0
    new.backward()
    old.backward()  # an earlier node uses the op's current definition
    assert x.grad == 4.0


def test_defop_refuses_to_replace_a_builtin_and_checks_its_arguments(clean_table: Any) -> None:
    with pytest.raises(ValueError, match="'exp' is a built-in op"):
        defop("exp", math.exp, lambda g, ans, a: g * ans)
    with pytest.raises(TypeError, match="1 or 2 inputs"):
        defop("three", lambda a, b, c: a, lambda g, ans, a, b, c: (g, g, g))
    bad = defop("bad", lambda a: a, lambda g, ans, a: (g, g))
    with pytest.raises(TypeError, match="returned 2 gradient"):
        bad(Value(1.0)).backward()
    with pytest.raises(TypeError, match="takes 1 operand"):
        bad(Value(1.0), Value(2.0))
