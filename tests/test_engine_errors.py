"""Bad input raises a clear error at the op that received it, naming the op and the value."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value, dot


@pytest.mark.parametrize(
    ("data", "type_name"),
    [
        ("3", "str"),
        (None, "NoneType"),
        (True, "bool"),
        (False, "bool"),
        (1j, "complex"),
        ([1.0], "list"),
    ],
)
def test_value_refuses_non_numbers(data: Any, type_name: str) -> None:
    with pytest.raises(TypeError) as error:
        Value(data)
    message = str(error.value)
    assert "Value" in message and type_name in message and repr(data) in message


def test_value_refuses_an_int_too_large_for_a_float() -> None:
    with pytest.raises(OverflowError, match=r"Value: 1000000000.* is too large for a float"):
        Value(10**400)


BINARY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

MIRRORED = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}


@pytest.mark.parametrize("symbol", sorted(BINARY))
@pytest.mark.parametrize("other", ["2", None, 1j, [2.0], True], ids=repr)
def test_value_mixed_with_an_unsupported_type(symbol: str, other: Any) -> None:
    fn = BINARY[symbol]
    # Python answers `other < v` with `v > other`: the message names the mirrored comparison
    mirrored = MIRRORED.get(symbol, symbol)
    for left, right, shown in [(Value(2.0), other, symbol), (other, Value(2.0), mirrored)]:
        with pytest.raises(TypeError) as error:
            fn(left, right)
        message = str(error.value)
        assert f"for {shown}:" in message and type(other).__name__ in message, message
        assert repr(other) in message, message


def test_unsupported_operand_message() -> None:
    with pytest.raises(TypeError, match=r"unsupported operand for \+: Value and str \('3'\)"):
        Value(1.0) + "3"  # type: ignore[operator]


CASES: list[tuple[str, Callable[[], Any], type[Exception], list[str]]] = [
    # (name, the mistake, the error, what the message must contain)
    ("log(0)", lambda: Value(0).log(), ValueError, ["log", "0.0"]),
    ("log(-1)", lambda: Value(-1).log(), ValueError, ["log", "-1.0"]),
    ("sqrt(-1)", lambda: Value(-1).sqrt(), ValueError, ["sqrt", "-1.0"]),
    ("(-8) ** (1/3)", lambda: Value(-8) ** (1 / 3), ValueError, ["**", "-8.0", "0.333", "complex"]),
    ("(-8) ** Value(1/3)", lambda: (-8) ** Value(1 / 3), ValueError, ["**", "-8.0", "complex"]),
    ("Value(-8) ** Value(0.5)", lambda: Value(-8) ** Value(0.5), ValueError, ["**", "-8.0", "0.5"]),
    ("0 ** -1", lambda: Value(0) ** -1, ZeroDivisionError, ["**", "0.0", "-1.0"]),
    ("0 ** Value(-1)", lambda: 0 ** Value(-1), ZeroDivisionError, ["**", "0.0", "-1.0"]),
    ("1 / Value(0)", lambda: 1 / Value(0), ZeroDivisionError, ["/", "1.0", "0.0"]),
    ("Value(1) / 0", lambda: Value(1) / 0, ZeroDivisionError, ["/", "1.0", "0.0"]),
    ("Value(1) / Value(-0.0)", lambda: Value(1) / Value(-0.0), ZeroDivisionError, ["/", "-0.0"]),
    (
        "dot with unequal lengths",
        lambda: dot([Value(1)], [1.0, 2.0]),
        ValueError,
        ["dot", "1", "2"],
    ),
    ("dot with a str", lambda: dot([Value(1)], ["x"]), TypeError, ["dot", "str", "'x'"]),
]


@pytest.mark.parametrize(("name", "mistake", "error", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error(
    name: str, mistake: Callable[[], Any], error: type[Exception], words: list[str]
) -> None:
    with pytest.raises(error) as raised:
        mistake()
    message = str(raised.value)
    for word in words:
        assert word in message, f"{word!r} missing from {message!r}"
    assert message != "math domain error" and message != "math range error"


def test_domain_errors_are_the_math_modules() -> None:
    """The same error types as math.log, math.sqrt and float ** float (domain errors; an
    overflow is IEEE inf instead, as in PyTorch: tests/test_engine_edges.py)."""
    for ours, theirs in [
        (lambda: Value(0).log(), lambda: math.log(0)),
        (lambda: Value(-1).sqrt(), lambda: math.sqrt(-1)),
        (lambda: Value(0.0) ** -1, lambda: 0.0**-1),
    ]:
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(type(expected.value)):
            ours()


def test_error_is_raised_where_the_mistake_is_made() -> None:
    """Not later, in backward(): the traceback points at the line with the bad op."""
    x = Value(-1.0)
    y = x * 2
    with pytest.raises(ValueError) as error:
        y.log()
    assert re.search(r"log\(-2\.0\)", str(error.value))
    assert (
        error.traceback[0].frame.code.name
        == test_error_is_raised_where_the_mistake_is_made.__name__
    )


def test_backward_refuses_a_bad_seed() -> None:
    with pytest.raises(TypeError, match=r"backward.*str"):
        Value(1.0).backward("1")  # type: ignore[arg-type]


def test_leaky_relu_refuses_a_bad_slope() -> None:
    with pytest.raises(TypeError, match=r"leaky_relu.*str"):
        Value(1.0).leaky_relu("0.1")  # type: ignore[arg-type]
