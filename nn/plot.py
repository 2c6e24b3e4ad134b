"""Figures for a lecture hall: one style, legends beside the data, a training-history plot
and a decision map.

``projector_style()`` sets matplotlib up for a projector: no text under 14 pt at the
figure's size, thick lines, the Okabe-Ito colours (told apart with every common kind of
colour blindness) and a layout that makes room for legends placed outside the data by
:func:`legend`. Call it once at the top of a notebook, or use it as a context manager
for one figure. :func:`plot_history` draws what ``fit`` returns, :func:`plot_points` a
labelled data set and :func:`plot_decision_boundary` what a classifier learned; each
follows matplotlib's ``ax=`` convention and returns the Axes.

matplotlib is optional (the ``notebook`` extra): it is imported when a function is
called, never when this module is imported.

May import: ``autograd``, ``nn.module``; matplotlib and numpy inside functions only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd import Value, no_grad

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend

    from nn.module import Module

__all__ = [
    "MIN_FONT_SIZE",
    "OKABE_ITO",
    "legend",
    "plot_decision_boundary",
    "plot_history",
    "plot_points",
    "projector_style",
]

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
    size = float(_rc()["legend.fontsize"]) / 72  # inches per em
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


def _axes(ax: Axes | None) -> Axes:
    """The Axes given, or a new figure's."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, new = plt.subplots()
    return new


# ---------------------------------------------------------------------------- history


def _mark_epochs(ax: Axes, history: Any, curve: Sequence[float], scale: float) -> None:
    """The best epoch (a star on the monitored curve and a dotted line) and the early stop."""
    best = history.best_epoch
    if 1 <= best <= len(curve) and curve[best - 1] is not None:
        ax.axvline(best, color="black", linestyle=":", linewidth=2, label=f"best epoch: {best}")
        ax.plot([best], [scale * curve[best - 1]], "*", color="black", markersize=18, zorder=5)
    if history.stopped_early:
        last = history.epochs
        ax.axvline(
            last,
            color=OKABE_ITO[4],
            linestyle="--",
            linewidth=2,
            label=f"stopped early: epoch {last}",
        )


def _scaled(values: Sequence[float | None], scale: float) -> list[float]:
    """Values times scale, a missing one (None) as NaN: a gap in the line."""
    return [math.nan if v is None else scale * v for v in values]


def _history_panel(ax: Axes, history: Any, metric: str) -> None:
    from matplotlib.ticker import MaxNLocator

    scale = 100.0 if metric == "accuracy" else 1.0
    train = getattr(history, metric)
    val = getattr(history, "val_" + metric)
    epochs = range(1, history.epochs + 1)
    if not any(v is not None for v in train):
        raise ValueError(f"plot_history: this history has no {metric} (its loss counts none)")
    ax.plot(epochs, _scaled(train, scale), label="training")
    if val:
        ax.plot(epochs, _scaled(val, scale), label="validation")
    # the star sits on the monitored curve: validation if there is any (fit picks the best
    # epoch by the validation loss then), else training
    _mark_epochs(ax, history, val or train, scale)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)" if metric == "accuracy" else "loss")
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
    ax.set_title("Accuracy per epoch" if metric == "accuracy" else "Loss per epoch")


def _axes_list(ax: Any) -> list[Axes]:
    """None, one Axes, or a list or numpy array of them (what ``plt.subplots`` returns),
    as a flat list."""
    if ax is None:
        return []
    if hasattr(ax, "flat"):  # a numpy array of Axes
        return list(ax.flat)
    if isinstance(ax, Sequence):
        return list(ax)
    return [ax]


