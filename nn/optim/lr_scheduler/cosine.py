"""Cosine schedules: ``CosineAnnealingLR`` (half a cosine from the initial rate down to
``eta_min``, then up again) and ``CosineAnnealingWarmRestarts`` (SGDR: the fall, again
and again, each period ``T_mult`` times as long as the last).

May import: ``autograd.interrupts``, ``nn.checks``, ``nn.optim.base`` and
``nn.optim.lr_scheduler.base``.
"""

from __future__ import annotations

import math

from autograd.interrupts import deferred_interrupts
from nn import checks
from nn.optim.base import Optimizer
from nn.optim.lr_scheduler.base import LRScheduler

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


class CosineAnnealingLR(LRScheduler):
    """Falls from base_lr to ``eta_min`` along half a cosine over ``T_max`` epochs, then
    rises again (as in PyTorch): alone, eta_min + (base_lr - eta_min)(1 + cos(pi t/T_max))/2.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = checks.number(T_max, "T_max", "CosineAnnealingLR", low=0.0, low_open=True)
        self.eta_min = checks.number(eta_min, "eta_min", "CosineAnnealingLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._lrs()
        if self._step_count == 1 and t > 0:  # resumed at last_epoch > 0
            return [
                low + (base - low) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs
            ]
        if (t - 1 - T) % (2 * T) == 0:  # at the bottom: the ratio below would be 0/0
            rise = (1 - math.cos(math.pi / T)) / 2
            return [lr + (base - low) * rise for lr, base in zip(self._lrs(), self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - low) + low for lr in self._lrs()]

    def _closed_form_lr(self) -> list[float]:
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing from base_lr to ``eta_min`` over T_0 epochs, then a restart; each
    period ``T_mult`` times the last. ``step(epoch)`` also takes fractional epochs."""

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        where = "CosineAnnealingWarmRestarts"
        self.T_0 = self.T_i = checks.positive_int(T_0, "T_0", where)
        self.T_mult = checks.positive_int(T_mult, "T_mult", where)
        self.eta_min = checks.number(eta_min, "eta_min", where, low=0.0)
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (a float: within-epoch positions)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        else:
            epoch = checks.number(epoch, "epoch", "CosineAnnealingWarmRestarts.step", low=0.0)
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:  # which period epoch falls in: T_0 (T_mult^n - 1) / (T_mult - 1) <= epoch
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i, self.T_cur = self.T_0, epoch
        self.last_epoch = math.floor(epoch)
        values = self.get_lr()
        with deferred_interrupts():
            for group, lr in zip(self.optimizer.param_groups, values):
                group["lr"] = lr
            self._last_lr = self._lrs()
