"""Checkers for the exercises at the end of each lecture notebook.

A student writes a function and passes it to its checker, ``check_softmax(my_softmax)``.
The checker tries it on inputs the student did not pick and compares it with the answer
worked out independently (the formula, finite differences, a hand-made table):

* right: it prints what was checked;
* still the notebook's stub (it raises ``NotImplementedError``): it says so, and a
  notebook with its exercises not done still runs top to bottom;
* wrong: it raises :class:`ExerciseError` (an ``AssertionError``) that says on which input
  the answer went wrong, what was expected and what to look at.

>>> def my_order(root):
...     raise NotImplementedError
>>> check_topological_order(my_order)
check_topological_order: not attempted yet (the function still raises NotImplementedError)

May import: ``autograd``, ``nn`` (its modules and optimizers, as the reference to
compare with); the standard library. Nothing optional.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from autograd import GradcheckError, Value, grad, gradcheck

__all__ = [
    "ExerciseError",
    "check_central_difference",
    "check_chain_rule",
    "check_clip_by_norm",
    "check_critical_points",
    "check_cross_entropy_gradient",
    "check_early_stopping",
    "check_hessian_vector_product",
    "check_init",
    "check_log_sigmoid",
    "check_minibatches",
    "check_momentum_step",
    "check_neuron",
    "check_newton",
    "check_softmax",
    "check_swish",
    "check_topological_order",
    "check_training_step",
]

F = TypeVar("F", bound=Callable[..., None])


class ExerciseError(AssertionError):
    """A wrong answer to an exercise; the message says what went wrong and what to try."""


class _NotAttempted(Exception):
    """The student's function is still the stub."""


