"""``fit``: a training loop with mini-batches, validation, early stopping and a progress bar.

>>> from nn import MLP, datasets
>>> X, y = datasets.make_moons(40, noise=0.1, seed=0)
>>> model = MLP(2, [8, 1], seed=0, fused=True)
>>> history = fit(model, X, [2 * t - 1 for t in y], loss="hinge", epochs=5, progress=False)
>>> len(history.loss), history.epochs
(5, 5)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, no_grad
from nn.losses import AccuracyFn, LossFn, resolve_loss
from nn.module import Module
from nn.optim import Adam, Optimizer
from nn.optim.lr_scheduler import LRScheduler
from nn.utils import clip_grad_norm_

__all__ = ["History", "evaluate", "fit"]


@dataclass
class History:
    """Per-epoch numbers from ``fit``: lists you can plot (``history.plot()``).

    ``accuracy`` and ``val_accuracy`` hold None for a loss without an accuracy (mse);
    ``val_*`` are empty without validation data. ``best_epoch`` counts from 1.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __getitem__(self, key: str) -> list[Any]:
        """``history["val_loss"]``, as Keras's ``history.history[...]``."""
        if key not in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
            raise KeyError(
                f"History has loss, accuracy, val_loss, val_accuracy and lr, not {key!r}"
            )
        return list(getattr(self, key))

    def plot(self, axes: Any = None) -> Any:
        """Loss (and accuracy, if any) against epoch with matplotlib; returns the axes."""
        import matplotlib.pyplot as plt

        has_accuracy = any(a is not None for a in self.accuracy)
        if axes is None:
            _, axes = plt.subplots(
                1, 2 if has_accuracy else 1, figsize=(10 if has_accuracy else 5, 3.5)
            )
        axes_list = (
            list(axes) if isinstance(axes, (list, tuple)) or hasattr(axes, "shape") else [axes]
        )
        epochs = range(1, self.epochs + 1)
        panels: list[tuple[str, list[Any], list[Any]]] = [("loss", self.loss, self.val_loss)]
        if has_accuracy and len(axes_list) > 1:
            panels.append(("accuracy", self.accuracy, self.val_accuracy))
        for ax, (name, train, val) in zip(axes_list, panels):
            ax.plot(epochs, train, label=f"training {name}")
            if val:
                ax.plot(epochs, val, label=f"validation {name}")
            ax.set_xlabel("epoch")
            ax.set_ylabel(name)
            ax.legend()
        return axes


def _check_data(X: Sequence[Any], y: Sequence[Any], where: str) -> None:
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}")
    if len(X) == 0:  # not `not X`: X may be a numpy array
        raise ValueError(f"{where}: no samples")


def _run(
    model: Module, X: Sequence[Any], y: Sequence[Any], loss_fn: LossFn
) -> tuple[Value, list[Any]]:
    """The loss on (X, y) and the model's outputs."""
    outputs = [model(x) for x in X]
    return loss_fn(outputs, list(y)), outputs


def _accuracy(outputs: list[Any], y: Sequence[Any], right: AccuracyFn | None) -> float | None:
    if right is None:
        return None
    return sum(bool(right(out, t)) for out, t in zip(outputs, y)) / len(y)


def evaluate(
    model: Module,
    X: Sequence[Any],
    y: Sequence[Any],
    loss: str | LossFn,
    accuracy: AccuracyFn | None = None,
) -> tuple[float, float | None]:
    """(mean loss, accuracy) of ``model`` on (X, y), in eval mode and without a graph."""
    loss_fn, right = resolve_loss(loss, accuracy)
    _check_data(X, y, "evaluate")
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            value, outputs = _run(model, X, y, loss_fn)
    finally:
        model.train(was_training)
    return value.data, _accuracy(outputs, y, right)


