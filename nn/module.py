"""``Module``: the base class that finds a model's parameters by itself (as PyTorch's does)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from autograd import Value

__all__ = ["IncompatibleKeys", "Module", "build", "describe", "values_in"]

# Every Module subclass by name, so nn.load can rebuild a saved architecture (see describe).
_REGISTRY: dict[str, type[Module]] = {}


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` did not match (as PyTorch's ``_IncompatibleKeys``)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def values_in(obj: Any) -> tuple[Value, ...]:
    """The Values in ``obj``, flattening lists and tuples (floats are left out)."""
    if isinstance(obj, Value):
        return (obj,)
    if not isinstance(obj, (list, tuple)):
        return ()
    found: list[Value] = []
    for item in obj:  # one level inline: a layer's inputs and outputs are flat lists
        if isinstance(item, Value):
            found.append(item)
        elif isinstance(item, (list, tuple)):
            found.extend(values_in(item))
    return tuple(found)


class Module:
    """Base class of every model part: subclasses store Values and Modules and write ``forward``.

    Parameters are found by walking public attributes (Values, Modules and lists, tuples
    or dicts of them), so a subclass never writes ``parameters()``. Attributes whose name
    starts with ``_`` are private and never walked.

    >>> class Affine(Module):
    ...     def __init__(self) -> None:
    ...         self.w, self.b = Value(2.0), Value(1.0)
    ...     def forward(self, x: float) -> Value:
    ...         return self.w * x + self.b
    >>> model = Affine()
    >>> [name for name, _ in model.named_parameters()]
    ['w', 'b']
    >>> model(3.0).data
    7.0
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[_class_name(cls)] = cls

    training: bool = True  # class defaults: micrograd-style subclasses never call super().__init__
    _last_call: tuple[tuple[Value, ...], tuple[Value, ...]] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward``; remember its input and output Values (drawings group nodes by them)."""
        out = self.forward(*args, **kwargs)
        inputs = values_in((args, tuple(kwargs.values()))) if kwargs else values_in(args)
        self._last_call = (inputs, values_in(out))
        return out

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # -- walking the attributes ----------------------------------------------------------
    def _public_items(self) -> Iterator[tuple[str, Any]]:
        """(name, object) for each public attribute, with lists, tuples and dicts opened."""
        for name, obj in vars(self).items():
            if not name.startswith("_"):
                yield from _flatten(name, obj)

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ("") and every module inside it, each once."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module._public_items()
                if isinstance(child, Module)
            ]
            stack.extend(reversed(children))  # depth first, in attribute order

    def modules(self) -> list[Module]:
        return [module for _, module in self.named_modules()]

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the modules directly inside this one."""
        for name, child in self._public_items():
            if isinstance(child, Module):
                yield name, child

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, e.g. ``layers.0.neurons.3.w.1``; each once."""
        seen: set[Value] = set()
        for module_name, module in self.named_modules(prefix):
            for name, obj in module._public_items():
                if isinstance(obj, Value) and obj not in seen:
                    seen.add(obj)
                    yield (f"{module_name}.{name}" if module_name else name), obj

    def parameters(self) -> list[Value]:
        """Every parameter, in a fixed order (a list, as in micrograd)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (before the next backward pass adds to it)."""
        for p in self.parameters():
            p.grad = 0.0

    # -- modes -----------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Put this module and every module inside it in training mode (``Dropout`` drops)."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__} ({mode!r})")
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    # -- weights as plain data -----------------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """{dotted name: float} for every parameter: the weights, detached from any graph."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy weights in by name. With ``strict`` any missing or unexpected key is an error.

        Everything is checked before anything is copied, so on error the model is unchanged.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                "load_state_dict: expected a dict of name -> float, "
                f"got {type(state_dict).__name__}"
            )
        params = dict(self.named_parameters())
        missing = [name for name in params if name not in state_dict]
        unexpected = [name for name in state_dict if name not in params]
        if strict and (missing or unexpected):
            problems = []
            if missing:
                problems.append(f"missing key(s): {', '.join(missing)}")
            if unexpected:
                problems.append(f"unexpected key(s): {', '.join(unexpected)}")
            raise RuntimeError(
                f"error(s) loading state_dict for {type(self).__name__}: " + "; ".join(problems)
            )
        updates = {}
        for name, p in params.items():
            if name in state_dict:
                value = state_dict[name]
                if isinstance(value, Value):
                    value = value.data
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise TypeError(
                        f"load_state_dict: {name} must be a number, got "
                        f"{type(value).__name__} ({value!r})"
                    )
                updates[p] = float(value)
        for p, value in updates.items():
            p.data = value
        return IncompatibleKeys(missing, unexpected)

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


def _flatten(name: str, obj: Any) -> Iterator[tuple[str, Any]]:
    """Yield (name, obj), opening lists, tuples and dicts into ``name.i`` / ``name.key``."""
    if isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _flatten(f"{name}.{i}", item)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _flatten(f"{name}.{key}", item)
    else:
        yield name, obj


def _class_name(cls: type) -> str:
    """ "MLP" for chainrule's own classes, "package.module:Class" for a user's."""
    if cls.__module__.split(".")[0] == "nn":
        return cls.__qualname__
    return f"{cls.__module__}:{cls.__qualname__}"


def describe(module: Module) -> dict[str, Any]:
    """The architecture as plain data: ``{"class": name, "config": constructor arguments}``."""
    return {"class": _class_name(type(module)), "config": module.config()}


def build(description: Mapping[str, Any]) -> Module:
    """A new module from ``describe``'s output (its weights freshly initialised)."""
    name = description.get("class")
    if name not in _REGISTRY:
        raise ValueError(
            f"unknown module class {name!r}: import the module that defines it first, "
            "or load the weights into a model you build yourself"
        )
    config = description.get("config")
    if not isinstance(config, dict):
        raise ValueError(f"the config of {name} must be a dict, got {type(config).__name__}")
    return _REGISTRY[name].from_config(config)
