"""chainrule's autograd: a scalar reverse-mode automatic-differentiation engine.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c = a * b + b**2
>>> c.backward()
>>> a.grad, b.grad
(-3.0, -4.0)

May import: its own modules, whose public API it exports; nothing from ``nn``.
"""

from autograd.custom import defop
from autograd.draw import draw_dot
from autograd.engine import Constant, Value, chain_rule, topological_order
from autograd.fast import dot
from autograd.functional import grad
from autograd.gradcheck import GradcheckError, GradcheckReport, gradcheck, gradgradcheck
from autograd.modes import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from autograd.trace import trace

__version__ = "0.1.0"  # the one place: pyproject.toml reads it, nn re-exports it

__all__ = [
    "Constant",
    "GradcheckError",
    "GradcheckReport",
    "Value",
    "chain_rule",
    "defop",
    "detect_anomaly",
    "dot",
    "draw_dot",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
    "topological_order",
    "trace",
]
