"""``ReduceLROnPlateau``: lower the rate when a metric (a validation loss, say) stops
improving. Its ``step`` takes that metric, and it follows no schedule of epochs, so
``SequentialLR`` and ``ChainedScheduler`` do not take it.

May import: ``autograd`` (``Value``, ``autograd.interrupts``), ``nn.checks``,
``nn.optim.base`` and ``nn.optim.lr_scheduler.base``.
"""

from __future__ import annotations

import math

from autograd import Value
from autograd.interrupts import deferred_interrupts
from nn import checks
from nn.optim.base import Optimizer
from nn.optim.lr_scheduler.base import LRScheduler, check_optimizer, per_group

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """lr <- max(lr * factor, min_lr) when the metric given to ``step(metric)`` has not
    improved for ``patience`` epochs ("improved": below best * (1 - threshold) in mode
    "min" with threshold_mode "rel"; best - threshold with "abs"; mirrored for "max").
    After a reduction, ``cooldown`` epochs pass before bad epochs count again."""

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        where = "ReduceLROnPlateau"
        self.optimizer = check_optimizer(optimizer, where)
        self.factor = checks.number(factor, "factor", where, low=0.0, high=1.0, high_open=True)
        if mode not in ("min", "max"):
            raise ValueError(f"{where}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"{where}: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        self.mode, self.threshold_mode = mode, threshold_mode
        self.threshold = checks.number(threshold, "threshold", where, low=0.0)
        self.patience = checks.integer(patience, "patience", where, low=0)
        self.cooldown = checks.integer(cooldown, "cooldown", where, low=0)
        self.min_lrs = per_group(min_lr, "min_lr", optimizer, where)
        self.eps = checks.number(eps, "eps", where, low=0.0)
        self.last_epoch = 0
        self._last_lr = self._lrs()
        self.best = math.inf if mode == "min" else -math.inf
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min":
            return a < (
                best * (1.0 - self.threshold)
                if self.threshold_mode == "rel"
                else best - self.threshold
            )
        return a > (
            best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold
        )

    def step(self, metrics: float) -> None:  # type: ignore[override]
        """Record this epoch's ``metrics`` (a validation loss, say) and maybe lower the rate."""
        if isinstance(metrics, Value):
            metrics = metrics.data
        if not checks.is_number(metrics):  # nan is allowed: it never counts as better
            raise TypeError(
                f"ReduceLROnPlateau.step: metrics must be a number, got {checks.kind(metrics)}"
            )
        current = float(metrics)
        with deferred_interrupts():
            self.last_epoch += 1
            if self._is_better(current, self.best):
                self.best, self.num_bad_epochs = current, 0
            else:
                self.num_bad_epochs += 1
            if self.cooldown_counter > 0:
                self.cooldown_counter -= 1
                self.num_bad_epochs = 0
            if self.num_bad_epochs > self.patience:
                for group, low in zip(self.optimizer.param_groups, self.min_lrs):
                    old = float(group["lr"])
                    new = max(old * self.factor, low)
                    if old - new > self.eps:
                        group["lr"] = new
                self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
            self._last_lr = self._lrs()