def plot_history(
    history: Any,
    ax: Axes | Sequence[Axes] | None = None,
    *,
    metrics: Sequence[str] | None = None,
    title: str | None = None,
) -> Any:
    """Loss and accuracy per epoch from a ``fit`` History, for a projector.

    Training and validation curves, the best epoch marked (the lowest validation loss,
    or training loss without validation data) and, if training stopped early, the epoch
    it stopped at; accuracy in percent. ``metrics`` picks the panels ("loss",
    "accuracy"; by default both when the history has an accuracy, else the loss). ``ax``
    is one Axes per metric (a single Axes for one), or None for a new figure. Returns the
    Axes: one, or a list of them for several metrics. ``title`` replaces the panel's
    title, or with several panels is the figure's title.
    """
    import matplotlib.pyplot as plt

    has_accuracy = any(a is not None for a in history.accuracy)
    given = _axes_list(ax)
    if metrics is None:
        metrics = ("loss", "accuracy") if has_accuracy and len(given) != 1 else ("loss",)
    metrics = list(metrics)
    for metric in metrics:
        if metric not in ("loss", "accuracy"):
            raise ValueError(f"plot_history: metrics are 'loss' and 'accuracy', not {metric!r}")
    if not history.epochs:
        raise ValueError("plot_history: the history has no epochs")
    if given and len(given) != len(metrics):
        raise ValueError(
            f"plot_history: {len(given)} Axes given for {len(metrics)} metrics ({metrics})"
        )
    made = not given
    if made:
        _, new = plt.subplots(1, len(metrics), figsize=(6.0 * len(metrics), 5.0), squeeze=False)
        given = list(new.flat)
    for panel, metric in zip(given, metrics):
        _history_panel(panel, history, metric)
        if not made:
            legend(panel, where="below", ncols=2)
    if made:  # the panels share their entries: one legend under them all
        legend(given[0].figure, where="below")
    if title is not None:
        if len(given) == 1:
            given[0].set_title(title)
        else:
            given[0].figure.suptitle(title)
    return given[0] if len(given) == 1 else given


# ---------------------------------------------------------------------- points and maps


def _class_names(labels: Sequence[Any], names: Any) -> list[str]:
    if names is not None:
        if isinstance(names, dict):
            return [str(names[label]) for label in labels]
        if len(names) != len(labels):
            raise ValueError(f"{len(names)} class names for {len(labels)} classes {labels}")
        return [str(n) for n in names]
    signed = any(isinstance(t, (int, float)) and t < 0 for t in labels)
    return [f"class {t:+d}" if signed and isinstance(t, int) else f"class {t}" for t in labels]


def _classes(y: Sequence[Any]) -> list[Any]:
    labels = sorted(set(y))
    if len(labels) > len(OKABE_ITO):
        raise ValueError(f"at most {len(OKABE_ITO)} classes can be told apart, got {len(labels)}")
    return labels


def _check_points(X: Sequence[Any], y: Sequence[Any], where: str) -> None:
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} points but y has {len(y)} labels")
    if not len(X):
        raise ValueError(f"{where}: no points")
    for i, point in enumerate(X):
        if len(point) != 2:
            raise ValueError(f"{where}: point {i} has {len(point)} coordinates; a map needs 2")


