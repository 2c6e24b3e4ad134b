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

The data sets are in ``nn.datasets.generators``, the split in ``nn.datasets.split``, and
``seed=`` / ``random_state=`` are read in ``nn.datasets.seeds``.

May import: its own modules, listed above.
"""

from nn.datasets.generators import make_blobs, make_circles, make_moons, make_spirals, make_xor
from nn.datasets.split import train_test_split

__all__ = [
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_xor",
    "train_test_split",
]
