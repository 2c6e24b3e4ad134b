"""chainrule's nn: neurons, layers, MLPs, losses, optimizers, data sets and a training loop.

Everything a notebook needs is importable from ``nn`` directly:

>>> from nn import MLP, cross_entropy
>>> model = MLP(2, [8, 3], seed=0)
>>> loss = cross_entropy(model([0.5, -0.2]), 2)
>>> loss.backward()
>>> any(p.grad != 0 for p in model.parameters())
True

May import: its own modules, whose public API it exports, and ``autograd.__version__``.
"""

from autograd import __version__ as __version__
from nn import datasets, exercises, functional, optim, plot, utils
from nn.bridge import to_torch
from nn.checkpoint import CheckpointError, load, save
from nn.containers import ModuleList, Sequential
from nn.datasets import (
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    train_test_split,
)
from nn.elementwise import Dropout, Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from nn.layers import ACTIVATIONS, MLP, Layer, Linear, Neuron
from nn.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    MSELoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
)
from nn.module import Module, RemovableHandle
from nn.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from nn.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from nn.recording import CallRecord, ModuleCall, record_calls
from nn.stats import FlowReport, dead_relu_fraction, grad_norms, gradient_flow
from nn.train import History, evaluate, fit
from nn.utils import clip_grad_norm_, clip_grad_value_

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CallRecord",
    "ChainedScheduler",
    "CheckpointError",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CrossEntropyLoss",
    "CyclicLR",
    "Dropout",
    "ExponentialLR",
    "FlowReport",
    "History",
    "Identity",
    "LambdaLR",
    "Layer",
    "LeakyReLU",
    "Linear",
    "LinearLR",
    "MSELoss",
    "Module",
    "ModuleCall",
    "ModuleList",
    "MultiStepLR",
    "MultiplicativeLR",
    "Neuron",
    "OneCycleLR",
    "PolynomialLR",
    "RMSprop",
    "ReLU",
    "ReduceLROnPlateau",
    "RemovableHandle",
    "Sequential",
    "SequentialLR",
    "Sigmoid",
    "StepLR",
    "Tanh",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "clip_grad_norm_",
    "clip_grad_value_",
    "cross_entropy",
    "datasets",
    "dead_relu_fraction",
    "evaluate",
    "exercises",
    "fit",
    "functional",
    "grad_norms",
    "gradient_flow",
    "hinge_loss",
    "load",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_xor",
    "mse_loss",
    "optim",
    "plot",
    "record_calls",
    "save",
    "to_torch",
    "train_test_split",
    "utils",
]
