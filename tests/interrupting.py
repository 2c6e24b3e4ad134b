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
from collections.abc import Iterator
from contextlib import contextmanager


def _ctrl_c() -> None:
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)


@contextmanager
def ctrl_c_after(seconds: float) -> Iterator[None]:
    """Press Ctrl-C ``seconds`` into the block (if it is still running); the block must
    catch the KeyboardInterrupt. Afterwards no interrupt is left pending."""
    callbacks = gc.callbacks[:]
    gc.callbacks.clear()
    timer = threading.Timer(seconds, _ctrl_c)
    # until the block ends a late signal raises; after it, one still in flight is dropped
    armed = [True]

    def handler(signum: int, frame: object) -> None:
        if armed[0]:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    timer.start()
    try:
        yield
    finally:
        armed[0] = False
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGINT, previous)
        gc.callbacks[:] = callbacks
