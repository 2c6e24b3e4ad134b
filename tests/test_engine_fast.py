"""The fast path (``autograd.fast``) is the reference pass (``autograd.engine.chain_rule``)
made quick: on random graphs, both give every node the same gradient, to the last bit.
The one exception is a ``dot`` that takes one Value as several operands: the fast pass
adds that Value's terms in another order (``fast._dot_accumulate``), so those graphs are
left to ``tests/test_perf_dot.py`` (the sum, to its rounding) and
``tests/test_engine_properties.py`` (the fast pass against finite differences and mpmath).

``fast.backward`` adds straight into ``.grad`` in the order of the reference walk; the
reference pass collects a dictionary first and writes ``.grad`` at the end. The tests run
each on its own copy of the same program and compare every node's ``.grad``.
"""

from __future__ import annotations

from domains import DOMAINS
from hypothesis import assume, given, settings
from oracles import Program, chains, guarded, programs

from autograd import Value, fast, functional, topological_order

DEEP_FORMS = [form for op in ("*", "+", "tanh", "dot", "leaky_relu") for form in DOMAINS[op].forms]


def one_value_twice_in_a_dot(root: Value) -> bool:
    return any(
        len({id(p) for p in node.parents}) < len(node.parents)
        for node in topological_order(root)
        if node.op == "dot"
    )


def grads_both_ways(program: Program) -> tuple[list[float], list[float]]:
    guarded(program)  # rejects points outside an op's domain
    assume(not one_value_twice_in_a_dot(program.value([Value(x) for x in program.point])))
    results = []
    for backward in (
        fast.backward,
        lambda root, seed: functional.backward(root, seed, False, None),
    ):
        leaves = [Value(x) for x in program.point]
        out = program.value(leaves)
        backward(out, 1.0)
        results.append([node.grad for node in topological_order(out)])
    return results[0], results[1]


@given(programs())
@settings(deadline=None)
def test_fast_and_reference_passes_agree_on_random_graphs(program: Program) -> None:
    quick, reference = grads_both_ways(program)
    assert quick == reference


@given(chains(DEEP_FORMS, min_depth=20, max_depth=200))
@settings(deadline=None, max_examples=30)
def test_fast_and_reference_passes_agree_on_deep_chains(program: Program) -> None:
    quick, reference = grads_both_ways(program)
    assert quick == reference


def test_backward_takes_the_fast_path_only_where_it_applies() -> None:
    x = Value(2.0)
    y = x * x
    assert fast.applies(y, 1.0)
    assert not fast.applies(y, Value(1.0))  # a gradient graph: the reference pass
    (x * 3).register_hook(lambda g: g)  # a node with a hook elsewhere: y is still plain
    assert fast.applies(y, 1.0)
    y.register_hook(lambda g: 2 * g)
    assert not fast.applies(y, 1.0)
    y.backward()
    assert x.grad == 8.0  # the hook doubled the gradient flowing back
