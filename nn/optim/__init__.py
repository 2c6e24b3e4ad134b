"""Optimizers (``SGD``, ``RMSprop``, ``Adam``, ``AdamW``, ``Adagrad``) and ``lr_scheduler``,
as in PyTorch.

The base class ``Optimizer`` is in :mod:`nn.optim.base`, the algorithms in
:mod:`nn.optim.algorithms`, the learning-rate schedules in the package
:mod:`nn.optim.lr_scheduler`.

May import: its own modules (``nn.optim.algorithms``, ``nn.optim.base``,
``nn.optim.lr_scheduler``).
"""

from nn.optim import lr_scheduler
from nn.optim.algorithms import SGD, Adagrad, Adam, AdamW, RMSprop
from nn.optim.base import Optimizer

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
