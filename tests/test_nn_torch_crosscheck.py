"""Cross-check against real PyTorch (torch 2.13, float64), where it is installed. It is no
dependency of chainrule, so in a plain ``make test`` this module is skipped; to run it:
``.venv/bin/pip install torch==2.13.0`` and ``.venv/bin/python -m pytest
tests/test_nn_torch_crosscheck.py``."""

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

torch = pytest.importorskip("torch", reason="PyTorch is not installed (it is optional)")

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


# -- losses with their options, at the edges (issues 10 and 13) ----------------------------
def grads_close(mine: list[Value], theirs: Any, rel: float = 1e-12) -> None:
    for p, g in zip(mine, theirs.grad.flatten().tolist()):
        assert math.isclose(p.grad, g, rel_tol=rel, abs_tol=1e-300) or abs(p.grad - g) <= rel * max(
            1.0, abs(g)
        ), (p.data, p.grad, g)


def value_close(a: float, b: float) -> None:
    assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15), (a, b)


def compare_and_backward(loss: Any, reference: Any) -> None:
    """The loss values agree (each one, for reduction="none"); then backward on both."""
    if isinstance(loss, list):
        for m, r in zip(loss, reference.tolist(), strict=True):
            value_close(m.data, r)
        total = loss[0]
        for m in loss[1:]:
            total = total + m
        total.backward()
        reference.sum().backward()
    else:
        value_close(loss.data, reference.item())
        loss.backward()
        reference.backward()


