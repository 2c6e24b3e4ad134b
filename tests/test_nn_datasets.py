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
        (lambda: make_moons(0), "n_samples must be an int >= 1"),
        (lambda: make_moons(10, noise=-1), "noise must be a number >= 0"),
        (lambda: make_circles(10, factor=1.5), r"factor must be in \[0, 1\)"),
        (lambda: make_spirals(10, n_classes=1), "n_classes"),
        (lambda: train_test_split([1, 2], [1]), "X has 2 samples but y has 1"),
        (lambda: train_test_split([1, 2], [1, 2], test_size=1.5), "test_size must be in"),
        (lambda: train_test_split([1, 2], [1, 2], test_size=2), "leaves 0 of 2"),
    ],
)
def test_bad_arguments(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()
