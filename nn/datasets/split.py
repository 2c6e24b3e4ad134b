"""``train_test_split``, scikit-learn's: its arguments, its order of results, its rounding
(a test fraction rounded up, a training fraction down, the one not given the rest) and
its stratification (``stratify=y`` keeps each class's share in both parts, as its
``_approximate_mode`` allocates them).

May import: ``nn.checks`` and ``nn.datasets.seeds``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeVar

from nn import checks
from nn.datasets.seeds import Random, random_numbers

__all__ = ["train_test_split"]

T = TypeVar("T")
U = TypeVar("U")


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
    rng = random_numbers(seed, random_state, where)
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
