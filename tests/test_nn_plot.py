"""nn.plot: figures that read in a lecture hall.

Each figure is drawn for real (matplotlib's Agg renderer) and then inspected as a reader
would see it: every piece of text measured in points, every legend's box compared with
the boxes of the data, the drawn boundary compared with where it must be.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

mpl = pytest.importorskip("matplotlib", reason="nn.plot needs matplotlib (the notebook extra)")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from autograd import Value  # noqa: E402
from nn import MLP, History, Linear, Module, fit, make_blobs, make_moons  # noqa: E402
from nn.plot import (  # noqa: E402
    MIN_FONT_SIZE,
    OKABE_ITO,
    legend,
    plot_decision_boundary,
    plot_history,
    plot_points,
    projector_style,
)


@pytest.fixture(autouse=True)
def styled() -> Iterator[None]:
    """Every test draws with the projector style and closes its figures."""
    with projector_style():
        yield
    plt.close("all")


# ------------------------------------------------------------------ what a reader sees


def texts(fig: Any) -> list[Text]:
    """Every piece of text the drawn figure shows (tick labels included)."""
    fig.canvas.draw()
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]


def small_texts(fig: Any) -> list[str]:
    return [
        f"{t.get_text()!r}: {t.get_fontsize():.1f} pt"
        for t in texts(fig)
        if t.get_fontsize() < MIN_FONT_SIZE
    ]


def data_boxes(ax: Any) -> list[Bbox]:
    """Window boxes of the data on an Axes: each line vertex, each scatter point, each
    filled region."""
    renderer = ax.figure.canvas.get_renderer()
    boxes = []
    for line in ax.get_lines():
        points = line.get_transform().transform(line.get_xydata())
        points = points[np.isfinite(points).all(axis=1)]
        if line.get_linestyle() not in ("None", ""):  # along each segment, every 2 pixels
            dense = [points[:1]]
            for a, b in itertools.pairwise(points):
                n = int(np.hypot(*(b - a)) // 2) + 1
                dense.append(a + np.linspace(0, 1, n + 1)[1:, None] * (b - a))
            points = np.concatenate(dense)
        boxes += [Bbox.from_bounds(x - 1, y - 1, 2, 2) for x, y in points]
    for collection in ax.collections:
        offsets = collection.get_offsets()
        if len(offsets) and collection.get_offset_transform() is not None:
            for x, y in collection.get_offset_transform().transform(offsets):
                boxes.append(Bbox.from_bounds(x - 3, y - 3, 6, 6))
        else:  # a filled region: its whole extent
            boxes.append(collection.get_window_extent(renderer))
    return boxes


def legend_overlaps(fig: Any) -> list[str]:
    """Legends that cover data: a legend box meeting any data box of any Axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    found = []
    for leg in legends:
        box = leg.get_window_extent(renderer)
        for ax in fig.axes:
            hits = [b for b in data_boxes(ax) if box.overlaps(b)]
            if hits:
                found.append(
                    f"legend {[t.get_text() for t in leg.get_texts()]} covers {len(hits)} data"
                )
    return found


# ------------------------------------------------------------------------- figures


class Score(Module):
    """A fixed classifier with one output: the score x1 - 0.5 (boundary at x1 = 0.5)."""

    def forward(self, x: Any) -> Value:
        return Value(x[0]) - 0.5


class ThreeWays(Module):
    """Three outputs -x1, x2, -x2: class 0 where -x1 > |x2|, else 1 above x2 = 0, else 2."""

    def forward(self, x: Any) -> list[Value]:
        a, b = x
        return [Value(-a), Value(b), Value(-b)]


def a_history(stopped: bool = True, validation: bool = True) -> History:
    h = History()
    h.loss = [1.0, 0.6, 0.4, 0.3, 0.25, 0.22]
    h.accuracy = [0.5, 0.7, 0.8, 0.85, 0.9, 0.95]
    if validation:
        h.val_loss = [1.1, 0.7, 0.5, 0.55, 0.6, 0.7]
        h.val_accuracy = [0.5, 0.65, 0.8, 0.78, 0.77, 0.75]
    h.lr = [0.1] * 6
    h.best_epoch = 3 if validation else 6
    h.stopped_early = stopped
    return h


def line_plot() -> Any:
    fig, ax = plt.subplots()
    for k in range(4):
        ax.plot(range(10), [k * i for i in range(10)], label=f"curve {k}")
    ax.set_title("lines")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend(ax, where="right")
    return fig


def two_panels_one_legend() -> Any:
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax in axes:
        ax.plot([0, 1], [0, 1], label="rising")
        ax.plot([0, 1], [1, 0], label="falling")
        ax.set_xlabel("x")
    legend(fig, where="below")
    return fig


def legend_below() -> Any:
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [2, 0, 2], label="a curve")
    ax.plot([0, 1, 2], [0, 1, 0], label="another curve")
    ax.set_xlabel("a label that must stay readable")
    legend(ax)  # below, by default
    return fig


