"""Cross-check against real PyTorch, where it is installed (it is not a dependency: in a
plain ``make test`` this module is skipped). Run it in an environment with torch and
chainrule's sources on the path: ``python -m pytest tests/test_nn_torch_crosscheck.py``."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value
from nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    clip_grad_norm_,
    cross_entropy,
    mse_loss,
)
from nn import optim as ours
from nn.optim import lr_scheduler as our_schedulers

torch = pytest.importorskip("torch")

OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.03, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.05, betas=(0.5, 0.99), eps=1e-6, amsgrad=True)),
]


def close(a: float, b: float, rel: float = 1e-10) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


@pytest.mark.parametrize(("name", "kwargs"), OPTIMIZERS)
def test_optimizer_trajectories_match_pytorch(name: str, kwargs: dict[str, Any]) -> None:
    rng = random.Random(hash(name) % 1000)
    start = [rng.uniform(-2, 2) for _ in range(5)]
    grads = [[rng.gauss(0, 1) for _ in start] for _ in range(20)]
    mine = [Value(x) for x in start]
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt_mine = getattr(ours, name)(mine, **kwargs)
    opt_theirs = getattr(torch.optim, name)([theirs], **kwargs)
    for g in grads:
        for p, gi in zip(mine, g):
            p.grad = gi
        theirs.grad = torch.tensor(g, dtype=torch.float64)
        opt_mine.step()
        opt_theirs.step()
    assert all(close(p.data, t) for p, t in zip(mine, theirs.tolist()))


SCHEDULERS: list[tuple[str, dict[str, Any]]] = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=10)),
]


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULERS)
def test_scheduler_learning_rates_match_pytorch(name: str, kwargs: dict[str, Any]) -> None:
    mine = ours.SGD([Value(0.0)], lr=0.5)
    theirs = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    s_mine = getattr(our_schedulers, name)(mine, **kwargs)
    s_theirs = getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs)
    for _ in range(25):
        assert close(mine.param_groups[0]["lr"], theirs.param_groups[0]["lr"], 1e-9)
        mine.step()
        theirs.step()
        s_mine.step()
        s_theirs.step()


F = torch.nn.functional


def both(
    ours_fn: Callable[..., Value], theirs_fn: Callable[..., Any], xs: list[Any], target: Any
) -> None:
    mine = [Value(x) for x in xs]
    loss = ours_fn(mine, target)
    loss.backward()
    t = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    reference = theirs_fn(t, target)
    reference.backward()
    assert close(loss.data, reference.item(), 1e-12)
    assert all(close(p.grad, g, 1e-9) for p, g in zip(mine, t.grad.tolist()))


def test_losses_match_pytorch() -> None:
    rng = random.Random(0)
    for _ in range(20):
        xs = [rng.uniform(-30, 30) for _ in range(4)]
        ts = [rng.choice([0.0, 1.0, 0.3]) for _ in xs]
        both(binary_cross_entropy_with_logits, lambda t, y: F.binary_cross_entropy_with_logits(
            t, torch.tensor(y, dtype=torch.float64)), xs, ts)  # fmt: skip
        both(mse_loss, lambda t, y: F.mse_loss(t, torch.tensor(y, dtype=torch.float64)), xs, ts)
        ps = [rng.uniform(0.001, 0.999) for _ in xs]
        both(binary_cross_entropy, lambda t, y: F.binary_cross_entropy(
            t, torch.tensor(y, dtype=torch.float64)), ps, ts)  # fmt: skip
        k = rng.randrange(4)
        both(cross_entropy, lambda t, y: F.cross_entropy(t[None], torch.tensor([y])), xs, k)


def test_clip_grad_norm_matches_pytorch() -> None:
    for norm_type in (2.0, 1.0, math.inf):
        grads = [3.0, -4.0, 0.5]
        mine = [Value(0.0) for _ in grads]
        for p, g in zip(mine, grads):
            p.grad = g
        t = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        t.grad = torch.tensor(grads, dtype=torch.float64)
        total_mine = clip_grad_norm_(mine, 1.5, norm_type=norm_type)
        total_theirs = torch.nn.utils.clip_grad_norm_([t], 1.5, norm_type=norm_type)
        assert close(total_mine, total_theirs.item(), 1e-12)
        assert all(close(p.grad, g, 1e-12) for p, g in zip(mine, t.grad.tolist()))