def _call(name: str, fn: Callable[..., Any], *args: Any, hint: str = "") -> Any:
    """Run the student's code: its stub means "not attempted", any other error is wrong
    (``hint`` says what usually causes one)."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise _NotAttempted from None
    except ExerciseError:
        raise
    except Exception as error:
        shown = ", ".join(_short(a) for a in args)
        message = f"{name}({shown}) raised {type(error).__name__}: {error}"
        raise ExerciseError(f"{message}. {hint}" if hint else message) from error


def _short(x: Any) -> str:
    text = f"Value({x.data!r})" if isinstance(x, Value) else repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _checker(success: str) -> Callable[[F], F]:
    """Turn a function that raises ExerciseError on a wrong answer into a checker that
    prints its verdict (and returns nothing, so a notebook cell shows only the verdict)."""

    def wrap(check: F) -> F:
        @functools.wraps(check)
        def checker(*args: Any, **kwargs: Any) -> None:
            try:
                check(*args, **kwargs)
            except _NotAttempted:
                print(
                    f"{check.__name__}: not attempted yet "
                    "(the function still raises NotImplementedError)"
                )
                return
            print(f"{check.__name__}: correct! {success}")

        return checker  # type: ignore[return-value]

    return wrap


def _close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def _number(name: str, x: Any, what: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ExerciseError(f"{name} should give {what} as a number, got {_short(x)}")
    return float(x)


# ---------------------------------------------------------------- 1. the chain rule


@_checker("Your chain rule agrees with backward() at six points.")
def check_chain_rule(my_gradients: Callable[[float, float, float], Sequence[float]]) -> None:
    """Notebook 1: ``my_gradients(a, b, c)`` returns (dL/da, dL/db, dL/dc) for
    L = (a * b + c) ** 2, worked out by hand with the chain rule."""
    points = [(2.0, -3.0, 10.0), (0.5, 4.0, -1.0), (1.0, 1.0, 1.0), (-2.0, 0.0, 3.0)]
    points += [(random.Random(i).uniform(-3, 3), -1.5 + i, 0.25 * i) for i in range(2)]
    for a, b, c in points:
        got = _call("my_gradients", my_gradients, a, b, c)
        if len(got) != 3:
            raise ExerciseError(f"my_gradients should return 3 numbers, got {_short(got)}")
        leaves = [Value(a), Value(b), Value(c)]
        (leaves[0] * leaves[1] + leaves[2]).__pow__(2).backward()
        for name, g, leaf in zip(("a", "b", "c"), got, leaves):
            g = _number("my_gradients", g, f"dL/d{name}")
            if not _close(g, leaf.grad):
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


@_checker("Every node comes after its parents, each exactly once, in four graphs.")
def check_topological_order(my_order: Callable[[Value], Sequence[Value]]) -> None:
    """Notebook 1: ``my_order(root)`` lists every node of root's graph once, each node
    after all of its parents (so the backward pass can walk it from the end)."""
    for root in _graphs():
        order = list(_call("my_order", my_order, root))
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


@_checker("Your estimates are within a central difference's O(h^2) of the derivative.")
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
            estimate = _call("my_central_difference", my_central_difference, f, x, h)
            got = _number("my_central_difference", estimate, "f'(x)")
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


@_checker("Values and gradients are right from -1000 to 1000, without overflow.")
def check_log_sigmoid(my_log_sigmoid: Callable[[Value], Value]) -> None:
    """Notebook 2: ``my_log_sigmoid(x)``, log(sigmoid(x)) as Value ops, finite and with
    the right gradient for every x (a loss for binary labels is built from it)."""
    hint = (
        "For large |x| an exp overflows or a sigmoid rounds to 0 or 1: use a form that "
        "only ever takes exp of a negative number."
    )
    for x in (-1000.0, -710.0, -30.0, -1.5, 0.0, 0.7, 12.0, 40.0, 710.0, 1000.0):
        out = _call("my_log_sigmoid", my_log_sigmoid, Value(x), hint=hint)
        if not isinstance(out, Value):
            raise ExerciseError(f"my_log_sigmoid should return a Value, got {_short(out)}")
        expected = _log_sigmoid(x)
        if not _close(out.data, expected, rel=1e-9, abs_=1e-12):
            raise ExerciseError(
                f"at x={x:g}: log(sigmoid(x)) = {expected:.10g}, yours gives {out.data:.10g}. "
                + hint
            )
        try:
            gradcheck(my_log_sigmoid, [x])
        except GradcheckError as error:
            raise ExerciseError(f"at x={x:g} the gradient is wrong:\n{error}") from None
        except NotImplementedError:
            raise _NotAttempted from None
        except Exception as error:
            raise ExerciseError(f"at x={x:g}: {type(error).__name__}: {error}") from error


# --------------------------------------------------------------- 3. neuron to MLP


@_checker("Your neuron computes tanh(w . x + b) with the right gradients.")
def check_neuron(my_neuron: Callable[[Sequence[Value], Sequence[Value], Value], Value]) -> None:
    """Notebook 3: ``my_neuron(w, x, b)`` returns tanh(w1 x1 + ... + wn xn + b) built from
    Values, so that backward() reaches every weight, input and the bias."""
    rng = random.Random(3)
    for n in (1, 2, 5):
        w = [Value(rng.uniform(-1, 1)) for _ in range(n)]
        x = [Value(rng.uniform(-2, 2)) for _ in range(n)]
        b = Value(rng.uniform(-1, 1))
        out = _call("my_neuron", my_neuron, w, x, b)
        if not isinstance(out, Value):
            raise ExerciseError(f"my_neuron should return a Value, got {_short(out)}")
        z = sum(wi.data * xi.data for wi, xi in zip(w, x)) + b.data
        if not _close(out.data, math.tanh(z)):
            raise ExerciseError(
                f"with {n} inputs: expected tanh({z:.4g}) = {math.tanh(z):.6g}, got {out.data:.6g}"
            )
        out.backward()
        slope = 1 - math.tanh(z) ** 2
        if not _close(b.grad, slope) or not all(
            _close(wi.grad, slope * xi.data) for wi, xi in zip(w, x)
        ):
            raise ExerciseError(
                "the value is right but a gradient is not: build the sum from the Values "
                "themselves (no .data inside), so backward() can follow every path"
            )


# -------------------------------------------------------------- 4. training on moons


@_checker("Two steps move the parameters exactly as forward, zero_grad, backward, step do.")
def check_training_step(my_step: Callable[[Any, Any, Any, Any], Any]) -> None:
    """Notebook 4: ``my_step(model, X, y, optimizer)`` takes one training step on the
    hinge loss of (X, y) and returns the loss before the step (a Value or a number)."""
    from nn import MLP, SGD, hinge_loss

    X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]]
    y = [1, -1, 1, -1]
    model, reference = MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=5)
    optimizer, ref_optimizer = SGD(model.parameters(), lr=0.1), SGD(reference.parameters(), lr=0.1)
    for step in (1, 2):
        loss = _call("my_step", my_step, model, X, y, optimizer)
        ref_loss = hinge_loss([reference(x) for x in X], y)
        ref_optimizer.zero_grad()
        ref_loss.backward()
        ref_optimizer.step()
        if not _close(_number("my_step", loss, "the loss"), ref_loss.data):
            raise ExerciseError(
                f"step {step}: the loss should be {ref_loss.data:.6g}, "
                f"yours is {_number('my_step', loss, 'the loss'):.6g}"
            )
        mine, theirs = model.parameters(), reference.parameters()
        worst = max(abs(p.data - q.data) for p, q in zip(mine, theirs))
        if worst > 1e-12:
            hint = (
                "the parameters did not change: call optimizer.step()"
                if all(_close(p.data, q.data + 0.1 * q.grad) for p, q in zip(mine, theirs))
                else "after the second step they differ: did you zero the gradients before "
                "backward()? backward() adds to .grad"
                if step == 2
                else "run forward, optimizer.zero_grad(), loss.backward(), optimizer.step()"
            )
            raise ExerciseError(f"step {step}: a parameter is off by {worst:.3g}; {hint}")


# ------------------------------------------------------------------ 5. several classes


@_checker("Probabilities that sum to 1, the right gradient, and no overflow at logits of 1000.")
def check_softmax(my_softmax: Callable[[list[Value]], Sequence[Value]]) -> None:
    """Notebook 5: ``my_softmax(logits)`` turns a list of Values into probabilities
    exp(z_k) / sum_j exp(z_j), as Values, for any logits (1000 included)."""
    for logits in ([1.0, 2.0, 3.0], [0.0, 0.0], [-5.0, 4.0, 0.5, 2.0], [1000.0, 999.0, 990.0]):
        out = list(_call("my_softmax", my_softmax, [Value(z) for z in logits]))
        top = max(logits)
        total = sum(math.exp(z - top) for z in logits)
        expected = [math.exp(z - top) / total for z in logits]
        got = [_number("my_softmax", p, "a probability") for p in out]
        if len(got) != len(logits) or not all(
            _close(g, e, abs_=1e-12) for g, e in zip(got, expected)
        ):
            raise ExerciseError(
                f"softmax({logits}) should be {[round(e, 6) for e in expected]}, got "
                f"{[round(g, 6) if math.isfinite(g) else g for g in got]}"
                + (". exp(1000) overflows: subtract the largest logit first" if top > 700 else "")
            )
        for k in range(len(logits)):
            try:
                gradcheck(lambda *z, k=k: my_softmax(list(z))[k], [z - top + 1 for z in logits])
            except GradcheckError as error:
                raise ExerciseError(f"the gradient of output {k} is wrong:\n{error}") from None


@_checker("Your gradient is softmax(z) minus the one-hot target, for every class.")
def check_cross_entropy_gradient(
    my_gradient: Callable[[list[float], int], Sequence[float]],
) -> None:
    """Notebook 5: ``my_gradient(logits, target)`` gives d(cross-entropy)/d(logits) for a
    list of floats and the index of the right class, worked out by hand."""
    from nn import cross_entropy

    for logits, target in (([1.0, 2.0, 3.0], 0), ([0.5, -1.0], 1), ([2.0, 2.0, -3.0, 0.0], 3)):
        got = list(_call("my_gradient", my_gradient, list(logits), target))
        z = [Value(v) for v in logits]
        cross_entropy(z, target).backward()
        if len(got) != len(z) or not all(
            _close(_number("my_gradient", g, "a gradient"), v.grad) for g, v in zip(got, z)
        ):
            raise ExerciseError(
                f"for logits {logits} and class {target} the gradient is "
                f"{[round(v.grad, 6) for v in z]}, you gave {_short(got)}. "
                "d/dz_k of -log softmax(z)_t is softmax(z)_k - (1 if k == t else 0)."
            )


# --------------------------------------------------------------------- 6. optimizers


@_checker("Five steps agree with nn.SGD(momentum=0.9), PyTorch's formula.")
def check_momentum_step(
    my_momentum_step: Callable[[float, float, float | None, float, float], tuple[float, float]],
) -> None:
    """Notebook 6: ``my_momentum_step(p, g, buf, lr, momentum)`` returns the new parameter
    and momentum buffer after one step of SGD with momentum (buf is None at the first
    step), PyTorch's way: buf = momentum * buf + g (buf = g at first), p = p - lr * buf."""
    from nn import SGD

    x = Value(3.0)
    reference = SGD([x], lr=0.1, momentum=0.9)
    p, buf = 3.0, None
    for step in range(1, 6):
        g = 2 * p - 1  # the gradient of p^2 - p
        got = _call("my_momentum_step", my_momentum_step, p, g, buf, 0.1, 0.9)
        if not isinstance(got, tuple) or len(got) != 2:
            raise ExerciseError(f"return (new p, new buf), got {_short(got)}")
        (x * x - x).backward()
        reference.step()
        x.grad = 0.0
        p, buf = float(got[0]), float(got[1])
        if not _close(p, x.data):
            raise ExerciseError(
                f"after step {step}: p should be {x.data:.10g}, yours is {p:.10g}. "
                + (
                    "On the first step the buffer is the gradient itself."
                    if step == 1
                    else "buf = momentum * buf + g, then p = p - lr * buf."
                )
            )


