"""``record_calls``: an opt-in record of every module call in a block, built on forward hooks.

Nothing records by default (a model keeps no reference to what it computed); inside
``with record_calls(model) as record:`` each call of the model or of a module inside it
adds an ``nn.ModuleCall(name, module, inputs, outputs)`` to ``record.calls``, in the order
the calls started (a layer before its neurons). A drawing reads a record to box each
module's nodes; ``nn.stats`` reads each layer's outputs from it.

>>> from nn import MLP
>>> model = MLP(2, [2, 1], seed=0)
>>> with record_calls(model) as record:
...     out = model([0.5, -1.0])
>>> [call.name for call in record.calls]
['', 'layers.0', 'layers.0.neurons.0', 'layers.0.neurons.1', 'layers.1', 'layers.1.neurons.0']
>>> record.calls[-1].outputs == (out,)
True

May import: ``autograd`` (its public API) and ``nn.module``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, NamedTuple

from autograd import Value
from nn.module import Module, RemovableHandle

__all__ = ["CallRecord", "ModuleCall", "record_calls", "values_in"]


def values_in(obj: Any) -> tuple[Value, ...]:
    """The Values in ``obj``, flattening lists, tuples and dicts (plain numbers are left out)."""
    if isinstance(obj, Value):
        return (obj,)
    found: list[Value] = []
    stack = [obj]
    while stack:  # an explicit stack: nesting depth is no limit
        item = stack.pop()
        if isinstance(item, Value):
            found.append(item)
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
    return tuple(found)


class ModuleCall(NamedTuple):
    """One call of one module: its dotted name ("" for the model), the module itself, and
    the Values passed in and returned."""

    name: str
    module: Module
    inputs: tuple[Value, ...]
    outputs: tuple[Value, ...]


class CallRecord:
    """What ``record_calls`` collects: ``.model`` and ``.calls`` (ModuleCalls, call order)."""

    def __init__(self, model: Module) -> None:
        self.model = model
        self.calls: list[ModuleCall] = []

    def last(self, name: str) -> ModuleCall | None:
        """The last recorded call of the module named ``name`` (None if it was not called)."""
        return next((call for call in reversed(self.calls) if call.name == name), None)

    def __len__(self) -> int:
        return len(self.calls)

    def __iter__(self) -> Iterator[ModuleCall]:
        return iter(self.calls)

    def __repr__(self) -> str:
        return f"<CallRecord of {type(self.model).__name__}: {len(self.calls)} module calls>"


@contextlib.contextmanager
def record_calls(model: Module) -> Iterator[CallRecord]:
    """Record every call of ``model`` and of each module inside it while the block runs.

    Hooks go on each module ``named_modules()`` lists when the block starts and come off
    when it ends, even on error. The record keeps the Values it saw (and so their graphs)
    alive for as long as you keep it.
    """
    if not isinstance(model, Module):
        raise TypeError(f"record_calls: model must be an nn.Module, got {type(model).__name__}")
    record = CallRecord(model)
    # Where each open call's record goes: calls nest, so a stack. An entry left by a call
    # that raised is skipped by the next call of an enclosing module.
    open_calls: list[tuple[Module, int]] = []

    def started(module: Module, args: tuple[Any, ...]) -> None:
        open_calls.append((module, len(record.calls)))

    def hooks_for(name: str) -> Any:
        def finished(
            module: Module, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any
        ) -> None:
            while open_calls and open_calls[-1][0] is not module:
                open_calls.pop()
            if not open_calls:
                return
            _, position = open_calls.pop()
            inputs = values_in((args, kwargs)) if kwargs else values_in(args)
            record.calls.insert(position, ModuleCall(name, module, inputs, values_in(output)))

        return finished

    handles: list[RemovableHandle] = []
    try:
        for name, module in model.named_modules():
            handles.append(module.register_forward_pre_hook(started))
            handles.append(module.register_forward_hook(hooks_for(name), with_kwargs=True))
        yield record
    finally:
        for handle in handles:
            handle.remove()
