"""The op table: each op's forward function and its derivative rule, in one place.

A derivative rule is called as ``rule(g, ans, *inputs)``, where ``g`` is the gradient
arriving at the op's output, ``ans`` the output and ``inputs`` the operands. It returns
one gradient per input: ``g`` times the local derivative (the chain rule).

Every rule is written once and serves two purposes:

* first order (``backward()``): ``g``, ``ans`` and the inputs are floats, so a rule is
  plain float arithmetic and builds no graph;
* higher order (``create_graph=True``): they are Values, so the same arithmetic records a
  new graph that can be differentiated again.

The helpers below (``log``, ``cos``, ``power``, ...) make that possible: on a float
they call :mod:`math`, on a Value they call the Value's method. Division by zero in a
rule gives an IEEE infinity (as PyTorch does) instead of Python's ZeroDivisionError.

Adding an op is one ``@op(...)`` entry here, a method on ``Value`` that applies it,
and a line in the test domains (``tests/domains.py``); a test checks all three agree.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

__all__ = ["OPS", "Op", "op"]


class Op(NamedTuple):
    """One op: how to compute it, how its output's gradient flows to its inputs, and how
    a drawing shows it.

    ``arity`` is the number of inputs, or -1 for an op that takes any number.
    ``symbol`` is what a drawing writes in the op's ellipse (the name, if empty).
    ``roles`` names the inputs where their order matters (base and exponent), as
    PyTorch's ``derivatives.yaml`` names each input; "" where it does not (a + b).
    ``accumulate``, if given, is ``backward`` specialised for a first-order pass over an
    n-ary op: ``accumulate(g, parents)`` adds each parent's gradient straight into its
    ``.grad`` instead of returning a tuple of them (dot's rule is most of a training step).
    """

    name: str
    arity: int
    forward: Callable[..., float]
    backward: Callable[..., tuple[Any, ...]]
    accumulate: Callable[[float, tuple[Any, ...]], None] | None = None
    symbol: str = ""
    roles: tuple[str, ...] = ()

    def shown_as(self) -> str:
        """The text a drawing writes for this op."""
        return self.symbol or self.name

    def roles_for(self, n: int) -> tuple[str, ...]:
        """The role of each of ``n`` inputs ("" where the order does not matter).

        >>> OPS["**"].roles_for(2), OPS["*"].roles_for(2), OPS["dot"].roles_for(5)
        (('base', 'exponent'), ('', ''), ('w0', 'w1', 'x0', 'x1', 'b'))
        """
        if self.name == "dot":  # dot(w, x, b): w_0 .. w_k-1, x_0 .. x_k-1, b
            k = (n - 1) // 2
            return (*[f"w{i}" for i in range(k)], *[f"x{i}" for i in range(k)], "b")
        return self.roles or ("",) * n


OPS: dict[str, Op] = {}


def op(
    name: str,
    arity: int,
    forward: Callable[..., float],
    symbol: str = "",
    roles: tuple[str, ...] = (),
) -> Callable[[Callable[..., tuple[Any, ...]]], Callable[..., tuple[Any, ...]]]:
    """Register ``backward`` as the derivative rule of op ``name``."""

    def register(backward: Callable[..., tuple[Any, ...]]) -> Callable[..., tuple[Any, ...]]:
        if name in OPS:
            raise ValueError(f"op {name!r} is registered twice")
        OPS[name] = Op(name, arity, forward, backward, symbol=symbol, roles=roles)
        return backward

    return register


# -- helpers that work on floats (first order) and on Values (higher order) -------------


def _is_number(x: Any) -> bool:
    return isinstance(x, (float, int))


def number(x: Any) -> float:
    """The plain float inside ``x`` (a constant operand needs no graph of its own)."""
    return float(x) if _is_number(x) else float(x.data)


def reciprocal(x: Any) -> Any:
    """1 / x, with 1 / 0 = inf (IEEE, as PyTorch) rather than ZeroDivisionError."""
    if _is_number(x):
        return 1.0 / x if x else math.copysign(math.inf, x)
    if x.data == 0:
        return _infinite(x, math.copysign(math.inf, x.data))
    return x**-1


def power(x: Any, e: Any) -> Any:
    """x ** e, with 0 ** negative = inf (IEEE) rather than ZeroDivisionError."""
    if number(x) == 0 and number(e) < 0:
        return math.inf if _is_number(x) else _infinite(x, math.inf)
    if _is_number(x) and _is_number(e):
        return float(x) ** e
    return x**e


def _infinite(x: Any, inf: float) -> Any:
    """inf as a Value, for a gradient graph: the same IEEE inf the float rule gives
    (a Value op would refuse to divide by 0; detect_anomaly() still reports the inf)."""
    return x * 0.0 + inf


def log(x: Any) -> Any:
    return math.log(x) if _is_number(x) else x.log()


def sin(x: Any) -> Any:
    return math.sin(x) if _is_number(x) else x.sin()


def cos(x: Any) -> Any:
    return math.cos(x) if _is_number(x) else x.cos()


def _step(x: Any) -> float:
    """1 where x > 0, else 0 (a constant: its own derivative is zero almost everywhere)."""
    return 1.0 if x > 0 else 0.0


def _sign(x: Any) -> float:
    """sign(x), with sign(0) = 0, so abs'(0) = 0 as in PyTorch."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


# -- forward functions that need more than one line --------------------------------------


def _pow_forward(a: float, b: float) -> float:
    """a ** b over the reals: a complex result or 0 ** negative is an error, not a value."""
    if a == 0 and b < 0:
        raise ZeroDivisionError(f"{a!r} ** {b!r}: zero cannot be raised to a negative power")
    result = a**b
    if isinstance(result, complex):
        raise ValueError(
            f"{a!r} ** {b!r}: a negative base needs an integer exponent (the result is complex)"
        )
    return float(result)


def _sigmoid_forward(a: float) -> float:
    # 1 / (1 + e^-a), arranged so exp never overflows: at a = -1000 it is e^a / (1 + e^a).
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _relu_forward(a: float) -> float:
    # NaN is not <= 0, so it passes through (as in PyTorch) instead of becoming 0.
    return 0.0 if a <= 0 else a


def _leaky_relu_forward(a: float, slope: float) -> float:
    return a if a > 0 else a * slope


# -- the table ---------------------------------------------------------------------------
# d(a + b) = da + db
@op("+", 2, lambda a, b: a + b)
def _add(g: Any, ans: Any, a: Any, b: Any) -> tuple[Any, ...]:
    return g, g


# d(a * b) = b da + a db
@op("*", 2, lambda a, b: a * b, symbol="×")
def _mul(g: Any, ans: Any, a: Any, b: Any) -> tuple[Any, ...]:
    return g * b, g * a


@op("neg", 1, lambda a: -a)
def _neg(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (-g,)


# a ** c with a constant exponent c: d/da = c a^(c-1); c itself gets no gradient.
# PyTorch's convention: the derivative of a ** 0 is 0 everywhere, also at a = 0.
@op("**", 2, _pow_forward, roles=("base", "exponent"))
def _pow_const(g: Any, ans: Any, a: Any, c: Any) -> tuple[Any, ...]:
    c = number(c)
    if c == 0:
        return 0.0, 0.0
    return g * c * power(a, c - 1), 0.0


# a ** b with both differentiable: d/da = b a^(b-1), d/db = a^b ln a.
# At a = 0 (with b >= 0) d/db is taken as 0 and for a < 0 it is NaN, as in PyTorch.
@op("pow", 2, _pow_forward, roles=("base", "exponent"))
def _pow(g: Any, ans: Any, a: Any, b: Any) -> tuple[Any, ...]:
    # At b = 0 d/da is 0, but kept as the expression b a^(b-1) so that its own derivative
    # in b, a^(b-1), is right at second order; only 0 ** 0 (where it is 0 * inf) is cut.
    ga = 0.0 if number(b) == 0 and number(a) == 0 else g * b * power(a, b - 1)
    if a > 0:
        gb = g * ans * log(a)
    elif a == 0:
        gb = 0.0
    else:
        gb = math.nan
    return ga, gb


@op("exp", 1, math.exp)
def _exp(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * ans,)  # (e^a)' = e^a: reuse the output


@op("log", 1, math.log)
def _log(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * reciprocal(a),)


@op("sqrt", 1, math.sqrt)
def _sqrt(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * 0.5 * reciprocal(ans),)  # (sqrt a)' = 1 / (2 sqrt a); inf at 0


@op("tanh", 1, math.tanh)
def _tanh(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * (1 - ans * ans),)  # tanh' = 1 - tanh^2: exactly 0 where tanh = +-1


@op("sigmoid", 1, _sigmoid_forward)
def _sigmoid(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * ans * (1 - ans),)  # s' = s (1 - s)


@op("relu", 1, _relu_forward)
def _relu(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * _step(a),)  # relu'(0) = 0, as in PyTorch


# leaky_relu(a, slope): d/da = 1 if a > 0 else slope (slope at 0, as in PyTorch);
# d/dslope = a where a <= 0 (so a learnable slope, PReLU, comes for free).
@op("leaky_relu", 2, _leaky_relu_forward, roles=("x", "slope"))
def _leaky_relu(g: Any, ans: Any, a: Any, slope: Any) -> tuple[Any, ...]:
    if a > 0:
        return g, 0.0
    return g * slope, g * a


@op("abs", 1, abs)
def _abs(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * _sign(a),)


def _dot_forward(*args: float) -> float:
    n = (len(args) - 1) // 2
    # the bias first, then + w0*x0 + w1*x1 ..., as a neuron's sum adds them (the loop is in C)
    return sum(map(operator.mul, args[:n], args[n : 2 * n]), args[-1])


# dot(w, x, b) = b + sum_i w_i x_i, one node for a whole weighted sum (the training fast
# path): d/dw_i = x_i, d/dx_i = w_i, d/db = 1. Inputs are ordered w_0..w_n-1, x_0..x_n-1, b.
@op("dot", -1, _dot_forward, symbol="w·x+b")
def _dot(g: Any, ans: Any, *args: Any) -> tuple[Any, ...]:
    n = (len(args) - 1) // 2
    weights, inputs = args[:n], args[n : 2 * n]
    return (*[g * x for x in inputs], *[g * w for w in weights], g)


def _dot_accumulate(g: float, parents: tuple[Any, ...]) -> None:
    """``_dot`` for a first-order pass: the same products, added straight into the grads
    in the same order as the rule's tuple (weights, then inputs, then bias), so the sums
    round alike even when one Value is several of the operands."""
    n = (len(parents) - 1) // 2
    weights, inputs = parents[:n], parents[n : 2 * n]
    for w, x in zip(weights, inputs):
        w.grad += g * x.data
    for w, x in zip(weights, inputs):
        x.grad += g * w.data
    parents[-1].grad += g


OPS["dot"] = OPS["dot"]._replace(accumulate=_dot_accumulate)


@op("sin", 1, math.sin)
def _sin(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (g * cos(a),)


@op("cos", 1, math.cos)
def _cos(g: Any, ans: Any, a: Any) -> tuple[Any, ...]:
    return (-g * sin(a),)
