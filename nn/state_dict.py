"""Loading weights into a module by name: what ``Module.load_state_dict`` does.

A state dict is ``{dotted parameter name: weight}`` (``Module.state_dict()`` makes one).
Loading checks everything first (the keys, with ``strict``, and every weight: a Value,
or a number, numpy scalars too) and only then copies, so a bad state dict changes nothing.

May import: ``autograd`` (its public API and interrupts) and ``nn.checks``; nothing else from ``nn``
(``nn.module`` imports this module and hands it its modules).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from autograd import Value
from autograd.interrupts import deferred_interrupts
from nn.checks import is_number, shown

if TYPE_CHECKING:
    from nn.module import Module

__all__ = ["IncompatibleKeys", "load_weights"]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` did not match (as PyTorch's ``_IncompatibleKeys``)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def load_weights(module: Module, state_dict: Mapping[str, Any], strict: bool) -> IncompatibleKeys:
    """Copy the weights of ``state_dict`` into ``module``'s parameters of the same names."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            f"load_state_dict: expected a dict of name -> float, got {type(state_dict).__name__}"
        )
    params = dict(module.named_parameters())
    missing = [name for name in params if name not in state_dict]
    unexpected = [name for name in state_dict if name not in params]
    if strict and (missing or unexpected):
        problems = []
        if missing:
            problems.append(f"missing key(s): {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected key(s): {', '.join(map(str, unexpected))}")
        raise RuntimeError(
            f"error(s) loading state_dict for {type(module).__name__}: " + "; ".join(problems)
        )
    updates = {}
    for name, p in params.items():
        if name in state_dict:
            updates[p] = _weight(state_dict[name], name)
    with deferred_interrupts():  # all the weights: Ctrl-C waits until the copy is done
        for p, value in updates.items():
            p.data = value
    return IncompatibleKeys(missing, unexpected)


def _weight(value: Any, name: str) -> float:
    """A state-dict entry as a float: a Value's data, or a number (numpy scalars too)."""
    if isinstance(value, Value):
        return value.data
    if not is_number(value):
        raise TypeError(
            f"load_state_dict: {name} must be a number, got {type(value).__name__} ({shown(value)})"
        )
    try:
        return float(value)
    except OverflowError:
        raise ValueError(
            f"load_state_dict: {name} is too large for a float: {shown(value)}"
        ) from None
