"""Schedulers made of schedulers: ``SequentialLR`` (one after another, switching at
milestones) and ``ChainedScheduler`` (several stepped together, their factors
multiplying). Their state dicts hold the state dicts of their schedulers.

May import: ``nn.checks``, ``nn.optim.base``, ``nn.optim.lr_scheduler.base`` and
``nn.optim.lr_scheduler.plateau`` (to refuse a ReduceLROnPlateau).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from nn import checks
from nn.optim.base import Optimizer
from nn.optim.lr_scheduler.base import LRScheduler, check_optimizer
from nn.optim.lr_scheduler.plateau import ReduceLROnPlateau

__all__ = ["ChainedScheduler", "SequentialLR"]


def _check_schedulers(
    schedulers: Any, optimizer: Optimizer | None, where: str
) -> tuple[list[LRScheduler], Optimizer]:
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise ValueError(f"{where}: schedulers must be a non-empty list of schedulers")
    optimizer = optimizer if optimizer is not None else getattr(schedulers[0], "optimizer", None)
    for i, scheduler in enumerate(schedulers):
        if not isinstance(scheduler, LRScheduler):
            raise TypeError(
                f"{where}: schedulers[{i}] is not a scheduler: {checks.shown(scheduler)}"
            )
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(
                f"{where}: schedulers[{i}] is a ReduceLROnPlateau, whose step needs a metric"
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{where}: schedulers[{i}] belongs to another optimizer")
    return list(schedulers), check_optimizer(optimizer, where)


def _nested_state(scheduler: Any) -> dict[str, Any]:
    state = {k: v for k, v in vars(scheduler).items() if k not in ("optimizer", "_schedulers")}
    state["_schedulers"] = [s.state_dict() for s in scheduler._schedulers]
    return state


def _load_nested(scheduler: Any, state_dict: dict[str, Any]) -> None:
    state = dict(state_dict)
    inner = state.pop("_schedulers")
    scheduler.__dict__.update(state)
    for s, saved in zip(scheduler._schedulers, inner):
        s.load_state_dict(saved)


class SequentialLR(LRScheduler):
    """One scheduler after another: ``schedulers[i]`` runs from epoch ``milestones[i-1]``
    (a warmup, then a decay: ``SequentialLR(opt, [LinearLR(...), ExponentialLR(...)],
    milestones=[5])``). Each starts from the initial rate, as in PyTorch."""

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: Sequence[LRScheduler],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        where = "SequentialLR"
        self._schedulers, self.optimizer = _check_schedulers(schedulers, optimizer, where)
        if not isinstance(milestones, (list, tuple)) or len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"{where}: expected {len(schedulers) - 1} milestones (one fewer than the "
                f"schedulers), got {checks.shown(milestones)}"
            )
        self._milestones = [checks.integer(m, "milestones", where, low=0) for m in milestones]
        self.last_epoch = checks.integer(last_epoch, "last_epoch", where, low=-1) + 1
        for group in self.optimizer.param_groups:  # start again from the initial rates
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:  # undo the step each took when it was created
            _undo_step(scheduler)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)  # a new phase starts at its own epoch 0
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        return _nested_state(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _load_nested(self, state_dict)


def _undo_step(scheduler: LRScheduler) -> None:
    inner = getattr(scheduler, "_schedulers", None)
    if inner is not None:
        for s in inner:
            _undo_step(s)
    else:
        scheduler.last_epoch -= 1


class ChainedScheduler(LRScheduler):
    """Several schedulers stepped together, as one (``step()`` steps each in turn)."""

    def __init__(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None
    ) -> None:
        self._schedulers, self.optimizer = _check_schedulers(
            schedulers, optimizer, "ChainedScheduler"
        )
        self._last_lr = self._lrs()

    def step(self) -> None:
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._lrs()

    def state_dict(self) -> dict[str, Any]:
        return _nested_state(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _load_nested(self, state_dict)
