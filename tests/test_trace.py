"""``autograd.trace``: backprop as a program, checked against ``backward()``.

Random expressions over every op of the table (the oracle machinery of ``oracles.py``):
the program's value and gradients equal ``backward()``'s to 1e-12. Guards: a function that
branches on data is never silently wrong. And the program a student reads stays short.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from counting import values_made
from domains import DOMAINS
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import Program, guarded, programs

import nn
from autograd import Value, defop, dot, trace
from autograd.rules import OPS, sigmoid
from autograd.trace import TraceError


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))


def agree_with_backward(program: Program, point: tuple[float, ...]) -> None:
    leaves = [Value(x) for x in point]
    out = program.value(leaves)
    out.backward()
    traced = trace(lambda *xs: program.value(list(xs)), *point)
    value, grads = traced(*point)
    assert close(value, out.data), (value, out.data)
    assert all(close(g, leaf.grad) for g, leaf in zip(grads, leaves)), (grads, leaves)


@given(programs())
@settings(deadline=None)
def test_programs_equal_backward_on_random_expressions(program: Program) -> None:
    guarded(program)  # rejects points outside an op's domain
    agree_with_backward(program, program.point)


@given(programs(), st.data())
@settings(deadline=None)
def test_a_program_traced_once_is_right_at_other_points(program: Program, data: Any) -> None:
    """Traced at one point, run at another: the same as backward() there (or re-traced)."""
    guarded(program)
    traced = trace(lambda *xs: program.value(list(xs)), *program.point)
    moved = tuple(x + data.draw(st.floats(-0.05, 0.05)) for x in program.point)
    try:
        guarded(Program(moved, program.steps))
    except Exception:
        return
    leaves = [Value(x) for x in moved]
    try:
        out = program.value(leaves)
    except (ValueError, ZeroDivisionError):
        return
    out.backward()
    value, grads = traced(*moved)
    assert close(value, out.data)
    assert all(close(g, leaf.grad) for g, leaf in zip(grads, leaves))


@pytest.mark.parametrize("op", sorted(OPS))
def test_every_op_of_the_table_is_written_out(op: str) -> None:
    """Each op's own Code (or dot's, written by the tracer) appears in the program, and it
    agrees with backward(), at points on both sides of a kink."""
    form = DOMAINS[op].forms[0]
    for point in (
        [0.7, 1.3, 0.4, -0.2, 0.9],
        [-0.6, 0.8, -1.1, 0.3, 0.5],
        [0.0, 2.0, 1.0, 0.5, 0.1],
    ):
        args = point[: len(form.operands)]
        try:
            form.value(*[Value(a) for a in args])
        except (ValueError, ZeroDivisionError):
            continue
        traced = trace(lambda *xs: form.value(*xs), *args)
        if OPS[op].code is not None:
            assert OPS[op].code.local[0] in traced.source  # the rule's comment is there
        assert traced.check(*args)


def test_the_kinks_are_the_engines() -> None:
    """relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope, exactly as backward() has them."""
    traced = trace(lambda x: x.relu() + abs(x) + x.leaky_relu(0.1), 1.0)
    assert traced(0.0) == (0.0, (0.1,))
    assert traced(-2.0)[1] == (-1.0 + 0.1,)


def test_dot_and_constant_powers_read_as_code() -> None:
    traced = trace(lambda w0, w1, x0, x1, b: dot([w0, w1], [x0, x1], b) ** 2, 1, 2, 3, 4, 5)
    assert "v1 = b + w0 * x0 + w1 * x1" in traced.source
    assert "grad_v1 = grad_v2 * 2.0 * power(v1, 1.0)" in traced.source
    assert traced.check(0.5, -1.0, 2.0, 0.25, 1.5)


def test_an_op_of_your_own_is_called_by_its_rule() -> None:
    softplus = defop(
        "softplus_trace", lambda a: math.log1p(math.exp(a)), lambda g, ans, a: g * sigmoid(a)
    )
    try:
        traced = trace(lambda x: softplus(x * 2), 0.3)
        assert (
            "forward_softplus_trace(" in traced.source and "rule_softplus_trace(" in traced.source
        )
        assert traced.check(-0.4)
    finally:
        del OPS["softplus_trace"]


# -- never silently wrong when control flow depends on data ----------------------------------------
def branchy(x: Value) -> Value:
    return x * x if x.data > 0 else -x  # reads .data: the branch the issue names


def test_a_branch_on_data_is_never_reused_silently() -> None:
    traced = trace(branchy, 2.0)
    assert traced(2.0) == (4.0, (4.0,))
    assert traced(-3.0) == (3.0, (-1.0,))  # the other branch: traced again, not reused
    assert traced(5.0) == (25.0, (10.0,))
    assert len(traced.variants) >= 2
    assert "raise Retrace" in traced.source


def test_a_comparison_of_values_is_checked_as_such() -> None:
    """x > 0 on a Value is a guard on the comparison itself, so one path serves all x > 0."""
    traced = trace(lambda x: x * x if x > 0 else -x, 2.0)
    assert "if not (x > 0.0): raise Retrace" in traced.source
    for x in (0.5, 3.0, 100.0):
        assert traced(x) == (x * x, (2 * x,))
    assert len(traced.variants) == 1
    assert traced(-1.0) == (1.0, (-1.0,)) and len(traced.variants) == 2


def test_item_is_a_guard_too_and_a_guard_before_a_domain_error() -> None:
    traced = trace(lambda x: x.log() if x.item() > 0 else x * 0.5, 2.0)
    assert traced(-4.0) == (-2.0, (0.5,))  # log(-4) is never evaluated: the guard comes first


def test_max_over_values_and_library_losses() -> None:
    """cross_entropy takes the max of the logits (comparisons); bce reads .data to clamp."""
    logits = lambda a, b, c: nn.cross_entropy([a, b, c], 1)  # noqa: E731
    traced = trace(logits, 0.1, 2.0, -1.0)
    for point in [(0.1, 2.0, -1.0), (3.0, 0.0, 1.0), (-1.0, -2.0, 5.0)]:
        assert traced.check(*point)
    bce = trace(lambda s: nn.binary_cross_entropy(s.sigmoid(), 1.0), 0.3)
    for s in (0.3, -2.0, 40.0):
        assert bce.check(s)


def test_too_many_paths_is_a_clear_error() -> None:
    traced = trace(lambda x: x * 2 if x.data > 0 else x, 1.0)
    with pytest.raises(TraceError, match="control flow depends on the data"):
        for i in range(200):
            traced(float(i))


def test_bad_use_is_a_clear_error() -> None:
    with pytest.raises(TraceError, match="must return a Value"):
        trace(lambda x: 3.0, 1.0)
    with pytest.raises(TypeError, match="takes 1 input"):
        trace(lambda x: x * 2, 1.0)(1.0, 2.0)
    lecture = Value(1.0)

    def closure_op(x: Value) -> Value:
        out = Value(x.data * 2, (x,), "double")
        out._backward = lambda: None
        return out

    with pytest.raises(TraceError, match="_backward closure"):
        trace(closure_op, lecture)


def test_a_neurons_program_is_short_enough_to_read() -> None:
    """The lecture's neuron: at most 40 lines, its inputs named as the lecture names them."""
    neuron = trace(
        lambda x1, x2, w1, w2, b: (x1 * w1 + x2 * w2 + b).tanh(), 2.0, 0.0, -3.0, 1.0, 6.88
    )
    lines = neuron.source.splitlines()
    assert len(lines) <= 40
    assert lines[0] == "def program(x1, x2, w1, w2, b):"
    value, grads = neuron(2.0, 0.0, -3.0, 1.0, 6.8813735870195432)
    assert round(value, 4) == 0.7071 and [round(g, 4) for g in grads] == [-1.5, 0.5, 1.0, 0.0, 0.5]


def test_labels_name_the_variables() -> None:
    x = Value(2.0, label="x1")
    traced = trace(lambda a: (a * 3).exp(), x)
    assert traced.source.startswith("def program(x1):")


def test_a_compiled_call_makes_no_value() -> None:
    traced = trace(lambda x, w: (x * w).tanh() * w, 0.5, 2.0)
    assert values_made(lambda: (Value(0.3) * 1.5).tanh()) == 4  # the counter counts
    assert values_made(lambda: [traced(0.3, 1.5) for _ in range(100)]) == 0
