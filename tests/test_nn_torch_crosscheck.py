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

torch = pytest.importorskip("torch")

# optimizers and schedulers: tests/test_nn_torch_optim.py


def close(a: float, b: float, rel: float = 1e-10) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


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