# --------------------------------------------------------------------- 7. batch size


@_checker("Each epoch visits every sample once, in shuffled batches of the right size.")
def check_minibatches(
    my_minibatches: Callable[[int, int, random.Random], Sequence[Sequence[int]]],
) -> None:
    """Notebook 7: ``my_minibatches(n, batch_size, rng)`` splits the indices 0..n-1,
    shuffled with ``rng``, into batches of ``batch_size`` (the last may be smaller)."""
    for n, size in ((10, 3), (64, 16), (7, 7), (5, 1), (20, 100)):
        batches = [
            list(b) for b in _call("my_minibatches", my_minibatches, n, size, random.Random(n))
        ]
        flat = [i for b in batches for i in b]
        if sorted(flat) != list(range(n)):
            raise ExerciseError(
                f"n={n}, batch_size={size}: the batches hold {sorted(flat)}, "
                f"not each of 0..{n - 1} exactly once"
            )
        sizes = [len(b) for b in batches]
        expected = [size] * (n // size) + ([n % size] if n % size else [])
        if sizes != expected:
            raise ExerciseError(
                f"n={n}, batch_size={size}: batch sizes {sizes}, expected {expected}"
            )
        if n >= 20 and flat == list(range(n)):
            raise ExerciseError("the indices come in order: shuffle them with rng.shuffle first")


# ------------------------------------------------- 8. local minima and initialisation


def _signal_ratio(draw: Callable[[int, random.Random], float], width: int, depth: int) -> float:
    """RMS of the last of ``depth`` ReLU layers' outputs over the input's, for weights
    drawn by ``draw(nin, rng)``: 1 is a signal kept at its size."""
    rng = random.Random(0)
    h = [rng.gauss(0, 1) for _ in range(width)]
    rms_in = math.sqrt(sum(v * v for v in h) / width)
    for _ in range(depth):
        rows = [[float(draw(width, rng)) for _ in range(width)] for _ in range(width)]
        h = [max(0.0, sum(w * v for w, v in zip(row, h))) for row in rows]
    return math.sqrt(sum(v * v for v in h) / width) / rms_in


@_checker(
    "Different weights for every neuron, at a scale that keeps the signal through 10 ReLU layers."
)
def check_init(my_init: Callable[[int, random.Random], float]) -> None:
    """Notebook 8: ``my_init(nin, rng)`` draws one weight for a ReLU neuron with ``nin``
    inputs: random (so neurons differ) and scaled so that the signal neither dies nor
    explodes through many layers."""
    rng = random.Random(1)
    draws = [float(_call("my_init", my_init, 64, rng)) for _ in range(400)]
    if len(set(draws)) < 300:
        raise ExerciseError(
            "many weights are equal: every neuron of a layer would compute the same thing and "
            "get the same gradient, forever. Draw them at random (rng.gauss or rng.uniform)."
        )
    mean = sum(draws) / len(draws)
    spread = math.sqrt(sum((d - mean) ** 2 for d in draws) / len(draws))
    if abs(mean) > 0.5 * spread:
        raise ExerciseError(f"the weights average {mean:.3g}: centre them on 0")
    ratios = [_signal_ratio(my_init, width, 10) for width in (16, 64)]
    for width, ratio in zip((16, 64), ratios):
        if not 0.2 < ratio < 5:
            raise ExerciseError(
                f"through 10 ReLU layers of width {width} the signal is multiplied by "
                f"{ratio:.3g}: it {'explodes' if ratio > 1 else 'vanishes'}. Each layer "
                "multiplies it by about sqrt(nin * Var(w) / 2): choose Var(w) = 2 / nin."
            )


def _classify(f: Callable[[float, float], float], x: float, y: float) -> str:
    h = 1e-4
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / h**2
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / h**2
    fxy = (f(x + h, y + h) - f(x + h, y - h) - f(x - h, y + h) + f(x - h, y - h)) / (4 * h * h)
    det = fxx * fyy - fxy**2
    if det < 0:
        return "saddle"
    return "minimum" if fxx > 0 else "maximum"


def _saddle_surface(x: float, y: float) -> float:
    return x * x - y * y + y**4 / 4


@_checker("Three critical points, each of the right kind.")
def check_critical_points(
    my_critical_points: Callable[[], Sequence[tuple[float, float, str]]],
) -> None:
    """Notebook 8: ``my_critical_points()`` lists every point where the gradient of
    f(x, y) = x^2 - y^2 + y^4 / 4 is zero, as (x, y, kind), kind one of "minimum",
    "maximum", "saddle"."""
    f = _saddle_surface
    expected = {
        (0.0, 0.0): "saddle",
        (0.0, math.sqrt(2)): "minimum",
        (0.0, -math.sqrt(2)): "minimum",
    }
    assert all(_classify(f, x, y) == kind for (x, y), kind in expected.items())
    got = list(_call("my_critical_points", my_critical_points))
    for item in got:
        if not (isinstance(item, tuple) and len(item) == 3):
            raise ExerciseError(f"give each point as (x, y, kind), got {_short(item)}")
        x, y, kind = float(item[0]), float(item[1]), item[2]
        gx, gy = 2 * x, -2 * y + y**3
        if math.hypot(gx, gy) > 1e-6:
            raise ExerciseError(f"the gradient at ({x:g}, {y:g}) is ({gx:g}, {gy:g}), not 0")
        if _classify(f, x, y) != kind:
            raise ExerciseError(
                f"({x:g}, {y:g}) is a {_classify(f, x, y)}, not a {kind}: look at the signs of "
                "the second derivatives along x and along y"
            )
    found = {min(expected, key=lambda p: math.dist(p, (float(i[0]), float(i[1])))) for i in got}
    if len(found) != len(expected) or len(got) != len(expected):
        raise ExerciseError(
            f"you found {len(got)} point(s); there are {len(expected)}: where is "
            "df/dy = -2y + y^3 zero?"
        )


# ------------------------------------------------------------------ 9. activations


@_checker("swish(x) = x * sigmoid(x): values and gradients right from -1000 to 1000.")
def check_swish(my_swish: Callable[[Value], Value]) -> None:
    """Notebook 9: ``my_swish(x)``, the activation x * sigmoid(x) (SiLU), from Value ops,
    finite with the right gradient for every x."""
    for x in (-1000.0, -40.0, -3.0, -0.5, 0.0, 0.5, 2.0, 40.0, 1000.0):
        out = _call("my_swish", my_swish, Value(x))
        if not isinstance(out, Value):
            raise ExerciseError(f"my_swish should return a Value, got {_short(out)}")
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        if not _close(out.data, x * s, abs_=1e-12):
            raise ExerciseError(f"swish({x:g}) should be {x * s:.10g}, yours gives {out.data:.10g}")
        try:
            gradcheck(my_swish, [x])
        except GradcheckError as error:
            hint = ": an exp that overflows to inf makes a nan gradient" if abs(x) > 700 else ""
            raise ExerciseError(f"at x={x:g} the gradient is wrong{hint}\n{error}") from None


# ------------------------------------------------------------------- 10. clipping


@_checker("Long gradients are shortened to max_norm, keeping their direction; short ones are kept.")
def check_clip_by_norm(my_clip: Callable[[list[float], float], Sequence[float]]) -> None:
    """Notebook 10: ``my_clip(grads, max_norm)`` returns the gradients scaled down
    together so that their Euclidean norm is at most ``max_norm``."""
    for grads, max_norm in (
        ([3.0, 4.0], 1.0),
        ([0.1, -0.2, 0.2], 1.0),
        ([0.0, 0.0], 1.0),
        ([100.0, -1.0, 0.5, 2.0], 5.0),
        ([1e-3, 1e3], 10.0),
    ):
        got = [
            _number("my_clip", g, "a gradient")
            for g in _call("my_clip", my_clip, list(grads), max_norm)
        ]
        norm = math.hypot(*grads)
        scale = min(1.0, max_norm / norm) if norm else 1.0
        expected = [g * scale for g in grads]
        if len(got) != len(grads) or not all(
            _close(a, b, rel=1e-5, abs_=1e-9) for a, b in zip(got, expected)
        ):
            direction = (
                norm
                and math.hypot(*got)
                and abs(sum(a * b for a, b in zip(got, grads)) / (math.hypot(*got) * norm) - 1)
                > 1e-6
            )
            hint = (
                "the direction changed: scale all the gradients by the same factor, max_norm / norm"
                if direction
                else "only shorten gradients whose norm is above max_norm"
            )
            raise ExerciseError(
                f"my_clip({grads}, {max_norm}) should be {expected}, got {got}: {hint}"
            )


# ----------------------------------------------------------------- 11. overfitting


@_checker("The best epoch and the stopping epoch are right in all five runs.")
def check_early_stopping(my_early_stopping: Callable[[list[float], int], tuple[int, int]]) -> None:
    """Notebook 11: ``my_early_stopping(val_losses, patience)`` returns (best epoch,
    epoch training stops at), counting epochs from 1: stop once ``patience`` epochs in a
    row have not improved on the best loss so far, or at the last epoch."""
    cases = [  # losses, patience, (best, stop): worked out by hand
        ([0.9, 0.7, 0.6, 0.65, 0.7, 0.8, 0.5], 3, (3, 6)),
        ([0.9, 0.7, 0.6, 0.65, 0.7, 0.8, 0.5], 4, (7, 7)),
        ([1.0, 0.8, 0.6, 0.4], 1, (4, 4)),
        ([0.5, 0.5, 0.5], 2, (1, 3)),  # no strict improvement after epoch 1
        ([0.3, 0.4, 0.2, 0.25, 0.26], 2, (3, 5)),
    ]
    for losses, patience, expected in cases:
        got = _call("my_early_stopping", my_early_stopping, list(losses), patience)
        if tuple(got) != expected:
            raise ExerciseError(
                f"for {losses} with patience {patience}: expected (best, stop) = {expected}, "
                f"got {tuple(got)}. Count the epochs without improvement since the best; "
                "a loss equal to the best is no improvement."
            )


# ---------------------------------------------------------- 12. beyond first order


@_checker("Newton's method finds the minima, and a quadratic in one step.")
def check_newton(my_newton: Callable[[Callable[[Value], Value], float, int], float]) -> None:
    """Notebook 12: ``my_newton(f, x0, steps)`` runs ``steps`` Newton steps
    x <- x - f'(x) / f''(x) from x0, with both derivatives from ``autograd.grad``."""
    got = _number(
        "my_newton", _call("my_newton", my_newton, lambda x: 3 * (x - 2) ** 2 + 1, -5.0, 1), "x"
    )
    if not _close(got, 2.0, abs_=1e-9):
        raise ExerciseError(
            f"on 3 (x - 2)^2 + 1 from x0 = -5 one Newton step lands on 2 exactly (the model "
            f"is exact for a quadratic); yours gives {got:.10g}. Step: x - f'(x) / f''(x)."
        )
    cosh = lambda x: ((x - 1).exp() + (1 - x).exp()) / 2  # noqa: E731 (cosh(x - 1))
    quartic = lambda x: x**4 / 4 + x**2 - 3 * x  # noqa: E731 (f' = x^3 + 2x - 3)
    for f, x0, minimum in ((cosh, 2.5, 1.0), (quartic, 3.0, 1.0)):
        got = _number("my_newton", _call("my_newton", my_newton, f, x0, 8), "x")
        if not _close(got, minimum, abs_=1e-8):
            raise ExerciseError(
                f"from x0 = {x0}, 8 Newton steps should reach the minimum at "
                f"{minimum}; yours stop at {got:.10g}"
            )


@_checker("Your H v matches finite differences of the gradient on two functions.")
def check_hessian_vector_product(
    my_hvp: Callable[[Callable[[list[Value]], Value], list[float], list[float]], Sequence[float]],
) -> None:
    """Notebook 12: ``my_hvp(f, point, v)`` returns the Hessian of f at ``point`` times
    the vector ``v``, with two passes of ``autograd.grad`` (no Hessian built)."""

    def f1(xs: list[Value]) -> Value:
        return xs[0] ** 2 * xs[1] + (xs[1] * xs[2]).sin() + xs[2] ** 3

    def f2(xs: list[Value]) -> Value:
        return sum(((a - b) ** 2 + (a * b).tanh() for a, b in itertools.pairwise(xs)), Value(0.0))

    for f, point, v in (
        (f1, [0.5, -1.0, 2.0], [1.0, 0.5, -1.0]),
        (f2, [0.3, -0.2, 0.9, 1.4], [0.2, 1.0, -0.5, 0.3]),
    ):
        got = [
            _number("my_hvp", h, "an entry of H v") for h in _call("my_hvp", my_hvp, f, point, v)
        ]

        def gradient(p: list[float], f: Callable[[list[Value]], Value] = f) -> list[float]:
            leaves = [Value(t) for t in p]
            return [float(g) for g in grad(f(leaves), leaves)]

        h = 1e-5
        up = gradient([p + h * d for p, d in zip(point, v)])
        down = gradient([p - h * d for p, d in zip(point, v)])
        expected = [(u - d) / (2 * h) for u, d in zip(up, down)]
        if len(got) != len(expected) or not all(
            _close(a, b, rel=1e-5, abs_=1e-6) for a, b in zip(got, expected)
        ):
            raise ExerciseError(
                f"H v should be about {[round(e, 6) for e in expected]}, got "
                f"{[round(g, 6) for g in got]}: take the gradient with create_graph=True, "
                "form the sum of gradient_i * v_i, and take the gradient of that"
            )
