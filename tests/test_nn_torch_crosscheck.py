"""Cross-check against real PyTorch (torch 2.13, float64), where it is installed. It is no
dependency of chainrule, so in a plain ``make test`` this module is skipped; to run it:
``.venv/bin/pip install torch==2.13.0`` and ``.venv/bin/python -m pytest
tests/test_nn_torch_crosscheck.py``."""

from __future__ import annotations

import math
import random
import re
from collections import OrderedDict
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
from nn.elements import leaves
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


# -- the module tree, hooks and to_torch -----------------------------------------------------
def twin_models() -> tuple[Any, Any]:
    """The same structure in chainrule and in torch: names, nesting and a shared module."""
    import nn as cr

    shared_mine, shared_theirs = cr.Tanh(), torch.nn.Tanh()
    mine = cr.Sequential(
        OrderedDict(
            fc=cr.Linear(3, 4, seed=0),
            act=shared_mine,
            block=cr.Sequential(cr.Linear(4, 4, seed=1), shared_mine, cr.Identity()),
            heads=cr.ModuleList([cr.Linear(4, 2, seed=2), cr.Linear(4, 1, bias=False, seed=3)]),
        )
    )
    theirs = torch.nn.Sequential(
        OrderedDict(
            fc=torch.nn.Linear(3, 4),
            act=shared_theirs,
            block=torch.nn.Sequential(torch.nn.Linear(4, 4), shared_theirs, torch.nn.Identity()),
            heads=torch.nn.ModuleList([torch.nn.Linear(4, 2), torch.nn.Linear(4, 1, bias=False)]),
        )
    )
    return mine, theirs


def test_tree_methods_match_pytorch() -> None:
    mine, theirs = twin_models()
    for method, kwargs in [
        ("named_modules", {}),
        ("named_modules", {"remove_duplicate": False}),
        ("named_modules", {"prefix": "model"}),
        ("named_children", {}),
    ]:
        ours = [(n, type(m).__name__) for n, m in getattr(mine, method)(**kwargs)]
        reference = [(n, type(m).__name__) for n, m in getattr(theirs, method)(**kwargs)]
        assert ours == reference, method
    assert [type(m).__name__ for m in mine.children()] == [
        type(m).__name__ for m in theirs.children()
    ]
    order_mine: list[str] = []
    order_theirs: list[str] = []
    mine.apply(lambda m: order_mine.append(type(m).__name__))
    theirs.apply(lambda m: order_theirs.append(type(m).__name__))
    assert order_mine == order_theirs
    for target in ["", "fc", "block.1", "heads.1"]:
        assert (
            type(mine.get_submodule(target)).__name__ == type(theirs.get_submodule(target)).__name__
        )
    # parameter names: torch's tensor "fc.weight" is our scalars "fc.weight.j.i"
    ours = {re.sub(r"(\.\d+)+$", "", n) for n in mine.state_dict()}
    assert ours == set(theirs.state_dict())
    assert len(mine.parameters()) == sum(p.numel() for p in theirs.parameters())


def test_forward_hooks_fire_as_in_pytorch() -> None:
    mine, theirs = twin_models()
    del mine.heads, theirs.heads  # a ModuleList has no forward of its own
    logs: list[list[str]] = [[], []]
    for log, model in zip(logs, (mine, theirs)):
        for name, module in model.named_modules():
            module.register_forward_pre_hook(
                lambda m, args, name=name, log=log: log.append(f"pre {name}")
            )
            module.register_forward_hook(
                lambda m, args, out, name=name, log=log: log.append(f"post {name}")
            )
            module.register_forward_hook(
                lambda m, args, out, name=name, log=log: log.append(f"first {name}"), prepend=True
            )
    mine([0.1, 0.2, 0.3])
    theirs(torch.tensor([0.1, 0.2, 0.3]))
    assert logs[0] == logs[1]


def to_torch_cases() -> list[Any]:
    import nn as cr

    return [
        cr.MLP(2, [16, 16, 1], seed=0),
        cr.MLP(3, [4, 5, 2], activation="tanh", seed=1, fused=True),
        cr.MLP(2, [3, 1], activation="leaky_relu", seed=2),
        cr.MLP(2, [3, 1], activation="sigmoid", seed=3),
        cr.Layer(3, 4, seed=4),
        cr.Layer(3, 1, nonlin=False, seed=5),
        cr.Neuron(3, activation="tanh", seed=6),
        cr.Linear(3, 2, seed=7),
        cr.Linear(3, 2, bias=False, seed=8),
        cr.Sequential(
            OrderedDict(
                fc=cr.Linear(3, 5, seed=9),
                act=cr.LeakyReLU(0.2),
                drop=cr.Dropout(0.5),
                out=cr.Layer(5, 2, activation="sigmoid", seed=10),
                same=cr.Identity(),
            )
        ),
        cr.Sequential(cr.Linear(3, 3, seed=11), cr.Tanh(), cr.Sigmoid(), cr.ReLU()),
    ]


@pytest.mark.parametrize("index", range(11))
def test_to_torch_gives_the_same_outputs_and_gradients(index: int) -> None:
    import nn as cr

    model = to_torch_cases()[index].eval()
    converted = cr.to_torch(model)
    assert isinstance(converted, torch.nn.Module) and not converted.training
    assert all(p.dtype == torch.float64 for p in converted.parameters())
    assert sum(p.numel() for p in converted.parameters()) == len(model.parameters())
    nin = (
        model.nin
        if hasattr(model, "nin")
        else model[0].in_features
        if isinstance(model, cr.Sequential)
        else model.in_features
    )
    rng = random.Random(index)
    X = [[rng.uniform(-3, 3) for _ in range(nin)] for _ in range(5)]
    ours = [leaves(model(x)) for x in X]
    out = converted(torch.tensor(X, dtype=torch.float64))
    assert out.shape[0] == 5
    for row, reference in zip(ours, out.reshape(5, -1).tolist()):
        for value, expected in zip(row, reference, strict=True):
            assert math.isclose(value.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    # the same gradients too: d(sum of outputs)/d(every weight)
    model.zero_grad()
    total = sum(v for row in ours for v in row)
    total.backward()
    out.sum().backward()
    ours_grads = sorted(p.grad for p in model.parameters())
    theirs_grads = sorted(g for p in converted.parameters() for g in p.grad.flatten().tolist())
    for a, b in zip(ours_grads, theirs_grads, strict=True):
        assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-12)


def test_to_torch_copies_names_and_weights_and_is_independent() -> None:
    import nn as cr

    model = cr.Sequential(OrderedDict(hidden=cr.Layer(2, 3, seed=0), out=cr.Linear(3, 1, seed=1)))
    converted = cr.to_torch(model)
    assert [n for n, _ in converted.named_children()] == ["hidden", "out"]
    assert converted.hidden[0].weight[2, 1].item() == model.hidden.neurons[2].w[1].data
    assert converted.out.bias[0].item() == model.out.bias[0].data
    with torch.no_grad():
        converted.out.bias[0] = 5.0
    assert model.out.bias[0].data != 5.0
    mlp = cr.to_torch(cr.MLP(2, [4, 1], seed=0))
    assert [type(m).__name__ for m in mlp] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(TypeError, match=r"to_torch: no torch\.nn equivalent for Custom"):

        class Custom(cr.Module):
            def forward(self, x: Any) -> Any:
                return x

        cr.to_torch(Custom())
