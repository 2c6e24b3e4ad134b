"""``fit(..., compile=True)``: the same losses and weights as ``fit`` without it, from traced
programs over floats that make no Value (issue 15)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from counting import values_made

import nn
from autograd import Value
from autograd.trace import TraceError
from nn import MLP, SGD, Adam, LinearLR, fit
from nn.compiled import CompiledStep


def train(compile: bool, **options: Any) -> tuple[list[float], list[float]]:
    model_options = dict(options.pop("model", {}))
    data = options.pop("data")
    X, y = data
    model = MLP(2, model_options.pop("nouts", [16, 16, 1]), seed=0, **model_options)
    make = options.pop("optimizer", lambda ps: SGD(ps, lr=1.0))
    optimizer = make(model.parameters())
    history = fit(model, X, y, optimizer=optimizer, progress=False, compile=compile, **options)
    return history.loss, [p.data for p in model.parameters()]


def moons() -> tuple[list[list[float]], list[int]]:
    X, labels = nn.make_moons(100, noise=0.1, seed=0)
    return X, [2 * t - 1 for t in labels]


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "one node per op"])
def test_micrograds_demo_gives_the_same_numbers_compiled(fused: bool) -> None:
    """micrograd's demo: MLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, SGD with a decaying rate,
    the whole batch: compiled, every loss and every weight equal, to the last bit."""

    def sgd(params: list[Value]) -> Any:
        optimizer = SGD(params, lr=1.0)
        schedules.append(LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=30))
        return optimizer

    results = []
    for compile in (False, True):
        schedules: list[Any] = []
        results.append(
            train(compile, data=moons(), loss="hinge", epochs=30, l2=1e-4, optimizer=sgd,
                  model={"fused": fused}, shuffle=False)
        )  # fmt: skip
    assert results[0] == results[1]


def regression_data() -> tuple[list[list[float]], list[float]]:
    X, labels = nn.make_moons(40, seed=2)
    return X, [float(t) for t in labels]  # mse on 0/1 targets: two values, two paths


def close_lists(a: list[float], b: list[float]) -> bool:
    return all(math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12) for x, y in zip(a, b))


@pytest.mark.parametrize(
    ("loss", "data", "nouts"),
    [
        ("hinge", moons, [8, 1]),
        ("bce_with_logits", lambda: nn.make_moons(60, noise=0.2, seed=1), [8, 1]),
        (
            "mse",
            lambda: (
                nn.make_moons(40, seed=2)[0],
                [float(t) for t in nn.make_moons(40, seed=2)[1]],
            ),
            [6, 1],
        ),
        ("cross_entropy", lambda: nn.make_spirals(60, n_classes=3, seed=0), [8, 3]),
    ],
)
def test_mini_batches_shuffled_with_adam_match_within_1e_12(
    loss: str, data: Any, nouts: list[int]
) -> None:
    """Other losses, whose path depends on the data (bce's softplus branches on the sign
    of the score, cross-entropy takes the largest logit), shuffled mini-batches, Adam."""
    options = dict(
        data=data(), loss=loss, epochs=8, batch_size=16, seed=3, l2=1e-3,
        optimizer=lambda ps: Adam(ps, lr=0.02), model={"nouts": nouts, "fused": True},
    )  # fmt: skip
    plain = train(False, **dict(options))
    compiled = train(True, **dict(options))
    assert close_lists(plain[0], compiled[0]) and close_lists(plain[1], compiled[1])


def test_a_compiled_step_makes_no_value() -> None:
    X, y = moons()
    model = MLP(2, [8, 1], seed=0, fused=True)
    step = CompiledStep(model, nn.losses.resolve_loss("hinge", None)[0], model.parameters(), X)
    batch = list(range(len(X)))
    assert values_made(lambda: step(batch, y, 1e-4)) > 0  # the first call traces: Values
    assert values_made(lambda: [step(batch, y, 1e-4) for _ in range(3)]) == 0


def test_what_compile_cannot_do_is_a_clear_error() -> None:
    X, y = moons()
    with pytest.raises(ValueError, match="compile=True cannot trace Dropout"):
        fit(nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.5), nn.Linear(4, 1)), X, y,
            loss="mse", epochs=1, progress=False, compile=True)  # fmt: skip
    targets = [0.01 * i for i in range(len(X))]  # a regression target: a path per value
    with pytest.raises(TraceError, match="train without compile"):
        fit(MLP(2, [4, 1], seed=0, fused=True), X, targets, loss="mse", epochs=1,
            progress=False, compile=True)  # fmt: skip
