"""What a Value does besides computing and differentiating: its label, printing,
comparing, converting to a float (explicitly), hooks, and micrograd's ``_backward``.

:class:`ValueConveniences` is the base class of :class:`autograd.engine.Value`, so that
``engine.py`` holds only the part a lecture projects. It keeps no state of its own
beyond the label. It imports the engine's helpers only when a method runs (the engine
imports this module first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.engine import Value
    from autograd.extras import Extras, HookHandle

__all__ = ["ValueConveniences"]

tracer: Any = None  # while autograd.trace runs fn: notes comparisons and item() (see trace)


class ValueConveniences:
    """Value's label, repr, comparisons, ``item``, ``detach``, hooks and ``_backward``."""

    __slots__ = ("_label",)  # Value's own slots hold the rest
    data: float
    grad: Any  # a float; a Value after backward(create_graph=True)
    _label: str
    _extra: Extras | None  # a closure or hooks of its own (rare; see extras)

    @property
    def label(self) -> str:
        """Free text a drawing shows (a str: anything else is refused where it is set)."""
        return self._label

    @label.setter
    def label(self, text: str) -> None:
        from autograd.checks import label_text

        self._label = label_text(text)

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's closure: applies this node's rule once (built on demand, see extras)."""
        from autograd import extras

        return extras.closure(self._value())

    @_backward.setter
    def _backward(self, closure: Callable[[], None]) -> None:
        from autograd import extras

        extras.set_closure(self._value(), closure)

    def register_hook(self, hook: Callable[[Any], Any]) -> HookHandle:
        """Call ``hook(grad)`` when this node's gradient is known; a returned value replaces
        it (PyTorch's ``Tensor.register_hook``). Returns a handle with ``.remove()``."""
        from autograd import extras

        return extras.add_hook(self._value(), hook)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"{type(self).__name__}(data={self.data}, grad={self.grad}{label})"

    def __format__(self, spec: str) -> str:  # f"{loss:.4f}" formats the data
        return format(self.data, spec) if spec else repr(self)

    def __float__(self) -> float:  # math.exp(x), float(x): refuse to drop x from the graph
        from autograd.checks import float_conversion_error

        raise float_conversion_error(self._value())

    def item(self) -> float:
        """The data, as a float (as ``torch.Tensor.item``): the explicit way out of a graph."""
        if tracer is not None:
            tracer.read(self, self.data)
        return self.data

    def detach(self) -> Value:
        """A new leaf holding the same data, cut off from this graph."""
        from autograd.engine import Value

        return Value(self.data, label=self.label)

    # Comparisons compare the data; == and hash stay identity, so Values go in sets.
    def __lt__(self, other: Any) -> bool:
        return _compare(self, "<", other, self.data < _number(other, "<"))

    def __le__(self, other: Any) -> bool:
        return _compare(self, "<=", other, self.data <= _number(other, "<="))

    def __gt__(self, other: Any) -> bool:
        return _compare(self, ">", other, self.data > _number(other, ">"))

    def __ge__(self, other: Any) -> bool:
        return _compare(self, ">=", other, self.data >= _number(other, ">="))

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def _value(self) -> Value:  # every instance is a Value (the only subclass)
        return self  # type: ignore[return-value]


def _number(x: Any, op: str) -> float:
    from autograd.engine import operand

    return operand(x, op).data


def _compare(node: Any, op: str, other: Any, result: bool) -> bool:
    if tracer is not None:  # a traced program must check this branch again (autograd.trace)
        tracer.compared(node, op, other, result)
    return result
