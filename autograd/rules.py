"""The op table: every op's forward function, derivative rule and drawing, in one place.

A derivative rule is ``rule(g, ans, *inputs)``: ``g`` is the gradient arriving at the
op's output, ``ans`` the output, ``inputs`` the operands. It returns one gradient per
input, ``g`` times the local derivative (the chain rule), as HIPS autograd's ``defvjp``
and PyTorch's ``derivatives.yaml`` write them. Each rule serves two purposes:

* first order (``backward()``): ``g``, ``ans`` and the inputs are floats, so a rule is
  plain float arithmetic and records nothing;
* higher order (``create_graph=True``): they are Values, so the same arithmetic records a
  new graph that can be differentiated again.

The helpers ``exp``, ``log``, ``sin``, ... below make that possible: on a float they call
:mod:`math`, on a Value its method. A rule never raises on a float: where math would raise
it gives what IEEE arithmetic gives (1/0 = inf, cos(inf) = nan), as PyTorch does.

Adding an op is one entry in the table at the bottom (or one call of
:func:`autograd.custom.defop` from a notebook) plus its test domain in ``tests/domains.py``;
a test checks both exist.
This module may import only the standard library (the engine imports it).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, Union

if TYPE_CHECKING:
    from autograd.engine import Value

__all__ = [
    "OPS",
    "PROGRAM_HELPERS",
    "Code",
    "Op",
    "Scalar",
    "cos",
    "exp",
    "log",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
]

Scalar = Union[float, "Value"]  # what a rule computes with: floats (first order) or Values
Rule = Callable[..., tuple[Any, ...]]


class Code(NamedTuple):
    """An op as Python source over floats, for the programs of :mod:`autograd.trace`.

    ``forward`` computes the output from the inputs ``a`` (and ``b``); ``grads`` gives each
    input's share of the gradient ``g`` arriving at the output ``ans`` (what the rule
    returns, written out); ``local`` says each local derivative in words, for a comment.
    The names they use besides a, b, g and ans are :data:`PROGRAM_HELPERS`.
    """

    forward: str
    grads: tuple[str, ...]
    local: tuple[str, ...]


class Op(NamedTuple):
    """One op of the table.

    ``arity`` is the number of inputs (-1: any number). ``symbol`` is what a drawing writes
    in the op's ellipse (the name if empty). ``roles`` names the inputs where their order
    matters (base, exponent), "" where it does not (a + b). ``builtin`` ops cannot be
    replaced by :func:`defop`. ``code`` is the op as source for traced programs (n-ary
    ``dot`` and ops of your own are written out by the tracer itself).
    """

    name: str
    arity: int
    forward: Callable[..., float]
    backward: Rule
    symbol: str = ""
    roles: tuple[str, ...] = ()
    builtin: bool = True
    code: Code | None = None

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


# -- helpers that compute with floats (first order) and with Values (higher order) --------
def number(x: Scalar) -> float:
    """The float inside ``x``: rules branch on it (``==`` on Values is identity, not value)."""
    return float(x) if isinstance(x, (float, int)) else float(x.data)


def exp(x: Scalar) -> Scalar:
    return _exp_forward(x) if isinstance(x, (float, int)) else x.exp()


def log(x: Scalar) -> Scalar:
    return math.log(x) if isinstance(x, (float, int)) else x.log()


def sqrt(x: Scalar) -> Scalar:
    return math.sqrt(x) if isinstance(x, (float, int)) else x.sqrt()


def tanh(x: Scalar) -> Scalar:
    return math.tanh(x) if isinstance(x, (float, int)) else x.tanh()


def sigmoid(x: Scalar) -> Scalar:
    return _sigmoid_forward(x) if isinstance(x, (float, int)) else x.sigmoid()


def sin(x: Scalar) -> Scalar:
    if isinstance(x, (float, int)):  # sin(inf) is NaN in IEEE arithmetic; math raises instead
        return math.sin(x) if math.isfinite(x) else math.nan
    return x.sin()


def cos(x: Scalar) -> Scalar:
    if isinstance(x, (float, int)):
        return math.cos(x) if math.isfinite(x) else math.nan
    return x.cos()


def reciprocal(x: Scalar) -> Scalar:
    """1 / x, with 1 / 0 = inf (IEEE, as PyTorch) rather than ZeroDivisionError."""
    if isinstance(x, (float, int)):
        return 1.0 / x if x else math.copysign(math.inf, x)
    return _infinite(x, math.copysign(math.inf, x.data)) if x.data == 0 else x**-1


def power(x: Scalar, e: Scalar) -> Scalar:
    """x ** e, with IEEE's answers where Python raises: 0 ** negative and overflow give
    inf, a negative base with a fractional exponent NaN."""
    if number(x) == 0 and number(e) < 0:
        return math.inf if isinstance(x, (float, int)) else _infinite(x, math.inf)
    if isinstance(x, (float, int)) and isinstance(e, (float, int)):
        return _float_power(float(x), float(e))
    return x**e


def _infinite(x: Value, inf: float) -> Value:
    """inf as a Value, for a gradient graph: the same IEEE inf the float rule gives
    (a Value op would refuse to divide by 0; detect_anomaly() still reports the inf)."""
    return x * 0.0 + inf


def _step(x: Scalar) -> float:
    """1 where x > 0, else 0 (a constant: its own derivative is zero almost everywhere)."""
    return 1.0 if number(x) > 0 else 0.0


def _sign(x: Scalar) -> float:
    """sign(x), with sign(0) = 0, so abs'(0) = 0 as in PyTorch."""
    v = number(x)
    return 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)


