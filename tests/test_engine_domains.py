"""Every op in the rule table has a test domain, every domain an op, and every form applies it.

So a new op cannot go untested: adding it to ``autograd.rules.OPS`` without a domain in
``tests/domains.py`` fails here, and the property tests then generate it.
"""

from __future__ import annotations

import math
import random
from typing import Any

import mpmath
import pytest
from domains import DOMAINS, FORMS, NUMBER, Form

from autograd import Value, topological_order
from autograd.rules import OPS


def test_every_op_has_a_domain_and_every_domain_an_op() -> None:
    assert sorted(OPS) == sorted(DOMAINS)
    for name, domain in DOMAINS.items():
        assert domain.op == name and domain.forms


def operands_in_domain(form: Form, rng: random.Random) -> list[Any]:
    """Operands the form's guard accepts (Values where the form takes a node)."""
    for _ in range(1000):
        raw = [rng.choice([rng.uniform(-3, 3), rng.randint(-3, 3)]) for _ in form.operands]
        if form.guard(*raw) and all(r != 0 for r in raw):
            return [Value(r) if kind != NUMBER else r for r, kind in zip(raw, form.operands)]
    raise AssertionError(f"no operands found for {form.template}")


@pytest.mark.parametrize("form", FORMS, ids=[f.template for f in FORMS])
def test_each_form_applies_its_op(form: Form) -> None:
    op = next(d.op for d in DOMAINS.values() if form in d.forms)
    args = operands_in_domain(form, random.Random(form.template))
    out = form.value(*args)
    assert isinstance(out, Value)
    nodes = [n for n in topological_order(out) if n.op == op]
    assert nodes, f"{form.template} made no {op!r} node"
    arity = OPS[op].arity
    assert all(len(n.parents) == arity for n in nodes) or arity == -1


@pytest.mark.parametrize("form", FORMS, ids=[f.template for f in FORMS])
def test_each_forms_three_evaluations_agree(form: Form) -> None:
    """The float and mpmath versions are independent of the engine: check they mean the
    same function as the engine's, at a few points inside the domain."""
    rng = random.Random(form.template)
    for _ in range(5):
        args = operands_in_domain(form, rng)
        plain = [a.data if isinstance(a, Value) else a for a in args]
        engine = form.value(*args).data
        real = form.real(*plain)
        with mpmath.workdps(30):
            exact = float(
                form.exact(*[mpmath.mpf(p) if isinstance(p, float) else p for p in plain])
            )
        assert math.isclose(engine, exact, rel_tol=1e-12, abs_tol=1e-15), (plain, engine, exact)
        assert math.isclose(real, exact, rel_tol=1e-12, abs_tol=1e-15), (plain, real, exact)


def test_node_operands_are_values() -> None:
    """The generator relies on each form having an operand that can be a node."""
    for form in FORMS:
        assert any(kind != NUMBER for kind in form.operands), form.template
