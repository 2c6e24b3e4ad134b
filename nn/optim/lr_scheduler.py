"""Learning-rate schedules, PyTorch's ``torch.optim.lr_scheduler`` with its semantics.

A scheduler changes ``group["lr"]`` of its optimizer: call ``scheduler.step()`` once per
epoch (or per batch, for ``OneCycleLR`` and ``CyclicLR``), after ``optimizer.step()``.
Creating it sets epoch 0. As in PyTorch, most schedules are *chainable*: each ``step()``
multiplies the rate the optimizer has now by that epoch's factor (StepLR: gamma every
``step_size`` epochs), instead of computing it afresh from the initial rate. So several
schedulers on one optimizer compose (their factors multiply), and a rate set by hand
(``optimizer.param_groups[0]["lr"] = 10.0``) is where the schedule continues from.

>>> from autograd import Value
>>> from nn.optim import SGD
>>> opt = SGD([Value(0.0)], lr=1.0)
>>> decay, halve = ExponentialLR(opt, gamma=0.9), StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(4):
...     lrs.append(round(opt.param_groups[0]["lr"], 6))
...     opt.step()
...     decay.step()
...     halve.step()
>>> lrs                          # 0.9 each epoch, times 0.5 every second epoch
[1.0, 0.9, 0.405, 0.3645]

``get_last_lr()`` gives the rates the last step set; ``state_dict()`` and
``load_state_dict()`` save and restore a scheduler (its functions excepted, as PyTorch).

May import nn.optim.optimizer, nn.checks and autograd.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from autograd import Value
from autograd.interrupts import deferred_interrupts
from nn import checks
from nn.optim.optimizer import Optimizer

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]


def _check_optimizer(optimizer: Any, where: str) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}"
        )
    return optimizer


def _per_group(value: Any, name: str, optimizer: Optimizer, where: str) -> list[float]:
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
        self.optimizer = _check_optimizer(optimizer, where)
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


class _FunctionSchedule(LRScheduler):
    """A schedule given as a function of the epoch (one, or a list with one per group)."""

    _NOT_SAVED = ("optimizer", "lr_lambdas")

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        where, n = (
            type(self).__name__,
            len(_check_optimizer(optimizer, type(self).__name__).param_groups),
        )
        functions = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * n
        if len(functions) != n:
            raise ValueError(f"{where}: expected {n} lr_lambdas, got {len(functions)}")
        for f in functions:
            if not callable(f):
                raise TypeError(f"{where}: lr_lambda must be a function, got {checks.shown(f)}")
        self.lr_lambdas: list[Callable[[int], float]] = functions  # type: ignore[assignment]
        super().__init__(optimizer, last_epoch)


class LambdaLR(_FunctionSchedule):
    """lr = base_lr * lr_lambda(epoch), for any schedule written as a function
    (one function, or a list with one per parameter group). Not chainable, as in PyTorch."""

    def get_lr(self) -> list[float]:
        return [base * float(f(self.last_epoch)) for f, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_FunctionSchedule):
    """lr <- lr * lr_lambda(epoch) at each step after the first."""

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._lrs()
        return [lr * float(f(self.last_epoch)) for f, lr in zip(self.lr_lambdas, self._lrs())]


class StepLR(LRScheduler):
    """lr <- lr * gamma every ``step_size`` epochs (so base_lr * gamma ** (epoch // step_size)
    when alone)."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = checks.positive_int(step_size, "step_size", "StepLR")
        self.gamma = checks.number(gamma, "gamma", "StepLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr <- lr * gamma at each epoch listed in ``milestones`` (twice if listed twice)."""

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        where = "MultiStepLR"
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
            raise TypeError(f"{where}: milestones must be a list of epochs, got {milestones!r}")
        self.milestones = Counter(checks.integer(m, "milestones", where, low=0) for m in milestones)
        self.gamma = checks.number(gamma, "gamma", where, low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._lrs()]

    def _closed_form_lr(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr * factor for the first ``total_iters`` epochs, then lr again (a warmup)."""

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        # (0, 1]: PyTorch also accepts 0, and then divides by it when the warmup ends
        self.factor = checks.number(
            factor, "factor", "ConstantLR", low=0.0, high=1.0, low_open=True
        )
        self.total_iters = checks.integer(total_iters, "total_iters", "ConstantLR", low=0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._lrs()]
        if self.last_epoch != self.total_iters:
            return self._lrs()
        return [lr * (1.0 / self.factor) for lr in self._lrs()]

    def _closed_form_lr(self) -> list[float]:
        done = self.last_epoch >= self.total_iters
        return [base * (self.factor + done * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(LRScheduler):
    """lr * factor, the factor going linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` epochs, then staying there. micrograd's demo schedule
    lr = 1.0 - 0.9 k / 100 is ``LinearLR(opt, 1.0, 0.1, total_iters=100)`` with lr=1.0."""

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        where = "LinearLR"
        self.start_factor = checks.number(
            start_factor, "start_factor", where, low=0.0, high=1.0, low_open=True
        )
        self.end_factor = checks.number(end_factor, "end_factor", where, low=0.0, high=1.0)
        self.total_iters = checks.positive_int(total_iters, "total_iters", where)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in self._lrs()]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._lrs()
        # the ratio of this epoch's factor to the last one's
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (
            self.total_iters * self.start_factor + (self.last_epoch - 1) * change
        )
        return [lr * ratio for lr in self._lrs()]

    def _closed_form_lr(self) -> list[float]:
        progress = min(self.total_iters, self.last_epoch) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [base * factor for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr <- lr * gamma every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = checks.number(gamma, "gamma", "ExponentialLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """base_lr * (1 - epoch / total_iters) ** power, reaching 0 at ``total_iters``."""

    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        self.total_iters = checks.positive_int(total_iters, "total_iters", "PolynomialLR")
        self.power = checks.number(power, "power", "PolynomialLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._lrs()
        t, n = self.last_epoch, self.total_iters
        factor = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** self.power
        return [lr * factor for lr in self._lrs()]

    def _closed_form_lr(self) -> list[float]:
        left = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * left**self.power for base in self.base_lrs]


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
        _check_optimizer(optimizer, where)
        base_lrs = _per_group(base_lr, "base_lr", optimizer, where)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group(max_lr, "max_lr", optimizer, where)
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
            self.base_momentums = _per_group(base_momentum, "base_momentum", optimizer, where)
            self.max_momentums = _per_group(max_momentum, "max_momentum", optimizer, where)
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
        _check_optimizer(optimizer, where)
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
        max_lrs = _per_group(max_lr, "max_lr", optimizer, where)
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
            highs = _per_group(max_momentum, "max_momentum", optimizer, where)
            lows = _per_group(base_momentum, "base_momentum", optimizer, where)
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
        self.optimizer = _check_optimizer(optimizer, where)
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
        self.min_lrs = _per_group(min_lr, "min_lr", optimizer, where)
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
    return list(schedulers), _check_optimizer(optimizer, where)


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
