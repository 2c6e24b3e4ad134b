"""Loss functions: values against mpmath, gradients through gradcheck, stability, errors."""

from __future__ import annotations

import math
import struct

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


# -- PyTorch's formulas at the edges and with their options (issue 10, 13) -----------------
EPS = struct.unpack("f", struct.pack("f", 1e-12))[0]  # 9.999999960041972e-13


@pytest.mark.parametrize(
    ("p", "t", "loss", "grad"),
    [
        # PyTorch: (t-1) max(log(1-p), -100) - t max(log p, -100), and the gradient
        # (p - t) / max(p (1 - p), EPS) with EPS = 1e-12 as a float32 (read off torch 2.13)
        (0.0, 1.0, 100.0, -1 / EPS),  # confidently wrong: a strong push (was 0)
        (0.0, 0.0, 0.0, 0.0),  # right: no push (was 1.0)
        (1.0, 0.0, 100.0, 1 / EPS),
        (1.0, 1.0, 0.0, 0.0),
        (0.0, 0.25, 25.0, -0.25 / EPS),  # 0.25 * 100
        (1e-300, 1.0, 100.0, (1e-300 - 1.0) / EPS),  # log clamped at -100
        (1e-13, 0.0, -math.log1p(-1e-13), 1e-13 / EPS),
    ],
)
def test_bce_value_and_gradient_at_the_clamp_are_pytorchs(
    p: float, t: float, loss: float, grad: float
) -> None:
    x = Value(p)
    value = binary_cross_entropy(x, t)
    value.backward()
    assert value.data == loss
    assert x.grad == grad


def test_bce_away_from_the_clamp_is_an_ordinary_graph() -> None:
    """Its gradient is the derivative (gradcheck) and its second derivative exists."""
    from autograd import grad, gradgradcheck

    assert gradgradcheck(lambda p: binary_cross_entropy(p, 0.3), [0.2])
    p = Value(0.2)
    (g,) = grad(binary_cross_entropy(p, 1.0), [p], create_graph=True)
    (g2,) = grad(g, [p])
    assert math.isclose(g2, 1 / 0.2**2, rel_tol=1e-12)  # d2/dp2 of -log p


def test_bce_on_raw_scores_suggests_the_logits_version() -> None:
    with pytest.raises(
        ValueError,
        match=r"input\[1\] = 2\.5 is not a probability.*"
        r"binary_cross_entropy_with_logits.*loss=\"bce_with_logits\"",
    ):
        binary_cross_entropy([Value(0.5), Value(2.5)], [1.0, 0.0])


def test_bce_weights_and_pos_weight() -> None:
    ps, ts = [0.2, 0.9, 0.6], [0.0, 1.0, 1.0]
    plain = binary_cross_entropy(ps, ts, reduction="none")
    weighted = binary_cross_entropy(ps, ts, weight=[1.0, 2.0, 0.5], reduction="none")
    assert [w.data for w in weighted] == [
        1.0 * plain[0].data,
        2.0 * plain[1].data,
        0.5 * plain[2].data,
    ]
    xs = [-1.0, 2.0, 0.5]
    exact = [
        -(
            3 * t * mpmath.log(1 / (1 + mpmath.exp(-x)))
            + (1 - t) * mpmath.log(1 - 1 / (1 + mpmath.exp(-x)))
        )
        for x, t in zip(xs, ts)
    ]
    mine = binary_cross_entropy_with_logits(xs, ts, pos_weight=3.0, reduction="none")
    assert all(close(m.data, e) for m, e in zip(mine, exact))
    assert close(
        binary_cross_entropy_with_logits(xs, ts, pos_weight=3.0).data, mpmath.fsum(exact) / 3
    )
    assert gradcheck(
        lambda *v: binary_cross_entropy_with_logits(list(v), ts, pos_weight=[3.0, 1.0, 0.5]), xs
    )
    multi = binary_cross_entropy_with_logits(
        [[1.0, -1.0], [0.5, 2.0]], [[1.0, 0.0], [0.0, 1.0]], pos_weight=[2.0, 1.0], reduction="none"
    )
    assert [len(row) for row in multi] == [2, 2]  # "none" keeps the input's shape
    assert close(multi[1][1].data, 2.0 * 0 + mpmath.log(1 + mpmath.exp(-2.0)))  # pos weight 1


