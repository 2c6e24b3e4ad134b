"""Schedules stepped per batch that cycle the rate up and down and the momentum the
other way: ``CyclicLR`` (Smith's cyclical learning rates) and ``OneCycleLR`` (the 1cycle
policy). The momentum is SGD's ``momentum`` or the first of Adam's ``betas``.

May import: ``nn.checks``, ``nn.optim.base`` and ``nn.optim.lr_scheduler.base``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from nn import checks
from nn.optim.base import Optimizer
from nn.optim.lr_scheduler.base import LRScheduler, check_optimizer, per_group

__all__ = ["CyclicLR", "OneCycleLR"]


def _momentum_keys(optimizer: Optimizer, where: str) -> bool:
    """Whether the optimizer's momentum is beta1 (Adam) rather than ``momentum`` (SGD)."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(
            f"{where}: {type(optimizer).__name__} has no momentum or beta1 to cycle; "
            "pass cycle_momentum=False"
        )
    return "betas" in optimizer.defaults


def _set_momentum(group: dict[str, Any], momentum: float, use_beta1: bool) -> None:
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


class CyclicLR(LRScheduler):
    """The rate cycles between ``base_lr`` and ``max_lr`` (Smith's cyclical learning
    rates): up over ``step_size_up`` steps, down over ``step_size_down``; "triangular2"
    halves the height each cycle, "exp_range" scales it by gamma ** step. Momentum cycles
    the other way, between ``max_momentum`` and ``base_momentum``. Step it per batch."""

    _NOT_SAVED = ("optimizer", "scale_fn")

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        where = "CyclicLR"
        check_optimizer(optimizer, where)
        base_lrs = per_group(base_lr, "base_lr", optimizer, where)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = per_group(max_lr, "max_lr", optimizer, where)
        up = checks.number(step_size_up, "step_size_up", where, low=0.0, low_open=True)
        down = up
        if step_size_down is not None:
            down = checks.number(step_size_down, "step_size_down", where, low=0.0, low_open=True)
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(
                f"{where}: mode must be 'triangular', 'triangular2' or 'exp_range' (or give "
                f"scale_fn), got {mode!r}"
            )
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"{where}: scale_fn must be a function, got {checks.shown(scale_fn)}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(
                f"{where}: scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}"
            )
        self.mode, self.gamma = mode, checks.number(gamma, "gamma", where, low=0.0)
        self.scale_fn = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else _SCALE_MODES.get(mode, scale_mode)
        self.cycle_momentum = checks.boolean(cycle_momentum, "cycle_momentum", where)
        if self.cycle_momentum:
            self.use_beta1 = _momentum_keys(optimizer, where)
            self.base_momentums = per_group(base_momentum, "base_momentum", optimizer, where)
            self.max_momentums = per_group(max_momentum, "max_momentum", optimizer, where)
            if last_epoch == -1:
                for high, low, group in zip(
                    self.max_momentums, self.base_momentums, optimizer.param_groups
                ):
                    _set_momentum(group, high, self.use_beta1)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _scale(self, x: float) -> float:
        if self.scale_fn is not None:
            return float(self.scale_fn(x))
        if self.mode == "triangular2":
            return float(1 / 2.0 ** (x - 1))
        if self.mode == "exp_range":
            return float(self.gamma**x)
        return 1.0

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # position in the cycle, [0, 1)
        rising = x <= self.step_ratio
        height = x / self.step_ratio if rising else (x - 1) / (self.step_ratio - 1)
        scale = self._scale(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [
            base + (top - base) * height * scale for base, top in zip(self.base_lrs, self.max_lrs)
        ]
        if self.cycle_momentum:
            for low, high, group in zip(
                self.base_momentums, self.max_momentums, self.optimizer.param_groups
            ):
                _set_momentum(group, high - (high - low) * height * scale, self.use_beta1)
        return lrs


_SCALE_MODES = {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}


class OneCycleLR(LRScheduler):
    """Smith's 1cycle policy: the rate rises from max_lr / div_factor to ``max_lr`` over the
    first ``pct_start`` of ``total_steps``, then anneals to max_lr / (div_factor *
    final_div_factor) (cosine or linear); momentum moves the other way. Step it per batch.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        where = "OneCycleLR"
        check_optimizer(optimizer, where)
        if total_steps is not None:
            self.total_steps = checks.positive_int(total_steps, "total_steps", where)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = checks.positive_int(epochs, "epochs", where) * checks.positive_int(
                steps_per_epoch, "steps_per_epoch", where
            )
        else:
            raise ValueError(f"{where}: give total_steps, or epochs and steps_per_epoch")
        pct = checks.number(pct_start, "pct_start", where, low=0.0, high=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"{where}: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        self.anneal_strategy = anneal_strategy
        n = self.total_steps
        # each phase: (last step, rate from, rate to, momentum from, momentum to)
        if checks.boolean(three_phase, "three_phase", where):
            self._phases = [
                (float(pct * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct * n) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (n - 1.0, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._phases = [
                (float(pct * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (n - 1.0, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        max_lrs = per_group(max_lr, "max_lr", optimizer, where)
        div = checks.number(div_factor, "div_factor", where, low=0.0, low_open=True)
        final_div = checks.number(
            final_div_factor, "final_div_factor", where, low=0.0, low_open=True
        )
        if last_epoch == -1:
            for top, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = top / div
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div
        self.cycle_momentum = checks.boolean(cycle_momentum, "cycle_momentum", where)
        if self.cycle_momentum:
            self.use_beta1 = _momentum_keys(optimizer, where)
            highs = per_group(max_momentum, "max_momentum", optimizer, where)
            lows = per_group(base_momentum, "base_momentum", optimizer, where)
            if last_epoch == -1:
                for high, low, group in zip(highs, lows, optimizer.param_groups):
                    _set_momentum(group, high, self.use_beta1)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times; total_steps is {self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_from, lr_to, m_from, m_to) in enumerate(self._phases):
                if step <= end or i == len(self._phases) - 1:
                    pct = (step - start) / (end - start)
                    lrs.append(self._anneal(group[lr_from], group[lr_to], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[m_from], group[m_to], pct)
                        _set_momentum(group, momentum, self.use_beta1)
                    break
                start = end
        return lrs
