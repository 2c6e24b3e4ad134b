"""The drawing options: one frozen dataclass, whose field defaults are the only place the
defaults are written. ``draw_dot(root, ...)`` and ``backward_frames(root, **options)``
both build one with :meth:`DrawOptions.build`, which refuses an unknown option by name.

Imports: :mod:`autograd.engine` (Value, for the checks) and :mod:`autograd.draw.render`
(the formats a renderer writes).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, fields
from typing import Any

from autograd.draw import render
from autograd.engine import Value

__all__ = ["FONTSIZE", "MAX_NODES", "RANKDIRS", "DrawOptions", "as_values"]

RANKDIRS = ("LR", "TB", "RL", "BT")
# Past this many nodes the slower renderer (the system dot) takes about 3 s to lay a
# drawing out, and its time grows faster than the node count (tools/drawing_limit.py; the
# README's table). MLP(2, [16, 16, 1]), micrograd's demo network, is 1,619.
MAX_NODES = 3000
FONTSIZE = 14  # fits a lecture drawing to a 1920x1080 slide with its text 20 px or more
MAX_PRECISION = 17  # significant digits: enough to tell any two floats apart


@dataclass(frozen=True)
class DrawOptions:
    """Everything a caller can ask of a drawing, checked when it is made.

    ``rankdir`` and ``format`` may be given by position (``draw_dot(root, "TB")``); the
    rest by name. A new option is one field here, with its check in ``__post_init__``.
    """

    rankdir: str = "LR"
    format: str = "svg"  # the default for render() and pipe(), as in the graphviz package
    _: KW_ONLY
    precision: int = 4
    color_by_grad: bool = False
    show_local_grads: bool = False
    highlight: Value | Iterable[Value] | None = None  # kept as a tuple of Values
    model: Any = None
    collapse: bool | str | Iterable[str] | type = False
    params: Mapping[str, Value] | Iterable[Value] | None = None  # kept as a dict or tuple
    title: str = ""
    max_nodes: int | None = MAX_NODES
    fontsize: float = FONTSIZE  # points; edge labels the same, ops and the title 2 more
    legend: bool | None = None  # a colour key above the drawing; None: in step-throughs only

    @classmethod
    def build(cls, where: str, *args: Any, **options: Any) -> DrawOptions:
        """The options ``where`` (a function's name, for messages) was called with."""
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(options) - set(names))
        if unknown:
            close = [m for name in unknown for m in difflib.get_close_matches(name, names, 1)]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise TypeError(
                f"{where}: unknown option(s) {', '.join(unknown)}{hint}; "
                f"the options are {', '.join(names)}"
            )
        if len(args) > 2:
            raise TypeError(
                f"{where}: takes root, rankdir and format by position, the other options by "
                f"name; got {len(args) + 1} positional arguments"
            )
        return cls(*args, **options)

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            hint = ""
            if self.rankdir in render.FORMATS:  # micrograd's notebook: draw_dot(root, format, ...)
                hint = f"; for the format, write draw_dot(root, format={self.rankdir!r})"
            raise ValueError(
                f"draw_dot: rankdir must be one of {RANKDIRS}, got {self.rankdir!r}{hint}"
            )
        if self.format not in render.FORMATS:
            raise ValueError(
                f"draw_dot: format must be one of {render.FORMATS}, got {self.format!r}"
            )
        if isinstance(self.precision, bool) or not isinstance(self.precision, int):
            raise TypeError(f"draw_dot: precision must be an int, got {self.precision!r}")
        if not 1 <= self.precision <= MAX_PRECISION:
            raise ValueError(
                f"draw_dot: precision must be from 1 to {MAX_PRECISION} significant digits "
                f"(a float has at most {MAX_PRECISION}), got {self.precision}"
            )
        if self.max_nodes is not None and (
            isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int)
        ):
            raise TypeError(f"draw_dot: max_nodes must be an int or None, got {self.max_nodes!r}")
        if isinstance(self.fontsize, bool) or not isinstance(self.fontsize, (int, float)):
            raise TypeError(f"draw_dot: fontsize must be a number, got {self.fontsize!r}")
        if not 4 <= self.fontsize <= 72:
            raise ValueError(f"draw_dot: fontsize must be from 4 to 72 points, got {self.fontsize}")
        if self.legend is not None and not isinstance(self.legend, bool):
            raise TypeError(f"draw_dot: legend must be True, False or None, got {self.legend!r}")
        if not isinstance(self.title, str):
            raise TypeError(f"draw_dot: title must be a str, got {type(self.title).__name__}")
        # Iterables are read once here (a generator would be empty the second time).
        object.__setattr__(self, "highlight", tuple(as_values(self.highlight, "highlight")))
        if isinstance(self.params, Mapping):
            params = dict(self.params)
            as_values(params.values(), "params")
            object.__setattr__(self, "params", params)
        elif self.params is not None:
            object.__setattr__(self, "params", tuple(as_values(self.params, "params")))
        if not isinstance(self.collapse, (bool, str, type)) and self.collapse is not None:
            object.__setattr__(self, "collapse", tuple(self.collapse))

    def number(self, x: float) -> str:
        """x with ``precision`` significant digits, trailing zeros kept (2.000, not 2)."""
        return f"{x:#.{self.precision}g}"

    @classmethod
    def signature(cls, by_position: bool, returns: str) -> inspect.Signature:
        """``(root, rankdir="LR", ...) -> returns``: the signature help() and Jupyter show
        for a function taking the options, with the defaults read from the fields."""
        root = inspect.Parameter(
            "root", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation="Value"
        )
        options = list(inspect.signature(cls).parameters.values())
        if not by_position:
            options = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in options]
        return inspect.Signature([root, *options], return_annotation=returns)


def as_values(obj: Value | Iterable[Value] | None, where: str) -> list[Value]:
    """``obj`` as a list of Values (one Value, or an iterable of them; None: none)."""
    if obj is None:
        return []
    values = [obj] if isinstance(obj, Value) else list(obj)
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"draw_dot: {where} must be Values, got {type(v).__name__} ({v!r})")
    return values
