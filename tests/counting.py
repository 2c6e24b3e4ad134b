"""How many Values a call makes, counted where the engine makes them (no mocks).

The engine creates a node in exactly three places: ``Value.__init__`` (a user's
``Value(2.0)``), ``engine.new_node`` (an op's result) and ``engine.constant`` (the 2 in
``x * 2``). A profile hook (``sys.setprofile``) sees every call of those functions while
``fn`` runs, including Values made and freed again at once, which a count of the live
objects before and after would miss.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from autograd import engine

MAKERS = {engine.Value.__init__.__code__, engine.new_node.__code__, engine.constant.__code__}


def values_made(fn: Callable[[], Any]) -> int:
    """The number of Values (and Constants) created while ``fn()`` runs."""
    made = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal made
        if event == "call" and frame.f_code in MAKERS:
            made += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return made
