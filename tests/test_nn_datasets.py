"""Data sets: the geometry each generator promises, determinism, the split helper."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.datasets import (
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    train_test_split,
)

GENERATORS = [make_moons, make_circles, make_spirals, make_xor, make_blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_deterministic_with_seed_and_plain_lists(make) -> None:  # type: ignore[no-untyped-def]
    X, y = make(50, seed=3)
    assert make(50, seed=3) == (X, y)
    assert make(50, seed=4) != (X, y)
    assert isinstance(X, list) and isinstance(y, list) and len(X) == len(y) == 50
    assert all(type(c) is float for row in X for c in row)
    assert all(type(label) is int for label in y)


def test_moons_without_noise_lie_on_the_two_half_circles() -> None:
    X, y = make_moons(101, seed=0)
    assert y.count(0) == 50 and y.count(1) == 51
    for (a, b), label in zip(X, y):
        if label == 0:  # upper moon: the unit circle, y >= 0
            assert math.isclose(a * a + b * b, 1.0) and b >= -1e-12
        else:  # lower moon: centred at (1, 0.5), y <= 0.5
            assert math.isclose((a - 1) ** 2 + (b - 0.5) ** 2, 1.0) and b <= 0.5 + 1e-12


def test_circles_radii() -> None:
    X, y = make_circles(40, factor=0.3, seed=1)
    assert y.count(0) == y.count(1) == 20
    for (a, b), label in zip(X, y):
        assert math.isclose(math.hypot(a, b), 0.3 if label else 1.0)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 5), st.integers(10, 60), st.integers(0, 1000))
def test_spirals_classes_balanced_and_in_unit_disc(k: int, n: int, seed: int) -> None:
    X, y = make_spirals(n, n_classes=k, noise=0.0, seed=seed)
    counts = [y.count(c) for c in range(k)]
    assert sum(counts) == n and max(counts) - min(counts) <= 1
    assert all(math.hypot(a, b) <= 1.0 + 1e-12 for a, b in X)


def test_xor_labels_follow_the_quadrants() -> None:
    X, y = make_xor(200, seed=5)
    assert all(label == int((a > 0) != (b > 0)) for (a, b), label in zip(X, y))
    assert 60 < sum(y) < 140


def test_blobs_cluster_around_given_centers() -> None:
    centers = [[0.0, 0.0], [10.0, 10.0]]
    X, y = make_blobs(400, centers=centers, cluster_std=0.5, seed=0)
    for c, center in enumerate(centers):
        points = [x for x, label in zip(X, y) if label == c]
        mean = [sum(p[i] for p in points) / len(points) for i in range(2)]
        assert math.dist(mean, center) < 0.2
    X3, _ = make_blobs(10, centers=2, n_features=3, seed=0)
    assert all(len(x) == 3 for x in X3)


def test_noise_has_the_requested_standard_deviation() -> None:
    clean, _ = make_moons(4000, seed=0, shuffle=False)
    noisy, _ = make_moons(4000, noise=0.2, seed=0, shuffle=False)
    deltas = [n - c for a, b in zip(noisy, clean) for n, c in zip(a, b)]
    sd = math.sqrt(sum(d * d for d in deltas) / len(deltas))
    assert abs(sd - 0.2) < 0.01


def test_train_test_split() -> None:
    X, y = list(range(100)), [i * 10 for i in range(100)]
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, seed=0)
    assert (len(X_train), len(X_val)) == (80, 20)
    assert sorted(X_train + X_val) == X
    assert all(t == 10 * x for x, t in zip(X_train + X_val, y_train + y_val))  # pairs kept
    assert train_test_split(X, y, test_size=0.2, seed=0)[1] == X_val
    assert train_test_split(X, y, test_size=7, shuffle=False)[1] == X[-7:]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_moons(0), "make_moons: n_samples must be an int >= 1, got 0"),
        (lambda: make_moons(10, noise=-1), r"make_moons: noise must be a number >= 0\.0, got -1"),
        (lambda: make_moons((3, 4, 5)), r"n_samples must be a count or a pair \(n0, n1\)"),
        (lambda: make_circles(10, factor=1.5), r"factor must be a number in \[0\.0, 1\.0\)"),
        (
            lambda: make_spirals(10, n_classes=1),
            "make_spirals: n_classes must be an int >= 2, got 1",
        ),
        (lambda: make_blobs(10, cluster_std=-1), r"make_blobs: cluster_std must be a number >= 0"),
        (lambda: make_blobs(10, cluster_std=[1, 2]), "cluster_std has 2 values for 3 centers"),
        (lambda: make_blobs([1, 2], centers=3), "centers=3 but n_samples gives 2 counts"),
        (lambda: make_moons(10, seed=1, random_state=2), "two names for one thing"),
        (lambda: train_test_split([1, 2], [1]), "X has 2 samples but y has 1"),
        (lambda: train_test_split([1, 2], [1, 2], test_size=1.5), "fraction in \\(0, 1\\)"),
        (lambda: train_test_split([1, 2], [1, 2], test_size=2), r"count in \[1, 1\]"),
        (lambda: train_test_split(X10, X10, test_size=0.6, train_size=0.6), "at most 1"),
        (lambda: train_test_split(X10, X10, test_size=6, train_size=6), "more than the 10"),
        (lambda: train_test_split(X10, [0] * 9 + [1], stratify=[0] * 9 + [1]), "only 1 member"),
        (lambda: train_test_split(X10, X10, stratify=X10, shuffle=False), "needs shuffle=True"),
    ],
)
def test_bad_arguments(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


X10 = list(range(10))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_moons(True), "n_samples must be an int, got bool"),
        (lambda: make_blobs(10, centers="three"), "centers must be a count or a list of points"),
        (lambda: make_xor(10, seed=1.5), "seed must be an int, got float"),
        (lambda: train_test_split(X10, X10, test_size="half"), "test_size must be a number"),
    ],
)
def test_bad_types(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=message):
        call()


def test_numpy_integers_are_sizes() -> None:
    np = pytest.importorskip("numpy")
    assert make_moons(np.int64(10), seed=0) == make_moons(10, seed=0)
    assert make_spirals(np.int32(12), n_classes=np.int64(3), seed=0) == make_spirals(
        12, n_classes=3, seed=0
    )
    assert len(train_test_split(X10, X10, test_size=np.int64(3))[1]) == 3


@pytest.mark.parametrize("make", GENERATORS)
def test_random_state_is_seed(make) -> None:  # type: ignore[no-untyped-def]
    assert make(30, random_state=5) == make(30, seed=5) == make(30, seed=5, random_state=5)


def test_moons_and_circles_take_a_pair_of_sizes() -> None:
    X, y = make_moons((3, 7), seed=0)
    assert (y.count(0), y.count(1)) == (3, 7) and len(X) == 10
    X, y = make_circles((0, 4), seed=0)
    assert y == [1, 1, 1, 1]


def test_blobs_with_counts_stds_and_returned_centers() -> None:
    X, y, centers = make_blobs(
        [300, 10], centers=2, cluster_std=[0.0, 2.0], seed=1, return_centers=True
    )
    assert (y.count(0), y.count(1)) == (300, 10) and len(centers) == 2
    assert all(x == centers[0] for x, t in zip(X, y) if t == 0)  # a std of 0: on the center
    assert all(-10 <= c <= 10 for c in centers[0] + centers[1])  # in center_box
    X, y = make_blobs(7, centers=[[0.0], [1.0], [2.0]], cluster_std=0.0, seed=0, shuffle=False)
    assert y == [0, 0, 0, 1, 1, 2, 2] and X == [[0.0]] * 3 + [[1.0]] * 2 + [[2.0]] * 2


@pytest.mark.parametrize(
    ("n", "test_size", "train_size", "expected"),
    [
        # scikit-learn's rounding: a test fraction up, a training fraction down
        (10, 0.25, None, (7, 3)),
        (10, None, 0.25, (2, 8)),
        (10, None, None, (7, 3)),
        (10, 0.1, 0.55, (5, 1)),
        (10, 3, 4, (4, 3)),
        (7, 0.5, None, (3, 4)),
        (7, None, 0.5, (3, 4)),
    ],
)
def test_split_sizes_follow_scikit_learn(
    n: int, test_size: float | None, train_size: float | None, expected: tuple[int, int]
) -> None:
    X = list(range(n))
    X_train, X_test, _, _ = train_test_split(
        X, X, test_size=test_size, train_size=train_size, seed=0
    )
    assert (len(X_train), len(X_test)) == expected
    assert not set(X_train) & set(X_test)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(2, 30), min_size=2, max_size=4),
    st.floats(0.1, 0.9),
    st.integers(0, 100),
)
def test_stratified_split_keeps_each_class_share(
    sizes: list[int], fraction: float, seed: int
) -> None:
    y = [c for c, size in enumerate(sizes) for _ in range(size)]
    X = list(range(len(y)))
    n = len(y)
    n_test = math.ceil(fraction * n)
    if n - n_test < len(sizes) or n_test < len(sizes):
        return
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=fraction, stratify=y, seed=seed
    )
    assert sorted(X_train + X_test) == X and len(X_test) == n_test
    assert all(y[i] == t for i, t in zip(X_train + X_test, y_train + y_test))
    for c, size in enumerate(sizes):  # within one of the exact share
        assert abs(y_test.count(c) - size * n_test / n) < 1 + 1e-9
