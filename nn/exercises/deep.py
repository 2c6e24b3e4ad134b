"""Exercises of notebooks 9 to 13: swish, clipping by norm, early stopping, Newton's method,
a Hessian-vector product, and backward programs written by hand.

May import: ``autograd``, ``nn`` (its modules and optimizers, as the reference to compare
with, inside the checkers), ``nn.exercises.checking`` and the standard library.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from autograd import GradcheckError, Value, grad, gradcheck
from nn.exercises.checking import ExerciseError, call, checker, close, number, short

__all__ = [
    "check_backward_program",
    "check_clip_by_norm",
    "check_early_stopping",
    "check_hessian_vector_product",
    "check_newton",
    "check_reused_gradient",
    "check_swish",
]


# ------------------------------------------------------------------ 9. activations


@checker("swish(x) = x * sigmoid(x): values and gradients right from -1000 to 1000.")
def check_swish(my_swish: Callable[[Value], Value]) -> None:
    """Notebook 9: ``my_swish(x)``, the activation x * sigmoid(x) (SiLU), from Value ops,
    finite with the right gradient for every x."""
    for x in (-1000.0, -40.0, -3.0, -0.5, 0.0, 0.5, 2.0, 40.0, 1000.0):
        out = call("my_swish", my_swish, Value(x))
        if not isinstance(out, Value):
            raise ExerciseError(f"my_swish should return a Value, got {short(out)}")
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        if not close(out.data, x * s, abs_=1e-12):
            raise ExerciseError(f"swish({x:g}) should be {x * s:.10g}, yours gives {out.data:.10g}")
        try:
            gradcheck(my_swish, [x])
        except GradcheckError as error:
            hint = ": an exp that overflows to inf makes a nan gradient" if abs(x) > 700 else ""
            raise ExerciseError(f"at x={x:g} the gradient is wrong{hint}\n{error}") from None


# ------------------------------------------------------------------- 10. clipping


@checker("Long gradients are shortened to max_norm, keeping their direction; short ones are kept.")
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
            number("my_clip", g, "a gradient")
            for g in call("my_clip", my_clip, list(grads), max_norm)
        ]
        norm = math.hypot(*grads)
        scale = min(1.0, max_norm / norm) if norm else 1.0
        expected = [g * scale for g in grads]
        if len(got) != len(grads) or not all(
            close(a, b, rel=1e-5, abs_=1e-9) for a, b in zip(got, expected)
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


@checker("The best epoch and the stopping epoch are right in all five runs.")
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
        got = call("my_early_stopping", my_early_stopping, list(losses), patience)
        if tuple(got) != expected:
            raise ExerciseError(
                f"for {losses} with patience {patience}: expected (best, stop) = {expected}, "
                f"got {tuple(got)}. Count the epochs without improvement since the best; "
                "a loss equal to the best is no improvement."
            )


# ---------------------------------------------------------- 12. beyond first order


@checker("Newton's method finds the minima, and a quadratic in one step.")
def check_newton(my_newton: Callable[[Callable[[Value], Value], float, int], float]) -> None:
    """Notebook 12: ``my_newton(f, x0, steps)`` runs ``steps`` Newton steps
    x <- x - f'(x) / f''(x) from x0, with both derivatives from ``autograd.grad``."""
    got = number(
        "my_newton", call("my_newton", my_newton, lambda x: 3 * (x - 2) ** 2 + 1, -5.0, 1), "x"
    )
    if not close(got, 2.0, abs_=1e-9):
        raise ExerciseError(
            f"on 3 (x - 2)^2 + 1 from x0 = -5 one Newton step lands on 2 exactly (the model "
            f"is exact for a quadratic); yours gives {got:.10g}. Step: x - f'(x) / f''(x)."
        )
    cosh = lambda x: ((x - 1).exp() + (1 - x).exp()) / 2  # noqa: E731 (cosh(x - 1))
    quartic = lambda x: x**4 / 4 + x**2 - 3 * x  # noqa: E731 (f' = x^3 + 2x - 3)
    for f, x0, minimum in ((cosh, 2.5, 1.0), (quartic, 3.0, 1.0)):
        got = number("my_newton", call("my_newton", my_newton, f, x0, 8), "x")
        if not close(got, minimum, abs_=1e-8):
            raise ExerciseError(
                f"from x0 = {x0}, 8 Newton steps should reach the minimum at "
                f"{minimum}; yours stop at {got:.10g}"
            )


@checker("Your H v matches finite differences of the gradient on two functions.")
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
        got = [number("my_hvp", h, "an entry of H v") for h in call("my_hvp", my_hvp, f, point, v)]

        def gradient(p: list[float], f: Callable[[list[Value]], Value] = f) -> list[float]:
            leaves = [Value(t) for t in p]
            return [float(g) for g in grad(f(leaves), leaves)]

        h = 1e-5
        up = gradient([p + h * d for p, d in zip(point, v)])
        down = gradient([p - h * d for p, d in zip(point, v)])
        expected = [(u - d) / (2 * h) for u, d in zip(up, down)]
        if len(got) != len(expected) or not all(
            close(a, b, rel=1e-5, abs_=1e-6) for a, b in zip(got, expected)
        ):
            raise ExerciseError(
                f"H v should be about {[round(e, 6) for e in expected]}, got "
                f"{[round(g, 6) for g in got]}: take the gradient with create_graph=True, "
                "form the sum of gradient_i * v_i, and take the gradient of that"
            )