def history_figure() -> Any:
    return plot_history(a_history())[0].figure


def history_on_given_axes() -> Any:
    fig, ax = plt.subplots()
    plot_history(a_history(stopped=False, validation=False), ax)
    return fig


def binary_map() -> Any:
    X, y = make_moons(40, noise=0.1, seed=0)
    return plot_decision_boundary(MLP(2, [4, 1], seed=0, fused=True), X, y, resolution=20).figure


def three_class_map() -> Any:
    X, y = make_blobs(30, centers=[[-1, 0], [1, 1], [1, -1]], cluster_std=0.3, seed=0)
    return plot_decision_boundary(ThreeWays(), X, y, resolution=30).figure


def points_with_validation() -> Any:
    X, y = make_moons(20, noise=0.1, seed=0)
    ax = plot_points(X, y)
    plot_points(*make_moons(20, noise=0.1, seed=1), ax, faint=True, label="validation")
    ax.set_title("data")
    legend(ax)
    return ax.figure


FIGURES: dict[str, Callable[[], Any]] = {
    "line plot": line_plot,
    "two panels, one legend": two_panels_one_legend,
    "legend below": legend_below,
    "history": history_figure,
    "history on given axes": history_on_given_axes,
    "binary decision map": binary_map,
    "three-class decision map": three_class_map,
    "points": points_with_validation,
}


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_no_text_under_14_points(make: Callable[[], Any]) -> None:
    fig = make()
    assert texts(fig), "the figure shows no text at all"
    assert small_texts(fig) == []


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_legends_do_not_cover_the_data(make: Callable[[], Any]) -> None:
    fig = make()
    assert fig.legends or any(ax.get_legend() for ax in fig.axes), "no legend to check"
    assert legend_overlaps(fig) == []


def test_the_checks_find_small_text_and_a_legend_over_the_data() -> None:
    """The two checks above can fail: matplotlib's defaults (10-pt text) and a legend
    placed in the middle of the lines are caught."""
    with mpl.rc_context(mpl.rcParamsDefault):
        fig, ax = plt.subplots()
        ax.plot(range(10), range(10), label="diagonal")
        ax.legend(loc="center")
        assert small_texts(fig)
        assert legend_overlaps(fig)


def test_lines_are_thick_and_colours_colour_blind_safe() -> None:
    _, ax = plt.subplots()
    lines = [ax.plot([0, 1], [k, k])[0] for k in range(len(OKABE_ITO))]
    assert [mpl.colors.to_hex(line.get_color()).upper() for line in lines] == list(OKABE_ITO)
    assert all(line.get_linewidth() >= 2.5 for line in lines)
    assert OKABE_ITO[:7] == (
        "#0072B2",
        "#D55E00",
        "#009E73",
        "#E69F00",
        "#CC79A7",
        "#56B4E9",
        "#000000",
    )


def test_the_style_as_a_context_manager_restores_the_settings() -> None:
    with mpl.rc_context(mpl.rcParamsDefault):
        before = dict(mpl.rcParams)
        with projector_style():
            assert mpl.rcParams["font.size"] >= MIN_FONT_SIZE
        assert dict(mpl.rcParams) == before
        projector_style()  # called on its own it stays on
        assert mpl.rcParams["xtick.labelsize"] == MIN_FONT_SIZE


# ----------------------------------------------------------------------- plot_history


def vertical_lines(ax: Any) -> dict[str, float]:
    return {
        line.get_label(): line.get_xdata()[0]
        for line in ax.get_lines()
        if len(set(line.get_xdata())) == 1 and len(line.get_xdata()) == 2
    }


def test_history_marks_the_best_epoch_and_the_early_stop() -> None:
    loss_ax, acc_ax = plot_history(a_history())
    for ax in (loss_ax, acc_ax):
        assert ax.get_title()
        marks = vertical_lines(ax)
        assert marks["best epoch: 3"] == 3
        assert marks["stopped early: epoch 6"] == 6
    stars = [line for line in loss_ax.get_lines() if line.get_marker() == "*"]
    assert [(s.get_xdata()[0], s.get_ydata()[0]) for s in stars] == [(3, 0.5)]  # val loss


def test_history_shows_accuracy_in_percent() -> None:
    h = a_history()
    _, acc_ax = plot_history(h)
    curves = {line.get_label(): list(line.get_ydata()) for line in acc_ax.get_lines()}
    assert curves["training"] == pytest.approx([100 * a for a in h.accuracy])
    assert curves["validation"] == pytest.approx([100 * a for a in h.val_accuracy])
    assert "%" in acc_ax.get_ylabel()


def test_history_follows_the_ax_convention() -> None:
    _, ax = plt.subplots()
    assert plot_history(a_history(), ax) is ax  # one Axes: the loss
    assert [line.get_label() for line in ax.get_lines()][:2] == ["training", "validation"]
    _, axes = plt.subplots(1, 2)
    assert plot_history(a_history(), axes) == list(axes)
    assert plot_history(a_history(), metrics=["accuracy"], title="mine").get_title() == "mine"
    with pytest.raises(ValueError, match="2 Axes given for 1 metrics"):
        plot_history(a_history(), axes, metrics=["loss"])
    with pytest.raises(ValueError, match="'loss' and 'accuracy', not 'lr'"):
        plot_history(a_history(), metrics=["lr"])


