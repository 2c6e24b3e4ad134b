"""The training fast path: dot's specialised first-order rule and the fused network step."""

from __future__ import annotations

import math
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, detect_anomaly, dot
from autograd.fast import _dot_accumulate
from autograd.rules import OPS

finite = st.floats(-1e3, 1e3, allow_nan=False)


def rule_grads(g: float, operands: tuple[Value, ...]) -> list[float]:
    """What dot's rule (the reference) adds into each operand, in the rule's order."""
    op = OPS["dot"]
    data = [v.data for v in operands]
    return list(op.backward(g, op.forward(*data), *data))


@given(st.lists(finite, min_size=3, max_size=25).filter(lambda d: len(d) % 2), finite)
@settings(max_examples=60)
def test_accumulate_adds_what_the_rule_returns(data: list[float], g: float) -> None:
    """fast._dot_accumulate is dot's rule written a second time for speed: with distinct
    operands (every neuron: weights, inputs and bias are different Values) each gradient
    is the rule's, to the last bit."""
    operands = tuple(Value(d) for d in data)
    _dot_accumulate(g, operands)
    assert [v.grad for v in operands] == rule_grads(g, operands)


@given(st.data(), st.integers(1, 12), finite)
@settings(max_examples=60)
def test_accumulate_with_one_value_in_several_places(data: st.DataObject, n: int, g: float) -> None:
    """When one Value is several operands (a weight also an input, the bias also a weight:
    drawn from a small pool), its gradient is the sum of the rule's terms for it, correct
    to the rounding of that sum (the fast loop adds them in another order than the rule)."""
    pool = [Value(data.draw(finite)) for _ in range(data.draw(st.integers(1, 2 * n + 1)))]
    operands = tuple(data.draw(st.sampled_from(pool)) for _ in range(2 * n + 1))
    _dot_accumulate(g, operands)
    terms = rule_grads(g, operands)
    for v in pool:
        mine = [t for operand, t in zip(operands, terms) if operand is v]
        bound = len(mine) * sys.float_info.epsilon * math.fsum(abs(t) for t in mine)
        assert abs(v.grad - math.fsum(mine)) <= bound


def test_backward_and_detect_anomaly_agree_on_dot() -> None:
    """Under detect_anomaly() the engine uses the generic rule: same gradients."""
    ws, xs, b = [Value(0.5 * i - 1) for i in range(5)], [Value(0.3 * i) for i in range(5)], Value(2)
    dot(ws, xs, b).tanh().backward()
    fast = [v.grad for v in (*ws, *xs, b)]
    for v in (*ws, *xs, b):
        v.grad = 0.0
    with detect_anomaly():
        dot(ws, xs, b).tanh().backward()
    assert fast == [v.grad for v in (*ws, *xs, b)]


def mlp_step(fused: bool, seed: int) -> tuple[float, list[float]]:
    """Loss and gradients of micrograd's demo loss on an MLP(3, [8, 8, 1]), fused or not."""
    rng = random.Random(seed)
    sizes = [3, 8, 8, 1]
    layers = [
        [[Value(rng.uniform(-1, 1)) for _ in range(sizes[i] + 1)] for _ in range(sizes[i + 1])]
        for i in range(len(sizes) - 1)
    ]
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(20)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(20)]
    scores = []
    for row in X:
        x: list[Value] = [Value(v) for v in row]
        for i, layer in enumerate(layers):
            if fused:
                acts = [dot(n[:-1], x, n[-1]) for n in layer]
            else:  # micrograd's Neuron: sum((wi * xi for ...), b)
                acts = [sum((w * v for w, v in zip(n[:-1], x)), n[-1]) for n in layer]
            x = acts if i == len(layers) - 1 else [a.relu() for a in acts]
        scores.append(x[0])
    params = [p for layer in layers for n in layer for p in n]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
    assert isinstance(total, Value)
    total.backward()
    return total.data, [p.grad for p in params]


@pytest.mark.parametrize("seed", range(5))
def test_fused_step_equals_unfused_step(seed: int) -> None:
    loss, grads = mlp_step(fused=True, seed=seed)
    loss_unfused, grads_unfused = mlp_step(fused=False, seed=seed)
    assert loss == pytest.approx(loss_unfused, rel=1e-12)
    assert grads == pytest.approx(grads_unfused, rel=1e-12, abs=1e-15)
    assert any(g != 0 for g in grads)


def test_dot_takes_plain_numbers_and_keeps_the_operand_order() -> None:
    w = [Value(2.0), Value(-1.0)]
    out = dot(w, [3.0, 4], 0.5)
    assert out.data == 0.5 + 2.0 * 3.0 + -1.0 * 4
    assert [p.data for p in out.parents] == [2.0, -1.0, 3.0, 4.0, 0.5]
    assert out.parents[:2] == tuple(w)
    out.backward()
    assert [v.grad for v in w] == [3.0, 4.0]
