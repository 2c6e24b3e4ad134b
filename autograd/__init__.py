"""chainrule's autograd: a scalar reverse-mode automatic-differentiation engine.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c = a * b + b**2
>>> c.backward()
>>> a.grad, b.grad
(-3.0, -4.0)
"""

from autograd.draw import draw_dot
from autograd.engine import Constant, Value, dot, topological_order
from autograd.functional import detect_anomaly, grad, no_grad
from autograd.gradcheck import GradcheckError, GradcheckReport, gradcheck, gradgradcheck

__version__ = "0.1.0"  # the one place: pyproject.toml reads it, nn re-exports it

__all__ = [
    "Constant",
    "GradcheckError",
    "GradcheckReport",
    "Value",
    "detect_anomaly",
    "dot",
    "draw_dot",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "no_grad",
    "topological_order",
]
