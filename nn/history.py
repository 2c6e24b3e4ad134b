"""``History``: what ``fit`` records per epoch (losses, accuracies, learning rates, the
best epoch, early stopping and interruption), and its plot.

May import: ``nn.plot`` (when plotting; it imports matplotlib).
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

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Loss and accuracy per epoch for a projector, the best epoch and an early stop
        marked, accuracy in percent; matplotlib's ``ax=`` convention, returns the Axes.
        ``options`` are :func:`nn.plot.plot_history`'s (``metrics``, ``title``)."""
        from nn.plot import plot_history

        return plot_history(self, ax, **options)
