"""Optimizers (``SGD``, ``RMSprop``, ``Adam``, ``AdamW``) and ``lr_scheduler``, as in PyTorch."""

from nn.optim import lr_scheduler
from nn.optim.optimizer import SGD, Adam, AdamW, Optimizer, RMSprop

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