EDGE_PROBABILITIES = [
    0.0,
    1e-300,
    1e-15,
    1e-13,
    5e-13,
    1e-12,
    2e-12,
    1e-10,
    1e-4,
    0.3,
    0.5,
    0.9,
    1 - 1e-4,
    1 - 1e-10,
    1 - 2e-12,
    1 - 1e-12,
    1 - 1e-13,
    1 - 2**-53,
    1.0,
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
def test_bce_on_a_grid_including_the_clamp_matches_pytorch(reduction: str, t: float) -> None:
    ps = EDGE_PROBABILITIES
    weight = [1.0 + (i % 3) for i in range(len(ps))]
    for w in (None, weight):
        mine = [Value(p) for p in ps]
        loss = binary_cross_entropy(mine, [t] * len(ps), weight=w, reduction=reduction)
        theirs = torch.tensor(ps, dtype=torch.float64, requires_grad=True)
        reference = F.binary_cross_entropy(
            theirs,
            torch.full_like(theirs, t),
            reduction=reduction,
            weight=None if w is None else torch.tensor(w, dtype=torch.float64),
        )
        compare_and_backward(loss, reference)
        grads_close(mine, theirs)


def test_bce_with_logits_options_match_pytorch() -> None:
    xs = [-1000.0, -30.0, -2.0, -1e-3, 0.0, 1e-3, 2.0, 30.0, 1000.0]
    ts = [0.0, 0.3, 1.0] * 3
    for pos_weight in (None, 3.0, 0.25):
        for weight in (None, [float(1 + i % 4) for i in range(len(xs))]):
            for reduction in ("mean", "sum"):
                mine = [Value(x) for x in xs]
                loss = binary_cross_entropy_with_logits(
                    mine, ts, weight=weight, reduction=reduction, pos_weight=pos_weight
                )
                loss.backward()
                theirs = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
                reference = F.binary_cross_entropy_with_logits(
                    theirs,
                    torch.tensor(ts, dtype=torch.float64),
                    reduction=reduction,
                    weight=None if weight is None else torch.tensor(weight, dtype=torch.float64),
                    pos_weight=None
                    if pos_weight is None
                    else torch.tensor(pos_weight, dtype=torch.float64),
                )
                reference.backward()
                value_close(loss.data, reference.item())
                grads_close(mine, theirs)
    # several outputs per sample, one pos_weight per output (the last dimension)
    batch = [[0.5, -1.0, 2.0], [-0.3, 0.8, 0.0]]
    targets = [[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]]
    mine = [[Value(x) for x in row] for row in batch]
    loss = binary_cross_entropy_with_logits(mine, targets, pos_weight=[2.0, 0.5, 1.0])
    loss.backward()
    theirs = torch.tensor(batch, dtype=torch.float64, requires_grad=True)
    reference = F.binary_cross_entropy_with_logits(
        theirs,
        torch.tensor(targets, dtype=torch.float64),
        pos_weight=torch.tensor([2.0, 0.5, 1.0], dtype=torch.float64),
    )
    reference.backward()
    value_close(loss.data, reference.item())
    grads_close([v for row in mine for v in row], theirs)


CROSS_ENTROPY_OPTIONS: list[dict[str, Any]] = [
    {},
    {"weight": [0.2, 1.0, 3.0, 0.5]},
    {"ignore_index": 2},
    {"label_smoothing": 0.1},
    {"weight": [0.2, 1.0, 3.0, 0.5], "label_smoothing": 0.3},
    {"weight": [0.2, 1.0, 3.0, 0.5], "ignore_index": 1, "label_smoothing": 0.25},
    {"ignore_index": 0, "label_smoothing": 1.0},
]


@pytest.mark.parametrize("options", CROSS_ENTROPY_OPTIONS)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_options_match_pytorch(options: dict[str, Any], reduction: str) -> None:
    rng = random.Random(7)
    for _ in range(5):
        batch = [[rng.uniform(-20, 20) for _ in range(4)] for _ in range(6)]
        labels = [rng.randrange(4) for _ in batch]
        labels[0] = 3  # never all ignored
        mine = [[Value(z) for z in row] for row in batch]
        loss = cross_entropy(mine, labels, reduction=reduction, **options)
        theirs = torch.tensor(batch, dtype=torch.float64, requires_grad=True)
        torch_options = dict(options)
        if "weight" in options:
            torch_options["weight"] = torch.tensor(options["weight"], dtype=torch.float64)
        reference = F.cross_entropy(
            theirs, torch.tensor(labels), reduction=reduction, **torch_options
        )
        compare_and_backward(loss, reference)
        grads_close([v for row in mine for v in row], theirs)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"weight": [0.2, 1.0, 3.0]},
        {"label_smoothing": 0.2},
        {"weight": [0.2, 1.0, 3.0], "label_smoothing": 0.5},
    ],
)
def test_cross_entropy_with_probability_targets_matches_pytorch(options: dict[str, Any]) -> None:
    batch = [[1.0, -2.0, 0.5], [3.0, 0.0, -1.0], [0.1, 0.2, 0.3]]
    targets = [[0.2, 0.5, 0.3], [0.0, 1.0, 0.0], [1 / 3, 1 / 3, 1 / 3]]
    for reduction in ("mean", "sum"):
        mine = [[Value(z) for z in row] for row in batch]
        loss = cross_entropy(mine, targets, reduction=reduction, **options)
        loss.backward()
        theirs = torch.tensor(batch, dtype=torch.float64, requires_grad=True)
        torch_options = dict(options)
        if "weight" in options:
            torch_options["weight"] = torch.tensor(options["weight"], dtype=torch.float64)
        reference = F.cross_entropy(
            theirs, torch.tensor(targets, dtype=torch.float64), reduction=reduction, **torch_options
        )
        reference.backward()
        value_close(loss.data, reference.item())
        grads_close([v for row in mine for v in row], theirs)
    single = cross_entropy([Value(z) for z in batch[0]], targets[0], **options)
    value_close(
        single.data,
        F.cross_entropy(
            torch.tensor(batch[0], dtype=torch.float64),
            torch.tensor(targets[0], dtype=torch.float64),
            **{
                k: torch.tensor(v, dtype=torch.float64) if k == "weight" else v
                for k, v in options.items()
            },
        ).item(),
    )


def test_mse_on_several_outputs_matches_pytorch() -> None:
    batch, targets = [[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]], [[0.0, 1.0], [1.5, 0.0], [1.0, -1.0]]
    for reduction in ("mean", "sum"):
        mine = [[Value(x) for x in row] for row in batch]
        loss = mse_loss(mine, targets, reduction=reduction)
        loss.backward()
        theirs = torch.tensor(batch, dtype=torch.float64, requires_grad=True)
        reference = F.mse_loss(
            theirs, torch.tensor(targets, dtype=torch.float64), reduction=reduction
        )
        reference.backward()
        value_close(loss.data, reference.item())
        grads_close([v for row in mine for v in row], theirs)
