"""Example tests: the points property tests cannot see (kinks, zeros, overflow, graph shapes).

Expected numbers are derived by hand (or with :mod:`math`), never by the engine.
"""

from __future__ import annotations

import gc
import math
import sys

import numpy as np
import pytest

from autograd import Value, detect_anomaly, fast, topological_order


def grads(*leaves: Value) -> list[float]:
    return [leaf.grad for leaf in leaves]


def backward(y: Value) -> Value:
    y.backward()
    return y


# -- kinks and zeros ---------------------------------------------------------------------
@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_relu_and_abs_at_zero(zero: float) -> None:
    """Derivatives at kinks follow PyTorch: relu'(0) = abs'(0) = 0, leaky_relu'(0) = slope."""
    x = Value(zero)
    assert backward(x.relu()).data == 0.0
    assert x.grad == 0.0
    x = Value(zero)
    y = backward(abs(x))
    assert y.data == 0.0 and math.copysign(1, y.data) == 1  # abs(-0.0) is +0.0
    assert x.grad == 0.0
    x = Value(zero)
    assert backward(x.leaky_relu(0.2)).data == 0.0
    assert x.grad == 0.2


@pytest.mark.parametrize(("at", "relu", "absolute"), [(1e-300, 1.0, 1.0), (-1e-300, 0.0, -1.0)])
def test_relu_and_abs_next_to_zero(at: float, relu: float, absolute: float) -> None:
    x = Value(at)
    backward(x.relu())
    assert x.grad == relu
    x = Value(at)
    backward(abs(x))
    assert x.grad == absolute


def test_pow_at_zero() -> None:
    cases = [  # (exponent, x ** e at 0, d/dx at 0)
        (2, 0.0, 0.0),
        (1, 0.0, 1.0),
        (0, 1.0, 0.0),  # PyTorch: the derivative of x ** 0 is 0 everywhere
        (3.0, 0.0, 0.0),
        (0.5, 0.0, math.inf),  # sqrt's vertical tangent
    ]
    for exponent, value, slope in cases:
        x = Value(0.0)
        assert backward(x**exponent).data == value, exponent
        assert x.grad == slope, exponent


def test_pow_with_both_operands_at_zero() -> None:
    x, y = Value(0.0), Value(2.0)
    assert backward(x**y).data == 0.0
    assert grads(x, y) == [0.0, 0.0]  # d/dy = 0^2 ln 0 is taken as 0, as in PyTorch
    x, y = Value(0.0), Value(0.0)
    assert backward(x**y).data == 1.0
    assert grads(x, y) == [0.0, 0.0]
    y = Value(3.0)
    assert backward(0**y).data == 0.0
    assert y.grad == 0.0


def test_pow_of_negative_base() -> None:
    x = Value(-2.0)
    assert backward(x**3).data == -8.0
    assert x.grad == 12.0  # 3 x^2
    x, y = Value(-2.0), Value(2.0)
    backward(x**y)
    assert x.grad == -4.0  # y x^(y-1)
    assert math.isnan(y.grad)  # x^y ln x: ln of a negative number, NaN as in PyTorch


@pytest.mark.parametrize("big", [1000.0, -1000.0, 1e300, -1e300])
def test_tanh_and_sigmoid_saturate(big: float) -> None:
    """Finite, gradient exactly 0, no OverflowError."""
    x = Value(big)
    assert backward(x.tanh()).data == math.copysign(1.0, big)
    assert x.grad == 0.0
    x = Value(big)
    assert backward(x.sigmoid()).data == (1.0 if big > 0 else 0.0)
    assert x.grad == 0.0


def test_sigmoid_of_moderate_negative_values_keeps_precision() -> None:
    x = Value(-30.0)
    backward(x.sigmoid())
    expected = math.exp(-30) / (1 + math.exp(-30))
    assert math.isclose(x.data, -30.0)
    assert math.isclose(x.grad, expected * (1 - expected), rel_tol=1e-12)


def test_exp_far_below_zero_underflows_to_zero() -> None:
    x = Value(-1000.0)
    assert backward(x.exp()).data == 0.0
    assert x.grad == 0.0