# -- forward functions that need more than a line ------------------------------------------
def _float_power(a: float, b: float) -> float:
    """a ** b on floats as IEEE (and PyTorch) has it: overflow is inf, not OverflowError."""
    try:
        result = a**b
    except OverflowError:  # |a ** b| > 1.8e308; negative only for a < 0 and an odd integer b
        odd = b.is_integer() and b % 2 == 1
        return -math.inf if a < 0 and odd else math.inf
    return math.nan if isinstance(result, complex) else result


def _pow_forward(a: float, b: float) -> float:
    """a ** b over the reals: a complex result or 0 ** negative is an error, not a value."""
    if a == 0 and b < 0:
        raise ZeroDivisionError(f"{a!r} ** {b!r}: zero cannot be raised to a negative power")
    if a < 0 and math.isfinite(b) and not float(b).is_integer():
        raise ValueError(
            f"{a!r} ** {b!r}: a negative base needs an integer exponent (the result is complex)"
        )
    return _float_power(a, b)


def _exp_forward(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:  # e^a > 1.8e308 (a > 709.78): inf, as IEEE overflow
        return math.inf


def _sigmoid_forward(a: float) -> float:
    # 1 / (1 + e^-a), arranged so exp never overflows: at a = -1000 it is e^a / (1 + e^a).
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _relu_forward(a: float) -> float:
    return 0.0 if a <= 0 else a  # NaN is not <= 0, so it passes through (as in PyTorch)


def _leaky_relu_forward(a: float, slope: float) -> float:
    return a if a > 0 else a * slope


def _dot_forward(*args: float) -> float:
    n = (len(args) - 1) // 2  # the bias first, then + w0*x0 + w1*x1 ... (the loop is in C)
    return sum(map(operator.mul, args[:n], args[n : 2 * n]), args[-1])


# -- rules that need more than a line ---------------------------------------------------------
def _pow_const(g: Scalar, ans: Scalar, a: Scalar, c: Scalar) -> tuple[Scalar, ...]:
    """a ** c, c a constant: d/da = c a^(c-1). PyTorch: (a ** 0)' = 0, also at a = 0."""
    c = number(c)
    return (0.0, 0.0) if c == 0 else (g * c * power(a, c - 1), 0.0)


def _pow(g: Scalar, ans: Scalar, a: Scalar, b: Scalar) -> tuple[Scalar, ...]:
    """a ** b: d/da = b a^(b-1), d/db = a^b ln a; d/db is 0 at a = 0, NaN for a < 0 (PyTorch).

    At b = 0, d/da = 0 is kept as the expression b a^(b-1), so that its derivative in b,
    a^(b-1), is right at second order; only 0 ** 0 (where it is 0 * inf) is cut.
    """
    ga = 0.0 if number(b) == 0 and number(a) == 0 else g * b * power(a, b - 1)
    a_ = number(a)
    gb = g * ans * log(a) if a_ > 0 else (0.0 if a_ == 0 else math.nan)
    return ga, gb


_POW_CONST_CODE = Code(
    "real_power(a, b)",
    ("0.0 if b == 0 else g * b * power(a, b - 1)", "0.0"),
    ("b a^(b-1)", "0 (a constant)"),
)
_POW_CODE = Code(
    "real_power(a, b)",
    (
        "0.0 if a == 0 and b == 0 else g * b * power(a, b - 1)",
        "g * ans * log(a) if a > 0 else (0.0 if a == 0 else nan)",
    ),
    ("b a^(b-1)", "a^b ln a"),
)


def _leaky_relu(g: Scalar, ans: Scalar, a: Scalar, slope: Scalar) -> tuple[Scalar, ...]:
    """d/da = 1 if a > 0 else slope (slope at 0, as PyTorch); d/dslope = a where a <= 0."""
    return (g, 0.0) if number(a) > 0 else (g * slope, g * a)


_LEAKY_RELU_CODE = Code(
    "leaky_relu(a, b)",
    ("g if a > 0 else g * b", "0.0 if a > 0 else g * a"),
    ("1 if a > 0 else slope", "0 if a > 0 else a"),
)


def _dot(g: Scalar, ans: Scalar, *args: Scalar) -> tuple[Scalar, ...]:
    """dot(w, x, b) = b + sum_i w_i x_i: d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    n = (len(args) - 1) // 2
    return (*[g * x for x in args[n : 2 * n]], *[g * w for w in args[:n]], g)


def _float_reciprocal(x: float) -> float:
    return 1.0 / x if x else math.copysign(math.inf, x)


def _float_power_ieee(x: float, e: float) -> float:
    return math.inf if x == 0 and e < 0 else _float_power(x, e)


def _float_sign(x: float) -> float:
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


# What the ``Code`` of the table may call, bound to their float versions (the same numbers
# as the rules' helpers on floats).
PROGRAM_HELPERS: dict[str, Any] = {
    "math": math,
    "inf": math.inf,
    "nan": math.nan,
    "exp": _exp_forward,
    "sigmoid": _sigmoid_forward,
    "relu": _relu_forward,
    "leaky_relu": _leaky_relu_forward,
    "real_power": _pow_forward,
    "power": _float_power_ieee,
    "reciprocal": _float_reciprocal,
    "log": math.log,
    "sign": _float_sign,
    "sin": sin,
    "cos": cos,
}


def _table(*ops: Op) -> None:
    OPS.update((o.name, o) for o in ops)


# -- the table: name, arity, forward, rule(g, ans, *inputs) -> one gradient per input ---------
# ``Code``: the same op as Python source for autograd.trace, over inputs a, b, the output
# ans and the gradient g: the forward, each input's gradient, each local derivative.
# fmt: off
_table(
    Op("+", 2, operator.add, lambda g, ans, a, b: (g, g),
       code=Code("a + b", ("g", "g"), ("1", "1"))),
    Op("*", 2, operator.mul, lambda g, ans, a, b: (g * b, g * a), symbol="×",
       code=Code("a * b", ("g * b", "g * a"), ("b", "a"))),
    Op("neg", 1, operator.neg, lambda g, ans, a: (-g,),
       code=Code("-a", ("-g",), ("-1",))),
    Op("**", 2, _pow_forward, _pow_const, roles=("base", "exponent"),  # x ** 2
       code=_POW_CONST_CODE),
    Op("pow", 2, _pow_forward, _pow, roles=("base", "exponent"),  # x ** y, 2 ** x
       code=_POW_CODE),
    Op("exp", 1, _exp_forward, lambda g, ans, a: (g * ans,),  # (e^a)' = e^a: reuse the output
       code=Code("exp(a)", ("g * ans",), ("exp(a)",))),
    Op("log", 1, math.log, lambda g, ans, a: (g * reciprocal(a),),
       code=Code("math.log(a)", ("g * reciprocal(a)",), ("1 / a",))),
    Op("sqrt", 1, math.sqrt, lambda g, ans, a: (g * 0.5 * reciprocal(ans),),  # inf at 0
       code=Code("math.sqrt(a)", ("g * 0.5 * reciprocal(ans)",), ("1 / (2 sqrt(a))",))),
    Op("tanh", 1, math.tanh, lambda g, ans, a: (g * (1 - ans * ans),),  # 1 - tanh^2
       code=Code("math.tanh(a)", ("g * (1 - ans * ans)",), ("1 - tanh(a)^2",))),
    Op("sigmoid", 1, _sigmoid_forward, lambda g, ans, a: (g * ans * (1 - ans),),  # s (1 - s)
       code=Code("sigmoid(a)", ("g * ans * (1 - ans)",), ("s (1 - s)",))),
    Op("relu", 1, _relu_forward, lambda g, ans, a: (g * _step(a),),  # relu'(0) = 0 (PyTorch)
       code=Code("relu(a)", ("g * (1.0 if a > 0 else 0.0)",), ("1 if a > 0 else 0",))),
    Op("leaky_relu", 2, _leaky_relu_forward, _leaky_relu, roles=("x", "slope"),
       code=_LEAKY_RELU_CODE),
    Op("abs", 1, abs, lambda g, ans, a: (g * _sign(a),),  # abs'(0) = 0 (PyTorch)
       code=Code("abs(a)", ("g * sign(a)",), ("sign(a)",))),
    Op("sin", 1, math.sin, lambda g, ans, a: (g * cos(a),),
       code=Code("math.sin(a)", ("g * cos(a)",), ("cos(a)",))),
    Op("cos", 1, math.cos, lambda g, ans, a: (-g * sin(a),),
       code=Code("math.cos(a)", ("-g * sin(a)",), ("-sin(a)",))),
    Op("dot", -1, _dot_forward, _dot, symbol="w·x+b"),  # a neuron's weighted sum, fused
)
# fmt: on
