"""Optimizers and learning-rate schedulers against real PyTorch (float64), step by step.

torch is no dependency of chainrule: without it this module is skipped, visibly. To run
it: ``.venv/bin/pip install torch==2.13.0``. Every scheduler runs 30 steps alone, in
pairs on one optimizer (chained), and after a rate set by hand; the rates (and the
momentum that OneCycleLR and CyclicLR cycle) must match torch's at every step.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value
from nn import optim as ours
from nn.optim import lr_scheduler as our_schedulers

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # torch's step-order hints

Factory = Callable[[Any, Any], Any]  # (scheduler module, optimizer) -> scheduler

# schedulers that compose by multiplying the current rate (and LambdaLR, which does not)
CHAINABLE: dict[str, Factory] = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[2, 5, 5, 11], gamma=0.7),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=4),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=7),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=12, power=2.0),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.95 if e % 2 else 1.0),
}
OTHERS: dict[str, Factory] = {
    "LambdaLR": lambda m, o: m.LambdaLR(o, lambda e: 1 / (1 + e)),
    "CosineAnnealingWarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(
        o, T_0=4, T_mult=2, eta_min=0.001
    ),
    "CyclicLR": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.4, step_size_up=4),
    "CyclicLR-triangular2": lambda m, o: m.CyclicLR(
        o, base_lr=0.01, max_lr=0.4, step_size_up=3, step_size_down=5, mode="triangular2"
    ),
    "CyclicLR-exp_range": lambda m, o: m.CyclicLR(
        o, base_lr=0.01, max_lr=0.4, step_size_up=3, mode="exp_range", gamma=0.97
    ),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=0.8, total_steps=31),
    "OneCycleLR-linear-3": lambda m, o: m.OneCycleLR(
        o, max_lr=0.8, epochs=4, steps_per_epoch=8, anneal_strategy="linear", three_phase=True
    ),
    "SequentialLR": lambda m, o: m.SequentialLR(
        o,
        [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, gamma=0.8)],
        milestones=[5],
    ),
    "SequentialLR-3": lambda m, o: m.SequentialLR(
        o,
        [
            m.ConstantLR(o, factor=0.5, total_iters=3),
            m.CosineAnnealingLR(o, T_max=6),
            m.StepLR(o, step_size=2, gamma=0.5),
        ],
        milestones=[4, 12],
    ),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.3, total_iters=4), m.ExponentialLR(o, gamma=0.93)]
    ),
}
EVERY = {**CHAINABLE, **OTHERS}


def pair_of_optimizers() -> tuple[Any, Any]:
    mine = ours.SGD([Value(0.0)], lr=0.5, momentum=0.9)
    theirs = torch.optim.SGD([torch.zeros(1, dtype=torch.float64)], lr=0.5, momentum=0.9)
    return mine, theirs


def rates(optimizer: Any) -> list[tuple[float, float]]:
    return [(float(g["lr"]), float(g["momentum"])) for g in optimizer.param_groups]


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


def run_both(
    factories: list[Factory], steps: int = 30, set_by_hand: dict[int, float] | None = None
) -> None:
    """Step the schedulers ``factories`` make, on our optimizer and torch's, and compare."""
    mine, theirs = pair_of_optimizers()
    my_schedulers = [make(our_schedulers, mine) for make in factories]
    their_schedulers = [make(torch.optim.lr_scheduler, theirs) for make in factories]
    for step in range(steps):
        got, expected = rates(mine), rates(theirs)
        assert all(close(a, b) and close(m, n) for (a, m), (b, n) in zip(got, expected)), (
            f"step {step}: ours {got}, torch {expected}"
        )
        for s_mine, s_theirs in zip(my_schedulers, their_schedulers):
            assert all(
                close(a, float(b)) for a, b in zip(s_mine.get_last_lr(), s_theirs.get_last_lr())
            ), f"step {step}: get_last_lr differs"
            assert getattr(s_mine, "last_epoch", None) == getattr(s_theirs, "last_epoch", None)
        if set_by_hand and step in set_by_hand:
            mine.param_groups[0]["lr"] = theirs.param_groups[0]["lr"] = set_by_hand[step]
        # (no optimizer.step(): it does not change the schedule, and ours refuses the
        # negative rate that PolynomialLR then CosineAnnealingLR reach, where torch's
        # optimizer would step uphill)
        for s_mine, s_theirs in zip(my_schedulers, their_schedulers):
            s_mine.step()
            s_theirs.step()


@pytest.mark.parametrize("name", list(EVERY))
def test_each_scheduler_alone_matches_torch(name: str) -> None:
    run_both([EVERY[name]])


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(CHAINABLE, 2)))
def test_two_schedulers_on_one_optimizer_compose_as_in_torch(first: str, second: str) -> None:
    run_both([CHAINABLE[first], CHAINABLE[second]])


@pytest.mark.parametrize("name", list(EVERY))
def test_a_rate_set_by_hand_is_respected_as_in_torch(name: str) -> None:
    run_both([EVERY[name]], set_by_hand={7: 10.0, 15: 0.02})


