"""Forward hooks: what ``Module.register_forward_pre_hook`` and ``register_forward_hook``
keep, the handle that takes one off again, and the runner that calls them around
``forward``, with PyTorch's signatures and in PyTorch's order.

A module keeps its hooks in a dict ``module._hooks`` (made by the first registration),
keyed by handle id, pre-hooks and hooks together in the order they run.

May import: ``nn.checks``; nothing else from ``nn`` (``nn.module`` imports this module
and hands it its modules).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from nn.checks import boolean, shown

if TYPE_CHECKING:
    from nn.module import Module

__all__ = ["RemovableHandle"]

_hook_ids = itertools.count()


class RemovableHandle:
    """What ``register_forward_hook`` returns: ``handle.remove()`` takes the hook off.

    Also a context manager, as PyTorch's: ``with model.register_forward_hook(f): ...``.
    """

    def __init__(self, hooks: dict[int, Any]) -> None:
        self.id = next(_hook_ids)
        self._hooks = hooks

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()


class Hook(NamedTuple):
    pre: bool  # a forward pre-hook (before forward) or a forward hook (after)
    fn: Callable[..., Any]
    with_kwargs: bool
    always_call: bool = False


def add_hook(module: Module, hook: Hook, prepend: bool) -> RemovableHandle:
    """Register ``hook`` on ``module`` (first of its kind with ``prepend``), after checking
    the arguments ``register_forward_*hook`` was given."""
    kind = "register_forward_pre_hook" if hook.pre else "register_forward_hook"
    if not callable(hook.fn):
        raise TypeError(f"{kind}: hook must be callable, got {shown(hook.fn)}")
    boolean(prepend, "prepend", kind)
    boolean(hook.with_kwargs, "with_kwargs", kind)
    boolean(hook.always_call, "always_call", kind)
    hooks = module.__dict__.get("_hooks")
    if hooks is None:
        hooks = {}
        object.__setattr__(module, "_hooks", hooks)
    handle = RemovableHandle(hooks)
    if prepend:  # first of its kind: the dict keeps insertion order
        rest = dict(hooks)
        hooks.clear()
        hooks[handle.id] = hook
        hooks.update(rest)
    else:
        hooks[handle.id] = hook
    return handle


def call_with_hooks(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``module.forward(*args, **kwargs)`` in PyTorch's order: pre-hooks (which may replace
    the arguments), forward, then the forward hooks (which may replace the output)."""
    hooks = list((module._hooks or {}).values())
    for hook in hooks:
        if not hook.pre:
            continue
        if hook.with_kwargs:
            result = hook.fn(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        "forward pre-hook must return None or a tuple of (new_args, "
                        f"new_kwargs), but got {shown(result)}"
                    )
                args, kwargs = result
        else:
            result = hook.fn(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    after = [hook for hook in hooks if not hook.pre]
    called = 0  # how many of the forward hooks have run
    output = None
    try:
        output = module.forward(*args, **kwargs)
        for hook in after:
            called += 1
            result = _run_forward_hook(hook, module, args, kwargs, output)
            if result is not None:
                output = result
    except Exception:
        for hook in after[called:]:
            if hook.always_call:
                try:
                    _run_forward_hook(hook, module, args, kwargs, output)
                except Exception as error:
                    warnings.warn(
                        "forward hook with always_call=True raised an exception that was "
                        f"silenced as another error was raised in forward: {error}",
                        stacklevel=2,
                    )
        raise
    return output


def _run_forward_hook(
    hook: Hook, module: Module, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any
) -> Any:
    if hook.with_kwargs:
        return hook.fn(module, args, kwargs, output)
    return hook.fn(module, args, output)
