"""Numbers at the edges: IEEE overflow in forward and backward, atomic backward passes,
domain errors that name the op, rules that branch on values (never on Value identity).

PyTorch is the convention: an overflow is inf (``torch.tensor(1e200) ** 2`` is inf), a
domain error of the math module stays an error naming the op and the value.
"""

from __future__ import annotations

import math
import os
import signal
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, detect_anomaly, fast, grad
from autograd.rules import OPS

INF = math.inf

# (name, expression of x, x, expected value, expected d/dx)
OVERFLOWS: list[tuple[str, Callable[[Value], Value], float, float, float]] = [
    ("x * x", lambda x: x * x, 1e200, INF, 2e200),
    ("x ** 2", lambda x: x**2, 1e200, INF, 2e200),
    ("x ** 3", lambda x: x**3, 1e103, INF, 3e206),
    ("x ** 3, negative", lambda x: x**3, -1e103, -INF, 3e206),
    ("x ** 4", lambda x: x**4, 1e103, INF, INF),  # 4 x^3 = 4e309
    ("exp(x)", lambda x: x.exp(), 1000.0, INF, INF),
    ("2 ** x", lambda x: 2**x, 5000.0, INF, INF),
    ("1 / x", lambda x: 1 / x, 1e-170, 1e170, -INF),  # d/dx = -1/x^2 = -1e340
    ("x ** -1", lambda x: x**-1, 1e-320, INF, -INF),  # 1 / a subnormal overflows
    ("sqrt(x)", lambda x: x.sqrt(), 0.0, 0.0, INF),
]


@pytest.mark.parametrize(
    ("expression", "x", "value", "slope"),
    [(e, x, v, s) for _, e, x, v, s in OVERFLOWS],
    ids=[c[0] for c in OVERFLOWS],
)
def test_overflow_is_inf_forward_and_backward(
    expression: Callable[[Value], Value], x: float, value: float, slope: float
) -> None:
    leaf = Value(x)
    out = expression(leaf)
    assert out.data == value
    out.backward()
    assert leaf.grad == slope
    assert grad(expression(Value(x)), [Value(x)], allow_unused=True) is not None


@pytest.mark.parametrize(
    ("expression", "x"), [(c[1], c[2]) for c in OVERFLOWS], ids=[c[0] for c in OVERFLOWS]
)
def test_overflow_matches_torch(expression: Callable[[Any], Any], x: float) -> None:
    torch = pytest.importorskip(
        "torch", reason="torch is not installed (pip install torch==2.13.0)"
    )
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    expected = expression(t)
    expected.backward()
    leaf = Value(x)
    out = expression(leaf)
    out.backward()
    assert out.data == expected.item()
    assert leaf.grad == t.grad.item() or (math.isnan(leaf.grad) and math.isnan(t.grad.item()))


def test_a_failing_backward_changes_no_gradient() -> None:
    """1/c + a*b with c = 1e-170: before, a.grad and b.grad were set, then it raised. Now the
    pass gives -inf; under detect_anomaly() it raises, and nothing has changed."""
    a, b, c = Value(2.0), Value(3.0), Value(1e-170)
    (1 / c + a * b).backward()
    assert (a.grad, b.grad, c.grad) == (3.0, 2.0, -INF)
    a.grad = b.grad = c.grad = 0.5
    with detect_anomaly():
        y = 1 / c + a * b
        with pytest.raises(FloatingPointError, match=r"\*\* produced gradient -inf"):
            y.backward()
    assert (a.grad, b.grad, c.grad) == (0.5, 0.5, 0.5)


def test_a_hook_that_raises_leaves_every_gradient_as_it_was() -> None:
    a, b = Value(2.0), Value(3.0)
    y = a * b + b
    a.grad, b.grad = 1.0, 1.0

    def broken(g: float) -> float:
        raise RuntimeError("a broken hook")

    (a * b).register_hook(lambda g: g)  # a hook elsewhere
    y.register_hook(broken)
    with pytest.raises(RuntimeError, match="a broken hook"):
        y.backward()
    assert (a.grad, b.grad, y.grad) == (1.0, 1.0, 0.0)


def inside(frame: Any, *functions: Callable[..., Any]) -> bool:
    codes = {f.__code__ for f in functions}
    while frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