def test_the_issue_examples() -> None:
    """Issue 13: StepLR(o, 2, 0.5) with ExponentialLR(o, 0.9) gives 0.3645 after three
    steps (chained), and a hand-set 10.0 becomes 9.0 at the next ExponentialLR step."""
    opt = ours.SGD([Value(0.0)], lr=1.0)
    step_lr, exponential = (
        our_schedulers.StepLR(opt, 2, 0.5),
        our_schedulers.ExponentialLR(opt, 0.9),
    )
    for _ in range(3):
        opt.step()
        step_lr.step()
        exponential.step()
    assert close(opt.param_groups[0]["lr"], 0.3645)
    opt = ours.SGD([Value(0.0)], lr=1.0)
    exponential = our_schedulers.ExponentialLR(opt, 0.9)
    opt.param_groups[0]["lr"] = 10.0
    opt.step()
    exponential.step()
    assert close(opt.param_groups[0]["lr"], 9.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(mode="max", factor=0.5, patience=2, threshold=0.05, cooldown=2, min_lr=0.01),
        dict(threshold_mode="abs", threshold=0.1, patience=1, eps=0.05),
    ],
)
def test_reduce_lr_on_plateau_matches_torch(kwargs: dict[str, Any]) -> None:
    rng = random.Random(3)
    metrics = [1.0 / (1 + i) + rng.uniform(-0.2, 0.2) for i in range(40)] + [math.nan, 0.1]
    mine, theirs = pair_of_optimizers()
    s_mine = our_schedulers.ReduceLROnPlateau(mine, **kwargs)
    s_theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **kwargs)
    for metric in metrics:
        mine.step()
        theirs.step()
        s_mine.step(metric)
        s_theirs.step(metric)
        assert close(mine.param_groups[0]["lr"], theirs.param_groups[0]["lr"])
        assert s_mine.get_last_lr() == [float(x) for x in s_theirs.get_last_lr()]
        assert s_mine.num_bad_epochs == s_theirs.num_bad_epochs


# -- optimizers --------------------------------------------------------------------------------
OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.03, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("Adam", dict()),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.05, betas=(0.5, 0.99), eps=1e-6, amsgrad=True)),
    ("SGD", dict(lr=0.1, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.03, alpha=0.9, momentum=0.5, weight_decay=0.01, maximize=True)),
    ("RMSprop", dict(alpha=0.5, centered=True, eps=1e-3)),
    ("Adam", dict(lr=0.05, betas=(0.3, 0.9), weight_decay=0.1, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.05, betas=(0.0, 0.0))),
    ("AdamW", dict(lr=0.05, betas=(0.7, 0.99), eps=1e-6, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.2, eps=1e-3, maximize=True)),
]


def trajectories(name: str, kwargs: dict[str, Any], grads: list[list[float]], start: list[float]):  # type: ignore[no-untyped-def]
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
    return [p.data for p in mine], theirs.tolist()


@pytest.mark.parametrize(("name", "kwargs"), OPTIMIZERS)
def test_optimizer_options_match_torch(name: str, kwargs: dict[str, Any]) -> None:
    rng = random.Random(7)
    start = [rng.uniform(-2, 2) for _ in range(6)]
    grads = [[rng.gauss(0, 1) for _ in start] for _ in range(25)]
    got, expected = trajectories(name, kwargs, grads, start)
    assert all(close(a, b, 1e-10) for a, b in zip(got, expected)), (got, expected)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adagrad"])
def test_eps_zero_and_zero_gradient_give_nan_as_in_torch(name: str) -> None:
    """0/0 is nan in torch (IEEE); a step must not raise ZeroDivisionError halfway."""
    got, expected = trajectories(name, dict(eps=0.0), [[0.0, 1.0, 0.0]] * 2, [1.0, 2.0, 3.0])
    assert [math.isnan(x) for x in got] == [math.isnan(x) for x in expected] == [True, False, True]
    assert close(got[1], expected[1], 1e-12)


def test_hyperparameter_checks_are_torchs() -> None:
    """What torch refuses we refuse (each with a ValueError), and what it accepts we accept."""
    p = [Value(0.0)]
    t = [torch.zeros(1, requires_grad=True)]
    cases = [
        ("SGD", dict(lr=-0.1)),
        ("SGD", dict(momentum=-0.5)),
        ("SGD", dict(weight_decay=-1.0)),
        ("SGD", dict(nesterov=True)),
        ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
        ("Adam", dict(eps=-1e-8)),
        ("Adam", dict(betas=(1.0, 0.9))),
        ("Adam", dict(betas=(0.9, -0.1))),
        ("AdamW", dict(weight_decay=-0.01)),
        ("RMSprop", dict(alpha=-0.1)),
        ("RMSprop", dict(momentum=-0.1)),
        ("RMSprop", dict(eps=-1.0)),
        ("Adagrad", dict(lr_decay=-1.0)),
        ("Adagrad", dict(initial_accumulator_value=-1.0)),
        ("Adagrad", dict(eps=-1.0)),
    ]
    for name, kwargs in cases:
        with pytest.raises(ValueError):
            getattr(torch.optim, name)(t, **kwargs)
        with pytest.raises(ValueError):
            getattr(ours, name)(p, **kwargs)
    for name, kwargs in [
        ("SGD", dict(lr=0.0, dampening=-1.0)),
        ("Adam", dict(betas=(0.0, 0.0), eps=0.0)),
        ("RMSprop", dict(alpha=1.5)),
        ("Adagrad", dict(lr=math.inf)),
    ]:
        getattr(torch.optim, name)(t, **kwargs)
        getattr(ours, name)(p, **kwargs)
