"""The architecture registry: a model's architecture as plain data, and back.

``describe(model)`` gives ``{"class": name, "config": constructor arguments}`` (what
``nn.save`` writes); ``build(description)`` makes a new model from it (what ``nn.load``
does). Every Module subclass registers itself here by name when it is defined, so
``build`` finds chainrule's classes and the classes of the modules a user imports.
Before building, ``check_description`` checks a description (it may come from a file
someone else wrote) against the schemas of chainrule's own classes: known classes,
well-typed arguments, a bounded nesting depth and a bounded size.

May import: nothing from ``nn`` (``nn.module`` imports this module; Module appears only
in type hints).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nn.module import Module

__all__ = ["MAX_SIZE", "build", "check_description", "describe"]

# Every Module subclass by name, so nn.load can rebuild a saved architecture (see describe).
_REGISTRY: dict[str, type[Module]] = {}


def register(cls: type[Module]) -> None:
    """Record a Module subclass under its name (``Module.__init_subclass__`` calls this)."""
    _REGISTRY[_class_name(cls)] = cls


def _class_name(cls: type) -> str:
    """ "MLP" for chainrule's own classes, "package.module:Class" for a user's."""
    if cls.__module__.split(".")[0] == "nn":
        return cls.__qualname__
    return f"{cls.__module__}:{cls.__qualname__}"


def describe(module: Module) -> dict[str, Any]:
    """The architecture as plain data: ``{"class": name, "config": constructor arguments}``."""
    return {"class": _class_name(type(module)), "config": module.config()}


# What each of chainrule's own classes is built from: argument -> kind ("?": optional).
# build() checks a whole description against this before it builds anything, so a
# description read from a file can only make known classes with well-typed arguments.
_SCHEMAS: dict[str, dict[str, str]] = {
    "Neuron": {"nin": "size", "activation": "name", "fused": "bool"},
    "Layer": {"nin": "size", "nout": "size", "activation": "name", "fused": "bool"},
    "MLP": {"nin": "size", "nouts": "sizes", "activation": "name", "fused": "bool"},
    "Linear": {"in_features": "size", "out_features": "size", "bias": "bool"},
    "Dropout": {"p": "number"},
    "LeakyReLU": {"negative_slope": "number"},
    "ReLU": {},
    "Tanh": {},
    "Sigmoid": {},
    "Identity": {},
    "Sequential": {"modules": "modules", "names": "names?"},
    "ModuleList": {"modules": "modules"},
}
MAX_SIZE = (
    1_000_000  # parameters + modules that build() makes by default (MLP(2, [16, 16, 1]): 337 + 36)
)
_MAX_DEPTH = 32  # modules inside modules


def _size(name: str, config: Mapping[str, Any]) -> int:
    """The parameters and modules ``name(**config)`` makes, from the config alone."""
    if name == "Neuron":
        return int(config["nin"]) + 1 + 1
    if name == "Layer":
        return (int(config["nin"]) + 2) * int(config["nout"]) + 1
    if name == "MLP":
        from itertools import pairwise

        widths = [config["nin"], *config["nouts"]]
        return 1 + sum((int(a) + 2) * int(b) + 1 for a, b in pairwise(widths))
    if name == "Linear":
        n_in, n_out = int(config["in_features"]), int(config["out_features"])
        return n_in * n_out + n_out + 1
    return 1


def _check_value(value: Any, kind: str, where: str, limit: int) -> None:
    if kind == "size":
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= limit
        what = f"a whole number in [1, {limit}]"
    elif kind == "sizes":
        ok = isinstance(value, list) and 0 < len(value) <= limit
        ok = ok and all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= limit for v in value
        )
        what = f"a non-empty list of whole numbers in [1, {limit}]"
    elif kind == "name":
        ok, what = isinstance(value, str) and len(value) <= 100, "a name (a short string)"
    elif kind == "bool":
        ok, what = isinstance(value, bool), "true or false"
    elif kind == "number":
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok, what = number and -1e300 <= value <= 1e300, "a finite number"  # nan fails too
    elif kind == "modules":
        ok, what = isinstance(value, list) and len(value) <= limit, "a list of module descriptions"
    else:  # names
        ok = isinstance(value, list) and all(isinstance(v, str) and len(v) <= 100 for v in value)
        what = "a list of names (short strings)"
    if not ok:
        raise ValueError(f"{where} must be {what}, got {_shown(value)}")


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**20 else "a huge int"
    return text if len(text) <= 60 else text[:57] + "..."


def check_description(description: Any, max_size: int = MAX_SIZE) -> int:
    """Check a description (``describe``'s output, or JSON read from a file) before
    anything is built: known classes, well-typed arguments, nesting at most 32 deep, and at
    most ``max_size`` parameters and modules in all. Returns that size; raises ValueError
    naming the place (``model.modules[2].nin``) otherwise. The walk is iterative."""
    total = 0
    stack: list[tuple[Any, str, int]] = [(description, "model", 0)]
    while stack:
        d, where, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise ValueError(f"{where}: modules nested more than {_MAX_DEPTH} deep")
        if not isinstance(d, Mapping) or set(d) != {"class", "config"}:
            raise ValueError(
                f"{where} must be {{'class': name, 'config': {{...}}}}, got {_shown(d)}"
            )
        name, config = d["class"], d["config"]
        if not isinstance(config, Mapping):
            raise ValueError(
                f"{where}: the config of {_shown(name)} must be a dict, got {_shown(config)}"
            )
        schema = _SCHEMAS.get(name) if isinstance(name, str) else None
        if schema is None:
            if isinstance(name, str) and ":" in name and name in _REGISTRY:
                total += 1  # a user's class, imported by the user: its size is its own affair
                continue
            raise ValueError(
                f"{where}: unknown module class {_shown(name)}: nn.load builds "
                f"{', '.join(_SCHEMAS)} and the classes of modules you import; otherwise "
                "load the weights into a model you build yourself (nn.load(path, model=...))"
            )
        required = {k for k, kind in schema.items() if not kind.endswith("?")}
        missing, unknown = sorted(required - set(config)), sorted(set(config) - set(schema))
        if missing or unknown:
            problems = [f"missing {', '.join(missing)}"] if missing else []
            problems += [f"unknown {', '.join(map(_shown, unknown))}"] if unknown else []
            raise ValueError(f"{where}: the config of {name}: {'; '.join(problems)}")
        for key, kind in schema.items():
            if key in config:
                _check_value(config[key], kind.rstrip("?"), f"{where}.{key}", max_size)
        if "names" in config and len(config["names"]) != len(config["modules"]):
            raise ValueError(
                f"{where}: {len(config['names'])} names for {len(config['modules'])} modules"
            )
        total += _size(name, config)
        if total > max_size:
            raise ValueError(
                f"{where}: the model would have more than {max_size} parameters and modules "
                "(a bound that keeps a hostile file from filling the memory; pass max_size= "
                "to raise it)"
            )
        for i, child in enumerate(config.get("modules", ())):
            stack.append((child, f"{where}.modules[{i}]", depth + 1))
    return total


def build(description: Mapping[str, Any], *, max_size: int = MAX_SIZE) -> Module:
    """A new module from ``describe``'s output (its weights freshly initialised), after
    ``check_description`` has found it well-formed and of at most ``max_size``."""
    check_description(description, max_size)
    return _REGISTRY[description["class"]].from_config(dict(description["config"]))
