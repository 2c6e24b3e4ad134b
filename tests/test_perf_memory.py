"""Memory of the engine: bytes per node, graphs freed by reference counting, deep graphs.

Memory is deterministic enough to assert (tracemalloc counts the bytes Python allocates);
time is not, so no test here measures time (``make bench`` reports it).
"""

from __future__ import annotations

import gc
import json
import math
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from domains import DOMAINS, NUMBER
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, grad, topological_order
from autograd.rules import OPS

BYTES_PER_NODE = 150  # issue 6's bound (micrograd: ~600)


def node_of(op: str, x: Value, y: Value) -> Value:
    """A node of ``op``, from leaves x and y, by the op's first form in the test domains
    (``tests/domains.py``, the one place each op's test inputs live); a raw-number operand
    is 1.5."""
    form = DOMAINS[op].forms[0]
    leaves = iter([x, y])
    args = [1.5 if kind == NUMBER else next(leaves) for kind in form.operands]
    return form.value(*args)


OPS_BUT_DOT = sorted(op for op in OPS if op != "dot")  # dot: test_bytes_per_dot_node


@contextmanager
def collector_disabled() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def values_alive() -> int:
    """Values (and Constants) made since ``collector_disabled()`` began and still alive.

    gc.get_objects() lists them even with the collector off; they are all in its youngest
    generation, since nothing collects (and so promotes) them.
    """
    return sum(isinstance(o, Value) for o in gc.get_objects(generation=0))


def traced_bytes(build: Callable[[], object]) -> tuple[object, int]:
    """What ``build()`` returns, and the bytes it allocated and still holds."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = build()
        return result, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("op", OPS_BUT_DOT)
def test_bytes_per_node_of_every_op(op: str) -> None:
    """A node, its data and its gradient fit in 150 bytes, for every op."""
    x, y = Value(0.7), Value(1.3)
    n = 2000
    nodes = [x] * n  # the list is allocated before measuring

    def build() -> None:
        for i in range(n):
            nodes[i] = node_of(op, x, y)

    with collector_disabled():
        _, built = traced_bytes(build)
        count = len({id(v) for node in nodes for v in topological_order(node)} - {id(x), id(y)})

        def backward() -> None:
            for node in nodes:
                node.backward()

        _, grads = traced_bytes(backward)
    assert nodes[0].op == op
    assert count >= n  # the ops that fold a number in (x ** 1.5) add a Constant node each
    assert built / count <= BYTES_PER_NODE
    assert (built + grads) / count <= BYTES_PER_NODE


def test_bytes_per_dot_node() -> None:
    """A dot node costs a node plus one pointer per operand (micrograd: 2n + 1 nodes)."""
    ws, xs, b = [Value(0.1 * i) for i in range(16)], [Value(0.2 * i) for i in range(16)], Value(1)
    n = 1000
    outs = [b] * n

    def build() -> None:
        for i in range(n):
            outs[i] = dot(ws, xs, b)

    with collector_disabled():
        _, built = traced_bytes(build)
    operands = 2 * 16 + 1
    tuple_header = sys.getsizeof(())  # 40 bytes on CPython 3.11, the GC's header included
    assert built / n <= BYTES_PER_NODE + tuple_header + 8 * operands
    assert built / n / (2 * 16 + 1) < BYTES_PER_NODE / 4  # per node it replaces


def chain_of(kind: str, x: Value, depth: int) -> Value:
    """y = f(f(...f(x))) with a unary, a binary or an n-ary (dot) node at every step."""
    y = x
    for _ in range(depth):
        if kind == "unary":
            y = y.sin()
        elif kind == "binary":
            y = y * x
        else:
            y = dot([x, y], [y, x], 0.0) * 0.5  # 2 x y / 2 = x y, through a dot node
    return y


@pytest.mark.parametrize("kind", ["unary", "binary", "dot"])
def test_dropped_graph_is_freed_with_the_collector_disabled(kind: str) -> None:
    with collector_disabled():
        before = values_alive()
        x = Value(0.999)
        y = chain_of(kind, x, 3000)
        y.backward()
        assert values_alive() >= before + 3000
        del y
        assert values_alive() == before + 1  # x only


def test_graph_of_second_derivatives_is_freed_with_the_collector_disabled() -> None:
    """autograd.grad(create_graph=True) builds a graph of gradients; it is freed too."""
    with collector_disabled():
        before = values_alive()
        x = Value(0.3)
        y = (x * x).tanh().exp() + x.sigmoid() * x**3
        (dy,) = grad(y, [x], create_graph=True)
        (d2y,) = grad(dy, [x])
        assert math.isfinite(d2y)
        del y, dy
        assert values_alive() == before + 1


@given(
    st.lists(st.sampled_from(["unary", "binary", "dot"]), min_size=1, max_size=30),
    st.floats(0.5, 0.99),
)
@settings(max_examples=20)
def test_mixed_graphs_are_freed(kinds: list[str], start: float) -> None:
    with collector_disabled():
        before = values_alive()
        x = Value(start)
        y = x
        for kind in kinds:
            y = (chain_of(kind, y, 3) + x).tanh()  # tanh keeps the values in range
        y.backward()
        del y
        assert values_alive() == before + 1


@pytest.mark.parametrize("kind", ["unary", "binary", "dot"])
def test_deep_chain_of_every_node_kind(kind: str) -> None:
    """10^5 deep with the default recursion limit: the walk has no recursion, and freeing
    the chain (a cascade of 10^5 deallocations) does not overflow the C stack."""
    depth = 10**5
    assert sys.getrecursionlimit() <= 10_000
    x = Value(0.9999999 if kind != "unary" else 0.5)
    y = chain_of(kind, x, depth)
    y.backward()
    if kind == "unary":  # d sin^n(x)/dx = prod cos(sin^k(x))
        expected, v = 1.0, 0.5
        for _ in range(depth):
            expected *= math.cos(v)
            v = math.sin(v)
    else:  # y = x^(depth + 1)
        expected = (depth + 1) * x.data**depth
    assert x.grad == pytest.approx(expected, rel=1e-9)
    with collector_disabled():
        del y


THREE_MILLION = """
import json, resource, sys
from autograd import Value
x = Value(1.0000001)
y = x
for _ in range(3_000_000):
    y = y * x
y.backward()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
grad = x.grad
del x, y  # 3 million nested deallocations: CPython's trashcan keeps the C stack flat
print(json.dumps({"grad": grad, "peak_mb": peak, "limit": sys.getrecursionlimit()}))
"""


@pytest.mark.slow
def test_three_million_node_chain() -> None:
    """Issue 6's chain: backward and freeing complete (in a child process, so a crash
    would fail this test rather than the test run), within half PyTorch's 2.8 GB."""
    done = subprocess.run(
        [sys.executable, "-c", THREE_MILLION], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    n = 3_000_000
    assert result["grad"] == pytest.approx((n + 1) * 1.0000001**n, rel=1e-9)
    assert result["limit"] == 1000  # the default: nothing was raised
    assert result["peak_mb"] < 1400
