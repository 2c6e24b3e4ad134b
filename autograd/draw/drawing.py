"""The ``Drawing`` object: DOT text that renders itself to a file and shows itself in Jupyter.

A Drawing knows nothing about graphs: it holds finished DOT text and a default format.

Imports: :mod:`autograd.draw.render` (the renderer lookup), looked up as ``render.<name>``
when called, so that patching the lookup (a test without a renderer) patches drawings too;
:mod:`autograd.files` (the atomic write checkpoints use too).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.draw import render
from autograd.files import write_atomically

__all__ = ["Drawing"]


@dataclass(frozen=True, repr=False)
class Drawing:
    """A computation graph as DOT text: render it to a file, or show it in Jupyter.

    ``source`` needs no renderer. ``render``, ``pipe`` and the inline display run one
    (see :mod:`autograd.draw.render`); without one, Jupyter shows the DOT text and the reason.
    """

    source: str
    format: str = "svg"  # the default for render() and pipe(), as in the graphviz package
    nodes: int | None = None  # how many nodes it draws (what max_nodes counts), if known

    def pipe(
        self, format: str | None = None, dpi: int | None = None, renderer: str | None = None
    ) -> bytes:
        """The drawing rendered as ``format`` ("svg", "png" or "pdf"), as bytes.

        ``renderer`` ("dot" or "graphviz-pure") chooses the renderer; by default the
        ``CHAINRULE_RENDERER`` environment variable does, else the system ``dot`` if
        installed, else graphviz-pure.
        """
        return render.render_bytes(self.source, format or self.format, dpi, renderer)

    def render(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,
        dpi: int | None = None,
        renderer: str | None = None,
    ) -> str:
        """Write the drawing to ``path`` and return the path written.

        The format is ``format``, else the path's suffix (.svg, .png, .pdf), else the
        drawing's format. As in the graphviz package, the format is appended to a path
        without a suffix: ``render("graph", format="png")`` writes ``graph.png``. A path
        ending in another suffix (``x.jpg``) needs ``format=``, which is then appended.
        """
        target = Path(path)
        suffix = target.suffix.lstrip(".").lower()
        if format is not None and format not in render.FORMATS:
            raise ValueError(
                f"render: format must be one of {', '.join(render.FORMATS)}; got {format!r}"
            )
        if suffix in render.FORMATS and format not in (None, suffix):
            raise ValueError(
                f"render: {target.name!r} ends in .{suffix} but format={format!r}; "
                "give one of them, or the same in both"
            )
        if suffix and suffix not in render.FORMATS and format is None:
            raise ValueError(
                f"render: cannot write {target.name!r}: .{suffix} is not a format drawings "
                f"are written in ({', '.join(render.FORMATS)}); end the path in one of "
                "those, or pass format= to write e.g. " + repr(f"{target.name}.svg")
            )
        chosen = format or (suffix if suffix in render.FORMATS else self.format)
        if suffix != chosen:
            target = target.with_name(f"{target.name}.{chosen}")
        data = self.pipe(chosen, dpi, renderer)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
        return str(target)

    def to_graphviz(self) -> Any:
        """The same drawing as a ``graphviz.Source`` (the graphviz package's object)."""
        try:
            import graphviz
        except ImportError as error:
            raise ImportError(
                "Drawing.to_graphviz needs the graphviz package: pip install graphviz "
                "(.source, .render() and .pipe() work without it)"
            ) from error
        return graphviz.Source(self.source, format=self.format)

    def _display(self) -> tuple[str, str]:
        """("image/svg+xml", svg), or without a working renderer ("text/plain", why + DOT)."""
        try:
            return "image/svg+xml", self.pipe("svg").decode("utf-8")
        except render.RendererError as error:
            return "text/plain", f"{error}\n\n{self.source}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        # A repr that raised would fail the whole notebook cell: fall back to text instead.
        mime, content = self._display()
        return {mime: content}

    def _html(self) -> str:
        """The drawing as a piece of an HTML page: inline SVG, or the DOT text and why."""
        mime, content = self._display()
        if mime == "image/svg+xml":
            return content[content.find("<svg") :]
        return f"<pre>{html.escape(content)}</pre>"

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:  # outside Jupyter: a pointer, not a page of DOT text
        lines = len(self.source.splitlines())
        return f"<Drawing: {lines} lines of DOT in .source; .render(path) draws it>"
