"""All or nothing under Ctrl-C: hold back an interrupt until a section has finished.

Pressing stop in Jupyter (or Ctrl-C in a terminal) raises ``KeyboardInterrupt`` wherever
the main thread happens to be. In the middle of a backward pass, an optimizer step or a
checkpoint load that would leave some gradients or weights updated and others not. Code
that must complete or change nothing runs inside ``deferred_interrupts()``: a SIGINT that
arrives there is remembered, and raised as soon as the section ends.

>>> import os, signal
>>> done = []
>>> try:
...     with deferred_interrupts():
...         os.kill(os.getpid(), signal.SIGINT)   # Ctrl-C, in the middle of the work
...         done.append("the rest of the section")
... except KeyboardInterrupt:
...     done.append("interrupted after it")
>>> done
['the rest of the section', 'interrupted after it']

Only the main thread receives signals, so elsewhere (and where SIGINT is ignored or left
to the operating system) the section simply runs.

May import: only the standard library.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

__all__ = ["deferred_interrupts"]


class deferred_interrupts:
    """A context manager that delays SIGINT to the end of its block (see the module)."""

    __slots__ = ("_pending", "_previous")

    def __enter__(self) -> deferred_interrupts:
        self._pending: tuple[int, FrameType | None] | None = None
        self._previous: Any = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if callable(previous):  # a Python handler (the default raises KeyboardInterrupt)
                self._previous = previous
                signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, signum: int, frame: FrameType | None) -> None:
        self._pending = (signum, frame)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._previous is None:
            return
        signal.signal(signal.SIGINT, self._previous)
        if self._pending is not None and kind is None:
            self._previous(*self._pending)  # the handler the block held back: raises now
