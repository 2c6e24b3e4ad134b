"""micrograd's own demo loop, run on micrograd 0.1.0 and on chainrule with the imports
swapped: the README's claim about reproducing micrograd's numbers (issue 9).

micrograd keeps a node's parents in a set, so the order in which its backward pass adds
up a node's gradient contributions follows memory addresses: two runs of micrograd itself
differ in the last bits of the gradients. Weights and the first forward pass are therefore
compared bit for bit, gradients and later steps to within rounding.
"""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from nn import make_moons

mg_engine = pytest.importorskip("micrograd.engine", reason="micrograd 0.1.0 is a dev dependency")
mg_nn = pytest.importorskip("micrograd.nn")

STEPS = 4


def demo(Value: Any, MLP: Any, **options: Any) -> list[dict[str, Any]]:
    """micrograd's demo.ipynb training loop, verbatim but for the data and the step count."""
    X, labels = make_moons(40, noise=0.1, seed=1)
    y = [2 * t - 1 for t in labels]
    random.seed(1337)
    model = MLP(2, [16, 16, 1], **options)
    steps = []
    for k in range(STEPS):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        model.zero_grad()
        total_loss.backward()
        steps.append(
            {
                "weights": [p.data for p in model.parameters()],
                "scores": [s.data for s in scores],
                "loss": total_loss.data,
                "accuracy": sum(accuracy) / len(accuracy),
                "grads": [p.grad for p in model.parameters()],
            }
        )
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    return steps


def test_micrograds_demo_gives_micrograds_numbers() -> None:
    from autograd import Value
    from nn import MLP

    theirs = demo(mg_engine.Value, mg_nn.MLP)
    ours = demo(Value, MLP)  # only the imports swapped: micrograd's U(-1, 1) by default
    first = ours[0], theirs[0]
    assert first[0]["weights"] == first[1]["weights"]  # the same draws, in the same order
    assert first[0]["scores"] == first[1]["scores"]  # the same forward pass, bit for bit
    assert first[0]["loss"] == first[1]["loss"]
    for mine, reference in zip(ours, theirs):
        assert mine["accuracy"] == reference["accuracy"]
        assert math.isclose(mine["loss"], reference["loss"], rel_tol=1e-13)
        for a, b in zip(mine["weights"] + mine["grads"], reference["weights"] + reference["grads"]):
            assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-15)


def test_he_initialisation_is_micrograds_draws_scaled() -> None:
    """init="auto" (He for ReLU) draws the same numbers from random, scaled by He's bound."""
    from nn import MLP

    random.seed(1337)
    ours = MLP(2, [16, 16, 1], init="auto")
    random.seed(1337)
    theirs = mg_nn.MLP(2, [16, 16, 1])
    first_ours, first_theirs = ours.parameters()[0].data, theirs.parameters()[0].data
    assert first_ours == pytest.approx(first_theirs * math.sqrt(6 / 2))  # He's bound for nin = 2
