"""Modules that hold modules in order: PyTorch's ``Sequential`` and ``ModuleList``.

May import: ``nn.checks``, ``nn.module``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from nn.checks import is_integer, shown
from nn.module import Module, build, describe

__all__ = ["ModuleList", "Sequential"]


# -- containers ----------------------------------------------------------------------------
class _Container(Module):
    """Modules held as the attributes "0", "1", ... (or given names), in order."""

    def _items(self) -> list[tuple[str, Module]]:
        """(name, module) in order; the same module twice is listed twice."""
        return [(k, v) for k, v in vars(self).items() if isinstance(v, Module)]

    def _add(self, name: str, module: Any, where: str) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"{where}: {name} must be a Module, got {type(module).__name__}")
        self.add_module(name, module)

    def _index(self, index: Any, where: str) -> int:
        if not is_integer(index):
            raise TypeError(f"{where}: index must be an int or a slice, got {shown(index)}")
        n = len(self)
        i = int(index)
        if not -n <= i < n:
            raise IndexError(f"{where}: index {i} is out of range for {n} modules")
        return i % n

    def _replace_all(self, modules: list[tuple[str, Module]]) -> None:
        for name, _ in self._items():
            delattr(self, name)
        for name, module in modules:
            self.add_module(name, module)

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[Module]:
        return iter([module for _, module in self._items()])

    def __delitem__(self, index: int | slice) -> None:
        """Remove the module(s) at ``index``; the rest are renumbered 0, 1, ... (PyTorch)."""
        items = self._items()
        positions = range(len(items))
        doomed = set(
            positions[index]
            if isinstance(index, slice)
            else [self._index(index, type(self).__name__)]
        )
        self._renumber([module for i, (_, module) in enumerate(items) if i not in doomed])

    def _renumber(self, modules: list[Module]) -> None:
        self._replace_all([(str(i), module) for i, module in enumerate(modules)])

    def __setitem__(self, index: int, module: Module) -> None:
        where = type(self).__name__
        name = self._items()[self._index(index, where)][0]
        self._add(name, module, where)

    def config(self) -> dict[str, Any]:
        return {"modules": [describe(module) for module in self]}


class Sequential(_Container):
    """Modules applied one after the other; named "0", "1", ... as in PyTorch, or by the
    keys of a dict (``Sequential(OrderedDict(fc=Linear(2, 3), act=ReLU()))``).

    >>> from nn import Dropout, Layer
    >>> model = Sequential(Layer(2, 3, seed=0), Dropout(0.2), Layer(3, 1, nonlin=False, seed=0))
    >>> [name for name, _ in model.named_parameters()][:2]
    ['0.neurons.0.w.0', '0.neurons.0.w.1']
    >>> len(model), type(model[1]).__name__, model[1:]      # a slice keeps the names
    (3, 'Dropout', Sequential(
      (1): Dropout(p=0.2)
      (2): Layer(3, 1, activation='linear')
    ))
    """

    def __init__(self, *modules: Any) -> None:
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, module in modules[0].items():
                self._add(name, module, "Sequential")
            return
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: argument {i} must be a Module, got {type(module).__name__}"
                )
            self.add_module(str(i), module)

    def __getitem__(self, index: int | slice) -> Any:
        items = self._items()
        if isinstance(index, slice):
            return Sequential(dict(items[index]))
        return items[self._index(index, "Sequential")][1]

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end (named by its position, as in PyTorch)."""
        self._add(str(len(self)), module, "Sequential.append")
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        for module in modules:
            self.append(module)
        return self

    def forward(self, x: Any) -> Any:
        for module in self:
            x = module(x)
        return x

    def config(self) -> dict[str, Any]:
        config = super().config()
        names = [name for name, _ in self._items()]
        if names != [str(i) for i in range(len(names))]:
            config["names"] = names
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        modules = [build(d) for d in config["modules"]]
        names = config.get("names")
        if names is None:
            return cls(*modules)
        if len(names) != len(modules):
            raise ValueError(f"Sequential: {len(names)} names for {len(modules)} modules")
        return cls(dict(zip(names, modules)))


class ModuleList(_Container):
    """PyTorch's ``nn.ModuleList``: a list of modules that a Module sees inside it (their
    parameters count); index, iterate, ``append``, ``extend``, ``insert`` it as a list.

    >>> from nn import Linear
    >>> blocks = ModuleList([Linear(2, 2, seed=i) for i in range(3)])
    >>> len(blocks), [name for name, _ in blocks.named_children()]
    (3, ['0', '1', '2'])
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, index: int | slice) -> Any:
        items = self._items()
        if isinstance(index, slice):
            return ModuleList([module for _, module in items[index]])
        return items[self._index(index, "ModuleList")][1]

    def append(self, module: Module) -> ModuleList:
        self._add(str(len(self)), module, "ModuleList.append")
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        if isinstance(modules, Module) and not isinstance(modules, ModuleList):
            raise TypeError("ModuleList.extend: expected an iterable of Modules, got a Module")
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = [m for _, m in self._items()]
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList.insert: expected a Module, got {type(module).__name__}")
        modules.insert(index, module)
        self._renumber(modules)

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "ModuleList has no forward(): call its modules, e.g. for block in blocks: x = block(x)"
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        return cls([build(d) for d in config["modules"]])
