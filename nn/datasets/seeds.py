"""``seed=`` and ``random_state=`` (scikit-learn's name for it): two names for one
argument, turned into a source of random numbers. With neither, the numbers come from
Python's global ``random``, so ``random.seed(0)`` at the top of a script makes the whole
script reproducible.

May import: ``nn.checks``.
"""

from __future__ import annotations

import random
from typing import Any

from nn import checks

__all__ = ["Random", "random_numbers"]

Random = random.Random | Any  # a Random instance, or the random module itself


def random_numbers(seed: Any, random_state: Any, where: str) -> Random:
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
