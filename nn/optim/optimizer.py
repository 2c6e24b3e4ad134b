"""The optimizers at the address they first had: ``from nn.optim.optimizer import SGD``
keeps working. The base class is in :mod:`nn.optim.base`, the algorithms are in
:mod:`nn.optim.algorithms`, and ``nn.optim`` (or ``nn``) exports them all.

May import: ``nn.optim.algorithms`` and ``nn.optim.base``.
"""

from nn.optim.algorithms import SGD, Adagrad, Adam, AdamW, RMSprop
from nn.optim.base import Optimizer

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]
