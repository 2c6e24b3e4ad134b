"""Reference solutions to the notebooks' exercises, and wrong answers students give.

``tests/test_exercises.py`` runs every checker of ``nn.exercises`` on its solution (it
must pass), on the notebook's stub (it must say "not attempted") and on each wrong answer
(it must fail, with a message that helps). Kept out of the notebooks so that students
work them out; a lecturer can read them here.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, grad
from nn import hinge_loss

# ----------------------------------------------------------------- 1. the chain rule


def chain_rule(a: float, b: float, c: float) -> tuple[float, float, float]:
    u = a * b + c  # L = u^2, dL/du = 2u
    return 2 * u * b, 2 * u * a, 2 * u


def chain_rule_without_the_outer_derivative(a: float, b: float, c: float) -> tuple[float, ...]:
    return b, a, 1.0  # du/da, du/db, du/dc: forgets dL/du = 2u


def topological_order(root: Value) -> list[Value]:
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:  # depth first without recursion: a node is added after its parents
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in node.parents if id(p) not in seen)
    return order


def breadth_first_reversed(root: Value) -> list[Value]:
    """Nearest to the root last: a node reached by a short and a long path comes too early."""
    seen, queue, i = [root], [root], 0
    while i < len(queue):
        for parent in queue[i].parents:
            if all(parent is not s for s in seen):
                seen.append(parent)
                queue.append(parent)
        i += 1
    return seen[::-1]


def order_with_duplicates(root: Value) -> list[Value]:
    order: list[Value] = []

    def visit(node: Value) -> None:  # no "seen" set: a shared node is listed once per use
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


# ----------------------------------------------------------- 2. checking gradients


def central_difference(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def forward_difference(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x)) / h


def log_sigmoid(x: Value) -> Value:
    # log sigmoid(x) = -log(1 + e^-x) = -softplus(-x); take exp of -|x| only
    if x.data >= 0:
        return -(1 + (-x).exp()).log()
    return x - (1 + x.exp()).log()


def log_sigmoid_naive(x: Value) -> Value:
    return x.sigmoid().log()  # sigmoid(-1000) is 0.0 and log(0) is a domain error


def log_sigmoid_overflowing(x: Value) -> Value:
    return -(1 + (-x).exp()).log()  # right for x >= 0, but e^1000 overflows at x = -1000


# ------------------------------------------------------------------ 3. neuron to MLP


def neuron(w: Sequence[Value], x: Sequence[Value], b: Value) -> Value:
    total = b
    for wi, xi in zip(w, x):
        total = total + wi * xi
    return total.tanh()


def neuron_through_data(w: Sequence[Value], x: Sequence[Value], b: Value) -> Value:
    return (b + sum(wi.data * xi.data for wi, xi in zip(w, x))).tanh()  # weights leave the graph


def neuron_without_tanh(w: Sequence[Value], x: Sequence[Value], b: Value) -> Value:
    return sum((wi * xi for wi, xi in zip(w, x)), b)


# --------------------------------------------------------------- 4. training on moons


def training_step(model: Any, X: Any, y: Any, optimizer: Any) -> Value:
    loss = hinge_loss([model(x) for x in X], y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def training_step_without_zero_grad(model: Any, X: Any, y: Any, optimizer: Any) -> Value:
    loss = hinge_loss([model(x) for x in X], y)
    loss.backward()  # adds to the gradients left by the previous step
    optimizer.step()
    return loss


def training_step_without_step(model: Any, X: Any, y: Any, optimizer: Any) -> Value:
    loss = hinge_loss([model(x) for x in X], y)
    optimizer.zero_grad()
    loss.backward()
    return loss


# ------------------------------------------------------------------- 5. several classes


def softmax(logits: list[Value]) -> list[Value]:
    top = max(z.data for z in logits)  # a constant: shifting every logit changes nothing
    exps = [(z - top).exp() for z in logits]
    total = sum(exps, Value(0.0))
    return [e / total for e in exps]


def softmax_naive(logits: list[Value]) -> list[Value]:
    exps = [z.exp() for z in logits]  # e^1000 is inf, and inf / inf is nan
    total = sum(exps, Value(0.0))
    return [e / total for e in exps]


def softmax_detached_total(logits: list[Value]) -> list[Value]:
    top = max(z.data for z in logits)
    exps = [(z - top).exp() for z in logits]
    total = sum(e.data for e in exps)  # the denominator leaves the graph: wrong gradient
    return [e / total for e in exps]


def cross_entropy_gradient(logits: list[float], target: int) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total - (1.0 if k == target else 0.0) for k, e in enumerate(exps)]


def cross_entropy_gradient_sign_flipped(logits: list[float], target: int) -> list[float]:
    return [-g for g in cross_entropy_gradient(logits, target)]


# ------------------------------------------------------------------------ 6. optimizers


def momentum_step(
    p: float, g: float, buf: float | None, lr: float, momentum: float
) -> tuple[float, float]:
    buf = g if buf is None else momentum * buf + g
    return p - lr * buf, buf


def momentum_step_damped(
    p: float, g: float, buf: float | None, lr: float, momentum: float
) -> tuple[float, float]:
    buf = g if buf is None else momentum * buf + (1 - momentum) * g  # dampening = momentum
    return p - lr * buf, buf


def momentum_step_as_ema(
    p: float, g: float, buf: float | None, lr: float, momentum: float
) -> tuple[float, float]:
    buf = (1 - momentum) * g if buf is None else momentum * buf + (1 - momentum) * g
    return p - lr * buf, buf  # an average (Adam's first moment), not PyTorch's sum


# ------------------------------------------------------------------------ 7. batch size


def minibatches(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    order = list(range(n))
    rng.shuffle(order)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def minibatches_in_order(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    return [list(range(i, min(i + batch_size, n))) for i in range(0, n, batch_size)]


def minibatches_with_replacement(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    return [
        [rng.randrange(n) for _ in range(min(batch_size, n - i))] for i in range(0, n, batch_size)
    ]


def minibatches_dropping_the_rest(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    order = list(range(n))
    rng.shuffle(order)
    return [order[i : i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


# -------------------------------------------------- 8. local minima and initialisation


def he_init(nin: int, rng: random.Random) -> float:
    return rng.gauss(0.0, math.sqrt(2.0 / nin))  # Var(w) = 2 / nin


def constant_init(nin: int, rng: random.Random) -> float:
    return 0.1


def micrograd_init(nin: int, rng: random.Random) -> float:
    return rng.uniform(-1, 1)  # Var = 1/3: too large for 64 inputs, the signal explodes


def tiny_init(nin: int, rng: random.Random) -> float:
    return rng.gauss(0.0, 0.01)  # the signal vanishes


def critical_points() -> list[tuple[float, float, str]]:
    # df/dx = 2x = 0 and df/dy = -2y + y^3 = y (y^2 - 2) = 0: y = 0 or y = +-sqrt(2)
    # f_xx = 2, f_yy = -2 + 3 y^2: at y = 0 it is -2 (a saddle), at y^2 = 2 it is 4 (minima)
    r = math.sqrt(2)
    return [(0.0, 0.0, "saddle"), (0.0, r, "minimum"), (0.0, -r, "minimum")]


def critical_points_missing_one() -> list[tuple[float, float, str]]:
    return [(0.0, 0.0, "saddle"), (0.0, math.sqrt(2), "minimum")]


def critical_points_saddle_as_maximum() -> list[tuple[float, float, str]]:
    r = math.sqrt(2)
    return [(0.0, 0.0, "maximum"), (0.0, r, "minimum"), (0.0, -r, "minimum")]


# ---------------------------------------------------------------------- 9. activations


def swish(x: Value) -> Value:
    return x * x.sigmoid()


def swish_overflowing(x: Value) -> Value:
    return x / (1 + (-x).exp())  # e^1000 overflows at x = -1000


def swish_without_gradient_through_sigmoid(x: Value) -> Value:
    return x * x.sigmoid().data


# ------------------------------------------------------------------------ 10. clipping


def clip_by_norm(grads: list[float], max_norm: float) -> list[float]:
    norm = math.sqrt(sum(g * g for g in grads))
    if norm <= max_norm:
        return list(grads)
    return [g * max_norm / norm for g in grads]


def clip_each_value(grads: list[float], max_norm: float) -> list[float]:
    return [min(max(g, -max_norm), max_norm) for g in grads]  # clip_grad_value_: turns them


def clip_always(grads: list[float], max_norm: float) -> list[float]:
    norm = math.sqrt(sum(g * g for g in grads)) or 1.0
    return [g * max_norm / norm for g in grads]  # also lengthens short gradients


# --------------------------------------------------------------------- 11. overfitting


def early_stopping(
    val_losses: list[float], patience: int, ties_improve: bool = False, one_late: bool = False
) -> tuple[int, int]:
    """The solution; the two flags make the two classic wrong answers below."""
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best or (ties_improve and loss == best):
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited > patience or (waited == patience and not one_late):
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def early_stopping_counting_ties(val_losses: list[float], patience: int) -> tuple[int, int]:
    return early_stopping(val_losses, patience, ties_improve=True)  # a tie is no improvement


def early_stopping_one_late(val_losses: list[float], patience: int) -> tuple[int, int]:
    return early_stopping(val_losses, patience, one_late=True)  # waits patience + 1 epochs


# ------------------------------------------------------------ 12. beyond first order


def newton(f: Callable[[Value], Value], x0: float, steps: int) -> float:
    x = x0
    for _ in range(steps):
        v = Value(x)
        (d1,) = grad(f(v), [v], create_graph=True)
        (d2,) = grad(d1, [v])
        x = x - d1.data / float(d2)
    return x


def gradient_descent_instead(f: Callable[[Value], Value], x0: float, steps: int) -> float:
    x = x0
    for _ in range(steps):
        v = Value(x)
        (d1,) = grad(f(v), [v])
        x = x - 0.1 * float(d1)
    return x


def hessian_vector_product(
    f: Callable[[list[Value]], Value], point: list[float], v: list[float]
) -> list[float]:
    xs = [Value(p) for p in point]
    gradient = grad(f(xs), xs, create_graph=True)
    directional = sum((g * vi for g, vi in zip(gradient, v)), Value(0.0))
    return [float(h) for h in grad(directional, xs, materialize_grads=True)]


def gradient_instead_of_hvp(
    f: Callable[[list[Value]], Value], point: list[float], v: list[float]
) -> list[float]:
    xs = [Value(p) for p in point]
    return [float(g) * vi for g, vi in zip(grad(f(xs), xs), v)]


# ---------------------------------------------------------- 13. backprop is a program


def backward_program(
    x: float, y: float, z: float, sin_for_cos: bool = False, one_factor: bool = False
) -> tuple[float, tuple[float, float, float]]:
    """The solution; the two flags make the two classic wrong answers below."""
    v1 = x * y
    v2 = math.sin(v1)
    v3 = math.exp(z)
    v4 = v2 * v3
    grad_v4 = 1.0
    grad_v2 = grad_v4 if one_factor else grad_v4 * v3  # d(a * b)/da = b
    grad_v3 = grad_v4 * v2  # d(a * b)/db = a
    grad_z = grad_v3 * v3  # d exp(a)/da = exp(a)
    grad_v1 = grad_v2 * (math.sin(v1) if sin_for_cos else math.cos(v1))  # d sin(a)/da = cos(a)
    grad_x = grad_v1 * y  # d(a * b)/da = b
    grad_y = grad_v1 * x  # d(a * b)/db = a
    return v4, (grad_x, grad_y, grad_z)


def backward_program_sin_for_cos(x: float, y: float, z: float) -> Any:
    return backward_program(x, y, z, sin_for_cos=True)


def backward_program_forgetting_the_other_factor(x: float, y: float, z: float) -> Any:
    return backward_program(x, y, z, one_factor=True)  # grad_v2 = grad_v4, not grad_v4 * v3


def reused_gradient(x: float, w: float, keep: str = "both") -> tuple[float, tuple[float, float]]:
    """The solution; ``keep`` "outer" or "inner" overwrites instead of adding (wrong)."""
    v1 = x * w
    v2 = math.tanh(v1)
    v3 = v2 * w
    grad_v3 = 1.0
    grad_v2 = grad_v3 * w  # d(a * b)/da = b
    grad_w = grad_v3 * v2  # d(a * b)/db = a: w's use as the outer factor
    grad_v1 = grad_v2 * (1 - v2 * v2)  # d tanh(a)/da = 1 - tanh(a)^2
    grad_x = grad_v1 * w  # d(a * b)/da = b
    inner = grad_v1 * x  # d(a * b)/db = a: w's use inside tanh
    if keep == "both":
        grad_w += inner
    elif keep == "inner":
        grad_w = inner
    return v3, (grad_x, grad_w)


def reused_gradient_outer_use_only(x: float, w: float) -> Any:
    return reused_gradient(x, w, keep="outer")


def reused_gradient_overwritten(x: float, w: float) -> Any:
    return reused_gradient(x, w, keep="inner")  # = where += belongs: the outer share is lost


# checker name -> (solution, wrong answers with a fragment their message must contain)
SOLUTIONS: dict[str, tuple[Callable[..., Any], list[tuple[Callable[..., Any], str]]]] = {
    "check_chain_rule": (chain_rule, [(chain_rule_without_the_outer_derivative, "dL/du = 2u")]),
    "check_topological_order": (
        topological_order,
        [(breadth_first_reversed, "comes before its parent"), (order_with_duplicates, "twice")],
    ),
    "check_central_difference": (central_difference, [(forward_difference, "both ways")]),
    "check_log_sigmoid": (
        log_sigmoid,
        [
            (log_sigmoid_naive, "Value(-1000.0)) raised ValueError"),
            (log_sigmoid_overflowing, "exp of a negative number"),
        ],
    ),
    "check_neuron": (
        neuron,
        [(neuron_through_data, "no .data inside"), (neuron_without_tanh, "expected tanh")],
    ),
    "check_training_step": (
        training_step,
        [
            (training_step_without_zero_grad, "zero the gradients"),
            (training_step_without_step, "call optimizer.step()"),
        ],
    ),
    "check_softmax": (
        softmax,
        [(softmax_naive, "subtract the largest logit"), (softmax_detached_total, "gradient")],
    ),
    "check_cross_entropy_gradient": (
        cross_entropy_gradient,
        [(cross_entropy_gradient_sign_flipped, "softmax(z)_k - (1 if k == t")],
    ),
    "check_momentum_step": (
        momentum_step,
        [
            (momentum_step_as_ema, "first step the buffer is the gradient"),
            (momentum_step_damped, "buf = momentum * buf + g"),
        ],
    ),
    "check_minibatches": (
        minibatches,
        [
            (minibatches_in_order, "shuffle"),
            (minibatches_with_replacement, "exactly once"),
            (minibatches_dropping_the_rest, "exactly once"),
        ],
    ),
    "check_init": (
        he_init,
        [(constant_init, "at random"), (micrograd_init, "explodes"), (tiny_init, "vanishes")],
    ),
    "check_critical_points": (
        critical_points,
        [
            (critical_points_missing_one, "there are 3"),
            (critical_points_saddle_as_maximum, "saddle"),
        ],
    ),
    "check_swish": (
        swish,
        [(swish_overflowing, "x=-1000"), (swish_without_gradient_through_sigmoid, "gradient")],
    ),
    "check_clip_by_norm": (
        clip_by_norm,
        [(clip_each_value, "direction changed"), (clip_always, "only shorten")],
    ),
    "check_early_stopping": (
        early_stopping,
        [
            (early_stopping_counting_ties, "equal to the best"),
            (early_stopping_one_late, "patience 3"),
        ],
    ),
    "check_newton": (newton, [(gradient_descent_instead, "x - f'(x) / f''(x)")]),
    "check_hessian_vector_product": (
        hessian_vector_product,
        [(gradient_instead_of_hvp, "create_graph=True")],
    ),
    "check_backward_program": (
        backward_program,
        [
            (backward_program_sin_for_cos, "derivative of sin(a) is cos(a)"),
            (backward_program_forgetting_the_other_factor, "other factor of the product"),
        ],
    ),
    "check_reused_gradient": (
        reused_gradient,
        [
            (reused_gradient_outer_use_only, "grad_w += grad_v1 * x"),
            (reused_gradient_overwritten, "do not overwrite"),
        ],
    ),
}
