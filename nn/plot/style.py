"""The projector style (sizes, lines, colours, layout) and legends placed outside the data.

May import: matplotlib (and cycler, its dependency) inside functions only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend

__all__ = ["MARKERS", "MIN_FONT_SIZE", "OKABE_ITO", "axes_or_new", "legend", "projector_style"]

# Okabe and Ito's palette (https://jfly.uni-koeln.de/color/), ordered so that the first
# colours contrast most on white; the yellow, faint on a projector, comes last.
OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
# A second cue besides colour for each class of points (and for a grey-scale printout).
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

MIN_FONT_SIZE = 14  # points: the smallest text the style lets a figure have

_SIZES = {  # points
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.labelsize": 16,
    "xtick.labelsize": MIN_FONT_SIZE,
    "ytick.labelsize": MIN_FONT_SIZE,
    "legend.fontsize": MIN_FONT_SIZE,
    "legend.title_fontsize": MIN_FONT_SIZE,
    "figure.titlesize": 20,
}


def _settings() -> dict[str, Any]:
    from cycler import cycler  # matplotlib's own dependency

    return {
        **_SIZES,
        "figure.figsize": (8.0, 5.0),
        "figure.dpi": 100,
        "figure.constrained_layout.use": True,  # makes room for legends outside the axes
        "savefig.bbox": "tight",
        "lines.linewidth": 3.0,
        "lines.markersize": 8.0,
        "axes.linewidth": 1.5,
        "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "grid.linewidth": 1.0,
        "xtick.major.width": 1.5,
        "ytick.major.width": 1.5,
        "xtick.major.size": 6.0,
        "ytick.major.size": 6.0,
        "legend.frameon": False,
        "image.cmap": "cividis",
        "scatter.edgecolors": "black",
    }


def _rc() -> Any:
    """matplotlib's settings (typed by matplotlib with a Literal per key, hence Any here)."""
    import matplotlib as mpl

    return mpl.rcParams


class _Restore:
    """What ``projector_style()`` returns: the style is on already; leaving a ``with``
    block puts the earlier settings back."""

    def __init__(self, saved: dict[str, Any]) -> None:
        self._saved = saved

    def _ipython_display_(self) -> None:
        """Nothing to show: ``projector_style()`` as a cell's last line prints no object."""

    def __enter__(self) -> _Restore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        _rc().update(self._saved)


def projector_style() -> _Restore:
    """Set matplotlib's defaults for a projector; usable as a context manager.

    ``projector_style()`` on its own applies the style to every later figure (like
    ``plt.style.use``); ``with projector_style(): ...`` applies it inside the block and
    then restores the earlier settings.

    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["font.size"]
    >>> with projector_style():
    ...     mpl.rcParams["font.size"] >= MIN_FONT_SIZE
    True
    >>> mpl.rcParams["font.size"] == before
    True
    """
    rc, settings = _rc(), _settings()
    saved = {key: rc[key] for key in settings}
    rc.update(settings)
    return _Restore(saved)


def _below_offset_points() -> float:
    """How far below an Axes its x tick labels and x label reach, in points: where a
    legend under the Axes can start without covering them."""
    from matplotlib.font_manager import FontProperties

    rc = _rc()

    def height(size: Any) -> float:
        return 1.3 * float(FontProperties(size=size).get_size_in_points())

    return float(
        rc["xtick.major.size"]
        + rc["xtick.major.pad"]
        + height(rc["xtick.labelsize"])
        + rc["axes.labelpad"]
        + height(rc["axes.labelsize"])
        + 6.0
    )


def _columns(labels: list[str], width_inches: float) -> int:
    """How many legend columns fit side by side in ``width_inches`` (at most 4): each
    entry is about 0.52 em per character plus 3.2 em for its handle and spacing."""
    from matplotlib.font_manager import FontProperties

    # legend.fontsize may be a name ("medium") outside the projector style
    size = FontProperties(size=_rc()["legend.fontsize"]).get_size_in_points() / 72  # in/em
    for columns in range(min(len(labels), 4), 1, -1):
        rows = [labels[i : i + columns] for i in range(0, len(labels), columns)]
        widest = max(sum(0.52 * len(label) + 3.2 for label in row) for row in rows)
        if widest * size <= width_inches:
            return columns
    return 1


def legend(target: Any = None, *, where: str = "below", **kwargs: Any) -> Legend:
    """A legend outside the data: below an Axes (``where="below"``, which keeps the plot
    its full width) or to its right (``where="right"``, for a long list or a square
    map), or for a whole Figure (one entry per label over all its Axes) under or beside
    all the panels. ``target`` defaults to the current Axes; other
    keyword arguments go to matplotlib's ``legend``. Returns the Legend.

    With the projector style's layout, the figure grows room for it.
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from matplotlib.transforms import offset_copy

    if where not in ("right", "below"):
        raise ValueError(f"legend: where must be 'right' or 'below', got {where!r}")
    target = plt.gca() if target is None else target
    if isinstance(target, Figure):
        entries: dict[str, Any] = {}
        for ax in target.axes:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                entries.setdefault(label, handle)
        if not entries:
            raise ValueError("legend: no Axes of the figure has a labelled artist")
        if where == "right":
            kwargs.setdefault("loc", "outside right upper")
        else:
            kwargs.setdefault("loc", "outside lower center")
            kwargs.setdefault("ncols", _columns(list(entries), target.get_figwidth()))
        made: Legend = target.legend(list(entries.values()), list(entries), **kwargs)
        return made
    if not target.get_legend_handles_labels()[0]:
        raise ValueError("legend: the Axes has no labelled artist (pass label= when plotting)")
    if where == "right":
        kwargs.setdefault("loc", "upper left")
        kwargs.setdefault("bbox_to_anchor", (1.02, 1.0))
        kwargs.setdefault("borderaxespad", 0.0)
        beside: Legend = target.legend(**kwargs)
        return beside
    # Below: anchored a fixed distance under the Axes in points, so it stays clear of the
    # tick labels and the x label however the layout resizes the Axes.
    kwargs.setdefault("loc", "upper center")
    width = target.get_position().width * target.figure.get_figwidth()
    kwargs.setdefault("ncols", _columns(target.get_legend_handles_labels()[1], width))
    kwargs.setdefault("bbox_to_anchor", (0.5, 0.0))
    kwargs.setdefault(
        "bbox_transform",
        offset_copy(target.transAxes, fig=target.figure, y=-_below_offset_points(), units="points"),
    )
    below: Legend = target.legend(**kwargs)
    return below


def axes_or_new(ax: Axes | None) -> Axes:
    """The Axes given, or a new figure's."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, new = plt.subplots()
    return new