# ------------------------------------------------------ 13. backprop is a program


def _value_and_grads(name: str, fn: Callable[..., object], args: tuple[float, ...]) -> list[float]:
    """The student's program at ``args``: [value, one gradient per input], as numbers."""
    result = call(name, fn, *args)
    try:
        value, grads = result
        grads = list(grads)
    except (TypeError, ValueError):
        raise ExerciseError(
            f"{name} should return (value, (gradients...)), as a traced program does; "
            f"got {short(result)}"
        ) from None
    if len(grads) != len(args):
        raise ExerciseError(
            f"{name} should return {len(args)} gradients, one per input, got {len(grads)}"
        )
    return [number(name, value, "the value")] + [number(name, g, "a gradient") for g in grads]


@checker("Your backward program of sin(x y) e^z gives the right value and all three gradients.")
def check_backward_program(my_backward: Callable[[float, float, float], object]) -> None:
    """Notebook 13: ``my_backward(x, y, z)`` is the traced program of
    f(x, y, z) = sin(x y) exp(z), written by hand over floats: (f, (df/dx, df/dy, df/dz))."""
    for x, y, z in ((0.5, -1.2, 0.3), (2.0, 0.7, -1.0), (-1.3, 2.2, 0.0), (0.0, 3.0, 1.5)):
        got = _value_and_grads("my_backward", my_backward, (x, y, z))
        s, c, e = math.sin(x * y), math.cos(x * y), math.exp(z)
        expected = [s * e, c * y * e, c * x * e, s * e]  # worked out by hand
        others = (None, y, x, None)  # the factor the chain rule brings to df/dx, df/dy
        for name, g, want, other in zip(("f", "df/dx", "df/dy", "df/dz"), got, expected, others):
            if close(g, want, abs_=1e-12):
                continue
            if name == "f":
                hint = "the forward pass: v1 = x * y, v2 = sin(v1), v3 = exp(z), v4 = v2 * v3"
            elif name == "df/dz":
                hint = (
                    "grad_v3 = grad_v4 * v2 (the other factor of the product), then "
                    "grad_z = grad_v3 * v3, since d exp(a)/da = exp(a)"
                )
            elif other is not None and close(g, c * other, abs_=1e-12):
                hint = (
                    "the gradient arriving at sin(x * y) is the other factor of the product, "
                    "grad_v2 = grad_v4 * v3 = exp(z): multiply by it"
                )
            elif other is not None and close(g, s * other * e, abs_=1e-12):
                hint = "the local derivative of sin(a) is cos(a): grad_v1 = grad_v2 * cos(v1)"
            else:
                hint = (
                    "grad_v1 = grad_v2 * cos(v1), then grad_x = grad_v1 * y and "
                    "grad_y = grad_v1 * x"
                )
            raise ExerciseError(
                f"at (x, y, z) = ({x}, {y}, {z}) {name} should be {want:.10g}, yours gives "
                f"{g:.10g}: {hint}"
            )


@checker("w is used twice, and its gradient adds both uses: that is the +=.")
def check_reused_gradient(my_backward: Callable[[float, float], object]) -> None:
    """Notebook 13: ``my_backward(x, w)`` is the traced program of g(x, w) = tanh(x w) w,
    by hand: (g, (dg/dx, dg/dw)), w's gradient collected from both its uses."""
    for x, w in ((0.5, 2.0), (-1.0, 0.7), (1.5, -1.2), (2.0, -0.4)):
        got = _value_and_grads("my_backward_reusing_w", my_backward, (x, w))
        t = math.tanh(x * w)
        outer, inner = t, (1 - t * t) * x * w  # dg/dw: w as the outer factor, w inside tanh
        expected = [t * w, (1 - t * t) * w * w, outer + inner]
        value, dx, dw = got
        where = f"at (x, w) = ({x}, {w})"
        if not close(value, expected[0], abs_=1e-12):
            raise ExerciseError(
                f"{where} g should be {expected[0]:.10g}, yours gives {value:.10g}: "
                "the forward pass is v1 = x * w, v2 = tanh(v1), v3 = v2 * w"
            )
        if not close(dx, expected[1], abs_=1e-12):
            raise ExerciseError(
                f"{where} dg/dx should be {expected[1]:.10g}, yours gives {dx:.10g}: "
                "grad_v2 = grad_v3 * w, grad_v1 = grad_v2 * (1 - v2 * v2), grad_x = grad_v1 * w"
            )
        if close(dw, expected[2], abs_=1e-12):
            continue
        if close(dw, outer, abs_=1e-12):
            hint = (
                "that is only w's use as the outer factor (tanh(x w)); w is used inside tanh "
                "too: add that use's share, grad_w += grad_v1 * x"
            )
        elif close(dw, inner, abs_=1e-12):
            hint = (
                "that is only w's use inside tanh; w is also the outer factor, whose share is "
                "grad_v3 * v2: add the two with +=, do not overwrite one with the other"
            )
        else:
            hint = "w is used twice: its gradient is the sum of both uses' shares (+=)"
        raise ExerciseError(
            f"{where} dg/dw should be {expected[2]:.10g}, yours gives {dw:.10g}: {hint}"
        )
