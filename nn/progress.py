"""Progress bars that a saved notebook shows as they ended.

tqdm's Jupyter widget lives in the browser: a notebook executed and saved without a
browser (``jupyter nbconvert --execute``, nbclient, the tests) keeps only the text it
showed first, ``0%| | 0/100``, frozen. :func:`progress_bar` is tqdm with the same
arguments, but inside a Jupyter kernel it draws through an IPython display handle (an
HTML bar with a plain-text twin) and updates that output in place, so the saved notebook
holds the bar's last state. Outside Jupyter it is tqdm's own text bar.

>>> bar = progress_bar(range(3), desc="demo", disable=True)
>>> sum(bar)
3

May import: tqdm (a dependency of chainrule) and, inside a Jupyter kernel, IPython.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterable
from typing import Any

from tqdm.std import tqdm as std_tqdm

__all__ = ["NotebookBar", "in_jupyter_kernel", "progress_bar"]


def in_jupyter_kernel() -> bool:
    """True inside a Jupyter kernel (ipykernel), where outputs are rich displays."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class NotebookBar(std_tqdm):  # type: ignore[misc]
    """tqdm drawn into one Jupyter output that every refresh replaces, so that whatever
    saves the notebook saves the bar's latest state (tqdm's arguments and methods)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._handle: Any = None  # set first: display() may be called from tqdm's __init__
        kwargs["gui"] = True  # tqdm then writes nothing itself; display() below draws
        super().__init__(*args, **kwargs)
        if self.disable:
            return
        from IPython.display import display

        self._handle = display(self._bundle(), raw=True, display_id=True)  # type: ignore[no-untyped-call]

    def _bundle(self) -> dict[str, str]:
        """The bar as text (tqdm's own line) and as HTML (a <progress> element)."""
        values = self.format_dict
        text = self.format_meter(**values)
        values["bar_format"] = (values["bar_format"] or "{l_bar}<bar/>{r_bar}").replace(
            "{bar}", "<bar/>"
        )
        parts = re.split(r"\|?<bar/>\|?", self.format_meter(**values), maxsplit=1)
        left, right = parts if len(parts) == 2 else ("", parts[0])  # no bar in bar_format
        left, right = html.escape(left), html.escape(right)
        total = self.total
        bar = (
            f'<progress value="{self.n}" max="{total}" style="width: 20em"></progress>'
            if total
            else ""
        )
        return {
            "text/plain": text,
            "text/html": f'<pre style="margin: 0">{left} {bar} {right}</pre>',
        }

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        if self._handle is not None and msg != "":
            self._handle.update(self._bundle(), raw=True)
        return True

    def close(self) -> None:
        if not self.disable and self._handle is not None:
            self.display()  # the final state, whatever the last refresh showed
        super().close()


def progress_bar(iterable: Iterable[Any] | None = None, **kwargs: Any) -> Any:
    """tqdm (same arguments: ``desc``, ``total``, ``unit``, ``disable``, ...) whose last
    state stays in a saved notebook: a :class:`NotebookBar` in a Jupyter kernel, tqdm's
    text bar anywhere else. Use it as ``tqdm.auto.tqdm``.

    A training loop shows its bar so: ``progress_bar(range(epochs), desc="fit",
    unit="epoch", disable=not progress)``.
    """
    if in_jupyter_kernel():
        return NotebookBar(iterable, **kwargs)
    return std_tqdm(iterable, **kwargs)
