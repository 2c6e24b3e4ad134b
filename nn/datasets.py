"""Toy 2-D classification data sets in pure Python (no numpy), and a train/validation split.

Each ``make_*`` returns ``(X, y)``: ``X`` a list of ``[x0, x1]`` float pairs, ``y`` a list of
int class labels (0, 1, ...). ``seed`` makes the result reproducible; ``noise`` is the
standard deviation of Gaussian noise added to every coordinate.

>>> X, y = make_moons(6, noise=0.1, seed=0)
>>> len(X), len(X[0]), sorted(set(y))
(6, 2, [0, 1])
>>> make_moons(6, noise=0.1, seed=0) == (X, y)
True
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from numbers import Real
from typing import Any, TypeVar

__all__ = [
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_xor",
    "train_test_split",
]

T = TypeVar("T")
U = TypeVar("U")
Data = tuple[list[list[float]], list[int]]


def _check_n(n_samples: Any, where: str, minimum: int = 1) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < minimum:
        raise ValueError(f"{where}: n_samples must be an int >= {minimum}, got {n_samples!r}")
    return n_samples


def _check_noise(noise: Any, where: str) -> float:
    if noise is None:
        return 0.0
    if isinstance(noise, bool) or not isinstance(noise, Real) or not float(noise) >= 0:
        raise ValueError(f"{where}: noise must be a number >= 0, got {noise!r}")
    return float(noise)


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    if n == 1:
        return [start]
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def _finish(
    points: list[list[float]], labels: list[int], noise: float, rng: random.Random, shuffle: bool
) -> Data:
    """Add noise to every coordinate, then shuffle points and labels together."""
    X = [[c + rng.gauss(0.0, noise) if noise else c for c in p] for p in points]
    order = list(range(len(X)))
    if shuffle:
        rng.shuffle(order)
    return [X[i] for i in order], [labels[i] for i in order]


def make_moons(
    n_samples: int = 100,
    *,
    noise: float | None = None,
    seed: int | None = None,
    shuffle: bool = True,
) -> Data:
    """Two interleaving half circles (scikit-learn's construction); labels 0 (upper) and 1."""
    n = _check_n(n_samples, "make_moons")
    noise_sd = _check_noise(noise, "make_moons")
    n_out, n_in = n // 2, n - n // 2
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0, math.pi, n_out)] if n_out else []
    inner = [[1 - math.cos(t), 1 - math.sin(t) - 0.5] for t in _linspace(0, math.pi, n_in)]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise_sd, random.Random(seed), shuffle)


def make_circles(
    n_samples: int = 100,
    *,
    noise: float | None = None,
    factor: float = 0.8,
    seed: int | None = None,
    shuffle: bool = True,
) -> Data:
    """A small circle (label 1, radius ``factor``) inside a unit circle (label 0)."""
    n = _check_n(n_samples, "make_circles")
    noise_sd = _check_noise(noise, "make_circles")
    if isinstance(factor, bool) or not isinstance(factor, Real) or not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be in [0, 1), got {factor!r}")
    n_out, n_in = n // 2, n - n // 2
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0, 2 * math.pi, n_out, False)]
    inner = [
        [factor * math.cos(t), factor * math.sin(t)] for t in _linspace(0, 2 * math.pi, n_in, False)
    ]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise_sd, random.Random(seed), shuffle)


def make_spirals(
    n_samples: int = 300,
    *,
    n_classes: int = 3,
    noise: float = 0.2,
    seed: int | None = None,
    shuffle: bool = True,
) -> Data:
    """``n_classes`` interleaved spiral arms (CS231n's data set); about n_samples/n_classes each.

    The point of arm k at radius r in [0, 1] has angle 4r + 2 pi k / n_classes (radians);
    ``noise`` is the standard deviation of Gaussian jitter added to that angle.
    """
    n = _check_n(n_samples, "make_spirals")
    noise_sd = _check_noise(noise, "make_spirals")
    k = _check_n(n_classes, "make_spirals: n_classes", 2)
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[int] = []
    for c in range(k):
        m = n // k + (1 if c < n % k else 0)
        for r in _linspace(0.0, 1.0, m):
            t = 4.0 * r + 2 * math.pi * c / k + (rng.gauss(0.0, noise_sd) if noise_sd else 0.0)
            points.append([r * math.sin(t), r * math.cos(t)])
            labels.append(c)
    return _finish(points, labels, 0.0, rng, shuffle)


