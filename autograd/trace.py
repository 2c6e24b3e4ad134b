"""Backprop as a program: ``trace(fn, *inputs)`` writes a function's backward pass as Python.

The engine records a graph and walks it (a tape). :func:`trace` runs ``fn`` once on
Values, then writes the graph out as straight-line Python over floats: the forward pass,
one assignment per op, then the backward pass, one assignment per gradient term, each with
its local derivative rule as a comment, and ``+=`` where a value collects gradient from
several uses. That is source-to-source differentiation, the other way to do reverse mode:

>>> from autograd import Value
>>> program = trace(lambda x, w, b: (x * w + b).tanh(), 2.0, -3.0, 1.0)
>>> print(program.source)
def program(x, w, b):
    # forward
    v1 = x * w
    v2 = v1 + b
    v3 = math.tanh(v2)
    # backward: grad_v = d v3 / d v
    grad_v3 = 1.0
    grad_v2 = grad_v3 * (1 - v3 * v3)  # d tanh(a)/da = 1 - tanh(a)^2
    grad_v1 = grad_v2  # d(a + b)/da = 1
    grad_b = grad_v2  # d(a + b)/db = 1
    grad_x = grad_v1 * w  # d(a * b)/da = b
    grad_w = grad_v1 * x  # d(a * b)/db = a
    return v3, (grad_x, grad_w, grad_b)
>>> value, grads = program(0.5, 2.0, 0.0)
>>> round(value, 6), [round(g, 6) for g in grads]
(0.761594, [0.839949, 0.209987, 0.419974])

The program is a plain Python function: it runs at the speed of hand-written float code
and makes no Value nodes. It is only ever right for the path ``fn`` took when it was
traced, so the tracer records what that path depended on: every comparison of a Value
(``x > 0``) becomes a guard the program checks, and every ``.data`` or ``.item()`` that
``fn`` read becomes a guard that the value is the same. When a guard fails, the program
traces ``fn`` again at the new inputs (a new variant; ``program.sources`` has them all).

This module imports the engine, its op table and its checks.
"""

from __future__ import annotations

import inspect
import math
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import checks, conveniences
from autograd.codegen import Guard, Names, Retrace, TraceError, Writer, compiled
from autograd.engine import Constant, Value, topological_order
from autograd.functional import topological_order_of

__all__ = ["Program", "Retrace", "TraceError", "trace"]

MAX_VARIANTS = 64  # paths one program keeps; fn's control flow depends on more: an error


_INTERNAL = ("autograd.",)  # modules whose .data reads are the engine's own, not fn's
_SLOT = Value.__dict__["data"]  # the slot that holds a Value's data
_lock = threading.Lock()  # one trace at a time (it swaps Value.data, see _Recorder)


class _ObservedData:
    """Stands in for ``Value.data`` while a trace runs: notes each read by ``fn``'s code."""

    def __init__(self, recorder: _Recorder) -> None:
        self.recorder = recorder

    def __get__(self, node: Value | None, owner: type | None = None) -> Any:
        if node is None:
            return self
        value = _SLOT.__get__(node, owner)
        if threading.get_ident() == self.recorder.thread:
            module = sys._getframe(1).f_globals.get("__name__", "")
            if not module.startswith(_INTERNAL):
                self.recorder.read(node, value)
        return value

    def __set__(self, node: Value, value: float) -> None:
        _SLOT.__set__(node, value)


class _Recorder:
    """While active: the guards of one trace (comparisons and reads of ``.data``)."""

    def __init__(self) -> None:
        self.guards: list[Guard] = []
        self.thread = threading.get_ident()

    def read(self, node: Value, value: float) -> None:
        self.guards.append(Guard(node, "==", value, True))

    def compared(self, node: Value, op: str, other: Any, result: bool) -> None:
        self.guards.append(
            Guard(node, op, other if isinstance(other, Value) else float(other), result)
        )

    def __enter__(self) -> _Recorder:
        _lock.acquire()
        setattr(Value, "data", _ObservedData(self))  # noqa: B010 (a slot: mypy objects)
        conveniences.tracer = self
        return self

    def __exit__(self, *exc: object) -> None:
        conveniences.tracer = None
        setattr(Value, "data", _SLOT)  # noqa: B010
        _lock.release()


# -- writing the program ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    """One path through ``fn``: its source and the compiled function."""

    source: str
    function: Callable[..., tuple[float, tuple[float, ...]]]