def mp_log_softmax(zs: list[float]) -> list[object]:
    lse = mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(z)) for z in zs))
    return [mpmath.mpf(z) - lse for z in zs]


@SETTINGS
@given(
    st.lists(st.lists(logits, min_size=3, max_size=3), min_size=1, max_size=4),
    st.data(),
    st.floats(0, 1),
    st.booleans(),
)
def test_cross_entropy_options_match_the_formulas(
    batch: list[list[float]], data: st.DataObject, smoothing: float, weighted: bool
) -> None:
    """PyTorch's documented formulas, in mpmath: weight scales each sample by its class's
    weight and the mean divides by the sum of those weights; ignored samples count for
    nothing; label smoothing mixes the one-hot target with the uniform distribution."""
    labels = data.draw(
        st.lists(st.sampled_from([0, 1, 2, -100]), min_size=len(batch), max_size=len(batch))
    )
    if all(t == -100 for t in labels):
        labels[0] = 1
    w = [0.5, 2.0, 1.5] if weighted else [1.0, 1.0, 1.0]
    losses, total_w = [], mpmath.mpf(0)
    for zs, t in zip(batch, labels):
        if t == -100:
            continue
        logp = mp_log_softmax(zs)
        nll = -w[t] * logp[t]
        smooth = -mpmath.fsum(wc * lp for wc, lp in zip(w, logp))
        losses.append((1 - smoothing) * nll + smoothing / 3 * smooth)
        total_w += w[t]
    options = dict(weight=w if weighted else None, label_smoothing=smoothing)
    mine = cross_entropy(batch, labels, **options)
    assert close(mine.data, mpmath.fsum(losses) / total_w)
    summed = cross_entropy(batch, labels, reduction="sum", **options)
    assert close(summed.data, mpmath.fsum(losses))
    each = cross_entropy(batch, labels, reduction="none", **options)
    assert [e.data for e, t in zip(each, labels) if t == -100] == [0.0] * labels.count(-100)
    assert gradcheck(
        lambda *v: cross_entropy(
            [list(v[i : i + 3]) for i in range(0, len(v), 3)], labels, **options
        ),
        [z for zs in batch for z in zs],
    )


