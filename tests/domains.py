"""One test domain per op of the rule table (``autograd.rules.OPS``).

A domain says how a user writes an op (its *forms*: ``a - b`` and ``-a`` both exercise
``neg``), and evaluates each form three ways:

* ``value``: with Values and raw Python numbers, through the public API (the code under test);
* ``real``:  with floats, through Python operators and :mod:`math` (finite differences);
* ``exact``: with mpmath numbers (the oracle ``mpmath.diff`` differentiates).

``guard`` keeps operands inside the op's domain and away from poles and overflow, and
``piece`` says which smooth piece of a kinked op (relu, abs, leaky_relu) the operands are
on, so the property tests can reject finite-difference stencils that cross a kink.

``tests/test_engine_domains.py`` checks that every op in the table has a domain, every
domain an op, and that every form really applies its op. Adding an op to the table
means adding its domain here.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath

import autograd

NODE = "node"  # this operand must be a node of the graph (a Value)
NUMBER = "number"  # this operand must be a raw Python int or float
EITHER = "either"  # a Value or a raw number (the generator makes at least one a node)

POLE = 0.05  # operands of log, sqrt and divisors stay this far from 0
LARGEST = 1e4  # no intermediate result may be larger than this (keeps differences accurate)


def _always(*operands: float) -> bool:
    return True


def _smooth(*operands: float) -> int:
    return 0


def _sign(a: float, *rest: float) -> int:
    """The piece of a function with a kink at a = 0: -1, 0 or 1."""
    return (a > 0) - (a < 0)


def _positive(a: float) -> bool:
    return a > POLE


def _divisor_ok(a: float, b: float) -> bool:
    return abs(b) > POLE


def _exp_ok(a: float) -> bool:
    return a < 9  # e^9 < LARGEST


def _pow_ok(a: float, b: float) -> bool:
    """A differentiable exponent needs a positive base (and no overflow)."""
    return a > POLE and abs(b * math.log(a)) < 9


def _pow_const_ok(a: float, c: float) -> bool:
    """A constant exponent: any base for a small integer exponent, else a positive base."""
    if float(c).is_integer() and abs(c) <= 4:
        return c >= 0 or abs(a) > POLE
    return _pow_ok(a, c)


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a))  # the textbook formula: operands stay well inside exp's range


def _leaky(a: Any, slope: Any) -> Any:
    return a if a > 0 else a * slope


@dataclass(frozen=True)
class Form:
    """One way to write an op, evaluated three ways (see the module docstring).

    ``template`` shows it as code, ``{0}``, ``{1}``, ... standing for the operands.
    """

    template: str
    operands: tuple[str, ...]
    value: Callable[..., Any]
    real: Callable[..., float]
    exact: Callable[..., Any]
    guard: Callable[..., bool] = _always
    piece: Callable[..., int] = _smooth


def operator_form(template: str, fn: Callable[..., Any], **kwargs: Any) -> Form:
    """A Python operator: the same code evaluates Values, floats and mpmath numbers."""
    return Form(template, (EITHER,) * template.count("{"), fn, fn, fn, **kwargs)


def method_form(
    name: str, real: Callable[..., float], exact: Callable[..., Any], **kw: Any
) -> Form:
    """A Value method like ``a.exp()``, with its math and mpmath counterparts."""
    return Form(f"{{0}}.{name}()", (NODE,), operator.methodcaller(name), real, exact, **kw)


@dataclass(frozen=True)
class Domain:
    """The op (a key of ``autograd.rules.OPS``) and the forms that apply it."""

    op: str
    forms: tuple[Form, ...]


def _dot_form(n: int) -> Form:
    """dot(w, x, b) with n weights: operands w_0..w_n-1, x_0..x_n-1, b."""

    def value(*args: Any) -> Any:
        return autograd.dot(args[:n], args[n : 2 * n], args[-1])

    def plain(*args: Any) -> Any:
        return args[-1] + sum(w * x for w, x in zip(args[:n], args[n : 2 * n]))

    ws = ", ".join(f"{{{i}}}" for i in range(n))
    xs = ", ".join(f"{{{n + i}}}" for i in range(n))
    return Form(f"dot([{ws}], [{xs}], {{{2 * n}}})", (EITHER,) * (2 * n + 1), value, plain, plain)


DOMAINS: dict[str, Domain] = {
    d.op: d
    for d in [
        Domain("+", (operator_form("{0} + {1}", operator.add),)),
        Domain("*", (operator_form("{0} * {1}", operator.mul),)),
        Domain(
            "neg",
            (
                Form("-{0}", (NODE,), operator.neg, operator.neg, operator.neg),
                operator_form("{0} - {1}", operator.sub),  # a - b is a + (-b)
            ),
        ),
        Domain(
            "**",
            (
                Form("{0} ** {1}", (NODE, NUMBER), pow, pow, pow, guard=_pow_const_ok),
                # a / b is a * b ** -1
                operator_form("{0} / {1}", operator.truediv, guard=_divisor_ok),
            ),
        ),
        Domain(
            "pow",
            (
                Form("{0} ** {1}", (NODE, NODE), pow, pow, pow, guard=_pow_ok),
                Form("{0} ** {1}", (NUMBER, NODE), pow, pow, pow, guard=_pow_ok),  # __rpow__
            ),
        ),
        Domain("exp", (method_form("exp", math.exp, mpmath.exp, guard=_exp_ok),)),
        Domain("log", (method_form("log", math.log, mpmath.log, guard=_positive),)),
        Domain("sqrt", (method_form("sqrt", math.sqrt, mpmath.sqrt, guard=_positive),)),
        Domain("tanh", (method_form("tanh", math.tanh, mpmath.tanh),)),
        Domain(
            "sigmoid",
            (method_form("sigmoid", _sigmoid, lambda a: 1 / (1 + mpmath.exp(-a))),),
        ),
        Domain(
            "relu",
            (method_form("relu", lambda a: max(a, 0.0), lambda a: a if a > 0 else 0, piece=_sign),),
        ),
        Domain(
            "leaky_relu",
            (
                Form(
                    "{0}.leaky_relu()",
                    (NODE,),
                    operator.methodcaller("leaky_relu"),
                    lambda a: _leaky(a, 0.01),
                    lambda a: _leaky(a, 0.01),
                    piece=_sign,
                ),
                Form(
                    "{0}.leaky_relu({1})",
                    (NODE, EITHER),  # a raw slope, or a learnable one (PReLU)
                    lambda a, s: a.leaky_relu(s),
                    _leaky,
                    _leaky,
                    piece=_sign,
                ),
            ),
        ),
        Domain("abs", (Form("abs({0})", (NODE,), abs, abs, mpmath.fabs, piece=_sign),)),
        Domain("sin", (method_form("sin", math.sin, mpmath.sin),)),
        Domain("cos", (method_form("cos", math.cos, mpmath.cos),)),
        Domain("dot", (_dot_form(1), _dot_form(2))),
    ]
}

FORMS: tuple[Form, ...] = tuple(form for domain in DOMAINS.values() for form in domain.forms)
