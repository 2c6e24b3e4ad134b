"""Exercises of notebooks 1 to 4: the chain rule, a topological order, finite differences,
a log-sigmoid, a neuron and the training step.

May import: ``autograd``, ``nn`` (its modules and optimizers, as the reference to compare
with, inside the checkers), ``nn.exercises.checking`` and the standard library.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import GradcheckError, Value, gradcheck
from nn.exercises.checking import ExerciseError, NotAttempted, call, checker, close, number, short

__all__ = [
    "check_central_difference",
    "check_chain_rule",
    "check_log_sigmoid",
    "check_neuron",
    "check_topological_order",
    "check_training_step",
]


# ---------------------------------------------------------------- 1. the chain rule


@checker("Your chain rule agrees with backward() at six points.")
def check_chain_rule(my_gradients: Callable[[float, float, float], Sequence[float]]) -> None:
    """Notebook 1: ``my_gradients(a, b, c)`` returns (dL/da, dL/db, dL/dc) for
    L = (a * b + c) ** 2, worked out by hand with the chain rule."""
    points = [(2.0, -3.0, 10.0), (0.5, 4.0, -1.0), (1.0, 1.0, 1.0), (-2.0, 0.0, 3.0)]
    points += [(random.Random(i).uniform(-3, 3), -1.5 + i, 0.25 * i) for i in range(2)]
    for a, b, c in points:
        got = call("my_gradients", my_gradients, a, b, c)
        if len(got) != 3:
            raise ExerciseError(f"my_gradients should return 3 numbers, got {short(got)}")
        leaves = [Value(a), Value(b), Value(c)]
        (leaves[0] * leaves[1] + leaves[2]).__pow__(2).backward()
        for name, g, leaf in zip(("a", "b", "c"), got, leaves):
            g = number("my_gradients", g, f"dL/d{name}")
            if not close(g, leaf.grad):
                raise ExerciseError(
                    f"at a={a}, b={b}, c={c}: dL/d{name} should be {leaf.grad:g}, you gave "
                    f"{g:g}. Outside-in: dL/du = 2u for u = a*b + c, then du/d{name}."
                )


def _graphs() -> list[Value]:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    diamond = c * (c + 1)  # c reached by two paths
    x = Value(0.5, label="x")
    chain = x
    for _ in range(30):
        chain = (chain * 1.1).tanh() + x  # x used at every level
    w = [Value(0.1 * i) for i in range(4)]
    neuron = sum((wi * xi for wi, xi in zip(w, [1.0, -2.0, 3.0, 0.5])), Value(0.0)).relu()
    return [a * a, diamond, chain, neuron]


def _every_node(root: Value) -> set[int]:
    seen, stack = {id(root)}, [root]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return seen


@checker("Every node comes after its parents, each exactly once, in four graphs.")
def check_topological_order(my_order: Callable[[Value], Sequence[Value]]) -> None:
    """Notebook 1: ``my_order(root)`` lists every node of root's graph once, each node
    after all of its parents (so the backward pass can walk it from the end)."""
    for root in _graphs():
        order = list(call("my_order", my_order, root))
        position = {id(node): i for i, node in enumerate(order)}
        if len(position) != len(order):
            raise ExerciseError("a node appears twice in your order: keep a set of seen nodes")
        missing = len(_every_node(root) - set(position))
        if missing:
            raise ExerciseError(f"your order leaves out {missing} node(s) of the graph")
        for node in order:
            for parent in node.parents:
                if position[id(parent)] > position[id(node)]:
                    raise ExerciseError(
                        f"a {node.op or 'leaf'} node comes before its parent "
                        f"({parent.op or 'leaf'} with data {parent.data:g}): add a node only "
                        "after all of its parents (depth first, then append on the way back)"
                    )


# ---------------------------------------------------------- 2. checking gradients


@checker("Your estimates are within a central difference's O(h^2) of the derivative.")
def check_central_difference(
    my_central_difference: Callable[[Callable[[float], float], float, float], float],
) -> None:
    """Notebook 2: ``my_central_difference(f, x, h)`` estimates f'(x) from two nudges."""
    cases = [  # f, f', |f'''| bound near x, x
        (math.exp, math.exp, math.exp(1.1), 1.0),
        (math.sin, math.cos, 1.0, 0.3),
        (lambda t: t**3, lambda t: 3 * t**2, 6.0, -2.0),
    ]
    for f, df, third, x in cases:
        for h in (1e-2, 1e-3):
            estimate = call("my_central_difference", my_central_difference, f, x, h)
            got = number("my_central_difference", estimate, "f'(x)")
            allowed = third * h * h / 6 * 1.5 + 1e-9
            if abs(got - df(x)) > allowed:
                raise ExerciseError(
                    f"at x={x}, h={h}: your estimate {got:.10g} is {abs(got - df(x)):.2g} "
                    f"from f'(x) = {df(x):.10g}, more than a central difference's error "
                    f"h^2 |f'''| / 6 = {allowed:.2g}. Nudge both ways: "
                    "(f(x + h) - f(x - h)) / (2 h)."
                )