def test_cross_entropy_with_probability_targets() -> None:
    zs = [2.0, 0.5, -1.0]
    assert cross_entropy(zs, [0, 1, 0]).data == cross_entropy(zs, 1).data  # one-hot = index
    q = [0.2, 0.5, 0.3]
    logp = mp_log_softmax(zs)
    assert close(cross_entropy(zs, q).data, -mpmath.fsum(qc * lp for qc, lp in zip(q, logp)))
    smoothed = [qc * 0.9 + 0.1 / 3 for qc in q]
    assert close(
        cross_entropy(zs, q, label_smoothing=0.1).data,
        -mpmath.fsum(qc * lp for qc, lp in zip(smoothed, logp)),
    )
    batch = cross_entropy([zs, zs], [q, [1, 0, 0]], weight=[1.0, 2.0, 3.0])
    expected = (
        -(mpmath.fsum(w * qc * lp for w, qc, lp in zip([1, 2, 3], q, logp)) + logp[0]) / 2
    )  # divided by the number of samples
    assert close(batch.data, expected)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: cross_entropy([1.0, 2.0, 3.0], [1, 2]),
            ValueError,
            r"target\[0\] has 2 class probabilities but the input has 3 logits",
        ),
        (
            lambda: cross_entropy([1.0, 2.0, 3.0], [1, 1, 0]),
            ValueError,
            r"target\[0\] = \[1, 1, 0\] is not a probability distribution",
        ),
        (
            lambda: cross_entropy([[1.0, 2.0], [0.0, 1.0]], 1),
            ValueError,
            "input is a batch of 2 samples, so target must be a list of 2 class indices",
        ),
        (
            lambda: cross_entropy([[1.0, 2.0], [0.0, 1.0, 2.0]], [0, 1]),
            ValueError,
            r"input\[1\] has 3 logits but input\[0\] has 2",
        ),
        (
            lambda: cross_entropy([[1.0, 2.0]], [[1, 0]], weight=[1.0]),
            ValueError,
            "weight must be a list of 2 numbers",
        ),
        (lambda: cross_entropy([[1.0, 2.0]], [-100]), ValueError, "every target is ignore_index"),
        (
            lambda: cross_entropy([1.0, 2.0], 0, label_smoothing=1.5),
            ValueError,
            r"label_smoothing must be a number in \[0.0, 1.0\]",
        ),
        (
            lambda: cross_entropy([1.0, 2.0], 0, ignore_index=0.5),
            TypeError,
            "ignore_index must be an int",
        ),
        (
            lambda: binary_cross_entropy([0.5, 0.5], [1.0, 0.0], weight=[1.0, 2.0, 3.0]),
            ValueError,
            r"weight has shape \(3,\)",
        ),
        (
            lambda: mse_loss([[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0]]),
            ValueError,
            r"input\[1\] has shape \(1,\) but input\[0\] has \(2,\)",
        ),
        (lambda: hinge_loss([1.0], [1], margin="1"), TypeError, "margin must be a number"),
    ],
)
def test_option_errors_name_the_problem(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


def test_a_list_of_one_prediction_against_a_number() -> None:
    """What a Linear(n, 1) returns, per sample, against one target per sample."""
    outputs = [[Value(0.5)], [Value(-1.0)]]
    assert mse_loss(outputs, [1.0, 0.0]).data == mse_loss([0.5, -1.0], [1.0, 0.0]).data
    assert mse_loss([Value(0.5)], 1.0).data == 0.25
    assert mse_loss(Value(0.5), [1.0]).data == 0.25
    with pytest.raises(ValueError, match=r"predictions have shape \(2, 2\) but the targets \(2,\)"):
        mse_loss([[0.5, 1.0], [0.5, 1.0]], [1.0, 0.0])


def test_loss_classes_apply_the_functions_with_their_options() -> None:
    from nn import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss

    zs, labels = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], [1, 2]
    options = dict(weight=[1.0, 2.0, 0.5], ignore_index=2, label_smoothing=0.2)
    assert CrossEntropyLoss(**options)(zs, labels).data == cross_entropy(zs, labels, **options).data  # type: ignore[arg-type]
    assert MSELoss(reduction="sum")([1.0, 2.0], [0.0, 0.0]).data == 5.0
    assert BCELoss(weight=2.0)(0.5, 1.0).data == 2 * math.log(2)
    assert BCEWithLogitsLoss(pos_weight=2.0)(0.0, 1.0).data == 2 * math.log(2)
    assert repr(MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of"):
        MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="CrossEntropyLoss: label_smoothing"):
        CrossEntropyLoss(label_smoothing=-0.1)


def test_fit_accepts_loss_modules_and_names_their_accuracy() -> None:
    from nn import CrossEntropyLoss
    from nn.losses import resolve_loss

    _, right = resolve_loss(CrossEntropyLoss(), None)
    assert right is not None and right([Value(0.1), Value(2.0)], 1)
    assert not right([Value(0.1), Value(2.0)], 0)
    _, right = resolve_loss("bce_with_logits", None)  # a Linear(n, 1) gives a list of one
    assert right is not None and right([Value(0.3)], 1) and not right([Value(-0.3)], 1)
    assert resolve_loss(mse_loss, None)[1] is None