def make_xor(
    n_samples: int = 100,
    *,
    noise: float | None = None,
    seed: int | None = None,
) -> Data:
    """Points uniform in [-1, 1]^2, label 1 where exactly one coordinate is positive."""
    n = _check_n(n_samples, "make_xor")
    noise_sd = _check_noise(noise, "make_xor")
    rng = random.Random(seed)
    points = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    labels = [int((a > 0) != (b > 0)) for a, b in points]
    return _finish(points, labels, noise_sd, rng, shuffle=False)


def make_blobs(
    n_samples: int = 100,
    *,
    centers: int | Sequence[Sequence[float]] = 3,
    n_features: int = 2,
    cluster_std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: int | None = None,
    shuffle: bool = True,
) -> Data:
    """Gaussian blobs around ``centers`` (a count: drawn uniformly in ``center_box``; or points)."""
    n = _check_n(n_samples, "make_blobs")
    std = _check_noise(cluster_std, "make_blobs: cluster_std")
    rng = random.Random(seed)
    if isinstance(centers, bool):
        raise TypeError("make_blobs: centers must be a count or a list of points, got a bool")
    if isinstance(centers, int):
        _check_n(centers, "make_blobs: centers")
        _check_n(n_features, "make_blobs: n_features")
        middles = [[rng.uniform(*center_box) for _ in range(n_features)] for _ in range(centers)]
    else:
        middles = [[float(c) for c in center] for center in centers]
        if not middles or len({len(m) for m in middles}) != 1:
            raise ValueError("make_blobs: centers must be a count or points of one dimension")
    k = len(middles)
    points, labels = [], []
    for c, middle in enumerate(middles):
        for _ in range(n // k + (1 if c < n % k else 0)):
            points.append(list(middle))
            labels.append(c)
    return _finish(points, labels, std, rng, shuffle)


def train_test_split(
    X: Sequence[T],
    y: Sequence[U],
    *,
    test_size: float | int = 0.25,
    seed: int | None = None,
    shuffle: bool = True,
) -> tuple[list[T], list[T], list[U], list[U]]:
    """Split into ``X_train, X_val, y_train, y_val`` (scikit-learn's order and meaning).

    ``test_size`` is a fraction in (0, 1) (rounded up, as scikit-learn does) or a count.

    >>> X_train, X_val, y_train, y_val = train_test_split(list(range(10)), list(range(10)),
    ...                                                   test_size=0.3, seed=0)
    >>> len(X_train), len(X_val), X_train == y_train
    (7, 3, True)
    """
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} samples but y has {len(y)}")
    n = len(X)
    if isinstance(test_size, bool) or not isinstance(test_size, Real):
        raise TypeError(f"train_test_split: test_size must be a number, got {test_size!r}")
    if isinstance(test_size, int):
        n_test = test_size
    elif 0 < test_size < 1:
        n_test = math.ceil(test_size * n)
    else:
        raise ValueError(
            f"train_test_split: test_size must be in (0, 1) or a count, got {test_size!r}"
        )
    if not 0 < n_test < n:
        raise ValueError(
            f"train_test_split: test_size={test_size!r} leaves {n - n_test} of {n} samples "
            "to train on"
        )
    order = list(range(n))
    if shuffle:
        random.Random(seed).shuffle(order)
    train, test = order[: n - n_test], order[n - n_test :]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
