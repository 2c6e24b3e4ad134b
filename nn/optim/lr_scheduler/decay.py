"""Schedules that multiply the rate by a factor: ``StepLR``, ``MultiStepLR``,
``ExponentialLR``, ``ConstantLR``, ``LinearLR``, ``PolynomialLR`` and ``MultiplicativeLR``
(chainable: each step multiplies the rate the optimizer has now), and ``LambdaLR`` (the
initial rate times a function of the epoch).

All but the two given as functions also have ``_closed_form_lr``: the rate of an epoch
computed afresh from ``base_lrs`` (PyTorch's ``_get_closed_form_lr``), which
``SequentialLR`` uses to start one of them at its own epoch 0.

May import: ``nn.checks``, ``nn.optim.base`` and ``nn.optim.lr_scheduler.base``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from nn import checks
from nn.optim.base import Optimizer
from nn.optim.lr_scheduler.base import LRScheduler, check_optimizer

__all__ = [
    "ConstantLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "PolynomialLR",
    "StepLR",
]


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
            len(check_optimizer(optimizer, type(self).__name__).param_groups),
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