def fit(
    model: Module,
    X: Sequence[Any],
    y: Sequence[Any],
    *,
    loss: str | LossFn,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_data: tuple[Sequence[Any], Sequence[Any]] | None = None,
    patience: int | None = None,
    min_delta: float = 0.0,
    restore_best: bool = True,
    scheduler: LRScheduler | None = None,
    l2: float = 0.0,
    max_grad_norm: float | None = None,
    accuracy: AccuracyFn | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` on (X, y) and return the per-epoch :class:`History`.

    Each epoch visits the samples in mini-batches of ``batch_size`` (all at once if None),
    shuffled with ``seed``; per batch: forward, ``loss`` (+ ``l2`` * sum of squared
    parameters, micrograd's regularisation), backward, optional gradient clipping to
    ``max_grad_norm``, ``optimizer.step()`` (default ``Adam(lr=0.01)``). After each epoch
    ``scheduler.step()`` runs and ``validation_data`` = (X_val, y_val) is evaluated.

    ``loss`` is a loss function or a name: "hinge" (labels -1/+1), "bce_with_logits",
    "bce" (labels 0/1), "cross_entropy" (class indices), "mse". Accuracy follows from it
    (or pass ``accuracy(output, target) -> bool``). Recorded losses exclude the l2 term.

    With ``patience``, training stops after that many epochs without the monitored loss
    (validation loss if given, else training loss) improving by more than ``min_delta``,
    and with ``restore_best`` the best weights are put back: those the best validation
    loss was measured on (the end of that epoch), or for the training loss, which is
    measured while the epoch trains, the weights the epoch started from. ``progress`` shows a tqdm
    bar (in a terminal or, through ``tqdm.auto``, as a Jupyter widget).
    """
    from tqdm.auto import tqdm

    loss_fn, right = resolve_loss(loss, accuracy)
    _check_data(X, y, "fit")
    if validation_data is not None:
        _check_data(*validation_data, "fit: validation_data")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    if patience is not None and (not isinstance(patience, int) or patience < 1):
        raise ValueError(f"fit: patience must be a positive int or None, got {patience!r}")
    if not l2 >= 0:
        raise ValueError(f"fit: l2 must be >= 0, got {l2!r}")
    params = model.parameters()
    optimizer = optimizer if optimizer is not None else Adam(params, lr=0.01)
    rng = random.Random(seed)
    size = batch_size or len(X)
    history = History()
    best, best_state, waited = float("inf"), model.state_dict(), 0
    model.train()
    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress, leave=True)
    for epoch in bar:
        order = list(range(len(X)))
        if shuffle:
            rng.shuffle(order)
        start_state = model.state_dict()  # the weights this epoch's training loss measures
        total_loss, outputs_all, targets_all = 0.0, [], []
        history.lr.append(float(optimizer.param_groups[0]["lr"]))
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            xb, yb = [X[i] for i in batch], [y[i] for i in batch]
            value, outputs = _run(model, xb, yb, loss_fn)
            objective = value + l2 * sum(p * p for p in params) if l2 else value
            optimizer.zero_grad()
            objective.backward()
            if max_grad_norm is not None:
                clip_grad_norm_(params, max_grad_norm)
            optimizer.step()
            total_loss += value.data * len(batch)
            outputs_all += outputs
            targets_all += yb
        history.loss.append(total_loss / len(X))
        history.accuracy.append(_accuracy(outputs_all, targets_all, right))
        if scheduler is not None:
            scheduler.step()
        if validation_data is not None:
            val_loss, val_accuracy = evaluate(model, *validation_data, loss_fn, right)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
        monitored = history.val_loss[-1] if validation_data is not None else history.loss[-1]
        bar.set_postfix(_postfix(history), refresh=False)
        if monitored < best - min_delta:
            best, waited = monitored, 0
            best_state = model.state_dict() if validation_data is not None else start_state
            history.best_epoch = epoch + 1
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    bar.close()
    if patience is not None and restore_best:
        model.load_state_dict(best_state)
    return history


def _postfix(history: History) -> dict[str, str]:
    shown = {"loss": history.loss[-1]}
    if history.accuracy[-1] is not None:
        shown["acc"] = history.accuracy[-1]
    if history.val_loss:
        shown["val_loss"] = history.val_loss[-1]
        if history.val_accuracy[-1] is not None:
            shown["val_acc"] = history.val_accuracy[-1]
    return {k: f"{v:.4f}" for k, v in shown.items()}
