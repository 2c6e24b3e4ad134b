"""The engine's two modes: no_grad() and detect_anomaly(), as context managers and decorators."""

from __future__ import annotations

import math

import pytest

from autograd import Value, detect_anomaly, grad, no_grad


def records(v: Value) -> bool:
    """Whether v was recorded in a graph (an op result with its parents)."""
    return v.parents != ()


def test_no_grad_records_nothing() -> None:
    w = Value(2.0)
    with no_grad():
        y = (w * 3 + 1).tanh()
    assert not records(y) and y.op == ""
    assert y.data == math.tanh(7.0)
    assert records(w * 3)  # restored afterwards


def test_no_grad_as_a_decorator() -> None:
    @no_grad()
    def update(w: Value) -> Value:
        return w - 0.1 * w

    w = Value(1.0)
    out = update(w)
    assert not records(out) and out.data == 0.9
    assert records(w * 2)


def test_no_grad_nested_and_re_entrant() -> None:
    mode = no_grad()
    x = Value(1.0)
    with mode:
        with mode:  # the same object, entered twice
            assert not records(x + 1)
        assert not records(x + 1)
        with no_grad():
            assert not records(x + 1)
        assert not records(x + 1)
    assert records(x + 1)


def test_no_grad_decorator_called_recursively() -> None:
    @no_grad()
    def power(x: Value, n: int) -> Value:
        return x if n == 1 else x * power(x, n - 1)

    assert not records(power(Value(2.0), 5))
    assert records(Value(1.0) + 1)


def test_no_grad_restored_after_an_exception() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert records(x + 1)

    @no_grad()
    def fails() -> None:
        raise KeyError("inside")

    with pytest.raises(KeyError):
        fails()
    assert records(x + 1)


def test_backward_through_values_made_under_no_grad_stops_there() -> None:
    w = Value(3.0)
    with no_grad():
        frozen = w * 2
    y = frozen * w
    y.backward()
    assert w.grad == 6.0  # only through the recorded factor
    assert frozen.grad == 3.0


def test_grad_with_create_graph_works_inside_no_grad() -> None:
    x = Value(2.0)
    y = x**3
    with no_grad():
        (dy,) = grad(y, [x], create_graph=True)
    assert grad(dy, [x]) == (12.0,)
    assert records(x + 1)


def test_detect_anomaly_forward_names_the_op_and_inputs() -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError) as error:
        Value(1e308) * 10
    assert str(error.value) == "* produced inf in the forward pass from (1e+308, 10.0)"
    inf = Value(math.inf)
    with (
        detect_anomaly(),
        pytest.raises(FloatingPointError, match=r"^\* produced nan .*\(inf, 0.0\)"),
    ):
        inf * 0
    assert math.isnan((inf * 0).data)  # outside the mode: IEEE arithmetic, no error


def test_detect_anomaly_backward_names_the_op() -> None:
    x = Value(0.0)
    y = x.sqrt() * 2  # forward is fine: sqrt(0) = 0
    with detect_anomaly(), pytest.raises(FloatingPointError) as error:
        y.backward()
    message = str(error.value)
    assert message.startswith("sqrt produced gradient inf in the backward pass")
    assert "inputs (0.0)" in message
    y.backward()  # outside the mode the infinite gradient is returned, as in PyTorch
    assert x.grad == math.inf


def test_detect_anomaly_as_a_decorator_and_restored() -> None:
    @detect_anomaly()
    def overflow() -> Value:
        return Value(1e200) * Value(1e200)

    with pytest.raises(FloatingPointError, match=r"^\* produced inf"):
        overflow()
    assert (Value(1e200) * Value(1e200)).data == math.inf


def test_modes_combine() -> None:
    with detect_anomaly(), no_grad():
        assert not records(Value(1.0) + 1)
        with pytest.raises(FloatingPointError, match="exp"):
            Value(math.inf).exp()
    with no_grad(), detect_anomaly():
        assert not records(Value(1.0) + 1)
    assert records(Value(1.0) + 1)
