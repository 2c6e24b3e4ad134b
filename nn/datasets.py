"""Toy 2-D classification data sets in pure Python (no numpy), and a train/validation split.

Each ``make_*`` returns ``(X, y)``: ``X`` a list of ``[x0, x1]`` float pairs, ``y`` a list of
int class labels (0, 1, ...). ``seed`` (or scikit-learn's name for it, ``random_state``)
makes the result reproducible; without it the numbers come from Python's global
``random``, so ``random.seed(0)`` at the top of a script makes the whole script
reproducible (as for ``MLP`` and ``Dropout``). ``noise`` is the standard deviation of
Gaussian noise added to every coordinate. The arguments follow scikit-learn's
``sklearn.datasets`` (the random numbers differ: this is pure Python).

>>> X, y = make_moons(6, noise=0.1, seed=0)
>>> len(X), len(X[0]), sorted(set(y))
(6, 2, [0, 1])
>>> make_moons(6, noise=0.1, seed=0) == (X, y)
True

May import nn.checks.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any, TypeVar

from nn import checks

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
Random = random.Random | Any  # a Random instance, or the random module itself


def _rng(seed: Any, random_state: Any, where: str) -> Random:
    """``random.Random(seed)``, or Python's global ``random`` when neither is given."""
    if seed is not None and random_state is not None and seed != random_state:
        raise ValueError(
            f"{where}: seed={checks.shown(seed)} and random_state={checks.shown(random_state)} "
            "are two names for one thing; give one"
        )
    chosen = seed if seed is not None else random_state
    if chosen is None:
        return random
    if isinstance(chosen, random.Random):
        return chosen
    return random.Random(checks.integer(chosen, "seed", where))


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
    rng = _rng(seed, random_state, "make_moons")
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
    rng = _rng(seed, random_state, "make_circles")
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
    rng = _rng(seed, random_state, "make_spirals")
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
    rng = _rng(seed, random_state, "make_xor")
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
    rng = _rng(seed, random_state, where)
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


def _split_sizes(n: int, test_size: Any, train_size: Any, where: str) -> tuple[int, int]:
    """(n_train, n_test) as scikit-learn computes them: a fraction of the test set is
    rounded up, of the training set down; the one not given is the rest."""
    if test_size is None and train_size is None:
        test_size = 0.25
    sizes = {}
    for name, size in (("test_size", test_size), ("train_size", train_size)):
        if size is None:
            continue
        if checks.is_integer(size):
            if not 0 < size < n:
                raise ValueError(
                    f"{where}: {name}={size} must be a count in [1, {n - 1}] (there are {n} "
                    "samples) or a fraction in (0, 1)"
                )
            sizes[name] = int(size)
        elif checks.is_number(size):
            if not 0 < size < 1:
                raise ValueError(
                    f"{where}: {name}={checks.shown(size)} must be a fraction in (0, 1) or a count"
                )
            exact = size * n
            sizes[name] = math.ceil(exact) if name == "test_size" else math.floor(exact)
        else:
            raise TypeError(f"{where}: {name} must be a number, got {checks.kind(size)}")
    if (
        checks.is_number(test_size) and not checks.is_integer(test_size)
        and checks.is_number(train_size) and not checks.is_integer(train_size)
        and test_size + train_size > 1
    ):  # fmt: skip
        raise ValueError(
            f"{where}: test_size + train_size = {test_size + train_size} must be at most 1"
        )
    n_test = sizes.get("test_size", n - sizes.get("train_size", 0))
    n_train = sizes.get("train_size", n - n_test)
    if n_train + n_test > n:
        raise ValueError(
            f"{where}: train_size + test_size = {n_train + n_test} is more than the {n} samples"
        )
    if n_train == 0 or n_test == 0:
        raise ValueError(
            f"{where}: with {n} samples, test_size={test_size!r} and train_size={train_size!r} "
            f"leave {n_train} samples to train on and {n_test} to test on"
        )
    return n_train, n_test


def _allocate(counts: list[int], n_draws: int, rng: Random) -> list[int]:
    """How many of ``n_draws`` each class gets, in proportion to ``counts``: the floors,
    then one more for the largest remainders, ties broken at random (scikit-learn's
    ``_approximate_mode``)."""
    total = sum(counts)
    exact = [c * n_draws / total for c in counts]
    taken = [math.floor(e) for e in exact]
    left = n_draws - sum(taken)
    for remainder in sorted({e - t for e, t in zip(exact, taken)}, reverse=True):
        if left <= 0:
            break
        tied = [i for i, (e, t) in enumerate(zip(exact, taken)) if e - t == remainder]
        for i in rng.sample(tied, min(len(tied), left)):
            taken[i] += 1
        left -= min(len(tied), left)
    return taken


def train_test_split(
    X: Sequence[T],
    y: Sequence[U],
    *,
    test_size: float | int | None = None,
    train_size: float | int | None = None,
    seed: int | None = None,
    random_state: int | None = None,
    shuffle: bool = True,
    stratify: Sequence[Any] | None = None,
) -> tuple[list[T], list[T], list[U], list[U]]:
    """Split into ``X_train, X_val, y_train, y_val`` (scikit-learn's order and meaning).

    ``test_size`` and ``train_size`` are fractions in (0, 1) or counts; with neither, a
    quarter is held out. As in scikit-learn a test fraction is rounded up, a training
    fraction down, and the one not given is the rest. ``stratify=y`` keeps each class's
    share the same in both parts (which needs ``shuffle=True``).

    >>> X_train, X_val, y_train, y_val = train_test_split(list(range(10)), list(range(10)),
    ...                                                   test_size=0.3, seed=0)
    >>> len(X_train), len(X_val), X_train == y_train
    (7, 3, True)
    """
    where = "train_test_split"
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}")
    n = len(X)
    n_train, n_test = _split_sizes(n, test_size, train_size, where)
    rng = _rng(seed, random_state, where)
    if stratify is not None:
        if not checks.boolean(shuffle, "shuffle", where):
            raise ValueError(f"{where}: stratify needs shuffle=True (as in scikit-learn)")
        train, test = _stratified(list(stratify), n, n_train, n_test, rng, where)
    else:
        order = list(range(n))
        if checks.boolean(shuffle, "shuffle", where):
            rng.shuffle(order)
        train, test = order[:n_train], order[n_train : n_train + n_test]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def _stratified(
    labels: list[Any], n: int, n_train: int, n_test: int, rng: Random, where: str
) -> tuple[list[int], list[int]]:
    if len(labels) != n:
        raise ValueError(f"{where}: stratify has {len(labels)} labels for {n} samples")
    members: dict[Any, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    classes = list(members.values())
    if min(len(m) for m in classes) < 2:
        raise ValueError(f"{where}: stratify: the least populated class has only 1 member")
    for name, size in (("train", n_train), ("test", n_test)):
        if size < len(classes):
            raise ValueError(
                f"{where}: the {name} set ({size} samples) must hold at least one of each of "
                f"the {len(classes)} classes"
            )
    counts = [len(m) for m in classes]
    to_train = _allocate(counts, n_train, rng)
    to_test = _allocate([c - t for c, t in zip(counts, to_train)], n_test, rng)
    train: list[int] = []
    test: list[int] = []
    for indices, a, b in zip(classes, to_train, to_test):
        indices = indices[:]
        rng.shuffle(indices)
        train += indices[:a]
        test += indices[a : a + b]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test