def test_history_of_a_real_fit_without_accuracy() -> None:
    X, labels = make_moons(10, noise=0.1, seed=0)
    model = Linear(2, 1, seed=0)
    history = fit(model, X, [float(t) for t in labels], loss="mse", epochs=3, progress=False)
    ax = plot_history(history)  # mse counts no accuracy: the loss alone
    assert ax.get_ylabel() == "loss" and len(ax.get_lines()[0].get_xdata()) == 3
    with pytest.raises(ValueError, match="no accuracy"):
        plot_history(history, metrics=["accuracy"])


# -------------------------------------------------------------- the decision boundary


def boundary_vertices(ax: Any) -> np.ndarray:
    """The points of the black boundary lines the map drew."""
    found = []
    for collection in ax.collections:
        if isinstance(collection, ContourSet) and not collection.filled:
            for path in collection.get_paths():
                found.extend(path.vertices)
    return np.array(found)


def test_a_one_output_boundary_lies_where_the_score_crosses_the_threshold() -> None:
    X = [[-1.0, -1.0], [2.0, 1.0], [0.0, 0.5], [1.5, -0.5]]
    ax = plot_decision_boundary(Score(), X, [0, 1, 0, 1], resolution=25)
    vertices = boundary_vertices(ax)
    assert len(vertices) and np.allclose(vertices[:, 0], 0.5, atol=1e-9)
    ax = plot_decision_boundary(Score(), X, [-1, 1, -1, 1], threshold=1.0, resolution=25)
    assert np.allclose(boundary_vertices(ax)[:, 0], 1.5, atol=1e-9)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "decision boundary",
        "class -1",
        "class +1",
    ]


def test_a_many_output_boundary_follows_the_largest_output() -> None:
    X, y = make_blobs(30, centers=[[-1, 0], [1, 1], [1, -1]], cluster_std=0.3, seed=0)
    ax = plot_decision_boundary(ThreeWays(), X, y, resolution=41)
    x1, x2 = boundary_vertices(ax).T
    step = (ax.get_xlim()[1] - ax.get_xlim()[0]) / 40  # the grid's spacing
    # class 0 against the others along x1 = -|x2|; class 1 against 2 along x2 = 0, x1 >= 0
    from_first = np.abs(x1 + np.abs(x2)) / np.sqrt(2)
    from_second = np.where(x1 >= 0, np.abs(x2), np.hypot(x1, x2))
    assert len(x1) and np.all(np.minimum(from_first, from_second) < step)
    assert (from_first < 1e-9).sum() > 10 and (from_second < 1e-9).sum() > 10


def test_the_map_leaves_the_model_as_it_was() -> None:
    X, y = make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0, fused=True)
    before = model.state_dict()
    plot_decision_boundary(model, X, y, resolution=5)
    assert model.training and model.state_dict() == before
    assert all(p.grad == 0.0 for p in model.parameters())
    model.eval()
    plot_decision_boundary(model, X, y, resolution=5)
    assert not model.training


def test_the_map_says_what_is_wrong() -> None:
    X = [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]
    with pytest.raises(ValueError, match="one output separates two classes"):
        plot_decision_boundary(Score(), X, [0, 1, 2])
    with pytest.raises(ValueError, match="class indices 0 to 2"):
        plot_decision_boundary(ThreeWays(), X, [0, 1, 5])
    with pytest.raises(ValueError, match="X has 3 points but y has 2"):
        plot_decision_boundary(Score(), X, [0, 1])
    with pytest.raises(ValueError, match="resolution must be an int >= 2"):
        plot_decision_boundary(Score(), X, [0, 1, 1], resolution=1)
    with pytest.raises(ValueError, match="where must be 'right' or 'below'"):
        legend(plt.subplots()[1], where="inside")
    with pytest.raises(ValueError, match="no labelled artist"):
        legend(plt.subplots()[1])


def test_importing_nn_plot_does_not_import_matplotlib() -> None:
    """matplotlib is an optional extra: a plain `import nn.plot` must work without it."""
    code = "import sys, nn, nn.plot; assert 'matplotlib' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_map_of_one_class_everywhere_draws_no_boundary(recwarn: pytest.WarningsRecorder) -> None:
    """A model that predicts the same class on the whole map (here: a constant score) gets
    one region and no boundary line, and matplotlib has nothing to warn about."""

    class Constant(Module):
        def forward(self, x: Any) -> Value:
            return Value(2.0)

    ax = plot_decision_boundary(Constant(), [[0.0, 0.0], [1.0, 1.0]], [0, 1], resolution=5)
    assert len(boundary_vertices(ax)) == 0
    assert not [w for w in recwarn if "contour" in str(w.message).lower()]
