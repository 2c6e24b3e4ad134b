"""Argument checks for ``nn``: one place for "a number but not a bool" and its relatives.

Every public function of ``nn`` checks its arguments where the user passes them, so a
mistake is reported by the call that made it, naming the function, the argument and the
value. The rules follow PyTorch and scikit-learn: ``bool`` is not a number (``True``
would silently be 1), numpy scalars are numbers (``np.int64(2)`` is a size, ``np.float32``
a weight), and NaN is never a valid hyperparameter. This module imports only
``autograd.checks`` (for ``shown``, a safe repr).

>>> positive_int(3, "epochs", "fit")
3
>>> positive_int(True, "epochs", "fit")
Traceback (most recent call last):
...
TypeError: fit: epochs must be an int, got bool (True)
>>> number(float("nan"), "lr", "SGD", low=0.0)
Traceback (most recent call last):
...
ValueError: SGD: lr must be a number >= 0.0, got nan
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

from autograd.checks import shown  # a value's repr for a message: short, never an error

__all__ = [
    "boolean",
    "integer",
    "is_integer",
    "is_number",
    "number",
    "positive_int",
    "probability",
    "shown",
]


def is_number(x: Any) -> bool:
    """A real number: int, float or a numpy scalar, but not a bool."""
    return isinstance(x, Real) and not isinstance(x, bool)


def is_integer(x: Any) -> bool:
    """An integer: int or a numpy integer, but not a bool."""
    return isinstance(x, Integral) and not isinstance(x, bool)


def _kind(value: Any) -> str:
    return f"{type(value).__name__} ({shown(value)})"


def number(
    value: Any,
    name: str,
    where: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float, checked: a number (not bool, not NaN) within [low, high].

    ``low_open``/``high_open`` exclude the bound itself. Infinity passes only if the
    bounds allow it (``high=None`` allows +inf).
    """
    if not is_number(value):
        raise TypeError(f"{where}: {name} must be a number, got {_kind(value)}")
    try:
        x = float(value)
    except OverflowError:
        raise ValueError(f"{where}: {name} is too large for a float: {shown(value)}") from None
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if math.isnan(x) or too_low or too_high:
        bounds = _range(low, high, low_open, high_open)
        raise ValueError(f"{where}: {name} must be a number {bounds}, got {shown(value)}")
    return x


def _range(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high}"
    return "(not NaN)"


def integer(value: Any, name: str, where: str, *, low: int | None = None) -> int:
    """``value`` as an int, checked: an int or numpy integer (not bool), at least ``low``."""
    if not is_integer(value):
        raise TypeError(f"{where}: {name} must be an int, got {_kind(value)}")
    n = int(value)
    if low is not None and n < low:
        raise ValueError(f"{where}: {name} must be an int >= {low}, got {shown(value)}")
    return n


def positive_int(value: Any, name: str, where: str) -> int:
    """``value`` as an int >= 1 (a size, a count of epochs, ...)."""
    return integer(value, name, where, low=1)


def probability(value: Any, name: str, where: str, *, one_allowed: bool = False) -> float:
    """A probability in [0, 1) (a dropout rate), or [0, 1] with ``one_allowed``."""
    return number(value, name, where, low=0.0, high=1.0, high_open=not one_allowed)


def boolean(value: Any, name: str, where: str) -> bool:
    """``value`` itself, which must be a bool (``patience=True`` is a mistake, not 1)."""
    if not isinstance(value, bool):
        raise TypeError(f"{where}: {name} must be True or False, got {_kind(value)}")
    return value