def plot_points(
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    ax: Axes | None = None,
    *,
    classes: Sequence[Any] | None = None,
    names: Any = None,
    faint: bool = False,
    label: str = "",
) -> Axes:
    """A 2-D data set, one colour and marker per class. ``faint=True`` draws small,
    pale points (a validation set beside the training set); ``label`` prefixes each
    class's legend entry ("validation, class 0"). ``classes`` fixes the order of the
    classes (and so their colours) when ``y`` holds only some of them. Returns the Axes.
    """
    _check_points(X, y, "plot_points")
    ax = _axes(ax)
    labels = list(classes) if classes is not None else _classes(y)
    for k, (t, name) in enumerate(zip(labels, _class_names(labels, names))):
        points = [p for p, target in zip(X, y) if target == t]
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        ax.scatter(
            xs,
            ys,
            s=30 if faint else 70,
            marker=MARKERS[k],
            color=OKABE_ITO[k],
            alpha=0.45 if faint else 1.0,
            edgecolors="none" if faint else "black",
            linewidths=0.8,
            label=f"{label}, {name}" if label else name,
            zorder=3,
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def _outputs(model: Module, point: list[float]) -> list[float]:
    out = model(point)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [v.data if isinstance(v, Value) else float(v) for v in outs]


def _tint(color: str, amount: float = 0.3) -> tuple[float, float, float]:
    """The colour mixed with white: ``amount`` of the colour, the rest white."""
    from matplotlib.colors import to_rgb

    return tuple(1 - amount * (1 - c) for c in to_rgb(color))  # type: ignore[return-value]


def plot_decision_boundary(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    ax: Axes | None = None,
    *,
    threshold: float = 0.0,
    resolution: int = 50,
    names: Any = None,
    title: str | None = None,
    show_legend: bool = True,
) -> Axes:
    """What a classifier of 2-D points learned: its decision regions, tinted by class, the
    boundaries between them in black, and the points (X, y) on top.

    A model with one output (a score or logit) predicts the larger label where the output
    is above ``threshold`` (0 for hinge scores and logits; 0.5 for probabilities) and the
    smaller one elsewhere; a model with several outputs predicts the class of the largest
    (labels 0, 1, ...). The model runs in eval mode on a ``resolution`` x ``resolution``
    grid, without a graph. Returns the Axes.
    """
    import numpy as np

    _check_points(X, y, "plot_decision_boundary")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(
            f"plot_decision_boundary: resolution must be an int >= 2, got {resolution!r}"
        )
    ax = _axes(ax)
    xs0, xs1 = [p[0] for p in X], [p[1] for p in X]
    pad0, pad1 = 0.1 * (max(xs0) - min(xs0) or 1.0), 0.1 * (max(xs1) - min(xs1) or 1.0)
    grid0 = np.linspace(min(xs0) - pad0, max(xs0) + pad0, resolution)
    grid1 = np.linspace(min(xs1) - pad1, max(xs1) + pad1, resolution)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            rows = [[_outputs(model, [float(a), float(b)]) for a in grid0] for b in grid1]
    finally:
        model.train(was_training)
    scores = np.array(rows)  # (rows of x2, columns of x1, outputs)
    n_outputs = scores.shape[2]
    labels = _classes(y)
    if n_outputs == 1:
        if len(labels) != 2:
            raise ValueError(
                f"plot_decision_boundary: a model with one output separates two classes, "
                f"and y must hold both; it has {len(labels)}: {labels}"
            )
        above = scores[:, :, 0] - threshold
        margins = [-above, above]  # > 0 where that class is predicted
    else:
        if not all(isinstance(t, int) and 0 <= t < n_outputs for t in labels):
            raise ValueError(
                f"plot_decision_boundary: with {n_outputs} outputs the labels must be class "
                f"indices 0 to {n_outputs - 1}, got {labels}"
            )
        labels = list(range(n_outputs))
        margins = [
            scores[:, :, k] - np.delete(scores, k, axis=2).max(axis=2) for k in range(n_outputs)
        ]
    top = max(float(np.abs(m).max()) for m in margins) + 1.0
    for k, margin in enumerate(margins):
        if margin.max() > 0:  # region k: where class k's margin is positive
            ax.contourf(grid0, grid1, margin, levels=[0.0, top], colors=[_tint(OKABE_ITO[k])])
        if margin.min() < 0 < margin.max():  # its border lies inside the map
            ax.contour(grid0, grid1, margin, levels=[0.0], colors="black", linewidths=2.5)
    ax.plot([], [], color="black", linewidth=2.5, label="decision boundary")
    plot_points(X, y, ax, classes=labels, names=names)
    ax.set_xlim(grid0[0], grid0[-1])
    ax.set_ylim(grid1[0], grid1[-1])
    ax.grid(False)
    ax.set_title(title if title is not None else "Decision regions")
    if show_legend:
        legend(ax, where="right")
    return ax
