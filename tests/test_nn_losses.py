"""Loss functions: values against mpmath, gradients through gradcheck, stability, errors."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
)

mpmath.mp.dps = 50
logits = st.floats(-20, 20)
SETTINGS = settings(max_examples=40, deadline=None)


def close(a: float, b: object) -> bool:
    return math.isclose(a, float(b), rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]


@SETTINGS
@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=1, max_size=5))
def test_mse_loss(pairs: list[tuple[float, float]]) -> None:
    xs, ts = zip(*pairs)
    expected = mpmath.fsum((mpmath.mpf(x) - t) ** 2 for x, t in pairs) / len(pairs)
    assert close(mse_loss([Value(x) for x in xs], list(ts)).data, expected)
    assert gradcheck(lambda *v: mse_loss(list(v), list(ts)), list(xs))


@SETTINGS
@given(st.lists(st.tuples(logits, st.sampled_from([0.0, 1.0, 0.25])), min_size=1, max_size=5))
def test_bce_with_logits_matches_mpmath_and_gradcheck(pairs: list[tuple[float, float]]) -> None:
    xs, ts = zip(*pairs)

    def exact(x: float, t: float) -> object:
        p = 1 / (1 + mpmath.exp(-mpmath.mpf(x)))
        return -(t * mpmath.log(p) + (1 - t) * mpmath.log(1 - p))

    expected = mpmath.fsum(exact(x, t) for x, t in pairs) / len(pairs)
    assert close(binary_cross_entropy_with_logits(list(xs), list(ts)).data, expected)
    assert gradcheck(lambda *v: binary_cross_entropy_with_logits(list(v), list(ts)), list(xs))


def test_bce_with_logits_at_zero_has_the_sigmoid_gradient() -> None:
    x = Value(0.0)
    binary_cross_entropy_with_logits(x, 1.0).backward()
    assert x.grad == 0.5 - 1.0  # sigmoid(0) - t, exactly (a kink-based formula gets -1 here)


@SETTINGS
@given(
    st.lists(
        st.tuples(st.floats(0.01, 0.99), st.sampled_from([0.0, 1.0, 0.3])), min_size=1, max_size=5
    )
)
def test_binary_cross_entropy(pairs: list[tuple[float, float]]) -> None:
    ps, ts = zip(*pairs)
    expected = mpmath.fsum(
        -(t * mpmath.log(p) + (1 - t) * mpmath.log(1 - mpmath.mpf(p))) for p, t in pairs
    ) / len(pairs)
    assert close(binary_cross_entropy(list(ps), list(ts)).data, expected)
    assert gradcheck(lambda *v: binary_cross_entropy(list(v), list(ts)), list(ps))


def test_binary_cross_entropy_clamps_log_like_pytorch() -> None:
    assert binary_cross_entropy(Value(0.0), 1.0).data == 100.0
    assert binary_cross_entropy(Value(1.0), 0.0).data == 100.0
    assert binary_cross_entropy(Value(1.0), 1.0).data == 0.0


@SETTINGS
@given(st.lists(logits, min_size=2, max_size=5), st.data())
def test_cross_entropy_matches_mpmath_and_gradcheck(zs: list[float], data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(zs) - 1))
    expected = mpmath.log(mpmath.fsum(mpmath.exp(z) for z in zs)) - zs[k]
    assert close(cross_entropy([Value(z) for z in zs], k).data, expected)
    assert gradcheck(lambda *v: cross_entropy(list(v), k), zs)


def test_cross_entropy_batch_is_the_mean() -> None:
    batch = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]
    labels = [1, 2]
    one = [cross_entropy(z, t).data for z, t in zip(batch, labels)]
    assert math.isclose(cross_entropy(batch, labels).data, sum(one) / 2, rel_tol=1e-15)
    assert math.isclose(cross_entropy(batch, labels, reduction="sum").data, sum(one), rel_tol=1e-15)
    assert [v.data for v in cross_entropy(batch, labels, reduction="none")] == one


def test_cross_entropy_is_stable_for_huge_logits() -> None:
    zs = [Value(1000.0), Value(0.0), Value(-1000.0)]
    loss = cross_entropy(zs, 1)
    loss.backward()
    assert loss.data == 1000.0
    assert [z.grad for z in zs] == [1.0, -1.0, 0.0]  # softmax - onehot
    x = Value(1000.0)
    bce = binary_cross_entropy_with_logits(x, 0.0)
    bce.backward()
    assert (bce.data, x.grad) == (1000.0, 1.0)


@SETTINGS
@given(st.lists(st.tuples(st.floats(-3, 3), st.sampled_from([-1, 1])), min_size=1, max_size=5))
def test_hinge_loss(pairs: list[tuple[float, int]]) -> None:
    xs, ts = zip(*pairs)
    expected = sum(max(0.0, 1 - t * x) for x, t in pairs) / len(pairs)
    assert close(hinge_loss([Value(x) for x in xs], list(ts)).data, expected)
    if all(abs(1 - t * x) > 1e-3 for x, t in pairs):  # away from the kink
        assert gradcheck(lambda *v: hinge_loss(list(v), list(ts)), list(xs))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: mse_loss([1.0, 2.0], [1.0]), ValueError, "2 predictions but 1 targets"),
        (
            lambda: hinge_loss([1.0], [0]),
            ValueError,
            r"target\[0\] = 0.0; labels must be -1 or \+1",
        ),
        (
            lambda: cross_entropy([1.0, 2.0], 2),
            ValueError,
            r"target\[0\] = 2 is out of range for 2",
        ),
        (lambda: cross_entropy([1.0, 2.0], -1), ValueError, "out of range"),
        (lambda: cross_entropy([1.0, 2.0], 1.0), TypeError, "must be an int class index"),
        (lambda: cross_entropy([[1.0, 2.0]], [0, 1]), ValueError, "1 predictions but 2 targets"),
        (lambda: binary_cross_entropy([1.5], [1.0]), ValueError, "not a probability"),
        (lambda: binary_cross_entropy_with_logits([1.0], [2.0]), ValueError, r"target\[0\]"),
        (lambda: mse_loss(["a"], [1.0]), TypeError, "predictions must be Values or numbers"),
        (lambda: mse_loss([1.0], [None]), TypeError, "targets must be numbers"),
        (lambda: mse_loss([], []), ValueError, "no predictions"),
        (lambda: mse_loss([1.0], [1.0], reduction="avg"), ValueError, "reduction must be one of"),
    ],
)
def test_errors_name_the_problem(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


def test_numpy_arrays_are_accepted_as_batches() -> None:
    np = pytest.importorskip("numpy")
    scores = [Value(0.5), Value(-2.0)]
    assert hinge_loss(scores, np.array([1, -1])).data == hinge_loss(scores, [1, -1]).data
    assert cross_entropy([[1.0, 2.0]], np.array([1])).data == cross_entropy([1.0, 2.0], 1).data
    assert mse_loss(np.array([1.0, 2.0]), np.array([0.0, 0.0])).data == 2.5
