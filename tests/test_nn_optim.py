"""Optimizers and schedulers against PyTorch's documented formulas; clipping; bad input.

The reference functions below are the pseudo-code of PyTorch's documentation
(torch.optim.SGD / RMSprop / Adam / AdamW), transcribed line by line in plain floats for
one scalar parameter whose gradients are given in advance.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mpmath import iv

from autograd import Value
from nn import MLP, clip_grad_norm_, clip_grad_value_
from nn.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from nn.optim.lr_scheduler import (
    ConstantLR,
    CosineAnnealingLR,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)


# -- the documented algorithms ---------------------------------------------------------------
def sgd_reference(theta, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):  # type: ignore[no-untyped-def]
    b = 0.0
    for t, g in enumerate(grads, start=1):
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            b = g if t == 1 else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g
    return theta


def rmsprop_reference(
    theta, grads, lr, alpha, eps, weight_decay, momentum, centered, sqrt=math.sqrt
):  # type: ignore[no-untyped-def]
    v = b = g_ave = 0.0
    for g in grads:
        if weight_decay != 0:
            g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g**2
        v_tilde = v
        if centered:
            g_ave = g_ave * alpha + (1 - alpha) * g
            v_tilde = v_tilde - g_ave**2
        if momentum > 0:
            b = momentum * b + g / (sqrt(v_tilde) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (sqrt(v_tilde) + eps)
    return theta


def adam_reference(theta, grads, lr, betas, eps, weight_decay, amsgrad, decoupled):  # type: ignore[no-untyped-def]
    b1, b2 = betas
    m = v = v_max = 0.0
    for t, g in enumerate(grads, start=1):
        if decoupled:  # AdamW
            theta = theta - lr * weight_decay * theta
        elif weight_decay != 0:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        if amsgrad:  # PyTorch >= 2 docs: the max of v, then the bias correction
            v_max = max(v_max, v)
            v_hat = v_max / (1 - b2**t)
        else:
            v_hat = v / (1 - b2**t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    return theta


class Floats:
    """Every value a float computation can have reached, as an mpmath interval.

    IEEE 754 (round to nearest) returns an operation's exact result times (1 + d) with
    |d| <= 2**-53, or, where it underflows, within the smallest subnormal of it; each
    operation on Floats widens its exact (outward-rounded) interval result by both. A
    formula evaluated on Floats so holds every float evaluation of it, products grouped in
    any order, and its width is the formula's own conditioning: tight where it is well
    conditioned, wide where it cancels. No fixed tolerance is both.
    """

    ROUNDING = 1 + iv.mpf([-(2**-53), 2**-53])  # not iv.mpf([1 - u, 1 + u]): 1.0 + u == 1.0
    UNDERFLOW = iv.mpf([-(2**-1074), 2**-1074])

    def __init__(self, exact: object) -> None:
        self.x = iv.mpf(exact.x if isinstance(exact, Floats) else exact)

    def __contains__(self, value: float) -> bool:
        return value in self.x

    def __repr__(self) -> str:
        return f"Floats({self.x})"

    def _round(self, exact: object) -> Floats:
        return Floats(exact * self.ROUNDING + self.UNDERFLOW)

    def __add__(self, other: object) -> Floats:
        return self._round(self.x + Floats(other).x)

    def __sub__(self, other: object) -> Floats:
        return self._round(self.x - Floats(other).x)

    def __rsub__(self, other: object) -> Floats:
        return self._round(Floats(other).x - self.x)

    def __mul__(self, other: object) -> Floats:
        return self._round(self.x * Floats(other).x)

    def __truediv__(self, other: object) -> Floats:
        return self._round(self.x / Floats(other).x)

    def __rtruediv__(self, other: object) -> Floats:
        return self._round(Floats(other).x / self.x)

    def __pow__(self, power: int) -> Floats:
        return self._round(self.x**power)

    __radd__, __rmul__ = __add__, __mul__

    def sqrt(self) -> Floats:
        """The square root of the non-negative part: a float evaluation of an expression
        that is >= 0 in exact arithmetic (v - g_ave^2) may dip below 0, and ours clamps."""
        return self._round(iv.sqrt(iv.mpf([max(self.x.a, 0), max(self.x.b, 0)])))


def run(make: Callable[[list[Value]], Optimizer], theta: float, grads: list[float]) -> float:
    p = Value(theta)
    opt = make([p])
    for g in grads:
        p.grad = g
        opt.step()
    return p.data


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


# -- hand-computed first steps -----------------------------------------------------------------
def test_sgd_momentum_by_hand() -> None:
    # theta=1, g=0.5 then 0.25, lr=0.1, momentum=0.9, dampening=0.5:
    # step 1: b = 0.5, theta = 1 - 0.05 = 0.95
    # step 2: b = 0.9*0.5 + 0.5*0.25 = 0.575, theta = 0.95 - 0.0575 = 0.8925
    got = run(lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.5), 1.0, [0.5, 0.25])
    assert same(got, 0.8925)
    # nesterov, weight_decay=0.1: g1 = 0.5 + 0.1 = 0.6, b = 0.6, step 0.6 + 0.9*0.6 = 1.14
    got = run(lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True), 1.0, [0.5])
    assert same(got, 1.0 - 0.114)


def test_adam_first_step_is_lr_times_sign() -> None:
    # m_hat = g and v_hat = g^2 after one step, so the step is lr * g / (|g| + eps)
    got = run(lambda ps: Adam(ps, lr=0.01), 2.0, [-3.0])
    assert same(got, 2.0 + 0.01 * 3.0 / (3.0 + 1e-8))
    # AdamW first decays: 2 - 0.01 * 0.1 * 2 = 1.998, then the same Adam step
    got = run(lambda ps: AdamW(ps, lr=0.01, weight_decay=0.1), 2.0, [-3.0])
    assert same(got, 1.998 + 0.01 * 3.0 / (3.0 + 1e-8))


def test_rmsprop_first_step_by_hand() -> None:
    # v = 0.01 g^2, so the step is lr * g / (0.1 |g| + eps) = 10 lr sign(g) (nearly)
    got = run(lambda ps: RMSprop(ps, lr=0.01), 1.0, [4.0])
    assert same(got, 1.0 - 0.01 * 4.0 / (0.4 + 1e-8))


def test_defaults_are_pytorchs() -> None:
    p = [Value(0.0)]
    assert SGD(p).defaults == dict(
        lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False
    )
    assert RMSprop(p).defaults == dict(
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
        maximize=False,
    )  # fmt: skip
    assert Adam(p).defaults == dict(
        lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False
    )
    assert AdamW(p).defaults["weight_decay"] == 1e-2
    assert Adagrad(p).defaults == dict(
        lr=1e-2, lr_decay=0.0, eps=1e-10, weight_decay=0.0, initial_accumulator_value=0.0,
        maximize=False,
    )  # fmt: skip


# -- property tests against the references -------------------------------------------------------
grads = st.lists(st.floats(-10, 10, allow_subnormal=False), min_size=1, max_size=8)
theta0 = st.floats(-5, 5)
rate = st.floats(1e-4, 1.0)
fraction = st.floats(0.0, 0.999)
decay = st.sampled_from([0.0, 0.0, 1e-3, 0.1])
SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(
    theta0,
    grads,
    rate,
    st.sampled_from([0.0, 0.5, 0.9]),
    st.sampled_from([0.0, 0.3]),
    decay,
    st.booleans(),
)
def test_sgd_matches_the_documented_algorithm(
    theta, gs, lr, momentum, dampening, wd, nesterov
) -> None:  # type: ignore[no-untyped-def]
    if nesterov and (momentum == 0 or dampening != 0):
        nesterov = False
    kwargs = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=wd, nesterov=nesterov)
    assert same(run(lambda ps: SGD(ps, **kwargs), theta, gs), sgd_reference(theta, gs, **kwargs))


@SETTINGS
@given(
    theta0,
    grads,
    rate,
    fraction,
    st.sampled_from([1e-8, 1e-3]),
    decay,
    st.sampled_from([0.0, 0.9]),
    st.booleans(),
)
# v - g_ave^2 cancels: two correct float evaluations differ by 8.5e-9 relative (issue 16)
@example(0.0, [1.140625], 1.0, 1e-8, 1e-8, 0.0, 0.0, True)
@example(0.0, [1.0, 1.0], 0.0078125, 1e-05, 1e-08, 0.001, 0.0, True)
def test_rmsprop_matches_the_documented_algorithm(
    theta, gs, lr, alpha, eps, wd, momentum, centered
) -> None:  # type: ignore[no-untyped-def]
    kwargs = dict(
        lr=lr, alpha=alpha, eps=eps, weight_decay=wd, momentum=momentum, centered=centered
    )
    got = run(lambda ps: RMSprop(ps, **kwargs), theta, gs)
    # the documented algorithm run in every way floats can round: ours must be one of them
    possible = rmsprop_reference(Floats(theta), map(Floats, gs), **kwargs, sqrt=Floats.sqrt)
    assert got in possible, f"{got!r} is outside {possible}"


@SETTINGS
@given(
    theta0,
    grads,
    rate,
    fraction,
    fraction,
    st.sampled_from([1e-8, 1e-3]),
    decay,
    st.booleans(),
    st.booleans(),
)
def test_adam_and_adamw_match_the_documented_algorithm(
    theta, gs, lr, b1, b2, eps, wd, amsgrad, decoupled
) -> None:  # type: ignore[no-untyped-def]
    cls = AdamW if decoupled else Adam
    kwargs = dict(lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, amsgrad=amsgrad)
    got = run(lambda ps: cls(ps, **kwargs), theta, gs)
    assert same(got, adam_reference(theta, gs, decoupled=decoupled, **kwargs))


def test_param_groups_have_their_own_hyperparameters() -> None:
    a, b = Value(1.0), Value(1.0)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad = b.grad = 1.0
    opt.step()
    assert (a.data, b.data) == (0.9, 0.5)


# -- state dicts -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: RMSprop(ps, centered=True, momentum=0.5),
        lambda ps: Adam(ps, amsgrad=True),
        lambda ps: AdamW(ps),
    ],
)
def test_state_dict_resumes_exactly(make: Callable[[list[Value]], Optimizer]) -> None:
    gs = [0.3, -1.2, 0.7, 2.0, -0.1]
    straight = run(make, 1.0, gs)
    p = Value(1.0)
    first = make([p])
    for g in gs[:2]:
        p.grad = g
        first.step()
    import json

    saved = json.loads(json.dumps(first.state_dict()))  # survives JSON (string keys, lists)
    second = make([p])
    second.load_state_dict(saved)
    for g in gs[2:]:
        p.grad = g
        second.step()
    assert p.data == straight


def test_load_state_dict_checks_sizes() -> None:
    opt = Adam([Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match=r"sizes \[1\], this optimizer's \[2\]"):
        opt.load_state_dict(Adam([Value(1.0)]).state_dict())


# -- bad input ---------------------------------------------------------------------------------
def test_bad_arguments_name_themselves() -> None:
    ps = [Value(1.0)]
    with pytest.raises(ValueError, match=r"SGD: lr must be a number >= 0.0, got -0\.1"):
        SGD(ps, lr=-0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        Adam([])
    with pytest.raises(TypeError, match=r"pass model\.parameters"):
        Adam(MLP(2, [1]))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"params\[1\] is float"):
        SGD([Value(1.0), 2.0], lr=0.1)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="params\\[1\\] appears more than once"):
        SGD([ps[0], ps[0]], lr=0.1)
    with pytest.raises(ValueError, match=r"betas\[1\] must be a number in \[0.0, 1.0\), got 1.0"):
        Adam(ps, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="nesterov=True requires a momentum"):
        SGD(ps, lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="lr must be a number, got str"):
        RMSprop(ps, lr="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"RMSprop: momentum must be a number >= 0\.0, got -1"):
        RMSprop(ps, momentum=-1)
    with pytest.raises(ValueError, match="SGD: lr is too large for a float: 1000"):
        SGD(ps, lr=10**400)
    with pytest.raises(TypeError, match="SGD: lr must be a number, got bool"):
        SGD(ps, lr=True)
    with pytest.raises(TypeError, match="Adam: amsgrad must be True or False, got int"):
        Adam(ps, amsgrad=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="maximize must be True or False"):
        Adagrad(ps, maximize="yes")  # type: ignore[arg-type]


# -- schedulers: closed forms --------------------------------------------------------------------
def lrs(make: Callable[[Optimizer], object], epochs: int, lr: float = 0.5) -> list[float]:
    opt = SGD([Value(0.0)], lr=lr)
    scheduler = make(opt)
    seen = []
    for _ in range(epochs):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()  # type: ignore[attr-defined]
    return seen


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.floats(0.05, 1.0), st.floats(1e-3, 1.0))
def test_step_and_exponential_lr(step_size: int, gamma: float, lr: float) -> None:
    got = lrs(lambda o: StepLR(o, step_size, gamma), 12, lr)
    assert all(same(got[e], lr * gamma ** (e // step_size)) for e in range(12))
    got = lrs(lambda o: ExponentialLR(o, gamma), 12, lr)
    assert all(same(got[e], lr * gamma**e) for e in range(12))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 10), st.floats(0.0, 0.01), st.floats(0.02, 1.0))
def test_cosine_annealing_lr(t_max: int, eta_min: float, lr: float) -> None:
    got = lrs(lambda o: CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min), 2 * t_max + 1, lr)
    assert same(got[0], lr) and same(got[t_max], eta_min)  # from lr down to eta_min ...
    assert same(got[2 * t_max], lr)  # ... and back up (the cosine continues, as in PyTorch)
    for e, value in enumerate(got):
        assert same(value, eta_min + (lr - eta_min) * (1 + math.cos(math.pi * e / t_max)) / 2)


def test_micrograd_schedule_as_linear_and_lambda_lr() -> None:
    expected = [1.0 - 0.9 * k / 100 for k in range(100)]
    linear = lrs(lambda o: LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=100), 100, 1.0)
    as_lambda = lrs(lambda o: LambdaLR(o, lambda k: 1.0 - 0.9 * k / 100), 100, 1.0)
    assert all(same(a, b) for a, b in zip(linear, expected))
    assert as_lambda == expected


def test_scheduler_errors() -> None:
    with pytest.raises(TypeError, match=r"optimizer must be an nn\.optim optimizer"):
        StepLR(object(), 1)  # type: ignore[arg-type]
    opt = SGD([Value(0.0)], lr=1.0)
    with pytest.raises(ValueError, match="StepLR: step_size must be an int >= 1, got 0"):
        StepLR(opt, 0)
    with pytest.raises(
        ValueError, match=r"LinearLR: end_factor must be a number in \[0.0, 1.0\], got 5"
    ):
        LinearLR(opt, end_factor=5)
    with pytest.raises(ValueError, match=r"start_factor must be a number in \(0.0, 1.0\]"):
        LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match=r"ConstantLR: factor must be a number in \(0.0, 1.0\]"):
        ConstantLR(opt, factor=1.5)
    with pytest.raises(
        ValueError, match=r"ReduceLROnPlateau: factor must be a number in \[0.0, 1.0\)"
    ):
        ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        ReduceLROnPlateau(opt, mode="lowest")
    with pytest.raises(
        ValueError, match="OneCycleLR: give total_steps, or epochs and steps_per_epoch"
    ):
        OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="Adagrad has no momentum or beta1 to cycle"):
        CyclicLR(Adagrad([Value(0.0)]), base_lr=0.1, max_lr=1.0)
    with pytest.raises(ValueError, match="belongs to another optimizer"):
        SequentialLR(opt, [StepLR(SGD([Value(0.0)]), 1)], milestones=[])
    with pytest.raises(ValueError, match="expected 1 milestones"):
        SequentialLR(opt, [StepLR(opt, 1), StepLR(opt, 2)], milestones=[])
    with pytest.raises(TypeError, match="metrics must be a number, got str"):
        ReduceLROnPlateau(opt).step("low")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tried to step 3 times; total_steps is 2"):
        one_cycle = OneCycleLR(opt, max_lr=1.0, total_steps=2)
        for _ in range(3):
            one_cycle.step()


# -- clipping ------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=6), st.floats(0.01, 50))
def test_clip_grad_norm(grads_: list[float], max_norm: float) -> None:
    ps = [Value(0.0) for _ in grads_]
    for p, g in zip(ps, grads_):
        p.grad = g
    norm = math.sqrt(sum(g * g for g in grads_))
    assert same(clip_grad_norm_(ps, max_norm), norm)
    after = math.sqrt(sum(p.grad**2 for p in ps))
    coefficient = max_norm / (norm + 1e-6)  # PyTorch's, with its 1e-6
    if coefficient < 1:
        assert after <= max_norm * (1 + 1e-12)
        assert all(same(p.grad, g * coefficient) for p, g in zip(ps, grads_))  # direction kept
    else:
        assert [p.grad for p in ps] == grads_


def test_clip_grad_norm_inf_and_value() -> None:
    ps = [Value(0.0), Value(0.0)]
    ps[0].grad, ps[1].grad = 3.0, -6.0
    assert clip_grad_norm_(ps, 3.0, norm_type=math.inf) == 6.0
    assert same(ps[1].grad, -6.0 * 3.0 / (6.0 + 1e-6))
    clip_grad_value_(ps, 1.0)
    assert [p.grad for p in ps] == [1.0, -1.0]
    ps[0].grad = math.nan
    with pytest.raises(RuntimeError, match="total norm of the gradients is nan"):
        clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)


# -- a step is all or nothing ----------------------------------------------------------------
def snapshot(opt: Optimizer) -> tuple[list[float], str]:
    import json

    params = [p.data for g in opt.param_groups for p in g["params"]]
    return params, json.dumps(opt.state_dict(), sort_keys=True)  # nan-safe equality


@pytest.mark.parametrize("make", [lambda ps: Adam(ps, eps=0.0), lambda ps: RMSprop(ps, eps=0.0)])
def test_eps_zero_with_a_zero_gradient_updates_everything(
    make: Callable[[list[Value]], Optimizer],
) -> None:
    """Issue 10: this raised ZeroDivisionError after some parameters were updated and both
    step counters advanced; torch gives nan (0/0) and steps every parameter."""
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    opt = make([a, b, c])
    a.grad, b.grad, c.grad = 1.0, 0.0, -1.0
    opt.step()
    assert math.isnan(b.data) and a.data < 1.0 and c.data > 3.0
    assert [opt.state[p]["step"] for p in (a, b, c)] == [1.0, 1.0, 1.0]


def test_a_step_that_fails_changes_nothing() -> None:
    ps = [Value(float(i)) for i in range(4)]
    opt = Adam([{"params": ps[:2]}, {"params": ps[2:]}], lr=0.1)
    for p in ps:
        p.grad = 1.0
    opt.step()
    opt.param_groups[1]["lr"] = -1.0  # set by hand, after the first group is fine
    before = snapshot(opt)
    with pytest.raises(ValueError, match=r"Adam: param_groups\[1\]: lr must be a number >= 0.0"):
        opt.step()
    assert snapshot(opt) == before


def test_an_interrupted_step_is_applied_whole_or_not_at_all() -> None:
    """A real SIGINT at random moments during steps of 20,000 parameters: afterwards every
    parameter has taken the same number of steps and holds the value that number gives."""
    import random

    from interrupting import call_with_ctrl_c

    n = 20_000
    rng = random.Random(0)
    outcomes = set()
    for trial in range(30):
        ps = [Value(1.0) for _ in range(n)]
        opt = Adam(ps, lr=0.1)
        for p in ps:
            p.grad = 1.0
        opt.step()
        after_one = ps[0].data

        def steps(opt: Adam = opt) -> None:
            for _ in range(1000):
                opt.step()

        call_with_ctrl_c(rng.uniform(0.0, 0.2), steps)
        steps = {opt.state[p]["step"] for p in ps}
        values = {p.data for p in ps}
        assert len(steps) == 1 and len(values) == 1, f"trial {trial}: a step was half-applied"
        twin = Value(1.0)
        twin_opt = Adam([twin], lr=0.1)
        for _ in range(int(steps.pop())):
            twin.grad = 1.0
            twin_opt.step()
        assert values.pop() == twin.data
        outcomes.add(ps[0].data == after_one)
    assert outcomes == {False, True}  # interrupts landed in the first step and after it


HOSTILE_STATES = [
    ({"0": {"step": -1.0, "exp_avg": 0.0, "exp_avg_sq": 0.0}}, "'step' must be a whole number"),
    ({"0": {"step": 1.5, "exp_avg": 0.0, "exp_avg_sq": 0.0}}, "'step' must be a whole number"),
    ({"0": {"step": 1.0, "exp_avg": 0.0, "exp_avg_sq": -1.0}}, "a sum of squares"),
    ({"0": {"step": 1.0, "momentum": 0.0}}, "keeps no buffer 'momentum'"),
    ({"0": {"step": "1"}}, "must be a number, got str"),
    ({"5": {"step": 1.0}}, "state key 5 is out of range"),
    ({"x": {"step": 1.0}}, "is not a parameter index"),
    ({"0": [1.0]}, "must be a dict of buffers"),
]


@pytest.mark.parametrize(("state", "message"), HOSTILE_STATES)
def test_hostile_state_is_refused_at_load(state: dict[str, object], message: str) -> None:
    ps = [Value(1.0), Value(2.0)]
    opt = Adam(ps)
    for p in ps:
        p.grad = 0.5
    opt.step()
    saved = opt.state_dict()
    before = snapshot(opt)
    with pytest.raises((TypeError, ValueError), match=message):
        opt.load_state_dict({"state": state, "param_groups": saved["param_groups"]})
    assert snapshot(opt) == before


def test_hostile_groups_are_refused_at_load() -> None:
    opt = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    good = opt.state_dict()
    for group, message in [
        ({"lr": -1}, "lr must be a number >= 0.0"),
        ({"lr": 10**400}, "too large for a float"),
        ({"nesterov": "no"}, "nesterov must be True or False"),
        ({"params": [1]}, "must list parameters 0..0"),
        ({"initial_lr": "x"}, "initial_lr must be a number"),
    ]:
        bad = {"state": {}, "param_groups": [{**good["param_groups"][0], **group}]}
        with pytest.raises(ValueError, match=message):
            opt.load_state_dict(bad)
        assert opt.param_groups[0]["lr"] == 0.1
    with pytest.raises(ValueError, match="not a state dict"):
        opt.load_state_dict({"state": {}})


def test_nan_state_loads_back() -> None:
    """A nan gradient leaves nan buffers; saving and loading them must work."""
    import json

    p = Value(1.0)
    opt = Adam([p])
    p.grad = math.nan
    opt.step()
    text = json.dumps(opt.state_dict())  # Python writes NaN (checkpoints write strict JSON)
    again = Adam([Value(1.0)])
    again.load_state_dict(json.loads(text))
    assert math.isnan(again.state_dict()["state"][0]["exp_avg"])


def test_adagrad_and_maximize_by_hand() -> None:
    # Adagrad: s = 0.1 + 4 = 4.1, p = 1 - 0.5 * 2 / (sqrt(4.1) + 1e-10)
    got = run(lambda ps: Adagrad(ps, lr=0.5, initial_accumulator_value=0.1), 1.0, [2.0])
    assert same(got, 1.0 - 0.5 * 2.0 / (math.sqrt(4.1) + 1e-10))
    # the second step's rate is lr / (1 + lr_decay)
    got = run(lambda ps: Adagrad(ps, lr=0.5, lr_decay=1.0), 1.0, [2.0, 2.0])
    first = 1.0 - 0.5 * 2.0 / (2.0 + 1e-10)
    assert same(got, first - 0.25 * 2.0 / (math.sqrt(8.0) + 1e-10))
    # maximize: ascend, i.e. descend on -g
    for make in (SGD, Adam, AdamW, RMSprop, Adagrad):
        up = run(lambda ps, make=make: make(ps, lr=0.1, maximize=True), 1.0, [0.5, 0.25])  # type: ignore[misc]
        down = run(lambda ps, make=make: make(ps, lr=0.1), 1.0, [-0.5, -0.25])  # type: ignore[misc]
        assert up == down


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e308, 1e308, allow_nan=False), min_size=1, max_size=6),
    st.sampled_from([1.0, 2.0, 3.0, 0.5, math.inf]),
)
def test_clip_grad_norm_of_exploding_gradients_is_exact(
    grads_: list[float], norm_type: float
) -> None:
    """Issue 10: gradients of 1e200 raised OverflowError (g ** 2); the norm is now computed
    without overflow and checked against mpmath at 50 digits."""
    import mpmath

    ps = [Value(0.0) for _ in grads_]
    for p, g in zip(ps, grads_):
        p.grad = g
    with mpmath.workdps(50):
        if norm_type == math.inf:
            exact = max(abs(mpmath.mpf(g)) for g in grads_)
        else:
            exact = mpmath.fsum(abs(mpmath.mpf(g)) ** norm_type for g in grads_) ** (1 / norm_type)
        expected = float(exact) if exact < mpmath.mpf(2) ** 1024 else math.inf
    total = clip_grad_norm_(ps, 1.0, norm_type=norm_type)
    assert math.isclose(total, expected, rel_tol=1e-13)
    if math.isfinite(total) and total > 1.0:  # clipped: the direction is kept
        assert all(
            math.isclose(p.grad, g / (total + 1e-6), rel_tol=1e-12) for p, g in zip(ps, grads_)
        )
