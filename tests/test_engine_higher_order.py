"""Higher-order derivatives: grad(create_graph=True) against sympy's symbolic ones."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
import sympy

from autograd import Value, grad

x_, y_ = sympy.symbols("x y", real=True)

# (name, the expression on Values, the same expression in sympy, a point)
CASES: list[tuple[str, Callable[[Any, Any], Any], Any, tuple[float, float]]] = [
    ("tanh", lambda x, y: x.tanh() * y, sympy.tanh(x_) * y_, (0.7, -1.3)),
    ("sigmoid", lambda x, y: (x * y).sigmoid(), 1 / (1 + sympy.exp(-x_ * y_)), (0.4, 1.7)),
    ("x ** y", lambda x, y: x**y, x_**y_, (1.3, 2.5)),
    ("x ** y at y = 0", lambda x, y: x**y, x_**y_, (1.3, 0.0)),
    ("x ** y at y = 1", lambda x, y: x**y, x_**y_, (0.6, 1.0)),
    ("2 ** (x y)", lambda x, y: 2 ** (x * y), 2 ** (x_ * y_), (0.3, -1.1)),
    ("x ** 3 / y", lambda x, y: x**3 / y, x_**3 / y_, (-1.2, 0.8)),
    ("2 / x - y", lambda x, y: 2 / x - y, 2 / x_ - y_, (0.9, 0.2)),
    ("1 - x y", lambda x, y: 1 - x * y, 1 - x_ * y_, (0.9, 0.2)),
    (
        "exp log",
        lambda x, y: (x * y).exp() + x.log(),
        sympy.exp(x_ * y_) + sympy.log(x_),
        (0.5, 0.5),
    ),
    ("sqrt", lambda x, y: (x * x + y).sqrt(), sympy.sqrt(x_**2 + y_), (1.5, 0.3)),
    ("sin cos", lambda x, y: x.sin() * y.cos(), sympy.sin(x_) * sympy.cos(y_), (0.3, 2.1)),
    ("abs", lambda x, y: abs(x) * y**2, sympy.Abs(x_) * y_**2, (-0.7, 1.4)),
    ("relu", lambda x, y: (x * y).relu() ** 2, (x_ * y_) ** 2, (1.5, 0.5)),
    (
        "leaky_relu, learnable slope",
        lambda x, y: x.leaky_relu(y) * x,
        x_ * y_ * x_,
        (-0.8, 0.3),
    ),
]


def close(engine: float, exact: float) -> bool:
    return abs(engine - exact) <= 1e-9 + 1e-7 * abs(exact)


@pytest.mark.parametrize(("name", "fn", "expr", "point"), CASES, ids=[c[0] for c in CASES])
def test_second_derivatives_match_sympy(
    name: str, fn: Callable[[Any, Any], Any], expr: Any, point: tuple[float, float]
) -> None:
    x, y = Value(point[0]), Value(point[1])
    first = grad(fn(x, y), [x, y], create_graph=True, materialize_grads=True)
    at = {x_: sympy.Float(point[0], 30), y_: sympy.Float(point[1], 30)}
    for g, var in zip(first, (x_, y_)):
        assert isinstance(g, Value)
        assert close(g.data, float(sympy.diff(expr, var).evalf(30, subs=at)))
    for i, var_i in enumerate((x_, y_)):
        row = grad(first[i], [x, y], materialize_grads=True)
        for j, var_j in enumerate((x_, y_)):
            exact = float(sympy.diff(expr, var_i, var_j).evalf(30, subs=at))
            assert close(row[j], exact), f"d2/d{var_i}d{var_j}: {row[j]!r} != {exact!r}"


def test_mixed_partials_of_pow_at_zero_exponent() -> None:
    """d2(x**y)/dx dy = 1/x at y = 0, whichever order it is taken in (was 0 one way)."""
    x, y = Value(2.0), Value(0.0)
    dx, dy = grad(x**y, [x, y], create_graph=True)
    assert grad(dx, [y]) == (0.5,)
    assert grad(dy, [x]) == (0.5,)


@pytest.mark.parametrize(
    "fn",
    [lambda x: x.sqrt(), lambda x: x**0.5, lambda x: x ** Value(0.5)],
    ids=["sqrt", "x ** 0.5", "x ** Value(0.5)"],
)
def test_infinite_slope_is_the_same_at_every_order(fn: Callable[[Any], Any]) -> None:
    """At 0, sqrt's slope is inf (as in PyTorch), with or without create_graph."""
    x = Value(0.0)
    assert grad(fn(x), [x]) == (math.inf,)
    (slope,) = grad(fn(x), [x], create_graph=True)
    assert isinstance(slope, Value) and slope.data == math.inf


