"""``LRScheduler``: the base class of the learning-rate schedules, and the checks they share.

A scheduler keeps ``last_epoch`` (the steps taken, 0 once created) and ``base_lrs`` (the
rates it started from). Each ``step()`` asks ``get_lr()`` for every group's next rate and
sets them all at once, with Ctrl-C held back, so a step that fails sets no rate at all.

May import: ``autograd.interrupts``, ``nn.checks`` and ``nn.optim.base``.
"""

from __future__ import annotations

from typing import Any

from autograd.interrupts import deferred_interrupts
from nn import checks
from nn.optim.base import Optimizer

__all__ = ["LRScheduler"]


def check_optimizer(optimizer: Any, where: str) -> Optimizer:
    """``optimizer``, if it is one of nn.optim's (a scheduler needs its param_groups)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}"
        )
    return optimizer


def per_group(value: Any, name: str, optimizer: Optimizer, where: str) -> list[float]:
    """One number per parameter group: a list of them, or one number for every group."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{where}: {name} must have one value per group ({n}), got {value!r}")
        return [checks.number(v, f"{name}[{i}]", where, low=0.0) for i, v in enumerate(value)]
    return [checks.number(value, name, where, low=0.0)] * n


class LRScheduler:
    """Base class: ``get_lr()`` gives each group's next rate; ``step()`` sets it.

    ``last_epoch`` counts the steps taken (0 after creation); ``base_lrs`` are the rates
    the optimizer had when the first scheduler was attached (``group["initial_lr"]``).
    """

    _is_initial = False  # True during the step that creation takes
    _NOT_SAVED: tuple[str, ...] = ("optimizer",)

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        where = type(self).__name__
        self.optimizer = check_optimizer(optimizer, where)
        last_epoch = checks.integer(last_epoch, "last_epoch", where, low=-1)
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{where}: param_groups[{i}] has no 'initial_lr' "
                    "(needed to resume at last_epoch != -1: load the optimizer's state first)"
                )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def _lrs(self) -> list[float]:
        """The rates the optimizer has now (what a chainable schedule multiplies)."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def get_lr(self) -> list[float]:
        """The next rate of each group, for the epoch ``self.last_epoch``."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set each group's learning rate."""
        self._step_count += 1
        self._update_lr()

    def _update_lr(self, epoch: int | None = None) -> None:
        previous = self.last_epoch
        self.last_epoch = previous + 1 if epoch is None else epoch
        try:
            closed_form = getattr(self, "_closed_form_lr", None)
            values = closed_form() if epoch is not None and closed_form else self.get_lr()
        except BaseException:
            self.last_epoch = previous
            raise
        with deferred_interrupts():
            for group, lr in zip(self.optimizer.param_groups, values):
                group["lr"] = lr
            self._last_lr = self._lrs()

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (and functions, which PyTorch does not save either)."""
        return {k: v for k, v in vars(self).items() if k not in self._NOT_SAVED}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._last_lr})"
