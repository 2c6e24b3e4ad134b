"""``plot_points`` (a labelled 2-D data set) and ``plot_decision_boundary`` (what a classifier
of 2-D points learned).

May import: ``autograd``, ``nn.module`` (for types), ``nn.plot.style``; matplotlib and numpy
inside functions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd import Value, no_grad
from nn.plot.style import MARKERS, OKABE_ITO, axes_or_new, legend

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from nn.module import Module

__all__ = ["plot_decision_boundary", "plot_points"]


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
    ax = axes_or_new(ax)
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
    ax = axes_or_new(ax)
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
