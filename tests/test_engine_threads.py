"""Grad modes are per thread, as in PyTorch, and ``grad()`` is safe on shared parameters.

Before: while one thread was inside ``no_grad()``, graphs built in other threads recorded
nothing and gave zero gradients; two threads leaving ``no_grad()`` out of order left
recording off for the whole process; concurrent ``grad()`` calls on a shared parameter gave
wrong results and changed ``w.grad``. Each test here failed on that engine.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import pytest

from autograd import (
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)

TIMEOUT = 60  # seconds a thread may wait for another: generous, only a hang fails


def run_threads(*targets: Callable[[], Any]) -> list[Any]:
    """Run each target in its own thread; return their results; re-raise their errors."""
    results: list[Any] = [None] * len(targets)
    errors: list[BaseException] = []

    def run(i: int, target: Callable[[], Any]) -> None:
        try:
            results[i] = target()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a thread hung"
    if errors:
        raise errors[0]
    return results


def test_no_grad_in_one_thread_leaves_another_threads_graph_alone() -> None:
    inside, built = threading.Event(), threading.Event()

    def evaluating() -> bool:
        with no_grad():
            inside.set()
            assert built.wait(TIMEOUT)
            return (Value(2.0) * 3).parents == ()  # this thread records nothing

    def training() -> tuple[float, bool]:
        assert inside.wait(TIMEOUT)
        w = Value(2.0)
        y = w * w * 3
        built.set()
        y.backward()
        return w.grad, is_grad_enabled()

    no_graph, (gradient, enabled) = run_threads(evaluating, training)
    assert no_graph and gradient == 12.0 and enabled


def test_leaving_no_grad_out_of_order_restores_every_thread() -> None:
    """A enters, B enters, A leaves, B leaves: both, and the main thread, record again."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a() -> bool:
        with no_grad():
            a_in.set()
            assert b_in.wait(TIMEOUT)
        a_out.set()
        return is_grad_enabled() and bool((Value(1.0) * 2).parents)

    def b() -> bool:
        assert a_in.wait(TIMEOUT)
        with no_grad():
            b_in.set()
            assert a_out.wait(TIMEOUT)
        return is_grad_enabled()

    assert run_threads(a, b) == [True, True]
    assert is_grad_enabled() and (Value(1.0) * 2).parents


def test_detect_anomaly_is_per_thread_too() -> None:
    inside, checked = threading.Event(), threading.Event()

    def anomalous() -> bool:
        with detect_anomaly():
            inside.set()
            assert checked.wait(TIMEOUT)
            with pytest.raises(FloatingPointError):
                Value(1e308) * 10
            return is_anomaly_enabled()

    def normal() -> float:
        assert inside.wait(TIMEOUT)
        try:
            return (Value(1e308) * 10).data  # IEEE inf, no error in this thread
        finally:
            checked.set()

    assert run_threads(anomalous, normal) == [True, float("inf")]


def test_the_mode_context_managers_nest_and_restore() -> None:
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled() and (Value(1.0) * 2).parents
        assert not is_grad_enabled()
        with inference_mode(False):
            assert not is_grad_enabled()  # inference_mode(False) changes nothing
    with inference_mode():
        assert not is_grad_enabled()
    set_grad_enabled(False)  # a plain call sets the mode at once, as in torch
    try:
        assert not is_grad_enabled()
    finally:
        set_grad_enabled(True)
    with set_grad_enabled(False):
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_the_modes_as_decorators() -> None:
    @no_grad
    def bare() -> bool:
        return is_grad_enabled()

    @no_grad()
    def called() -> bool:
        return is_grad_enabled()

    @set_grad_enabled(False)
    def off() -> bool:
        return is_grad_enabled()

    assert is_grad_enabled()  # decorating changed nothing yet
    assert (bare(), called(), off()) == (False, False, False)
    assert is_grad_enabled()
    assert run_threads(bare, called, off) == [False, False, False]  # one decorator, many threads


def test_concurrent_grad_calls_on_a_shared_parameter() -> None:
    """Many threads take gradients through one shared weight: every result is right, and
    ``w.grad`` (set by an earlier backward) never changes."""
    w = Value(0.5)
    w.grad = 7.0

    def worker(k: int) -> list[bool]:
        ok = []
        for i in range(300):
            x = Value(0.1 * k + 0.01 * i)
            y = (w * x).tanh() * w  # dy/dw = tanh(wx) + w x (1 - tanh^2(wx))
            (g,) = grad(y, w)
            tw = math.tanh(w.data * x.data)
            ok.append(abs(g - (tw + w.data * x.data * (1 - tw * tw))) < 1e-12)
        return ok

    results = run_threads(*[lambda k=k: worker(k) for k in range(4)])
    assert all(all(r) for r in results)
    assert w.grad == 7.0
