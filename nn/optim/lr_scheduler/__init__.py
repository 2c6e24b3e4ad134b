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

The base class is in ``base``, the schedules by family in ``decay`` (the factors:
StepLR, ExponentialLR, LinearLR, ...), ``cosine``, ``cyclic`` (per batch), ``plateau``
(ReduceLROnPlateau) and ``combinators`` (SequentialLR, ChainedScheduler).

May import: its own modules, listed above.
"""

from nn.optim.lr_scheduler.base import LRScheduler
from nn.optim.lr_scheduler.combinators import ChainedScheduler, SequentialLR
from nn.optim.lr_scheduler.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from nn.optim.lr_scheduler.cyclic import CyclicLR, OneCycleLR
from nn.optim.lr_scheduler.decay import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from nn.optim.lr_scheduler.plateau import ReduceLROnPlateau

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