def test_nan_passes_through_relu() -> None:
    """NaN is not swallowed into 0 (as `max(0, x)` would do), and detect_anomaly names it."""
    y = Value(math.nan).relu()
    assert math.isnan(y.data)
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"relu produced nan"):
        Value(math.nan).relu()


# -- graph shapes --------------------------------------------------------------------------
def test_a_times_a() -> None:
    a = Value(3.0)
    y = a * a
    assert y.parents == (a, a)
    backward(y)
    assert a.grad == 6.0


def test_diamond_of_additions() -> None:
    a = Value(-2.0)
    b = a + a
    c = b + b
    backward(c)
    assert (c.data, b.grad, a.grad) == (-8.0, 2.0, 4.0)


def test_a_leaf_used_a_thousand_times() -> None:
    a = Value(0.5)
    total = a
    for _ in range(999):
        total = total + a
    backward(total)
    assert a.grad == 1000.0
    a = Value(1.001)
    product = a
    for _ in range(999):
        product = product * a
    backward(product)
    assert math.isclose(product.data, 1.001**1000, rel_tol=1e-12)
    assert math.isclose(a.grad, 1000 * 1.001**999, rel_tol=1e-12)


def test_two_distinct_values_with_equal_data() -> None:
    a, b = Value(2.0), Value(2.0)
    y = a * b + a
    backward(y)
    assert grads(a, b) == [3.0, 2.0]
    assert len(topological_order(y)) == 4  # a, b, a * b, + (nothing merged)
    assert a != b and len({a, b}) == 2
    c, d = a * 1, a * 1  # equal intermediates too
    y = c * d
    backward(y)
    assert a.grad == 3.0 + 4.0


def test_deep_chain_backpropagates_without_recursion() -> None:
    depth = 10**5
    x, w = Value(1.0), Value(1.0)
    y = x
    for _ in range(depth):
        y = y * w
    assert sys.getrecursionlimit() < depth
    backward(y)
    assert (x.grad, w.grad) == (1.0, float(depth))
    assert len(topological_order(y)) == depth + 2


def test_backward_twice_adds_exactly_twice() -> None:
    """micrograd gets 6 here: its intermediate nodes keep their gradient from pass one."""
    x = Value(3.0)
    y = 2 * x + 1
    y.backward()
    y.backward()
    assert x.grad == 4.0
    a, b = Value(0.3), Value(-1.2)
    z = (a * b).tanh() * a + b.sigmoid()
    z.backward()
    once = grads(a, b)
    z.backward()
    assert grads(a, b) == [2 * g for g in once]


@pytest.mark.parametrize("path", ["fast", "reference"])
def test_backward_twice_gives_intermediates_this_passs_gradient(path: str) -> None:
    """Leaves add up over passes; an intermediate node holds the last pass's gradient, on
    both passes (a hook on a node sends backward() the reference way)."""
    x = Value(3.0)
    h = x * x
    y = h * 2 + 1  # dy/dh = 2, dy/dx = 4x = 12
    if path == "reference":
        h.register_hook(lambda g: None)  # sees the gradient, changes nothing
    assert fast.applies(y, 1.0) == (path == "fast")
    y.backward()
    y.backward()
    assert (x.grad, h.grad, y.grad) == (24.0, 2.0, 1.0)


