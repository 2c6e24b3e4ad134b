"""Real Ctrl-C for tests: a SIGINT delivered to the main thread after a delay.

The signal goes to the main thread (``signal.pthread_kill``), where Python runs its
handlers, as a terminal's Ctrl-C does for a single-threaded program.

A trap seen while writing these tests: a KeyboardInterrupt raised inside a
``gc.callbacks`` function is swallowed ("Exception ignored in ..."), and hypothesis
installs one (to time garbage collections), so after any hypothesis test the interrupt
would sometimes vanish; the callbacks are removed while the timer runs.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _ctrl_c() -> None:
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)


def call_with_ctrl_c(seconds: float, work: Callable[[], T]) -> tuple[T | None, bool]:
    """Call ``work()`` and press Ctrl-C ``seconds`` into it: ``(its result, False)`` if it
    returned, ``(None, True)`` if the KeyboardInterrupt came out of it (or arrived as it
    returned). The interrupt is armed only while ``work`` runs; none is left pending."""
    callbacks = gc.callbacks[:]
    gc.callbacks.clear()
    armed = [False]

    def handler(signum: int, frame: object) -> None:
        if armed[0]:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    timer = threading.Timer(seconds, _ctrl_c)
    try:
        armed[0] = True
        timer.start()
        return work(), False
    except KeyboardInterrupt:
        return None, True
    finally:
        armed[0] = False
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGINT, previous)
        gc.callbacks[:] = callbacks
