"""``History``: what ``fit`` records per epoch (losses, accuracies, learning rates, the
best epoch, early stopping and interruption), and its plot.

May import: ``matplotlib`` (lazily, when plotting).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["History"]


@dataclass
class History:
    """Per-epoch numbers from ``fit``: lists you can plot (``history.plot()``).

    ``accuracy`` and ``val_accuracy`` hold None for a loss without an accuracy (mse);
    ``val_*`` are empty without validation data. ``best_epoch`` counts from 1. ``steps``
    counts the optimizer steps taken. ``interrupted`` is True when Ctrl-C (Jupyter's stop
    button) ended training: the lists then cover the epochs that finished. With
    ``patience``, ``best_state`` holds the best weights seen (``model.load_state_dict``).
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    interrupted: bool = False
    steps: int = 0
    best_state: dict[str, float] | None = field(default=None, repr=False)

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
