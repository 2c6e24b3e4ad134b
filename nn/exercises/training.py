"""Exercises of notebooks 5 to 8: softmax and its cross-entropy gradient, a momentum step,
mini-batches, an initialisation and the critical points of a saddle.

May import: ``autograd``, ``nn`` (its modules and optimizers, as the reference to compare
with, inside the checkers), ``nn.exercises.checking`` and the standard library.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from autograd import GradcheckError, Value, gradcheck
from nn.exercises.checking import ExerciseError, call, checker, close, number, short

__all__ = [
    "check_critical_points",
    "check_cross_entropy_gradient",
    "check_init",
    "check_minibatches",
    "check_momentum_step",
    "check_softmax",
]


# ------------------------------------------------------------------ 5. several classes


@checker("Probabilities that sum to 1, the right gradient, and no overflow at logits of 1000.")
def check_softmax(my_softmax: Callable[[list[Value]], Sequence[Value]]) -> None:
    """Notebook 5: ``my_softmax(logits)`` turns a list of Values into probabilities
    exp(z_k) / sum_j exp(z_j), as Values, for any logits (1000 included)."""
    for logits in ([1.0, 2.0, 3.0], [0.0, 0.0], [-5.0, 4.0, 0.5, 2.0], [1000.0, 999.0, 990.0]):
        out = list(call("my_softmax", my_softmax, [Value(z) for z in logits]))
        top = max(logits)
        total = sum(math.exp(z - top) for z in logits)
        expected = [math.exp(z - top) / total for z in logits]
        got = [number("my_softmax", p, "a probability") for p in out]
        if len(got) != len(logits) or not all(
            close(g, e, abs_=1e-12) for g, e in zip(got, expected)
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


@checker("Your gradient is softmax(z) minus the one-hot target, for every class.")
def check_cross_entropy_gradient(
    my_gradient: Callable[[list[float], int], Sequence[float]],
) -> None:
    """Notebook 5: ``my_gradient(logits, target)`` gives d(cross-entropy)/d(logits) for a
    list of floats and the index of the right class, worked out by hand."""
    from nn import cross_entropy

    for logits, target in (([1.0, 2.0, 3.0], 0), ([0.5, -1.0], 1), ([2.0, 2.0, -3.0, 0.0], 3)):
        got = list(call("my_gradient", my_gradient, list(logits), target))
        z = [Value(v) for v in logits]
        cross_entropy(z, target).backward()
        if len(got) != len(z) or not all(
            close(number("my_gradient", g, "a gradient"), v.grad) for g, v in zip(got, z)
        ):
            raise ExerciseError(
                f"for logits {logits} and class {target} the gradient is "
                f"{[round(v.grad, 6) for v in z]}, you gave {short(got)}. "
                "d/dz_k of -log softmax(z)_t is softmax(z)_k - (1 if k == t else 0)."
            )


# --------------------------------------------------------------------- 6. optimizers


@checker("Five steps agree with nn.SGD(momentum=0.9), PyTorch's formula.")
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
        got = call("my_momentum_step", my_momentum_step, p, g, buf, 0.1, 0.9)
        if not isinstance(got, tuple) or len(got) != 2:
            raise ExerciseError(f"return (new p, new buf), got {short(got)}")
        (x * x - x).backward()
        reference.step()
        x.grad = 0.0
        p, buf = float(got[0]), float(got[1])
        if not close(p, x.data):
            raise ExerciseError(
                f"after step {step}: p should be {x.data:.10g}, yours is {p:.10g}. "
                + (
                    "On the first step the buffer is the gradient itself."
                    if step == 1
                    else "buf = momentum * buf + g, then p = p - lr * buf."
                )
            )


# --------------------------------------------------------------------- 7. batch size


@checker("Each epoch visits every sample once, in shuffled batches of the right size.")
def check_minibatches(
    my_minibatches: Callable[[int, int, random.Random], Sequence[Sequence[int]]],
) -> None:
    """Notebook 7: ``my_minibatches(n, batch_size, rng)`` splits the indices 0..n-1,
    shuffled with ``rng``, into batches of ``batch_size`` (the last may be smaller)."""
    for n, size in ((10, 3), (64, 16), (7, 7), (5, 1), (20, 100)):
        batches = [
            list(b) for b in call("my_minibatches", my_minibatches, n, size, random.Random(n))
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


@checker(
    "Different weights for every neuron, at a scale that keeps the signal through 10 ReLU layers."
)
def check_init(my_init: Callable[[int, random.Random], float]) -> None:
    """Notebook 8: ``my_init(nin, rng)`` draws one weight for a ReLU neuron with ``nin``
    inputs: random (so neurons differ) and scaled so that the signal neither dies nor
    explodes through many layers."""
    rng = random.Random(1)
    draws = [float(call("my_init", my_init, 64, rng)) for _ in range(400)]
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


@checker("Three critical points, each of the right kind.")
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
    got = list(call("my_critical_points", my_critical_points))
    for item in got:
        if not (isinstance(item, tuple) and len(item) == 3):
            raise ExerciseError(f"give each point as (x, y, kind), got {short(item)}")
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