class Program:
    """``fn``'s forward and backward pass as Python functions over floats.

    ``program(*inputs)`` returns ``(value, grads)``: ``fn`` at the inputs and d fn / d input
    for each input, in order. ``source`` is the program's text (``sources``: one per path
    traced so far). ``check(*inputs)`` compares it with ``backward()``.
    """

    def __init__(self, fn: Callable[..., Value], parameter_names: list[str]) -> None:
        self.fn = fn
        self.parameter_names = parameter_names
        self.variants: list[Variant] = []

    @property
    def source(self) -> str:
        return self.variants[0].source

    @property
    def sources(self) -> list[str]:
        return [v.source for v in self.variants]

    def __call__(self, *inputs: float) -> tuple[float, tuple[float, ...]]:
        if len(inputs) != len(self.parameter_names):
            raise TypeError(
                f"program: takes {len(self.parameter_names)} input(s), got {len(inputs)}"
            )
        for variant in reversed(self.variants):  # the newest path first
            try:
                return variant.function(*inputs)
            except Retrace:
                continue
        return self._add_variant(inputs).function(*inputs)

    def _add_variant(self, inputs: Sequence[Any]) -> Variant:
        if len(self.variants) >= MAX_VARIANTS:
            raise TraceError(
                f"trace: {MAX_VARIANTS} paths through {getattr(self.fn, '__name__', 'fn')} and "
                "counting: its control flow depends on the data too much to compile"
            )
        variant = _trace_variant(self.fn, self.parameter_names, inputs)
        self.variants.append(variant)
        return variant

    def check(self, *inputs: float, rtol: float = 1e-12, atol: float = 1e-12) -> bool:
        """True if the program's value and gradients equal ``backward()``'s at ``inputs``
        (within ``rtol``/``atol``); else an AssertionError saying which differ."""
        value, grads = self(*inputs)
        leaves = [Value(float(x)) for x in inputs]
        out = self.fn(*leaves)
        out.backward()
        expected = [out.data, *[leaf.grad for leaf in leaves]]
        got = [value, *grads]
        names = ["value", *[f"d/d{n}" for n in self.parameter_names]]
        wrong = [
            f"{n}: program {a!r}, backward() {b!r}"
            for n, a, b in zip(names, got, expected)
            if not (math.isclose(a, b, rel_tol=rtol, abs_tol=atol) or (a != a and b != b))
        ]
        if wrong:
            raise AssertionError("the program differs from backward(): " + "; ".join(wrong))
        return True

    def __repr__(self) -> str:
        name = getattr(self.fn, "__name__", "fn")
        return (
            f"<Program of {name}({', '.join(self.parameter_names)}): {len(self.variants)} path(s)>"
        )


def trace(fn: Callable[..., Value], *example_inputs: Any) -> Program:
    """Run ``fn`` on Values made from ``example_inputs`` and write its forward and backward
    pass as a Python program over floats (see the module). Example inputs may be numbers
    or Values (their labels name the program's variables)."""
    if not callable(fn):
        raise TypeError(f"trace: fn must be a function, got {checks.shown(fn)}")
    program = Program(fn, _parameter_names(fn, example_inputs))
    program._add_variant(example_inputs)
    return program


def _parameter_names(fn: Callable[..., Any], inputs: Sequence[Any]) -> list[str]:
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(names) < len(inputs):
        names = [f"x{i}" for i in range(len(inputs))]
    return names[: len(inputs)]


@dataclass(frozen=True)
class _Recording:
    """One run of fn on Values: its output, the guards, and every node the program computes."""

    leaves: list[Value]
    out: Value
    guards: list[Guard]
    order: list[Value]


def _record(fn: Callable[..., Value], leaves: list[Value], arguments: list[Value]) -> _Recording:
    """Run ``fn(*arguments)`` and note what its path depended on (see the module)."""
    with _Recorder() as recorder:
        out = fn(*arguments)
    if not isinstance(out, Value):
        raise TraceError(
            f"trace: fn must return a Value, got {type(out).__name__} ({checks.shown(out)})"
        )
    guards = [g for g in recorder.guards if not isinstance(g.node, Constant)]
    guarded = [g.node for g in guards] + [g.other for g in guards if isinstance(g.other, Value)]
    order = topological_order_of([out, *guarded])
    known = set(leaves)
    for node in order:
        if node._a is None and not isinstance(node, Constant) and node not in known:
            raise TraceError(
                f"trace: fn uses {node!r}, a Value it was not given as an input: pass it "
                "as an input, so the program can read it and take its gradient"
            )
    return _Recording(leaves, out, guards, order)


def _trace_variant(
    fn: Callable[..., Value], parameter_names: list[str], inputs: Sequence[Any]
) -> Variant:
    leaves = [_leaf(x, name) for x, name in zip(inputs, parameter_names)]
    recording = _record(fn, leaves, leaves)
    names = Names(leaves, parameter_names)
    writer = Writer(names)
    writer.lines.append(f"def program({', '.join(names.of(x) for x in leaves)}):")
    writer.line("# forward")
    writer.forward_pass(recording.order, recording.guards, leaves)
    out = recording.out
    writer.line(f"# backward: grad_v = d {names.of(out)} / d v")
    given = writer.backward(topological_order(out), out)
    grads = ", ".join(f"grad_{names.of(x)}" if x in given else "0.0" for x in leaves)
    trailing = "," if len(leaves) == 1 else ""
    writer.line(f"return {names.of(out)}, ({grads}{trailing})")
    source = "\n".join(writer.lines)
    return Variant(source, compiled(source, "program", getattr(fn, "__name__", "fn")))


def _leaf(x: Any, name: str) -> Value:
    if isinstance(x, Value):
        return Value(x.data, label=x.label)
    return Value(checks.to_float(x, f"trace: input {name}"))
