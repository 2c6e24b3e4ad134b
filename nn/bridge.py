"""``to_torch``: a chainrule model as the same model in PyTorch, with the same weights.

A student trains a model here, where every scalar is visible, and then runs it in
PyTorch. The result is made of ``torch.nn`` modules only, in float64 (chainrule's
numbers are Python floats), so its outputs agree with chainrule's to about 1e-15:

* ``Linear`` -> ``torch.nn.Linear``; ``Layer`` -> ``Linear`` followed by its activation
  (a ``torch.nn.Sequential`` of the two; only the ``Linear`` if the layer is linear);
  ``Neuron`` -> the same with one output;
* ``MLP`` -> one flat ``torch.nn.Sequential``: ``Linear, ReLU, Linear, ReLU, Linear``;
* ``ReLU``, ``Tanh``, ``Sigmoid``, ``LeakyReLU``, ``Identity``, ``Dropout`` -> the same
  classes; ``Sequential`` and ``ModuleList`` -> the same, with the same names.

Shapes are PyTorch's: a layer of width 1 returns a tensor of shape (1,) (or (N, 1) for
a batch of N), where chainrule's ``Layer`` returns a bare Value.

PyTorch is optional: it is imported only when ``to_torch`` is called.

May import: ``nn.layers``, ``nn.module`` (and ``torch``, lazily).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from nn.containers import ModuleList, Sequential
from nn.elementwise import Dropout, Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from nn.layers import MLP, Layer, Linear, Neuron
from nn.module import Module

__all__ = ["to_torch"]

_SUPPORTED = (
    "MLP, Layer, Neuron, Linear, Sequential, ModuleList, ReLU, Tanh, Sigmoid, LeakyReLU, "
    "Identity, Dropout"
)


def _import_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            "to_torch needs PyTorch, which chainrule does not install: pip install torch"
        ) from None
    return torch


def to_torch(model: Module) -> Any:
    """``model`` as ``torch.nn`` modules holding copies of its weights (float64).

    The copy is independent: training either one leaves the other unchanged. Its mode
    (``train()``/``eval()``) is the model's.
    """
    if not isinstance(model, Module):
        raise TypeError(f"to_torch: model must be an nn.Module, got {type(model).__name__}")
    torch = _import_torch()
    with torch.no_grad():
        converted = _convert(model, torch)
    return converted.train(model.training)


def _linear(torch: Any, weight: list[list[float]], bias: list[float] | None) -> Any:
    out_features, in_features = len(weight), len(weight[0])
    layer = torch.nn.Linear(in_features, out_features, bias=bias is not None, dtype=torch.float64)
    layer.weight.copy_(torch.tensor(weight, dtype=torch.float64))
    if bias is not None:
        layer.bias.copy_(torch.tensor(bias, dtype=torch.float64))
    return layer


def _activation(torch: Any, name: str) -> list[Any]:
    """The torch module(s) applying a neuron's activation: none for "linear"."""
    made = {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),  # Value.leaky_relu's default slope
        "linear": None,
    }[name]
    return [] if made is None else [made()]


def _neurons(torch: Any, neurons: list[Neuron]) -> list[Any]:
    """Neurons sharing inputs and activation: a Linear with one row each, then the activation."""
    weight = [[w.data for w in n.w] for n in neurons]
    bias = [n.b.data for n in neurons]
    return [_linear(torch, weight, bias), *_activation(torch, neurons[0].activation)]


def _convert(module: Module, torch: Any) -> Any:
    nn = torch.nn
    if isinstance(module, MLP):
        return nn.Sequential(
            *[m for layer in module.layers for m in _neurons(torch, layer.neurons)]
        )
    if isinstance(module, (Layer, Neuron)):
        parts = _neurons(torch, module.neurons if isinstance(module, Layer) else [module])
        return parts[0] if len(parts) == 1 else nn.Sequential(*parts)
    if isinstance(module, Linear):
        bias = None if module.bias is None else [b.data for b in module.bias]
        return _linear(torch, [[w.data for w in row] for row in module.weight], bias)
    if isinstance(module, Sequential):  # the same names ("0", "1", ... or the dict's keys)
        return nn.Sequential(
            OrderedDict((name, _convert(child, torch)) for name, child in module._items())
        )
    if isinstance(module, ModuleList):
        return nn.ModuleList([_convert(child, torch) for child in module])
    simple = {
        ReLU: lambda m: nn.ReLU(),
        Tanh: lambda m: nn.Tanh(),
        Sigmoid: lambda m: nn.Sigmoid(),
        LeakyReLU: lambda m: nn.LeakyReLU(m.negative_slope),
        Identity: lambda m: nn.Identity(),
        Dropout: lambda m: nn.Dropout(m.p),
    }
    if type(module) in simple:
        return simple[type(module)](module)
    raise TypeError(
        f"to_torch: no torch.nn equivalent for {type(module).__name__}; it converts {_SUPPORTED}"
    )