def _log_sigmoid(x: float) -> float:
    """log(1 / (1 + e^-x)) without overflow: -log1p(e^-x) for x >= 0, x - log1p(e^x) else."""
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


@checker("Values and gradients are right from -1000 to 1000, without overflow.")
def check_log_sigmoid(my_log_sigmoid: Callable[[Value], Value]) -> None:
    """Notebook 2: ``my_log_sigmoid(x)``, log(sigmoid(x)) as Value ops, finite and with
    the right gradient for every x (a loss for binary labels is built from it)."""
    hint = (
        "For large |x| an exp overflows or a sigmoid rounds to 0 or 1: use a form that "
        "only ever takes exp of a negative number."
    )
    for x in (-1000.0, -710.0, -30.0, -1.5, 0.0, 0.7, 12.0, 40.0, 710.0, 1000.0):
        out = call("my_log_sigmoid", my_log_sigmoid, Value(x), hint=hint)
        if not isinstance(out, Value):
            raise ExerciseError(f"my_log_sigmoid should return a Value, got {short(out)}")
        expected = _log_sigmoid(x)
        if not close(out.data, expected, rel=1e-9, abs_=1e-12):
            raise ExerciseError(
                f"at x={x:g}: log(sigmoid(x)) = {expected:.10g}, yours gives {out.data:.10g}. "
                + hint
            )
        try:
            gradcheck(my_log_sigmoid, [x])
        except GradcheckError as error:
            raise ExerciseError(f"at x={x:g} the gradient is wrong:\n{error}") from None
        except NotImplementedError:
            raise NotAttempted from None
        except Exception as error:
            raise ExerciseError(f"at x={x:g}: {type(error).__name__}: {error}") from error


# --------------------------------------------------------------- 3. neuron to MLP


@checker("Your neuron computes tanh(w . x + b) with the right gradients.")
def check_neuron(my_neuron: Callable[[Sequence[Value], Sequence[Value], Value], Value]) -> None:
    """Notebook 3: ``my_neuron(w, x, b)`` returns tanh(w1 x1 + ... + wn xn + b) built from
    Values, so that backward() reaches every weight, input and the bias."""
    rng = random.Random(3)
    for n in (1, 2, 5):
        w = [Value(rng.uniform(-1, 1)) for _ in range(n)]
        x = [Value(rng.uniform(-2, 2)) for _ in range(n)]
        b = Value(rng.uniform(-1, 1))
        out = call("my_neuron", my_neuron, w, x, b)
        if not isinstance(out, Value):
            raise ExerciseError(f"my_neuron should return a Value, got {short(out)}")
        z = sum(wi.data * xi.data for wi, xi in zip(w, x)) + b.data
        if not close(out.data, math.tanh(z)):
            raise ExerciseError(
                f"with {n} inputs: expected tanh({z:.4g}) = {math.tanh(z):.6g}, got {out.data:.6g}"
            )
        out.backward()
        slope = 1 - math.tanh(z) ** 2
        if not close(b.grad, slope) or not all(
            close(wi.grad, slope * xi.data) for wi, xi in zip(w, x)
        ):
            raise ExerciseError(
                "the value is right but a gradient is not: build the sum from the Values "
                "themselves (no .data inside), so backward() can follow every path"
            )


# -------------------------------------------------------------- 4. training on moons


@checker("Two steps move the parameters exactly as forward, zero_grad, backward, step do.")
def check_training_step(my_step: Callable[[Any, Any, Any, Any], Any]) -> None:
    """Notebook 4: ``my_step(model, X, y, optimizer)`` takes one training step on the
    hinge loss of (X, y) and returns the loss before the step (a Value or a number)."""
    from nn import MLP, SGD, hinge_loss

    X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]]
    y = [1, -1, 1, -1]
    model, reference = MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=5)
    optimizer, ref_optimizer = SGD(model.parameters(), lr=0.1), SGD(reference.parameters(), lr=0.1)
    for step in (1, 2):
        loss = call("my_step", my_step, model, X, y, optimizer)
        ref_loss = hinge_loss([reference(x) for x in X], y)
        ref_optimizer.zero_grad()
        ref_loss.backward()
        ref_optimizer.step()
        if not close(number("my_step", loss, "the loss"), ref_loss.data):
            raise ExerciseError(
                f"step {step}: the loss should be {ref_loss.data:.6g}, "
                f"yours is {number('my_step', loss, 'the loss'):.6g}"
            )
        mine, theirs = model.parameters(), reference.parameters()
        worst = max(abs(p.data - q.data) for p, q in zip(mine, theirs))
        if worst > 1e-12:
            hint = (
                "the parameters did not change: call optimizer.step()"
                if all(close(p.data, q.data + 0.1 * q.grad) for p, q in zip(mine, theirs))
                else "after the second step they differ: did you zero the gradients before "
                "backward()? backward() adds to .grad"
                if step == 2
                else "run forward, optimizer.zero_grad(), loss.backward(), optimizer.step()"
            )
            raise ExerciseError(f"step {step}: a parameter is off by {worst:.3g}; {hint}")