def test_backward_seed_scales_gradients() -> None:
    x = Value(2.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 2.0
    x = Value(2.0)
    (x * x).backward(gradient=Value(3.0))
    assert x.grad == 12.0


def test_backward_of_a_leaf() -> None:
    x = Value(5.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_graph_is_freed_with_the_collector_disabled() -> None:
    """No node refers to itself, so dropping the output frees the whole graph at once."""

    def values_alive() -> int:
        return sum(type(o) is Value for o in gc.get_objects())

    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = values_alive()
        x = Value(0.5)
        y = x
        for _ in range(1000):
            y = (y * 0.9 + x).tanh()
        y.backward()
        assert values_alive() >= before + 3000
        del y
        assert values_alive() == before + 1  # only x is left
    finally:
        if was_enabled:
            gc.enable()


# -- what changing .data between forward and backward does ---------------------------------
def test_changing_data_after_the_forward_pass() -> None:
    """Pinned: a rule sees its inputs' *current* data and the output recorded in the forward
    pass. So x * x differentiates at the new x, exp reuses the stale output e^(old x):
    both gradients are wrong for the graph as recorded. Run the forward pass again, or use
    detect_anomaly(), which refuses (see the next test)."""
    x = Value(2.0)
    y = x * x
    x.data = 3.0
    y.backward()
    assert (y.data, x.grad) == (4.0, 6.0)  # the output is still 2 * 2; d/dx is 2 * 3
    x = Value(0.0)
    y = x.exp()
    x.data = 1.0
    y.backward()
    assert x.grad == 1.0  # e^0, the stale output: not e^1


def test_detect_anomaly_reports_changed_data() -> None:
    x = Value(2.0)
    y = (x * x).tanh()
    x.data = 3.0
    with detect_anomaly(), pytest.raises(RuntimeError, match=r"\*: its output was 4.0") as error:
        y.backward()
    assert "(3.0, 3.0)" in str(error.value)
    assert "forward pass again" in str(error.value)


# -- conversions, comparisons, identity ------------------------------------------------------
def test_int_data_becomes_float() -> None:
    v = Value(3)
    assert type(v.data) is float and v.data == 3.0
    assert type(Value(2**60).data) is float
    assert type((Value(2) * 3).data) is float


def test_numpy_scalars_become_floats() -> None:
    for scalar in (np.float64(2.5), np.float32(2.5), np.int64(2), np.int8(2)):
        v = Value(scalar)
        assert type(v.data) is float and v.data == float(scalar)


@pytest.mark.parametrize("scalar", [np.float64(2.0), np.int64(2), np.float32(2.0)])
def test_numpy_scalars_on_either_side(scalar: object) -> None:
    x = Value(3.0)
    cases = [  # (expression, data, d/dx)
        (lambda: scalar * x, 6.0, 2.0),
        (lambda: x * scalar, 6.0, 2.0),
        (lambda: scalar + x, 5.0, 1.0),
        (lambda: scalar - x, -1.0, -1.0),
        (lambda: x - scalar, 1.0, 1.0),
        (lambda: scalar / x, 2 / 3, -2 / 9),
        (lambda: x / scalar, 1.5, 0.5),
        (lambda: scalar**x, 8.0, 8 * math.log(2)),
        (lambda: x**scalar, 9.0, 6.0),
    ]
    for expression, data, slope in cases:
        x.grad = 0.0
        y = expression()  # type: ignore[no-untyped-call]
        assert type(y) is Value, type(y)
        y.backward()
        assert math.isclose(y.data, data) and math.isclose(x.grad, slope), (data, slope)


def test_item_and_detach() -> None:
    x = Value(1.5, label="x")
    y = x * 2
    assert y.item() == 3.0 and type(y.item()) is float
    d = y.detach()
    assert d is not y and d.data == 3.0 and d.parents == () and d.op == ""
    z = d * x
    z.backward()
    assert x.grad == 3.0 and d.grad == 1.5 and y.grad == 0.0  # nothing flows through d to y


def test_comparisons_look_at_data() -> None:
    a, b = Value(1.0), Value(2.0)
    assert a < b and a <= b and b > a and b >= a and a <= Value(1.0) and a >= Value(1.0)
    assert a < 2 and a < 2 and a <= 1.0 and a > 0 and a <= 1.5
    assert not (a > b) and not (b < a)
    assert type(a < b) is bool
    assert max([a, b, Value(0.5)]) is b
    assert sorted([b, a]) == [a, b]


def test_equality_and_hash_are_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b and (a == b) is False
    assert a != 1.0 and (a == 1.0) is False
    assert len({a, b, a}) == 2
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"


def test_label_op_and_parents() -> None:
    x = Value(2.0, label="x")
    assert (x.label, Value(1.0).label) == ("x", "")
    assert (x.op, x.parents) == ("", ())
    y = x * 3
    assert y.op == "*" and y.parents[0] is x and y.parents[1].data == 3.0
    assert (-x).op == "neg" and (-x).parents == (x,)
    assert x.exp().op == "exp" and (x**x).op == "pow"
    assert "x" in repr(x) and "2.0" in repr(x)
    with pytest.raises(AttributeError):
        y.op = "+"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        y.parents = ()  # type: ignore[misc]
