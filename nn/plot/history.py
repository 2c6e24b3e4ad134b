"""``plot_history``: what ``fit`` returns, with the best epoch and an early stop marked.

May import: ``nn.plot.style``; matplotlib inside functions only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nn.plot.style import OKABE_ITO, legend

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_history"]


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
