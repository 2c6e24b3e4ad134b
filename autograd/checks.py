"""What the engine checks and converts, so that ``engine.py`` reads as the algorithm.

Numbers become Constants, parents are packed into a node's two slots, and every mistake
gets an error that names the op and the offending value or type, raised where it is
made. This module imports nothing of the engine at import time (the engine imports it).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from numbers import Real
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.engine import Value

__all__ = ["shown", "to_float"]

_SHOWN_LIMIT = 60  # characters of a value's repr quoted in an error message


def shown(value: Any) -> str:
    """``repr(value)`` for an error message: short, and never an error itself.

    (``repr(10**5000)`` raises past Python's int-to-str digit limit.)

    >>> shown(10**5000)
    'an int of 5001 digits'
    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    """
    try:
        text = repr(value)
    except ValueError:  # an int past the digit limit (sys.set_int_max_str_digits)
        return f"an int of {_digits(value)} digits" if isinstance(value, int) else "a value"
    except Exception:  # a broken __repr__ must not hide the real error
        return f"a {type(value).__name__}"
    return text if len(text) <= _SHOWN_LIMIT else text[: _SHOWN_LIMIT - 3] + "..."


def _digits(value: int) -> int:
    """The number of decimal digits of a huge int, without converting it to a string."""
    n = abs(value)
    digits = int(n.bit_length() * math.log10(2)) + 1
    return digits - int(10 ** (digits - 1) > n)


def describe(values: Iterable[Any]) -> str:
    return "(" + ", ".join(shown(getattr(v, "data", v)) for v in values) + ")"


# -- numbers and operands -------------------------------------------------------------------
def to_float(x: Any, where: str) -> float:
    """Accept int, float and numpy scalars; refuse bool, str, None, complex by name."""
    if type(x) is float:
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{where}: expected an int or float, got {type(x).__name__} ({shown(x)})")
    try:
        return float(x)
    except OverflowError:
        raise OverflowError(f"{where}: {shown(x)} is too large for a float") from None


def number_operand(x: Any, op: str) -> float:
    """A plain number used as an operand, as a float; anything else a TypeError naming it."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(
            f"unsupported operand for {op}: Value and {type(x).__name__} ({shown(x)}); "
            "use a Value, int or float"
        )
    return to_float(x, op)


def nonzero_divisor(numerator: Any, divisor: float) -> None:
    """Dividing by zero is an error naming both numbers."""
    if divisor == 0:
        top = float(getattr(numerator, "data", numerator))
        raise ZeroDivisionError(f"{top!r} / {divisor!r}: division by zero")


def value(x: Any, where: str, name: str) -> None:
    """``x`` must be a Value."""
    from autograd.engine import Value

    if not isinstance(x, Value):
        raise TypeError(f"{where}: {name} must be a Value, got {type(x).__name__} ({shown(x)})")


def inputs(xs: Any, where: str) -> list[Value]:
    """A Value or an iterable of Values (a generator too) as a list, each checked."""
    from autograd.engine import Value

    if isinstance(xs, Value):
        return [xs]
    if isinstance(xs, (str, bytes)) or not hasattr(xs, "__iter__"):
        raise TypeError(
            f"{where} must be a Value or an iterable of Values, got {type(xs).__name__} "
            f"({shown(xs)})"
        )
    found = list(xs)
    for i, x in enumerate(found):
        if not isinstance(x, Value):
            raise TypeError(f"{where}[{i}] must be a Value, got {type(x).__name__} ({shown(x)})")
    return found


def seed(gradient: Any, create_graph: bool) -> Any:
    """The gradient a backward pass starts from: a float, or a Value when building a graph."""
    from autograd.engine import Value, constant

    if gradient is None:
        gradient = 1.0
    if isinstance(gradient, Value):
        return gradient if create_graph else gradient.data
    g = to_float(gradient, "backward: gradient")
    return constant(g) if create_graph else g


def forward_error(op: str, values: tuple[Value, ...], error: Exception) -> Exception:
    """A forward function's error, naming the op and the values (math's own "math domain
    error" names neither)."""
    message = str(error)
    if op not in message:
        message = f"{op}{describe(values)}: {message}"
    return type(error)(message)


# -- a node's parents in two slots ------------------------------------------------------------
# One object per node instead of two (a Value and a tuple) saves memory and halves what the
# cyclic garbage collector scans (it was half of a training step):
#   leaf: _a = _b = None;  unary: _a = parent;  binary: _a, _b = parents;
#   more (dot): _a = the tuple of parents, _b = None.
def pack(parents: Any) -> tuple[Any, Any]:
    if len(parents) == 2:
        return parents[0], parents[1]
    if len(parents) == 1:
        return parents[0], None
    return (tuple(parents) if parents else None), None


def unpack(a: Any, b: Any) -> tuple[Value, ...]:
    if b is not None:
        return (a, b)
    if a is None:
        return ()
    return a if type(a) is tuple else (a,)


# -- micrograd's constructor --------------------------------------------------------------------
def label_and_children(label: Any, children: Any) -> tuple[str, tuple[Value, ...]]:
    """``Value(data, _children, _op, label)``'s label and parents, checked."""
    if isinstance(children, str):  # chainrule's old Value(2.0, "x"): the label, deprecated
        warnings.warn(
            f"Value(data, {children!r}): the second argument is micrograd's _children; "
            f"write Value(data, label={children!r})",
            DeprecationWarning,
            stacklevel=3,
        )
        label, children = children, ()
    found = tuple(children)
    for i, child in enumerate(found):
        value(child, "Value", f"_children[{i}]")
    return label_text(label), found


def label_text(label: Any) -> str:
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__} ({shown(label)})")
    return label


def op_name(op: Any) -> str:
    if not isinstance(op, str):
        raise TypeError(f"Value: _op must be a str, got {type(op).__name__} ({shown(op)})")
    return op


def float_conversion_error(x: Value) -> TypeError:
    return TypeError(
        f"a Value cannot be converted to a float ({x!r}): math.exp(x), float(x) and the like "
        "would silently drop it from the graph, so its gradient would be wrong. Use the "
        "Value's own method (x.exp(), x.tanh(), ...) to stay in the graph, or x.data "
        "(or x.item()) for the number itself."
    )