def test_third_derivative() -> None:
    x = Value(0.5)
    (d1,) = grad(x.tanh(), [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x])
    t = math.tanh(0.5)
    assert math.isclose(d3, -2 * (1 - t * t) * (1 - 3 * t * t), rel_tol=1e-12)


def test_backward_with_create_graph_leaves_differentiable_grads() -> None:
    x = Value(3.0)
    y = x**3
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert x.grad.data == 27.0  # 3 x^2
    (d2,) = grad(x.grad, [x])
    assert d2 == 18.0  # 6 x


def test_backward_with_create_graph_twice_adds_twice() -> None:
    x = Value(3.0)
    y = x**3 + x
    y.backward(create_graph=True)
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 56.0  # 2 (3 x^2 + 1)
    assert grad(x.grad, [x]) == (36.0,)  # 2 * 6x


def test_grad_of_an_unused_input_follows_torch() -> None:
    """torch.autograd.grad: an error, None with allow_unused, 0 with materialize_grads."""
    x, unused = Value(1.0), Value(2.0)
    with pytest.raises(RuntimeError, match=r"inputs\[1\].*not used.*allow_unused=True"):
        grad(x * 2, [x, unused])
    assert grad(x * 2, [x, unused], allow_unused=True) == (2.0, None)
    assert grad(x * 2, [x, unused], materialize_grads=True) == (2.0, 0.0)
    first = grad(x * 2, [x, unused], create_graph=True, materialize_grads=True)
    assert all(isinstance(g, Value) for g in first)
    assert [g.data for g in first] == [2.0, 0.0]
    with pytest.raises(ValueError, match="contradicts"):
        grad(x * 2, [x], allow_unused=False, materialize_grads=True)


def test_grad_with_respect_to_an_intermediate_node() -> None:
    x = Value(0.5)
    h = x * 3
    y = h.sin() + h
    dh, dx = grad(y, [h, x])
    assert dh == math.cos(1.5) + 1
    assert dx == 3 * dh


def test_grad_does_not_touch_grad_attributes() -> None:
    """Neither the leaves' nor the intermediate nodes' .grad (h here)."""
    x, w = Value(2.0), Value(-1.0)
    h = x * w
    y = h.tanh()
    y.backward()
    before = (x.grad, w.grad, h.grad, y.grad)
    grad(y, [x, w])
    grad(y, [x, w], create_graph=True)
    assert (x.grad, w.grad, h.grad, y.grad) == before


def test_grad_of_an_output_given_twice_counts_it_twice() -> None:
    """grad([y, y], x) is the gradient of y + y, as torch.autograd.grad((y, y), x) (12)."""
    x = Value(3.0)
    y = x * x  # dy/dx = 2x = 6
    assert grad([y, y], x) == (12.0,)
    assert grad([y, y], x, grad_outputs=[1.0, 3.0]) == (24.0,)
    (twice,) = grad([y, y], x, create_graph=True)
    assert twice.data == 12.0 and grad(twice, x) == (4.0,)  # d/dx 4x


def test_grad_rejects_non_values() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"grad: outputs must be a Value or an iterable.*float"):
        grad(2.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"grad: inputs\[0\] must be a Value, got float"):
        grad(x * 2, [1.0])  # type: ignore[list-item]