def test_ctrl_c_during_backward_completes_the_pass_first() -> None:
    """A SIGINT that arrives in the middle of the fast backward pass is raised after it:
    a timer re-arms itself until it fires inside the pass, then sends Ctrl-C."""
    sent: list[bool] = []
    armed = [True]

    def alarm(signum: int, frame: Any) -> None:
        if inside(frame, fast._walk, fast._backpropagate):
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        elif armed[0]:
            signal.setitimer(signal.ITIMER_REAL, 0.0002)

    previous = signal.signal(signal.SIGALRM, alarm)
    try:
        for depth in (100_000, 400_000, 1_600_000):  # until the timer lands inside a pass
            x = Value(1.0)
            y = x
            for _ in range(depth):
                y = y * 1.0
            armed[0] = True
            signal.setitimer(signal.ITIMER_REAL, 0.0002)
            try:
                y.backward()
            except KeyboardInterrupt:
                break
            finally:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert sent, "the timer never fired inside a backward pass"
    assert x.grad == 1.0  # interrupted inside the pass, yet the whole pass ran


# (name, the mistake, its error, words the message must contain)
DOMAIN_ERRORS: list[tuple[str, Callable[[], Any], type[Exception], list[str]]] = [
    ("log of a negative", lambda: Value(-2.0).log(), ValueError, ["log", "-2.0"]),
    ("sqrt of a negative", lambda: Value(-4.0).sqrt(), ValueError, ["sqrt", "-4.0"]),
    ("a complex power", lambda: Value(-8.0) ** 0.5, ValueError, ["**", "-8.0", "complex"]),
    ("0 ** negative", lambda: Value(0.0) ** -2, ZeroDivisionError, ["**", "0.0", "-2.0"]),
    ("Value(10**5000)", lambda: Value(10**5000), OverflowError, ["Value", "5001 digits"]),
]


@pytest.mark.parametrize(
    ("mistake", "error", "words"), [c[1:] for c in DOMAIN_ERRORS], ids=[c[0] for c in DOMAIN_ERRORS]
)
def test_domain_errors_name_the_op_and_the_value(
    mistake: Callable[[], Any], error: type[Exception], words: list[str]
) -> None:
    with pytest.raises(error) as raised:
        mistake()
    assert all(w in str(raised.value) for w in words), str(raised.value)


def test_detect_anomaly_names_the_first_op_that_makes_inf_or_nan() -> None:
    with detect_anomaly():
        x = Value(1e200)
        with pytest.raises(FloatingPointError, match=r"^\* produced inf"):
            (x * x).exp()
        with pytest.raises(FloatingPointError, match=r"^exp produced inf"):
            Value(1000.0).exp()


def test_pow_at_zero_base_with_create_graph() -> None:
    """d(a ** b)/db at a = 0 is 0 at first order and in torch; it was NaN with
    create_graph=True, because the rule compared Values with == (identity)."""
    a, b = Value(0.0), Value(2.0)
    ga, gb = grad(a**b, [a, b], create_graph=True)
    assert (ga.data, gb.data) == (0.0, 0.0)
    assert grad(a**b, [a, b]) == (0.0, 0.0)


@pytest.mark.parametrize("op", sorted(name for name in OPS if name != "dot"))
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_every_rule_gives_the_same_on_floats_and_on_values(op: str, data: st.DataObject) -> None:
    """The audit: a rule that branched on Values with == (identity) gave other numbers on
    Values than on floats. Inputs include 0 and the kinks."""
    arity = OPS[op].arity
    special = st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5])
    inputs = [data.draw(st.one_of(special, st.floats(-5, 5))) for _ in range(arity)]
    try:
        ans = OPS[op].forward(*inputs)
    except (ValueError, ZeroDivisionError):
        return  # outside the op's domain
    g = data.draw(st.floats(-3, 3))
    on_floats = OPS[op].backward(g, ans, *inputs)
    on_values = OPS[op].backward(Value(g), Value(ans), *[Value(x) for x in inputs])
    for f, v in zip(on_floats, on_values):
        v = getattr(v, "data", v)
        assert f == v or (math.isnan(f) and math.isnan(v)), (inputs, on_floats, on_values)


def test_grad_takes_any_iterable_of_inputs() -> None:
    x = Value(3.0)
    assert grad(x * x, (v for v in [x])) == (6.0,)
    assert grad(x * x, {x: "a dict is iterable"}) == (6.0,)
