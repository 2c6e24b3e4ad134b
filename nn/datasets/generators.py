"""The toy data sets: ``make_moons``, ``make_circles``, ``make_spirals``, ``make_xor``
and ``make_blobs``, each ``(X, y)`` in pure Python, with scikit-learn's arguments and
constructions (``make_spirals`` is CS231n's).

May import: ``nn.checks`` and ``nn.datasets.seeds``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from nn import checks
from nn.datasets.seeds import Random, random_numbers

__all__ = ["make_blobs", "make_circles", "make_moons", "make_spirals", "make_xor"]

Data = tuple[list[list[float]], list[int]]


def _check_n(n_samples: Any, where: str, minimum: int = 1) -> int:
    return checks.integer(n_samples, "n_samples", where, low=minimum)


def _two_sizes(n_samples: Any, where: str) -> tuple[int, int]:
    """scikit-learn's n_samples for two classes: a total (split in half, the second class
    getting the odd one) or a pair (n0, n1)."""
    if isinstance(n_samples, (list, tuple)):
        if len(n_samples) != 2:
            raise ValueError(
                f"{where}: n_samples must be a count or a pair (n0, n1), "
                f"got {checks.shown(n_samples)}"
            )
        n0, n1 = (checks.integer(n, "n_samples", where, low=0) for n in n_samples)
        if n0 + n1 == 0:
            raise ValueError(f"{where}: n_samples={checks.shown(n_samples)} asks for no samples")
        return n0, n1
    n = _check_n(n_samples, where)
    return n // 2, n - n // 2


def _check_noise(noise: Any, where: str, name: str = "noise") -> float:
    if noise is None:
        return 0.0
    return checks.number(noise, name, where, low=0.0)


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    if n <= 1:
        return [start] * n
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def _finish(
    points: list[list[float]], labels: list[int], noise: float, rng: Random, shuffle: bool
) -> Data:
    """Add noise to every coordinate, then shuffle points and labels together."""
    X = [[c + rng.gauss(0.0, noise) if noise else c for c in p] for p in points]
    order = list(range(len(X)))
    if checks.boolean(shuffle, "shuffle", "make_*"):
        rng.shuffle(order)
    return [X[i] for i in order], [labels[i] for i in order]


def make_moons(
    n_samples: int | tuple[int, int] = 100,
    *,
    noise: float | None = None,
    seed: int | None = None,
    random_state: int | None = None,
    shuffle: bool = True,
) -> Data:
    """Two interleaving half circles (scikit-learn's construction); labels 0 (upper) and 1.

    ``n_samples`` is the total or a pair (points in the upper moon, in the lower one).
    """
    n_out, n_in = _two_sizes(n_samples, "make_moons")
    noise_sd = _check_noise(noise, "make_moons")
    rng = random_numbers(seed, random_state, "make_moons")
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0, math.pi, n_out)]
    inner = [[1 - math.cos(t), 1 - math.sin(t) - 0.5] for t in _linspace(0, math.pi, n_in)]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise_sd, rng, shuffle)


def make_circles(
    n_samples: int | tuple[int, int] = 100,
    *,
    noise: float | None = None,
    factor: float = 0.8,
    seed: int | None = None,
    random_state: int | None = None,
    shuffle: bool = True,
) -> Data:
    """A small circle (label 1, radius ``factor``) inside a unit circle (label 0);
    ``n_samples`` is the total or a pair (points on the outer circle, on the inner one)."""
    n_out, n_in = _two_sizes(n_samples, "make_circles")
    noise_sd = _check_noise(noise, "make_circles")
    factor = checks.number(factor, "factor", "make_circles", low=0.0, high=1.0, high_open=True)
    rng = random_numbers(seed, random_state, "make_circles")
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0, 2 * math.pi, n_out, False)]
    inner = [
        [factor * math.cos(t), factor * math.sin(t)] for t in _linspace(0, 2 * math.pi, n_in, False)
    ]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise_sd, rng, shuffle)


def make_spirals(
    n_samples: int = 300,
    *,
    n_classes: int = 3,
    noise: float = 0.2,
    seed: int | None = None,
    random_state: int | None = None,
    shuffle: bool = True,
) -> Data:
    """``n_classes`` interleaved spiral arms (CS231n's data set); about n_samples/n_classes each.

    The point of arm k at radius r in [0, 1] has angle 4r + 2 pi k / n_classes (radians);
    ``noise`` is the standard deviation of Gaussian jitter added to that angle.
    """
    n = _check_n(n_samples, "make_spirals")
    noise_sd = _check_noise(noise, "make_spirals")
    k = checks.integer(n_classes, "n_classes", "make_spirals", low=2)
    rng = random_numbers(seed, random_state, "make_spirals")
    points: list[list[float]] = []
    labels: list[int] = []
    for c in range(k):
        m = n // k + (1 if c < n % k else 0)
        for r in _linspace(0.0, 1.0, m) if m else []:
            t = 4.0 * r + 2 * math.pi * c / k + (rng.gauss(0.0, noise_sd) if noise_sd else 0.0)
            points.append([r * math.sin(t), r * math.cos(t)])
            labels.append(c)
    return _finish(points, labels, 0.0, rng, shuffle)


def make_xor(
    n_samples: int = 100,
    *,
    noise: float | None = None,
    seed: int | None = None,
    random_state: int | None = None,
) -> Data:
    """Points uniform in [-1, 1]^2, label 1 where exactly one coordinate is positive."""
    n = _check_n(n_samples, "make_xor")
    noise_sd = _check_noise(noise, "make_xor")
    rng = random_numbers(seed, random_state, "make_xor")
    points = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    labels = [int((a > 0) != (b > 0)) for a, b in points]
    return _finish(points, labels, noise_sd, rng, shuffle=False)


def make_blobs(
    n_samples: int | Sequence[int] = 100,
    *,
    n_features: int = 2,
    centers: int | Sequence[Sequence[float]] | None = None,
    cluster_std: float | Sequence[float] = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
    seed: int | None = None,
    random_state: int | None = None,
    return_centers: bool = False,
) -> Any:
    """Gaussian blobs, scikit-learn's ``make_blobs``: returns ``(X, y)``, or
    ``(X, y, centers)`` with ``return_centers=True``.

    ``n_samples`` is the total (shared out as evenly as possible, the first blobs getting
    one more) or a count per blob; ``centers`` a number of blobs (drawn uniformly in
    ``center_box``; 3 if None and n_samples is a total) or the points themselves;
    ``cluster_std`` one standard deviation for all blobs, or one per blob.

    >>> X, y, centers = make_blobs([2, 3], centers=[[0, 0], [5, 5]], seed=0, return_centers=True)
    >>> y.count(0), y.count(1), centers
    (2, 3, [[0.0, 0.0], [5.0, 5.0]])
    """
    where = "make_blobs"
    rng = random_numbers(seed, random_state, where)
    counts: list[int] | None = None
    if isinstance(n_samples, (list, tuple)):
        counts = [checks.integer(n, "n_samples", where, low=0) for n in n_samples]
        if not counts:
            raise ValueError(f"{where}: n_samples must be a count or a non-empty list of counts")
    else:
        total = _check_n(n_samples, where)
    if centers is None:
        centers = len(counts) if counts is not None else 3
    if checks.is_integer(centers):
        k = checks.integer(centers, "centers", where, low=1)
        if counts is not None and k != len(counts):
            raise ValueError(
                f"{where}: centers={k} but n_samples gives {len(counts)} counts; "
                "give centers=None or one center per count"
            )
        dims = checks.integer(n_features, "n_features", where, low=1)
        low, high = (checks.number(b, "center_box", where) for b in center_box)
        middles = [[rng.uniform(low, high) for _ in range(dims)] for _ in range(k)]
    elif isinstance(centers, (list, tuple)) and centers:
        middles = [
            [checks.number(c, "centers", where) for c in center]
            if isinstance(center, (list, tuple))
            else _not_a_point(center, where)
            for center in centers
        ]
        if len({len(m) for m in middles}) != 1 or not middles[0]:
            raise ValueError(f"{where}: centers must be points of one dimension, got {centers!r}")
        if counts is not None and len(counts) != len(middles):
            raise ValueError(
                f"{where}: {len(middles)} centers for {len(counts)} counts in n_samples"
            )
    else:
        raise TypeError(
            f"{where}: centers must be a count or a list of points, got {checks.kind(centers)}"
        )
    k = len(middles)
    if counts is None:
        counts = [total // k + (1 if c < total % k else 0) for c in range(k)]
    if isinstance(cluster_std, (list, tuple)):
        if len(cluster_std) != k:
            raise ValueError(f"{where}: cluster_std has {len(cluster_std)} values for {k} centers")
        stds = [_check_noise(s, where, "cluster_std") for s in cluster_std]
    else:
        stds = [_check_noise(cluster_std, where, "cluster_std")] * k
    points, labels = [], []
    for c, (middle, count, std) in enumerate(zip(middles, counts, stds)):
        for _ in range(count):
            points.append([m + rng.gauss(0.0, std) if std else m for m in middle])
            labels.append(c)
    X, y = _finish(points, labels, 0.0, rng, shuffle)
    return (X, y, middles) if checks.boolean(return_centers, "return_centers", where) else (X, y)


def _not_a_point(center: Any, where: str) -> list[float]:
    raise TypeError(
        f"{where}: each center must be a list of coordinates, got {checks.kind(center)}"
    )
