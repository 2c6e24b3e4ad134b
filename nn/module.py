"""``Module``: the base class of every model part, PyTorch's ``nn.Module`` for scalar Values.

A Module finds its parameters and sub-modules by itself, by walking its public attributes,
so a subclass (even one written micrograd's way, without ``super().__init__()``) never
lists them. It has PyTorch's tree methods (``named_modules``, ``get_submodule``,
``apply``, ...), forward hooks, modes and state dicts. Their machinery has modules of its
own: ``nn.hooks`` runs the hooks, ``nn.state_dict`` loads weights, and
``nn.architecture`` holds ``describe`` and ``build`` (importable from here too), which turn
an architecture into plain data and back.

Which attributes hold parameters (PyTorch registers ``nn.Parameter`` objects; chainrule
has no separate parameter type, so the rule is about how a Value got there):

* a **leaf** Value (one no op produced, and not a ``Constant``) in a public attribute,
  directly or inside lists, tuples and dicts, is a parameter: ``self.w = [Value(0.1), ...]``;
* a Value some op produced (``self.out = self.l(x)``) never is;
* nor is anything a module stores on itself **while its own forward runs**: such an
  attribute holds a result, even a leaf one (under ``no_grad()`` every result is a leaf).
  To create a parameter there (lazy initialisation), use ``register_parameter``.

Parameter names are dotted paths (``layers.0.neurons.3.w.1``); a name that could be read
two ways (a dict key containing ".") is refused, as PyTorch refuses it.

May import: ``autograd`` (its public API), ``nn.architecture``, ``nn.checks``, ``nn.hooks``
and ``nn.state_dict``; nothing else from ``nn``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from autograd import Constant, Value
from nn.architecture import MAX_SIZE as MAX_SIZE
from nn.architecture import build, describe, register
from nn.architecture import check_description as check_description
from nn.checks import boolean, shown
from nn.hooks import Hook, RemovableHandle, add_hook, call_with_hooks
from nn.state_dict import IncompatibleKeys, load_weights

__all__ = ["IncompatibleKeys", "Module", "RemovableHandle", "build", "describe"]


def is_parameter(obj: Any) -> bool:
    """A Value that can be a parameter: a leaf (no op made it) that is not a Constant."""
    return isinstance(obj, Value) and obj.op == "" and not isinstance(obj, Constant)


class Module:
    """Base class of every model part: subclasses store Values and Modules and write ``forward``.

    Parameters are found by walking public attributes (Values, Modules and lists, tuples
    or dicts of them), so a subclass never writes ``parameters()``. Attributes whose name
    starts with ``_`` are private and never walked. Only leaf Values are parameters, and
    never what a module stores on itself while its forward runs (see the module's text).

    >>> class Affine(Module):
    ...     def __init__(self) -> None:
    ...         self.w, self.b = Value(2.0), Value(1.0)
    ...     def forward(self, x: float) -> Value:
    ...         self.out = self.w * x + self.b    # a result, never a parameter
    ...         return self.out
    >>> model = Affine()
    >>> model(3.0).data
    7.0
    >>> [name for name, _ in model.named_parameters()]
    ['w', 'b']
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register(cls)

    training: bool = True  # class defaults: micrograd-style subclasses never call super().__init__
    _hooks: dict[int, Hook] | None = None  # created by the first register_forward_*hook
    _results: set[str] | None = None  # attributes set during forward: results, not parameters

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` (and the forward hooks, if any are registered)."""
        if self._hooks:
            return call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __setattr__(self, name: str, value: Any) -> None:
        # What a module stores on itself while its forward runs (self.out = ...) is a
        # result, never a parameter; a later assignment from outside forward makes the
        # attribute ordinary again. Only Values and containers can hold parameters, so
        # only they need the (rare) look at the call stack.
        if not name.startswith("_") and isinstance(value, (Value, list, tuple, dict)):
            if _forward_running(self):
                self.__dict__.setdefault("_results", set()).add(name)
            elif self._results:
                self._results.discard(name)
        super().__setattr__(name, value)

    # -- hooks (PyTorch's signatures and meaning) ------------------------------------------
    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before every forward; it may return new args (a
        tuple, or a single value that becomes a 1-tuple) or None. With ``with_kwargs``:
        ``hook(module, args, kwargs)``, returning None or ``(args, kwargs)``."""
        return add_hook(self, Hook(True, hook, with_kwargs), prepend)

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every forward; a return value other
        than None replaces the output. With ``with_kwargs``: ``hook(module, args, kwargs,
        output)``. With ``always_call`` it runs even when forward raised (output None).

        >>> from nn import Neuron
        >>> neuron, seen = Neuron(2, seed=0), []
        >>> handle = neuron.register_forward_hook(lambda m, args, out: seen.append(out.data))
        >>> _ = neuron([1.0, 2.0]); handle.remove(); _ = neuron([1.0, 2.0])
        >>> len(seen)
        1
        """
        return add_hook(self, Hook(False, hook, with_kwargs, always_call), prepend)

    # -- the module tree -------------------------------------------------------------------
    def _public_items(self) -> Iterator[tuple[str, Any]]:
        """(dotted name, object) for each public attribute, lists, tuples and dicts opened."""
        for name, obj in vars(self).items():
            if not name.startswith("_"):
                yield from _flatten(name, obj, _dotted(name))

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the modules directly inside this one, each once."""
        seen: set[int] = set()
        for name, child in self._public_items():
            if isinstance(child, Module) and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        """The modules directly inside this one."""
        for _, child in self.named_children():
            yield child

    def named_modules(
        self, memo: set[Module] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module (named ``prefix``, "" by default) and every
        module inside it, depth first in attribute order; each once unless
        ``remove_duplicate=False``."""
        seen = memo if memo is not None else set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if module in seen:
                    continue
                seen.add(module)
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module._public_items()
                if isinstance(child, Module)
            ]
            stack.extend(reversed(children))

    def modules(self) -> list[Module]:
        """This module and every module inside it (a list; PyTorch's is an iterator)."""
        return [module for _, module in self.named_modules()]

    def add_module(self, name: str, module: Module | None) -> None:
        """Add ``module`` as the attribute ``name`` (PyTorch's checks: a str, no ".", not
        empty, not an existing attribute that is no module)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {type(module).__name__} is not a Module subclass")
        _check_new_name(self, name, "module", lambda old: isinstance(old, Module))
        setattr(self, name, module)

    register_module = add_module

    def register_parameter(self, name: str, param: Value | None) -> None:
        """Add ``param`` (a leaf Value, or None) as the parameter attribute ``name``, also
        from inside ``forward`` (where an assignment would store a result)."""
        if param is not None and not is_parameter(param):
            raise TypeError(
                f"register_parameter: {name!r} must be a leaf Value (not a Constant, not the "
                f"result of an op) or None, got {shown(param)}"
            )
        _check_new_name(self, name, "parameter", lambda old: old is None or is_parameter(old))
        object.__setattr__(self, name, param)
        if self._results:
            self._results.discard(name)  # a parameter, even if set inside forward

    def get_submodule(self, target: str) -> Module:
        """The module named ``target`` (a name ``named_modules`` gives, "" for this one).

        >>> from nn import MLP
        >>> MLP(2, [3, 1], seed=0).get_submodule("layers.1.neurons.0")
        Neuron(3, activation='linear')
        """
        if not isinstance(target, str):
            raise TypeError(f"get_submodule: target must be a str, got {shown(target)}")
        module, path = self, ""
        while target != path:
            rest = target[len(path) + 1 :] if path else target
            children = [(n, c) for n, c in module._public_items() if isinstance(c, Module)]
            for name, child in children:
                if rest == name or rest.startswith(name + "."):
                    module, path = child, f"{path}.{name}" if path else name
                    break
            else:
                names = ", ".join(repr(n) for n, _ in children) or "none"
                raise AttributeError(
                    f"get_submodule: {type(module).__name__}"
                    f"{f' {path!r}' if path else ''} has no submodule {rest!r} "
                    f"(its submodules: {names})"
                )
        return module

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every submodule (children first) and then on this one; return self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- parameters --------------------------------------------------------------------
    def _own_parameters(self) -> Iterator[tuple[str, Value]]:
        """(name, parameter) for the parameters held by this module itself (see the rule)."""
        results = self._results or ()
        for name, obj in vars(self).items():
            if not name.startswith("_") and name not in results:
                for path, item in _flatten(name, obj, _dotted(name)):
                    if is_parameter(item):
                        yield path, item

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, e.g. ``layers.0.neurons.3.w.1``; each
        once (a parameter reached twice keeps its first name) unless ``remove_duplicate=False``.
        """
        seen: set[Value] = set()
        names: dict[str, Value] = {}
        modules = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for module_name, module in modules:
            for name, p in module._own_parameters():
                if remove_duplicate:
                    if p in seen:
                        continue
                    seen.add(p)
                full = f"{module_name}.{name}" if module_name else name
                if names.setdefault(full, p) is not p:
                    raise ValueError(f"named_parameters: two parameters are named {full!r}")
                yield full, p

    def parameters(self, recurse: bool = True) -> list[Value]:
        """Every parameter, in a fixed order (a list, as in micrograd)."""
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every parameter's ``.grad`` to 0.0 before the next backward pass adds to it.

        ``set_to_none`` is accepted for PyTorch's sake; chainrule's gradients are floats,
        never None, so they are always set to 0.0 (what PyTorch does with False).
        """
        boolean(set_to_none, "set_to_none", "zero_grad")
        for p in self.parameters():
            p.grad = 0.0

    # -- modes -----------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Put this module and every module inside it in training mode (``Dropout`` drops)."""
        boolean(mode, "mode", "train")
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    # -- weights as plain data -----------------------------------------------------------------
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> dict[str, Any]:
        """{dotted name: float} for every parameter: the weights, detached from any graph
        (with ``keep_vars=True`` the parameter Values themselves)."""
        return {
            name: p if keep_vars else p.data for name, p in self.named_parameters(prefix=prefix)
        }

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy weights in by name. With ``strict`` any missing or unexpected key is an error.

        Values, floats, ints and numpy scalars (``np.float32`` too) are accepted. Everything
        is checked before anything is copied, so on error the model is unchanged.
        """
        return load_weights(self, state_dict, strict)

    # -- rebuilding (nn.save / nn.load) ------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture (for ``nn.save``)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no config(), so nn.load cannot rebuild it; "
            "save it anyway and load the weights into a model you build: nn.load(path, model=...)"
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        """The inverse of ``config()``: a new module with that architecture."""
        return cls(**config)

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [f"  ({name}): {child!r}".replace("\n", "\n  ") for name, child in children]
        return head + "\n" + "\n".join(lines) + "\n)"


# The code of the method that runs a module's forward (and its hooks, if it has any): a
# frame running it, with that module as ``self``, means its forward is under way.
_CALL = Module.__call__.__code__


def _forward_running(module: Module) -> bool:
    """Whether ``module``'s forward is running in this thread (it may have called a
    helper that sets the attribute). Read off the call stack when an attribute is set,
    so that calling a module costs nothing extra."""
    frame: Any = sys._getframe(2)
    while frame is not None:
        if frame.f_code is _CALL and frame.f_locals.get("self") is module:
            return True
        frame = frame.f_back
    return False


def _check_new_name(
    module: Module, name: Any, kind: str, replaceable: Callable[[Any], bool]
) -> None:
    """PyTorch's checks on a name given to add_module / register_parameter."""
    where = "add_module" if kind == "module" else "register_parameter"
    if not isinstance(name, str):
        raise TypeError(f"{where}: {kind} name should be a str, got {type(name).__name__}")
    if "." in name:
        raise KeyError(f'{where}: {kind} name can\'t contain ".", got: {name!r}')
    if name == "":
        raise KeyError(f'{where}: {kind} name can\'t be empty string ""')
    if name.startswith("_"):
        raise KeyError(f"{where}: {kind} name {name!r} starts with '_', so it would be private")
    if hasattr(module, name) and not replaceable(getattr(module, name)):
        raise KeyError(f"{where}: attribute {name!r} already exists")


def _dotted(key: str) -> str | None:
    """``key`` if it would make an ambiguous dotted name (it contains "." or is empty)."""
    return key if "." in key or key == "" else None


def _flatten(name: str, obj: Any, dotted: str | None) -> Iterator[tuple[str, Any]]:
    """Yield (name, obj), opening lists, tuples and dicts into ``name.i`` / ``name.key``.

    A dict key with a "." in it (or an empty one) would make a name that reads two ways
    ({"a.b": w} and {"a": {"b": w}} both give "x.a.b"), so a Value or Module under one
    is refused, as PyTorch refuses such names.
    """
    if isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _flatten(f"{name}.{i}", item, dotted)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            key = str(key)
            yield from _flatten(f"{name}.{key}", item, dotted or _dotted(key))
    else:
        if dotted is not None and isinstance(obj, (Value, Module)):
            raise ValueError(
                f"the {type(obj).__name__} at {name!r} sits under the name {dotted!r}: a "
                "name holding Values or Modules can't contain '.' or be empty (the dotted "
                "name would be ambiguous, and state_dict, save and load would mix them up)"
            )
        yield name, obj
