"""Optimizers (``SGD``, ``RMSprop``, ``Adam``, ``AdamW``, ``Adagrad``) and ``lr_scheduler``,
as in PyTorch."""

from nn.optim import lr_scheduler
from nn.optim.optimizer import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
